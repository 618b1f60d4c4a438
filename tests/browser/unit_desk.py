"""What the innovation unit's journey needs besides the pages: a look at each page in both
languages, the links of an invitation email, and the wait for an activity to start.

`look` runs axe-core on the page as it is and keeps a screenshot, then opens the same address
through the language switch in the other language (axe and a screenshot again) and comes back:
the unit's pages are checked in Greek and in English on the way through the journey.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from services.gateway.i18n import LANGUAGE_NAMES, translate
from services.runtime.invitation_links import read_invitation_answer
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser.people import Language, read_in
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility
from tests.support.mailbox import emails_to, links_in
from tests.support.polling import eventually

LANGUAGES: tuple[Language, ...] = ("el", "en")


def address_of(page: Page) -> str:
    """The page's path and query, as the language switch takes it back."""
    parts = urlsplit(page.url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def checked(page: Page, screenshots: Screenshots, label: str) -> None:
    """One heading, the language switch naming each language in itself, a screenshot, and no
    WCAG 2.1 A/AA violation, in the page's language."""
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    switch = page.get_by_role("navigation", name=words_of_page(page, "Language and account"))
    for code, name in LANGUAGE_NAMES.items():
        expect(switch.locator(f'[lang="{code}"]')).to_have_text(name)
    language = page.locator("html").get_attribute("lang")
    screenshots.take(page, f"{language}-{label}")
    check_accessibility(page)


def words_of_page(page: Page, msgid: str) -> str:
    """An English text of the pages in the language the page is in."""
    return translate("en" if page.locator("html").get_attribute("lang") == "en" else "el", msgid)


def look(page: Page, screenshots: Screenshots, label: str, *, both: bool = False) -> None:
    """`checked` in the page's language and, with `both`, in the other one too, coming back."""
    checked(page, screenshots, label)
    if not both:
        return
    language = page.locator("html").get_attribute("lang")
    address = address_of(page)
    for other in LANGUAGES:
        if other != language:
            read_in(page, other, address)
            checked(page, screenshots, label)
    read_in(page, language if language in LANGUAGES else "el", address)


def answer_of(link: str) -> str:
    """ "accepted" or "declined": what an invitation link answers, as the gateway reads it."""
    token = parse_qs(urlsplit(link).query)["token"][0]
    return read_invitation_answer(DEVELOPMENT_JWT_SECRET, token)[2]


def invitation_links(
    stack: GatewayStack, *, to: str, since: int, timeout: float = 30
) -> dict[str, str]:
    """The Accept and Decline links (by answer) of the newest invitation email to `to`."""

    def newest() -> dict[str, str]:
        for received in reversed(emails_to(stack.smtp, to, since)):
            found = [
                link for link in links_in(received.part("plain")) if "/invitations/answer" in link
            ]
            if found:
                return {answer_of(link): link for link in found}
        raise AssertionError(f"no invitation email to {to} yet")

    return eventually(newest, timeout=timeout, interval=0.2)


def wait_until(moment: datetime) -> None:
    """Sleep until `moment` has passed (a second more, for the service's clock)."""
    left = (moment - datetime.now(UTC)).total_seconds()
    if left > 0:
        time.sleep(left + 1)
