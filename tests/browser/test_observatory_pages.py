"""The observatory's public pages in Chromium: no WCAG 2.1 A/AA violation in either language,
and the keyboard reaches the search, a facet and a result with its focus shown.

The catalogue is fed two practices straight onto the stack's observatory topic (no members
needed); the other tests of the run may publish more, so nothing here counts them.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.hands import Keyboard
from tests.browser.people import Language, read_in, words
from tests.browser.stack import GatewayStack
from tests.gateway.observatory_site import publish
from tests.gateway.test_observatory_pages import DIGITAL, ENGLISH_ONLY
from tests.support.browser import Screenshots, check_accessibility
from tests.support.polling import eventually

LANGUAGES: tuple[Language, ...] = ("el", "en")
# Ids of their own: the run's stack is shared, and the gateway tests' records are not in it.
GREEK_AND_ENGLISH = DIGITAL.model_copy(update={"practice_id": uuid.uuid4(), "attachments": []})
IN_ENGLISH = ENGLISH_ONLY.model_copy(update={"practice_id": uuid.uuid4()})


@pytest.fixture(scope="module")
def catalogue(stack: GatewayStack) -> GatewayStack:
    """The stack's catalogue holding the two practices."""
    publish(stack.prefix, GREEK_AND_ENGLISH, IN_ENGLISH)
    observatory = stack.services["observatory"].base_url

    def published() -> None:
        for found in (GREEK_AND_ENGLISH, IN_ENGLISH):
            answer = httpx.get(f"{observatory}/catalogue/{found.practice_id}", timeout=5)
            assert answer.status_code == 200, answer.text

    eventually(published, timeout=30)
    return stack


PAGES = ["/observatory?q=καινοτομια", "/observatory/practices/{greek_and_english}"]
"""The search with its facets, the words chosen and the matches marked; a practice in full.
The keyboard's test checks the page of a practice in the other language."""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_an_observatory_page_has_no_wcag_violation(
    catalogue: GatewayStack, page: Page, screenshots: Screenshots, language: Language, path: str
) -> None:
    shown = path.format(
        greek_and_english=GREEK_AND_ENGLISH.practice_id, in_english=IN_ENGLISH.practice_id
    )
    read_in(page, language, shown)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    screenshots.take(page)
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_keyboard_searches_narrows_down_and_opens_a_practice(
    catalogue: GatewayStack, page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/observatory")
    keyboard = Keyboard(page)
    box = page.get_by_role("searchbox", name=words(language, "Search the good practices"))
    keyboard.tab_to(box)
    page.keyboard.type("participatory")
    keyboard.key("Enter")
    title = "Participatory budgeting for the coast"
    expect(page.locator("#results-count")).to_be_visible()
    regional = page.get_by_role("link", name=words(language, "Regional government"), exact=True)
    keyboard.tab_to(regional)
    keyboard.key("Enter")
    expect(page.locator("#chosen-filters")).to_contain_text(words(language, "Regional government"))
    result = page.get_by_role("link", name=title, exact=True)
    keyboard.tab_to(result.first)
    keyboard.key("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    if language == "el":
        # The practice is in English only: its texts say so to a screen reader.
        expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "en")
    screenshots.take(page, f"{language}-practice")
    check_accessibility(page)
