"""The newsletter's public pages in Chromium: the subscribe box on the network's page by
keyboard alone, the unsubscribe page and the archive, with no WCAG 2.1 A/AA violation.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from services.runtime import newsletter_links
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser.hands import Keyboard
from tests.browser.people import Language, exactly, read_in, words
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility

LANGUAGES: tuple[Language, ...] = ("el", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keyboard_subscribes_from_the_network_page(
    stack: GatewayStack, page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/")
    keyboard = Keyboard(page)
    box = page.locator("#newsletter")
    keyboard.fill(box.get_by_label(words(language, "Organisation email")), "someone@gmail.com")
    keyboard.choose(box.get_by_label(words(language, "English"), exact=True))
    keyboard.press(box.get_by_role("button", name=exactly(words(language, "Subscribe"))))
    # Free webmail: the summary links to the field, which keeps what was typed.
    summary = page.locator(".govgr-error-summary")
    expect(summary).to_be_visible()
    screenshots.take(page, f"{language}-refused")
    check_accessibility(page)
    keyboard.press(summary.get_by_role("link"))
    field = page.get_by_label(words(language, "Organisation email"))
    expect(field).to_be_focused()
    keyboard.fill(field, f"reader-{uuid.uuid4().hex[:8]}@dimos-test.gov.gr")
    keyboard.press(page.get_by_role("button", name=exactly(words(language, "Subscribe"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Check your email"))
    screenshots.take(page, f"{language}-check-email")
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_subscribe_and_unsubscribe_pages_have_no_wcag_violation(
    stack: GatewayStack, page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/newsletter")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    screenshots.take(page, f"{language}-subscribe")
    check_accessibility(page)
    token = newsletter_links.subscriber_token(
        DEVELOPMENT_JWT_SECRET, uuid.uuid4(), newsletter_links.TokenPurpose.UNSUBSCRIBE
    )
    page.goto(f"/newsletter/unsubscribe/{quote(token)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Unsubscribe from the newsletter")
    )
    screenshots.take(page, f"{language}-unsubscribe")
    check_accessibility(page)
    Keyboard(page).press(page.get_by_role("button", name=exactly(words(language, "Unsubscribe"))))
    # An address the service never had: the link is refused with a way to subscribe again.
    expect(
        page.get_by_role("link", name=words(language, "Subscribe to our newsletter")).last
    ).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_archive_has_no_wcag_violation_and_names_its_feed(
    stack: GatewayStack, page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/newsletter/archive")
    expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).to_have_count(1)
    screenshots.take(page, f"{language}-archive")
    check_accessibility(page)
