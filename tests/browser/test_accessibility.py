"""Every page, in Greek and in English, signed out and signed in: no WCAG 2.1 A/AA violation.

axe-core runs on each page as Chromium rendered it (the GOV.GR stylesheet applied, so colour
contrast is judged too), and on the pages' error states, where an error summary and the
fields' messages are shown. A screenshot of each is kept for people to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import bodies
from tests.browser.conftest import NewContext, SignedInState
from tests.browser.hands import Keyboard, Mouse
from tests.browser.journey import Journey
from tests.browser.people import Language, read_in, sign_in, words
from tests.browser.stack import GatewayStack
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
    # Through the language switch, which sends the reader on to the page: one load less.
    response = page.goto(f"/language/{language}?next={quote(path, safe='/')}")
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
    screenshots.take(page)
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


# Signed in: a representative of a body waiting for its designation, of an active body, and
# an applicant part-way through the form. Reading pages changes nothing, so one sign-in each.


@dataclass(frozen=True)
class SignedIn:
    """A saved sign-in, and the ids its pages' paths name."""

    state: SignedInState
    ids: dict[str, str]


@pytest.fixture(scope="module")
def representative_of_a_waiting_body(
    stack: GatewayStack, saved_sign_in: Callable[..., SignedInState]
) -> SignedIn:
    body = bodies.register_body(stack, name="Δήμος Αναμονής", with_alternate=True)
    ids = {"registration_id": body.registration_id, "main_id": body.main_id}
    return SignedIn(saved_sign_in(body.main_email), ids)


@pytest.fixture(scope="module")
def representative_of_an_active_body(
    stack: GatewayStack, saved_sign_in: Callable[..., SignedInState]
) -> SignedIn:
    body = bodies.active_body(stack, name="Περιφέρεια Ενεργή")
    ids = {"registration_id": body.registration_id, "main_id": body.main_id}
    return SignedIn(saved_sign_in(body.main_email), ids)


@pytest.fixture(scope="module")
def applicant_with_a_draft(
    browser: Browser,
    stack: GatewayStack,
    screenshot_folder: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> SignedIn:
    """Signed in to register, every page of the form answered, not sent."""
    context = browser.new_context(base_url=stack.public_url)
    page = context.new_page()
    shots = Screenshots.for_test(screenshot_folder, "applicant-draft")
    journey = Journey(page, Mouse(page), stack, shots, "el", tmp_path_factory.mktemp("draft"))
    journey.sign_in_to_register()
    journey.fill_the_form()
    journey.expect_heading("Check your answers before sending the form")
    state: SignedInState = context.storage_state()  # type: ignore[assignment]
    context.close()
    return SignedIn(state, {})


@pytest.fixture(scope="module")
def applicant_with_errors(browser: Browser, stack: GatewayStack) -> SignedIn:
    """Signed in to register, the body's page sent empty: its required fields are missing."""
    context = browser.new_context(base_url=stack.public_url)
    page = context.new_page()
    sign_in(page, stack, bodies.new_email("hasty"), purpose="register")
    page.goto("/register/role")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name=words("el", "Continue")).click()
    page.get_by_role("button", name=words("el", "Continue")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    state: SignedInState = context.storage_state()  # type: ignore[assignment]
    context.close()
    return SignedIn(state, {})


WAITING_BODY_PAGES = [
    "/",
    "/register",
    "/my-body",
    "/registrations/{registration_id}/designation",
    "/register/done/{registration_id}",
]
ACTIVE_BODY_PAGES = ["/my-body", "/registrations/{registration_id}/designation"]
APPLICANT_PAGES = [
    "/register",
    "/register/role",
    "/register/body",
    "/register/main",
    "/register/alternate",
    "/register/alternate/details",
    "/register/check",
]
ERROR_PAGES = ["/register/body", "/register/check"]


def signed_in_page(
    new_context: NewContext, who: SignedIn, language: Language, path: str, status: int = 200
) -> Page:
    """The page at `path` (its ids filled in) as `who` sees it, in `language`."""
    page = new_context(storage_state=who.state).new_page()
    open_page(page, language, path.format(**who.ids), status)
    expect(page.get_by_role("button", name=words(language, "Sign out"))).to_be_visible()
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", WAITING_BODY_PAGES)
def test_a_page_of_a_body_waiting_for_its_designation_has_no_wcag_violation(
    new_context: NewContext,
    representative_of_a_waiting_body: SignedIn,
    screenshots: Screenshots,
    language: Language,
    path: str,
) -> None:
    page = signed_in_page(new_context, representative_of_a_waiting_body, language, path)
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ACTIVE_BODY_PAGES)
def test_a_page_of_an_active_body_has_no_wcag_violation(
    new_context: NewContext,
    representative_of_an_active_body: SignedIn,
    screenshots: Screenshots,
    language: Language,
    path: str,
) -> None:
    page = signed_in_page(new_context, representative_of_an_active_body, language, path)
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", APPLICANT_PAGES)
def test_a_page_of_the_registration_form_has_no_wcag_violation(
    new_context: NewContext,
    applicant_with_a_draft: SignedIn,
    screenshots: Screenshots,
    language: Language,
    path: str,
) -> None:
    page = signed_in_page(new_context, applicant_with_a_draft, language, path)
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_refusing_an_applicant_a_bodys_page_has_no_wcag_violation(
    new_context: NewContext,
    applicant_with_a_draft: SignedIn,
    screenshots: Screenshots,
    language: Language,
) -> None:
    page = signed_in_page(new_context, applicant_with_a_draft, language, "/my-body", 403)
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ERROR_PAGES)
def test_a_page_of_the_registration_form_showing_errors_has_no_wcag_violation(
    new_context: NewContext,
    applicant_with_errors: SignedIn,
    screenshots: Screenshots,
    language: Language,
    path: str,
) -> None:
    page = signed_in_page(new_context, applicant_with_errors, language, path)
    expect(page.get_by_role("alert")).to_contain_text(words(language, "There is a problem"))
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_upload_page_showing_its_errors_has_no_wcag_violation(
    new_context: NewContext,
    representative_of_a_waiting_body: SignedIn,
    screenshots: Screenshots,
    language: Language,
) -> None:
    path = "/registrations/{registration_id}/designation"
    page = signed_in_page(new_context, representative_of_a_waiting_body, language, path)
    page.get_by_role("button", name=words(language, "Send the designation")).click()
    expect(page.get_by_role("alert")).to_contain_text(words(language, "There is a problem"))
    screenshots.take(page, f"{language}-upload-errors")
    check_accessibility(page)


def test_the_keyboard_fails_on_a_control_that_hides_its_focus(page: Page) -> None:
    """The keyboard journey's focus check can fail: a field whose focus looks like nothing."""
    page.set_content(
        '<html lang="en"><head><title>t</title><style>'
        "input { border: 1px solid #000; outline: none; }"
        ".ringed:focus { outline: 3px solid #fd0; }"
        '</style></head><body><label for="shown">Shown</label><input id="shown" class="ringed">'
        '<label for="hidden">Hidden</label><input id="hidden" class="plain"></body></html>'
    )
    keyboard = Keyboard(page)
    keyboard.tab_to(page.get_by_label("Shown"))
    with pytest.raises(AssertionError, match="shows no sign of the focus"):
        keyboard.tab_to(page.get_by_label("Hidden"))
