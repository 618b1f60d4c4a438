"""The innovation unit's journey in real Chromium, from two designations to a workshop's
participation chart, with the bodies' representatives answering on their own pages.

Two bodies send their designations (through the API: not what this test is about). The unit
signs in by the emailed link, rejects body A's designation with a reason and, once A's
representative has read the reason on the body's page and sent another, verifies both; the
decisions with the keyboard alone. A is on the roster. The unit schedules a GOV.LAB workshop
of one seat and invites the two bodies. A's main representative opens the invitation email's
Accept link, which answers nothing until its page's button is pressed, and takes the seat; B's
accepts on the activity's page and waits; A declines and B has the seat. Once the workshop has
started the unit records that B attended, and the participation chart and table show it.

Attendance is recorded once an activity has started, and invitations are answered until it
ends (services/membership/domain.py), so the workshop starts half a minute to a minute and a
half after it is scheduled (a whole minute: the form's time has no seconds), while the answers
are given, and the journey waits for the start, if it has not come yet, to record attendance.
(The attendance page before the start: tests/gateway/test_unit_activities.py.)

axe-core runs on every page the journey opens, with a screenshot of each, in the page's
language; the per-page browser tests check each page in Greek and in English.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.gateway.settings import EXAMPLE_STAFF_EMAIL
from tests.browser import bodies
from tests.browser.conftest import NewContext
from tests.browser.hands import Keyboard
from tests.browser.people import exactly, sign_in
from tests.browser.stack import GatewayStack
from tests.browser.unit_desk import checked, invitation_links, look, wait_until
from tests.browser.unit_steps import (
    LANGUAGE,
    answer_on_the_activity_page,
    answers,
    at,
    button,
    chart_figures,
    heading,
    invite_bodies,
    open_registration,
    record_attendance,
    reject,
    schedule_workshop,
    send_another_designation,
    standing_shown,
    table_figures,
    until_it_shows,
    verify,
    w,
)
from tests.support.browser import Screenshots

REASON = "Η απόφαση ορισμού δεν φέρει την υπογραφή του Γενικού Γραμματέα."
STARTS_IN = timedelta(seconds=30)
"""How far ahead the workshop starts (then the next whole minute): scheduling and inviting come
before it, the answers around it (they are taken until the end), attendance after it."""


def starts_at_a_whole_minute(ahead: timedelta) -> datetime:
    """The first whole minute (the form's time has no seconds) at least `ahead` from now."""
    earliest = datetime.now(UTC) + ahead
    return datetime.fromtimestamp(math.ceil(earliest.timestamp() / 60) * 60, UTC)


@pytest.mark.timeout(600)  # a minute or two of it waits for the workshop to start
def test_the_unit_checks_designations_runs_a_workshop_and_sees_who_attended(
    new_context: NewContext, stack: GatewayStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    started = time.monotonic()
    shared = bodies.next_tax_id()[-5:]
    a = bodies.register_body(stack, name=f"Δήμος Άλφα {shared}")
    b = bodies.register_body(stack, name=f"Περιφέρεια Βήτα {shared}")
    bodies.send_designation(stack, a)
    bodies.send_designation(stack, b)

    # The unit signs in by the emailed link and lands on its overview.
    unit = new_context().new_page()
    sign_in(unit, stack, EXAMPLE_STAFF_EMAIL, language=LANGUAGE)
    at(unit, stack, "/unit")
    look(unit, screenshots, "unit-home")
    keys = Keyboard(unit)

    # A's designation rejected with a reason, with the keyboard alone.
    open_registration(unit, keys, stack, screenshots, a)
    reject(unit, keys, stack, screenshots, a, REASON)
    assert bodies.registration(stack, a.registration_id)["status"] == "designation_rejected"

    # A's representative reads the reason on the body's page and sends another designation.
    rep_a = new_context().new_page()
    sign_in(rep_a, stack, a.main_email, language=LANGUAGE)
    at(rep_a, stack, "/my-body")
    expect(rep_a.get_by_role("main")).to_contain_text(REASON)
    checked(rep_a, screenshots, "a-my-body-rejected")
    send_another_designation(rep_a, stack, screenshots, tmp_path, a)

    # Both designations verified, with the keyboard alone.
    for body in (a, b):
        open_registration(unit, keys, stack, screenshots, body)
        verify(unit, keys, stack, screenshots, body)
        assert bodies.registration(stack, body.registration_id)["status"] == "active"
    assert keys.presses > 0

    # A on the roster once the membership service has read the verification, found by its
    # name typed without accents or capitals, as people search.
    def a_on_the_roster() -> None:
        unit.goto("/unit/roster")
        unit.get_by_label(w("Name contains"), exact=True).fill(f"δημος αλφα {shared}")
        button(unit, "Filter").click()
        expect(unit.get_by_role("link", name=exactly(a.name))).to_be_visible(timeout=500)

    until_it_shows(a_on_the_roster)
    expect(unit.get_by_role("link", name=exactly(b.name))).to_have_count(0)
    look(unit, screenshots, "roster")

    # A GOV.LAB workshop of one seat, starting in a minute and a half or less, for A and B.
    title = f"Εργαστήριο GOV.LAB {shared}"
    starts = starts_at_a_whole_minute(STARTS_IN)
    activity_id = schedule_workshop(unit, stack, screenshots, starts, title)
    since = len(stack.smtp.emails())
    invite_bodies(unit, stack, screenshots, activity_id, [a, b], search=shared)

    # A accepts from the email's link: opening it answers nothing, its button does.
    links = invitation_links(stack, to=a.main_email, since=since)
    assert set(links) == {"accepted", "declined"}, links
    mail_program = new_context().new_page()
    mail_program.goto(links["accepted"])
    expect(heading(mail_program)).to_have_text(exactly(title))
    checked(mail_program, screenshots, "a-invitation-link")
    unit.goto(f"/unit/activities/{activity_id}")
    expect(unit.locator("#not-answered")).to_contain_text("(2)")
    expect(unit.locator("#confirmed")).to_contain_text("(0)")
    assert answers(stack, activity_id) == {a.main_id: None, b.main_id: None}
    mail_program.get_by_role("button", name=exactly(w("Confirm: accept"))).click()
    standing_shown(mail_program, "seat")
    expect(heading(mail_program)).to_have_text(exactly(w("You have a seat")))
    checked(mail_program, screenshots, "a-invitation-accepted")

    # B accepts on the activity's page, signed in: the one seat is taken, B waits.
    rep_b = new_context().new_page()
    sign_in(rep_b, stack, b.main_email, language=LANGUAGE)
    answer_on_the_activity_page(rep_b, screenshots, activity_id, "Accept", "b")
    standing_shown(rep_b, "waiting")
    expect(heading(rep_b)).to_have_text(
        exactly(w("You are on the waiting list, place %(place)s", place=1))
    )
    checked(rep_b, screenshots, "b-waiting")

    # A declines on the activity's page: the seat goes to B.
    answer_on_the_activity_page(rep_a, screenshots, activity_id, "Decline", "a")
    standing_shown(rep_a, "declined")
    checked(rep_a, screenshots, "a-declined")
    rep_b.goto(f"/activities/{activity_id}")
    own = rep_b.locator(f"#invitation-{b.main_id} [data-standing]")
    expect(own).to_have_attribute("data-standing", "seat")
    expect(own).to_have_text(exactly(w("Accepted, with a seat")))
    checked(rep_b, screenshots, "b-seat")
    assert answers(stack, activity_id) == {a.main_id: "declined", b.main_id: "accepted"}
    unit.goto(f"/unit/activities/{activity_id}")
    expect(unit.locator("#confirmed")).to_contain_text("(1)")
    expect(unit.locator("#declined")).to_contain_text("(1)")
    look(unit, screenshots, "activity-answered")

    # Once the workshop has started, the unit records that B attended.
    before_the_start = max(0.0, (starts - datetime.now(UTC)).total_seconds())
    wait_until(starts)
    record_attendance(unit, stack, screenshots, activity_id, b)

    # The participation page: B's body attended, in the chart and in the table.
    unit.goto("/unit/participation")
    assert f"{w('Attended')}: 1" in chart_figures(unit, "chart-bodies", b.name)
    invited, accepted, seated, attended = table_figures(unit, "table-bodies", b.name)
    assert (invited, seated, attended) == ("1", "1", "1"), (invited, accepted, seated, attended)
    assert table_figures(unit, "table-bodies", a.name)[3] == "0"
    look(unit, screenshots, "participation")

    # B's representative sees the same on the body's participation page.
    rep_b.goto("/my-body/participation")
    expect(rep_b.locator("#row-attended td").first).to_have_text("1")
    checked(rep_b, screenshots, "b-participation")
    print(
        f"the unit's journey: {time.monotonic() - started:.0f} s, "
        f"of which {before_the_start:.0f} s waiting for the workshop to start"
    )
