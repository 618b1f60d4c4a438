"""The members' pages in Chromium on the real stack: the body's activities, one activity and
its answer, the invitation email's link (as the notifications service sent it), and the body's
participation, each without a WCAG 2.1 A/AA violation in Greek and in English; answering with
the keyboard alone, on the activity's page and from the email's link.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser import bodies
from tests.browser.conftest import NewContext, SignedInState
from tests.browser.hands import Keyboard
from tests.browser.people import Language, read_in, words
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility
from tests.support.mailbox import emails_to, links_in
from tests.support.polling import eventually

LANGUAGES: tuple[Language, ...] = ("el", "en")


@dataclass(frozen=True)
class Invited:
    """A body invited to activities, its main representative's saved sign-in."""

    body: bodies.Body
    state: SignedInState


def schedule(stack: GatewayStack, body: bodies.Body, **changes: Any) -> str:
    """An activity next week, its invitations sent to the body's representatives; its id."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    activity = {
        "kind": "govlab_workshop",
        "title": f"Εργαστήριο συν-σχεδιασμού υπηρεσιών {uuid.uuid4().hex[:4]}",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "capacity": 30,
        "languages": ["el", "en"],
        "location": "Υπουργείο Εσωτερικών, Βασιλίσσης Σοφίας 15, Αθήνα",
        **changes,
    }
    with stack.api("membership", bodies.unit()) as api:
        created = api.post("/activities", json=activity)
        assert created.status_code == 201, created.text
        activity_id = str(created.json()["id"])
        invited = api.post(
            f"/activities/{activity_id}/invitations", json={"body_ids": [body.tax_id]}
        )
        assert invited.status_code == 200, invited.text
    return activity_id


def invitation_links(stack: GatewayStack, email: str, title: str) -> tuple[str, str]:
    """The Accept and Decline links of the invitation email to `email` about `title`."""

    def arrived() -> tuple[str, str]:
        for received in reversed(emails_to(stack.smtp, email)):
            text = received.part("plain")
            found = [link for link in links_in(text) if "/invitations/answer" in link]
            if title in text and len(found) == 2:
                return found[0], found[1]
        raise AssertionError(f"no invitation to {email} about {title} yet")

    return eventually(arrived, timeout=30, interval=0.2)


def as_path(link: str) -> str:
    """A link of the email, as the browser's base address opens it."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.fixture(scope="module")
def invited(stack: GatewayStack, saved_sign_in: Callable[..., SignedInState]) -> Invited:
    body = bodies.active_body(stack, name="Δήμος Συμμετοχής", with_alternate=True)
    return Invited(body, saved_sign_in(body.main_email))


@pytest.fixture(scope="module")
def listed_activity(stack: GatewayStack, invited: Invited) -> str:
    """An activity the body is invited to, once the body's list shows it."""
    activity_id = schedule(stack, invited.body)
    with stack.api("membership", invited.body.member()) as api:

        def in_the_list() -> None:
            found = api.get("/activities")
            assert found.status_code == 200, found.text
            assert activity_id in {item["id"] for item in found.json()["items"]}

        eventually(in_the_list, timeout=30, interval=0.2)
    return activity_id


def member_page(new_context: NewContext, who: Invited, language: Language, path: str) -> Page:
    page = new_context(storage_state=who.state).new_page()
    read_in(page, language, path)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_members_pages_have_no_wcag_violation(
    new_context: NewContext,
    invited: Invited,
    listed_activity: str,
    screenshots: Screenshots,
    language: Language,
) -> None:
    for path, label in (
        ("/activities", "list"),
        (f"/activities/{listed_activity}", "activity"),
        ("/my-body/participation", "participation"),
    ):
        page = member_page(new_context, invited, language, path)
        assert page.url.endswith(path)
        screenshots.take(page, f"{language}-{label}")
        check_accessibility(page)
        page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_answering_on_the_activity_page_with_the_keyboard_alone(
    new_context: NewContext,
    stack: GatewayStack,
    invited: Invited,
    screenshots: Screenshots,
    language: Language,
) -> None:
    activity_id = schedule(stack, invited.body, capacity=1)
    page = member_page(new_context, invited, language, f"/activities/{activity_id}")
    keys = Keyboard(page)
    keys.press(page.get_by_role("button", name=words(language, "Accept"), exact=True))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(words(language, "You have a seat"))
    screenshots.take(page, f"{language}-seat")
    check_accessibility(page)
    keys.press(page.get_by_role("link", name=words(language, "Go to the activity's page")))
    keys.press(page.get_by_role("button", name=words(language, "Decline"), exact=True))
    expect(heading).to_have_text(words(language, "You declined"))
    screenshots.take(page, f"{language}-declined")
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_link_confirms_with_the_keyboard_alone_without_signing_in(
    new_context: NewContext,
    stack: GatewayStack,
    invited: Invited,
    screenshots: Screenshots,
    language: Language,
) -> None:
    assert invited.body.alternate_email is not None
    activity_id = schedule(stack, invited.body)
    with stack.api("membership", bodies.unit()) as api:
        title = api.get(f"/activities/{activity_id}").json()["title"]
    accept, decline = invitation_links(stack, invited.body.alternate_email, title)
    page = new_context().new_page()  # from the email: no session
    read_in(page, language, "/")
    page.goto(as_path(decline))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    screenshots.take(page, f"{language}-email-link")
    check_accessibility(page)
    switch = page.get_by_role("link", name="English" if language == "el" else "Ελληνικά")
    assert "token" not in (switch.get_attribute("href") or "")
    keys = Keyboard(page)
    keys.press(page.get_by_role("button", name=words(language, "Confirm: decline")))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "You declined"))
    screenshots.take(page, f"{language}-email-declined")
    check_accessibility(page)
    assert accept != decline


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_link_not_valid_any_more_has_no_wcag_violation(
    page: Page, screenshots: Screenshots, language: Language
) -> None:
    read_in(page, language, "/invitations/answer?token=not-a-link-anyone-was-sent")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "The link is not valid any more")
    )
    screenshots.take(page, f"{language}-link-not-valid")
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_answer_refused_shows_why_without_wcag_violation(
    new_context: NewContext,
    stack: GatewayStack,
    invited: Invited,
    screenshots: Screenshots,
    language: Language,
) -> None:
    """The activity is cancelled while its page is open: the answer is refused, in words."""
    activity_id = schedule(stack, invited.body)
    page = member_page(new_context, invited, language, f"/activities/{activity_id}")
    with stack.api("membership", bodies.unit()) as api:
        cancelled = api.post(f"/activities/{activity_id}/cancel", json={"reason": "Απεργία"})
    assert cancelled.status_code == 200, cancelled.text
    page.get_by_role("button", name=words(language, "Accept"), exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(words(language, "The activity was cancelled"))
    expect(page.get_by_role("button", name=words(language, "Accept"), exact=True)).to_have_count(0)
    screenshots.take(page, f"{language}-refused")
    check_accessibility(page)
