"""The innovation unit's registration pages in Chromium, Greek and English: no WCAG 2.1 A/AA
violation on any of them (axe-core), and the decisions on a designation and a new office
closure made with the keyboard alone, from the question to the confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from services.runtime.timezone import ATHENS
from tests.browser import bodies
from tests.browser.conftest import NewContext
from tests.browser.hands import Keyboard
from tests.browser.people import Language, exactly, read_in, words
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility
from tests.support.polling import eventually

STAFF = "innovationunit@example.gov.gr"
LANGUAGES: tuple[Language, ...] = ("el", "en")


def with_designation(stack: GatewayStack, name: str) -> bodies.Body:
    body = bodies.register_body(stack, name=name, with_alternate=True)
    bodies.send_designation(stack, body)
    return body


def on_the_roster(stack: GatewayStack, body: bodies.Body) -> None:
    def listed() -> None:
        with stack.api("membership", bodies.unit()) as api:
            found = api.get(f"/members/{body.tax_id}")
        assert found.status_code == 200, found.text

    eventually(listed, timeout=30)


@pytest.fixture(scope="module")
def staff_state(saved_sign_in: Callable[..., Any]) -> Any:
    return saved_sign_in(STAFF)


@pytest.fixture(scope="module")
def member(stack: GatewayStack) -> bodies.Body:
    """A body on the roster."""
    body = bodies.active_body(stack, name="Δήμος Ρόδου", with_alternate=True)
    on_the_roster(stack, body)
    return body


def checked(page: Page, screenshots: Screenshots, language: Language, step: str) -> None:
    screenshots.take(page, f"{language}-{step}")
    check_accessibility(page)
    assert page.locator("h1").count() == 1, f"{step}: one heading of the page"


def press(page: Page, language: Language, msgid: str) -> None:
    page.get_by_role("button", name=exactly(words(language, msgid))).click()


def shows_errors(page: Page, language: Language) -> None:
    expect(page.get_by_role("alert")).to_contain_text(words(language, "There is a problem"))
    expect(page).to_have_title(re.compile("^" + re.escape(words(language, "Error:"))))


def wednesday_after(day: date, weeks: int) -> date:
    """A Wednesday `weeks` weeks after the first one following `day`."""
    return day + timedelta(days=(2 - day.weekday() - 1) % 7 + 1 + 7 * weeks)


def type_day(page: Page, hands: Keyboard | None, prefix: str, day: date) -> None:
    """The day in the three boxes of a date field, as typed."""
    for box, value in (("", day.day), ("-month", day.month), ("-year", day.year)):
        field = page.locator(f"#{prefix}{box}")
        if hands is None:
            field.fill(str(value))
        else:
            hands.fill(field, str(value))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_units_registration_pages_have_no_wcag_violation(
    new_context: NewContext,
    stack: GatewayStack,
    member: bodies.Body,
    staff_state: Any,
    screenshots: Screenshots,
    language: Language,
) -> None:
    body = with_designation(stack, f"Δήμος Ελέγχου ({language})")
    bodies.register_body(stack, name=f"Δήμος Αναμονής ({language})")  # a row awaiting one
    page = new_context(storage_state=staff_state).new_page()
    read_in(page, language, "/unit")
    checked(page, screenshots, language, "home")

    page.goto("/unit/designations")
    checked(page, screenshots, language, "designations")
    page.get_by_role("link", name=body.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(body.name)
    checked(page, screenshots, language, "registration")

    page.goto(f"/unit/registrations/{body.registration_id}/verify")
    checked(page, screenshots, language, "verify")
    page.goto(f"/unit/registrations/{body.registration_id}/extension")
    checked(page, screenshots, language, "extension-not-open")

    page.goto(f"/unit/registrations/{body.registration_id}/reject")
    checked(page, screenshots, language, "reject")
    press(page, language, "Continue")
    shows_errors(page, language)
    checked(page, screenshots, language, "reject-errors")
    page.get_by_label(words(language, "Why is the designation rejected?")).fill(
        "Λείπει η υπογραφή του Γενικού Γραμματέα"
    )
    press(page, language, "Continue")
    expect(page).to_have_url(re.compile(r"/reject/check$"))
    checked(page, screenshots, language, "reject-check")
    press(page, language, "Reject the designation")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Designation rejected")
    )
    checked(page, screenshots, language, "reject-done")
    page.goto(f"/unit/registrations/{body.registration_id}")
    checked(page, screenshots, language, "registration-rejected")
    # Rejected, the registration lapses unless a new designation comes: more time can be given.
    page.get_by_role(
        "link", name=words(language, "Give the registration more time before it lapses")
    ).click()
    checked(page, screenshots, language, "extension")
    press(page, language, "Continue")
    shows_errors(page, language)
    checked(page, screenshots, language, "extension-errors")

    for view in ("awaiting", "overdue", "rejected", "lapsing"):
        page.goto(f"/unit/waiting?view={view}")
        checked(page, screenshots, language, f"waiting-{view}")
        if view == "awaiting":
            expect(page.locator("#waiting")).to_contain_text(f"Δήμος Αναμονής ({language})")

    page.goto("/unit/closures/new")
    checked(page, screenshots, language, "closure-new")
    press(page, language, "Continue")
    shows_errors(page, language)
    checked(page, screenshots, language, "closure-errors")
    weeks = 20 + LANGUAGES.index(language)  # each language's run closes a day of its own
    type_day(page, None, "date", wednesday_after(datetime.now(ATHENS).date(), weeks))
    page.get_by_label(words(language, "Reason"), exact=True).fill("Τοπική εορτή")
    press(page, language, "Continue")
    checked(page, screenshots, language, "closure-check")
    press(page, language, "Add the closure")
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Closure added"))
    checked(page, screenshots, language, "closure-done")
    page.goto("/unit/closures")
    checked(page, screenshots, language, "closures")

    page.goto("/unit/roster")
    checked(page, screenshots, language, "roster")
    page.goto(f"/unit/roster?level=local&q={member.name}")
    expect(page.locator("#roster")).to_contain_text(member.name)
    page.get_by_role("link", name=member.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(member.name)
    checked(page, screenshots, language, "roster-body")


def test_a_designation_is_verified_and_another_rejected_with_the_keyboard_alone(
    new_context: NewContext, stack: GatewayStack, staff_state: Any, screenshots: Screenshots
) -> None:
    language: Language = "en"
    verified, rejected = (with_designation(stack, name) for name in ("Δήμος Νάξου", "Δήμος Πάρου"))
    page = new_context(storage_state=staff_state).new_page()
    hands = Keyboard(page)
    read_in(page, language, f"/unit/registrations/{verified.registration_id}")

    # The decisions are links shown as buttons (role=button): they lead to their check page.
    hands.press(page.get_by_role("button", name=exactly(words(language, "Verify the designation"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Verify the designation")
    )
    hands.press(page.get_by_role("button", name=exactly(words(language, "Verify the designation"))))
    expect(page.locator("#confirmation")).to_contain_text(
        f"{verified.name}'s designation is verified; the representatives are members."
    )
    screenshots.take(page, "verified")
    assert bodies.registration(stack, verified.registration_id)["status"] == "active"

    page.goto(f"/unit/registrations/{rejected.registration_id}")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Reject the designation"))))
    hands.fill(
        page.get_by_label(words(language, "Why is the designation rejected?")),
        "The signer is not a senior executive",
    )
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    expect(page.locator("main")).to_contain_text("The signer is not a senior executive")
    screenshots.take(page, "reject-check")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Reject the designation"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(language, "Designation rejected")
    )
    screenshots.take(page, "rejected")
    found = bodies.registration(stack, rejected.registration_id)
    assert found["status"] == "designation_rejected"
    assert found["designation"]["reason"] == "The signer is not a senior executive"


def test_an_office_closure_is_added_with_the_keyboard_alone(
    new_context: NewContext, stack: GatewayStack, staff_state: Any, screenshots: Screenshots
) -> None:
    language: Language = "en"
    page = new_context(storage_state=staff_state).new_page()
    hands = Keyboard(page)
    read_in(page, language, "/unit/closures")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Add a closure"))))
    day = wednesday_after(datetime.now(ATHENS).date(), 30)
    type_day(page, hands, "date", day)
    hands.fill(page.get_by_label(words(language, "Reason"), exact=True), "Staff training day")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Continue"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(words(language, "Check your answers"))
    screenshots.take(page, "closure-check")
    hands.press(page.get_by_role("button", name=exactly(words(language, "Add the closure"))))
    expect(page.locator("#confirmation")).to_contain_text("Staff training day")
    screenshots.take(page, "closure-added")
    with stack.api("registration", bodies.unit()) as api:
        listed = api.get("/calendar/closures", params={"page_size": 200}).json()["items"]
    assert {"date": day.isoformat(), "reason": "Staff training day"} in [
        {"date": c["date"], "reason": c["reason"]} for c in listed
    ]
