"""The innovation unit's activity, participation and delivery pages in Chromium, Greek and
English: no WCAG 2.1 A/AA violation on any of them (axe-core), and the decisions about an
activity made with the keyboard alone, from the question to the confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser import bodies
from tests.browser.conftest import NewContext
from tests.browser.hands import Keyboard
from tests.browser.people import Language, exactly, read_in, words
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility
from tests.support.polling import eventually

STAFF = "innovationunit@example.gov.gr"
LANGUAGES: tuple[Language, ...] = ("el", "en")


def on_the_roster(stack: GatewayStack, name: str) -> bodies.Body:
    body = bodies.active_body(stack, name=name)

    def active() -> None:
        with stack.api("membership", bodies.unit()) as api:
            found = api.get(f"/members/{body.tax_id}")
        assert found.status_code == 200, found.text
        assert found.json()["status"] == "active"

    eventually(active, timeout=30)
    return body


def schedule(stack: GatewayStack, title: str, starts_in: timedelta) -> str:
    starts = datetime.now(UTC) + starts_in
    with stack.api("membership", bodies.unit()) as api:
        answer = api.post(
            "/activities",
            json={
                "kind": "conference",
                "title": title,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=8)).isoformat(),
                "location": "Αίθουσα Συνεδριάσεων, Βασιλίσσης Σοφίας 15",
                "capacity": 1,
                "languages": ["el", "en"],
            },
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def invite_and_answer(
    stack: GatewayStack, activity_id: str, answers: dict[bodies.Body, str]
) -> None:
    """Invite the bodies and have their main representatives answer, in the order given."""
    with stack.api("membership", bodies.unit()) as api:
        sent = api.post(
            f"/activities/{activity_id}/invitations",
            json={"body_ids": [body.tax_id for body in answers]},
        )
    assert sent.status_code == 200, sent.text
    for body, answer in answers.items():
        with stack.api("membership", _member_token(body)) as api:
            answered = api.post(
                f"/activities/{activity_id}/invitations/{body.main_id}/answer",
                json={"answer": answer},
            )
        assert answered.status_code == 200, answered.text


def _member_token(body: bodies.Body) -> dict[str, str]:
    """The main representative, as the gateway calls for them (their own invitation)."""
    token = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=body.main_id,
        role="member",
        email=body.main_email,
        body_id=body.tax_id,
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def setting(stack: GatewayStack) -> dict[str, Any]:
    """Three member bodies and a started activity: one seat taken, one waiting, one declined."""
    alpha = on_the_roster(stack, "Δήμος Αμαρουσίου")
    beta = on_the_roster(stack, "Περιφέρεια Κρήτης")
    gamma = on_the_roster(stack, "Υπουργείο Εσωτερικών")
    started = schedule(stack, "Συνέδριο Καινοτομίας 2026", -timedelta(hours=1))
    invite_and_answer(stack, started, {alpha: "accepted", beta: "accepted", gamma: "declined"})
    return {"bodies": (alpha, beta, gamma), "started": started}


@pytest.fixture(scope="module")
def staff_state(saved_sign_in: Callable[..., Any]) -> Any:
    return saved_sign_in(STAFF)


def checked(page: Page, screenshots: Screenshots, language: Language, step: str) -> None:
    screenshots.take(page, f"{language}-{step}")
    check_accessibility(page)
    assert page.locator("h1").count() == 1, f"{step}: one heading of the page"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_units_activity_pages_have_no_wcag_violation(
    new_context: NewContext,
    stack: GatewayStack,
    setting: dict[str, Any],
    staff_state: Any,
    screenshots: Screenshots,
    language: Language,
) -> None:
    page = new_context(storage_state=staff_state).new_page()
    started = setting["started"]
    read_in(page, language, "/unit/activities")
    checked(page, screenshots, language, "list")

    page.goto("/unit/activities/new")
    checked(page, screenshots, language, "new")
    page.get_by_role("button", name=exactly(words(language, "Continue"))).click()
    expect(page.get_by_role("alert")).to_contain_text(words(language, "There is a problem"))
    checked(page, screenshots, language, "new-errors")

    page.goto(f"/unit/activities/{started}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Συνέδριο Καινοτομίας 2026")
    checked(page, screenshots, language, "activity")
    for action in ("reschedule", "cancel", "invite", "attendance"):
        page.goto(f"/unit/activities/{started}/{action}")
        checked(page, screenshots, language, action)

    page.goto("/unit/participation")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    checked(page, screenshots, language, "participation")
    page.goto("/unit/participation?from=31/02/2027")
    checked(page, screenshots, language, "participation-errors")

    page.goto("/unit/deliveries")
    checked(page, screenshots, language, "deliveries")


def test_an_activity_is_scheduled_invited_and_cancelled_with_the_keyboard_alone(
    new_context: NewContext,
    stack: GatewayStack,
    setting: dict[str, Any],
    staff_state: Any,
    screenshots: Screenshots,
) -> None:
    language: Language = "en"
    page = new_context(storage_state=staff_state).new_page()
    hands = Keyboard(page)
    read_in(page, language, "/unit/activities/new")
    title = f"Keyboard workshop {datetime.now(UTC):%H%M%S}"

    hands.choose(page.get_by_role("radio", name=words(language, "GOV.LAB workshop")))
    hands.fill(page.get_by_label(words(language, "Title"), exact=True), title)
    day = page.locator("#starts-on")
    hands.fill(day, "15/04/2027")
    hands.fill(page.locator("#starts-time"), "09:30")
    hands.fill(page.locator("#ends-on"), "15/04/2027")
    hands.fill(page.locator("#ends-time"), "13:00")
    hands.fill(page.locator("#location"), "Σταδίου 27, Αθήνα")
    hands.fill(page.locator("#capacity"), "25")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    expect(page).to_have_url(re.compile(r"/unit/activities/new/check$"))
    expect(page.locator("main")).to_contain_text("15 Apr 2027, 09:30:00")
    screenshots.take(page, "check")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Schedule the activity"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Activity scheduled"))
    screenshots.take(page, "scheduled")
    hands.press(page.get_by_role("link", name=words(language, "Go to the activity's page")))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    hands.press(page.get_by_role("link", name=exactly(words(language, "Invite bodies"))))
    alpha = setting["bodies"][0]
    hands.choose(page.get_by_role("radio", name=words(language, "The bodies I choose")))
    hands.tick(page.get_by_role("checkbox", name=re.compile(re.escape(alpha.name))))
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    expect(page.locator("#invite-count")).to_contain_text("1 body")
    screenshots.take(page, "invite-check")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Send the invitations"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "1 representative invited")
    )
    hands.press(page.get_by_role("link", name=words(language, "Go to the activity's page")))

    hands.press(page.get_by_role("link", name=exactly(words(language, "Cancel the activity"))))
    hands.fill(page.locator("#reason"), "Η αίθουσα δεν είναι διαθέσιμη")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    hands.press(page.get_by_role("button", name=exactly(words(language, "Cancel the activity"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Activity cancelled"))
    screenshots.take(page, "cancelled")


def test_attendance_is_recorded_with_the_keyboard_alone(
    new_context: NewContext,
    setting: dict[str, Any],
    staff_state: Any,
    screenshots: Screenshots,
) -> None:
    language: Language = "el"
    page = new_context(storage_state=staff_state).new_page()
    hands = Keyboard(page)
    started = setting["started"]
    read_in(page, language, f"/unit/activities/{started}/attendance")
    alpha = setting["bodies"][0]
    hands.tick(page.get_by_role("checkbox", name=re.compile(re.escape(alpha.name))))
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Check the attendance")
    )
    check_accessibility(page)
    screenshots.take(page, "check")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Record the attendance"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Attendance recorded")
    )
    check_accessibility(page)
    screenshots.take(page, "recorded")
