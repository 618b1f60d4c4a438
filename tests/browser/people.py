"""What a person does in the browser: read the pages in a language, sign in by emailed link.

Pages are found by what they say, in the reader's language: `words(language, msgid)` is the
gateway's own translation of an English text, so a test reads Greek pages in Greek.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import quote

from playwright.sync_api import Page, expect

from services.gateway.i18n import translate
from tests.browser.stack import GatewayStack
from tests.support.mailbox import read_link

Language = Literal["el", "en"]
Purpose = Literal["sign-in", "register"]


def words(language: Language, msgid: str) -> str:
    """An English text of the pages as the reader sees it in `language`."""
    return translate(language, msgid)


def exactly(text: str) -> re.Pattern[str]:
    """A name matching `text` whole, ignoring the white space around it."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def read_in(page: Page, language: Language, path: str = "/") -> None:
    """Switch the site to `language` with its own switch's link, landing on `path`."""
    page.goto(f"/language/{language}?next={quote(path, safe='/')}")
    expect(page.locator("html")).to_have_attribute("lang", language)


def ask_for_a_link(page: Page, email: str, *, purpose: Purpose, language: Language) -> None:
    """Type the address on the sign-in page and send it; the page says to check the email."""
    read_in(page, language, f"/sign-in?purpose={purpose}")
    page.get_by_label(words(language, "Organisation email")).fill(email)
    page.get_by_role("button", name=words(language, "Send me a sign-in link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Check your email"))


def sign_in(
    page: Page,
    stack: GatewayStack,
    email: str,
    *,
    purpose: Purpose = "sign-in",
    language: Language = "el",
    attempts: int = 4,
) -> None:
    """Ask for a link, read it from the SMTP server, open it and continue: signed in.

    A representative registered a moment ago is known once the gateway's directory has read
    the event: until then no link is sent (the page says the same), so ask again a few times.
    """
    for attempt in range(1, attempts + 1):
        since = len(stack.smtp.emails())
        ask_for_a_link(page, email, purpose=purpose, language=language)
        try:
            link = read_link(stack.smtp, to=email, contains="/sign-in/link", since=since, timeout=5)
            break
        except AssertionError:
            if attempt == attempts:
                raise
    page.goto(link)
    page.get_by_role("button", name=words(language, "Continue")).click()
    expect(page.get_by_role("button", name=words(language, "Sign out"))).to_be_visible()
