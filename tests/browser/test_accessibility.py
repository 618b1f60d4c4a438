"""Every page, in Greek and in English, signed out and signed in: no WCAG 2.1 A/AA violation.

axe-core runs on each page as Chromium rendered it (the GOV.GR stylesheet applied, so colour
contrast is judged too), and on the pages' error states, where an error summary and the
fields' messages are shown. A screenshot of each is kept for people to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import Language, read_in, words
from tests.support.browser import Screenshots, check_accessibility

LANGUAGES: tuple[Language, ...] = ("el", "en")

SIGNED_OUT_PAGES = [
    ("/", 200),
    ("/sign-in", 200),
    ("/sign-in?purpose=register", 200),
    ("/sign-in/sent", 200),
    ("/sign-in/link?token=from-an-email", 200),
    ("/signed-out", 200),
    ("/accessibility", 200),
    ("/privacy", 200),
    ("/no-such-page", 404),
]
"""What anyone can open, with the status each answers (a missing page is the 404 page)."""


def open_page(page: Page, language: Language, path: str, status: int) -> None:
    """Open `path` in `language`; it answers `status` and is a page in that language."""
    read_in(page, language)
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("path", "status"), SIGNED_OUT_PAGES)
def test_a_page_anyone_can_open_has_no_wcag_violation(
    page: Page, screenshots: Screenshots, language: Language, path: str, status: int
) -> None:
    open_page(page, language, path, status)
    screenshots.take(page, f"{language}-{path}")
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_showing_its_error_has_no_wcag_violation(
    page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/sign-in")
    page.get_by_role("button", name=words(language, "Send me a sign-in link")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(words(language, "There is a problem"))
    screenshots.take(page, f"{language}-sign-in-error")
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_of_a_used_sign_in_link_has_no_wcag_violation(
    page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/sign-in/link?token=not-a-token-anyone-was-sent")
    page.get_by_role("button", name=words(language, "Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "This sign-in link cannot be used")
    )
    screenshots.take(page, f"{language}-sign-in-refused")
    check_accessibility(page)


def test_the_accessibility_check_fails_on_a_page_with_a_violation(page: Page) -> None:
    """The check itself can fail: an image without a text alternative is a WCAG 2.1 A failure."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
