"""The innovation unit's activity pages in process, against the real services as processes:
the list, scheduling (question, check, confirmation, Athens time), an activity's page with its
seats, waiting list and history, and the decisions: reschedule, cancel, invite, attendance.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser import bodies
from tests.browser.stack import GatewayStack
from tests.gateway.conftest import csrf_token
from tests.gateway.unit_site import (
    STAFF_NAME,
    activity,
    admin,
    answer_as,
    error_summary,
    fresh_title,
    invite_directly,
    member_body,
    schedule,
    send,
    stack,
    unit,
)
from tests.support.polling import eventually

__all__ = ["stack", "unit"]  # the module's fixtures


@pytest.fixture(scope="module")
def members(stack: GatewayStack) -> list[bodies.Body]:
    """Four member bodies (local government), by name Α to Δ."""
    names = ("Δήμος Άλφα", "Δήμος Βήτα", "Δήμος Γάμμα", "Δήμος Δέλτα")
    return [member_body(stack, name) for name in names]


@pytest.fixture
def english(unit: TestClient) -> TestClient:
    unit.cookies.set("lang", "en")
    return unit


@pytest.fixture
def greek(unit: TestClient) -> TestClient:
    unit.cookies.set("lang", "el")
    return unit


# Scheduling.


def test_scheduling_asks_checks_and_confirms_in_athens_time(
    english: TestClient, stack: GatewayStack
) -> None:
    title = fresh_title("Webinar on open data")
    empty = send(english, "/unit/activities/new", "/unit/activities/new", {})
    assert empty.status_code == 422
    summary = error_summary(empty.text)
    for words in ("Choose the kind of activity", "Enter the title", "Enter the day the activity"):
        assert words in summary
    assert 'href="#kind"' in summary
    assert 'href="#languages"' in summary

    answered = send(
        english,
        "/unit/activities/new",
        "/unit/activities/new",
        {
            "kind": "webinar",
            "title": title,
            "starts_on": "2027-04-15",
            "starts_time": "09:30",
            "ends_on": "15/04/2027",
            "ends_time": "11.00",
            "online_url": "https://meet.example.gov.gr/open-data",
            "capacity": "40",
            "languages": ["el", "en"],
        },
    )
    assert answered.status_code == 303, answered.text
    assert answered.headers["location"] == "/unit/activities/new/check"
    check = english.get("/unit/activities/new/check")
    assert "Webinar" in check.text
    assert title in check.text
    assert "15 Apr 2027, 09:30:00" in check.text
    assert "11:00:00" in check.text
    assert "Greek" in check.text
    assert "English" in check.text

    done = send(english, "/unit/activities/new/check", "/unit/activities/new/check", {})
    assert done.status_code == 303, done.text
    found = re.fullmatch(r"/unit/activities/([0-9a-f-]{36})/scheduled", done.headers["location"])
    assert found, done.headers["location"]
    confirmation = english.get(done.headers["location"])
    assert "Activity scheduled" in confirmation.text
    assert f'href="/unit/activities/{found.group(1)}"' in confirmation.text

    scheduled = activity(stack, found.group(1))
    # 09:30 in Athens in April (summer time, UTC+3) is 06:30 UTC.
    assert datetime.fromisoformat(scheduled["starts_at"]) == datetime(
        2027, 4, 15, 6, 30, tzinfo=UTC
    )
    assert datetime.fromisoformat(scheduled["ends_at"]) == datetime(2027, 4, 15, 8, 0, tzinfo=UTC)
    assert scheduled["capacity"] == 40
    assert scheduled["languages"] == ["el", "en"]
    assert english.get("/unit/activities/new/check").status_code == 303, "the draft is gone"

    page = english.get(f"/unit/activities/{found.group(1)}")
    history = page.text.split('id="history"', 1)[1]
    assert "Scheduled." in history
    assert STAFF_NAME in history, "who scheduled it, by name"


def sent_twice_at_once(client: TestClient, action: str) -> list[httpx.Response]:
    """The check page's form sent twice at the same moment, as a double click sends it."""
    token = csrf_token(client.get(action).text)
    with ThreadPoolExecutor(max_workers=2) as pool:
        sending = [pool.submit(client.post, action, data={"csrf_token": token}) for _ in range(2)]
        return [answer.result() for answer in sending]


def test_a_schedule_sent_twice_schedules_one_activity(
    english: TestClient, stack: GatewayStack
) -> None:
    title = fresh_title("Double click")
    answers = {
        "kind": "webinar",
        "title": title,
        "starts_on": "2027-06-10",
        "starts_time": "10:00",
        "ends_on": "2027-06-10",
        "ends_time": "12:00",
        "online_url": "https://meet.example.gov.gr/double",
        "capacity": "30",
        "languages": "el",
    }
    assert send(english, "/unit/activities/new", "/unit/activities/new", answers).status_code == 303

    answers_ = sent_twice_at_once(english, "/unit/activities/new/check")
    locations = sorted(answer.headers["location"] for answer in answers_)
    assert [answer.status_code for answer in answers_] == [303, 303]
    assert locations[0] == "/unit/activities", "the second one: the list, where it is"
    assert re.fullmatch(r"/unit/activities/[0-9a-f-]{36}/scheduled", locations[1]), locations
    with stack.api("membership", admin()) as api:
        items = api.get("/activities", params={"page_size": 200}).json()["items"]
    assert [a["title"] for a in items].count(title) == 1

    again = send(english, "/unit/activities/new", "/unit/activities/new/check", {})
    assert again.headers["location"] == "/unit/activities", "sent already: nothing is sent"


def test_a_reschedule_sent_twice_is_sent_once(english: TestClient, stack: GatewayStack) -> None:
    activity_id = schedule(stack, title=fresh_title("Εργαστήριο"))
    base = f"/unit/activities/{activity_id}"
    moved = {
        "starts_on": "2027-02-10",
        "starts_time": "10:00",
        "ends_on": "2027-02-10",
        "ends_time": "14:00",
        "location": "Σταδίου 27, Αθήνα",
    }
    assert send(english, f"{base}/reschedule", f"{base}/reschedule", moved).status_code == 303

    answers = sent_twice_at_once(english, f"{base}/reschedule/check")
    assert sorted(answer.headers["location"] for answer in answers) == [
        base,
        f"{base}/reschedule/done",
    ]
    whats = [step["what"] for step in activity(stack, activity_id)["history"]]
    assert whats.count("rescheduled") == 1


def test_the_services_refusal_comes_back_to_its_field(english: TestClient) -> None:
    answers = {
        "kind": "event",
        "title": fresh_title("Ημερίδα"),
        "starts_on": "2027-05-10",
        "starts_time": "12:00",
        "ends_on": "2027-05-10",
        "ends_time": "10:00",
        "capacity": "20",
        "languages": "el",
    }
    send(english, "/unit/activities/new", "/unit/activities/new", answers)
    refused = send(english, "/unit/activities/new/check", "/unit/activities/new/check", {})
    assert refused.status_code == 422, refused.text
    summary = error_summary(refused.text)
    assert "The end must be after the start" in summary
    assert 'href="#ends-on"' in summary
    assert answers["title"] in refused.text, "the answers are kept"


def test_a_day_or_time_that_is_not_one_is_refused_by_the_gateway(english: TestClient) -> None:
    refused = send(
        english,
        "/unit/activities/new",
        "/unit/activities/new",
        {"kind": "event", "title": "Ημερίδα", "starts_on": "31/02/2027", "starts_time": "25:00"},
    )
    assert refused.status_code == 422
    summary = error_summary(refused.text)
    assert "Enter a real date" in summary
    assert "Enter a time of day" in summary


# The list and an activity's page.


def test_the_activity_page_shows_seats_the_waiting_list_in_order_and_who_declined(
    english: TestClient, stack: GatewayStack, members: list[bodies.Body]
) -> None:
    alpha, beta, gamma, delta = members
    activity_id = schedule(stack, title=fresh_title("Συνέδριο"), capacity=1)
    invite_directly(stack, activity_id, [b.tax_id for b in members])
    answer_as(stack, activity_id, alpha, "accepted")
    answer_as(stack, activity_id, gamma, "accepted")
    answer_as(stack, activity_id, beta, "accepted")
    answer_as(stack, activity_id, delta, "declined")

    page = english.get(f"/unit/activities/{activity_id}")
    assert page.status_code == 200, page.text
    assert "1 of 1 taken" in page.text
    assert "2 waiting" in page.text
    confirmed = page.text.split('id="confirmed"', 1)[1].split('id="waiting"', 1)[0]
    waiting = page.text.split('id="waiting"', 1)[1].split('id="declined"', 1)[0]
    declined = page.text.split('id="declined"', 1)[1].split('id="not-answered"', 1)[0]
    assert "Δήμος Άλφα" in confirmed
    assert "Δήμος Γάμμα" not in confirmed
    assert waiting.index("Δήμος Γάμμα") < waiting.index("Δήμος Βήτα"), "first come, first"
    assert "Δήμος Δέλτα" in declined
    history = page.text.split('id="history"', 1)[1]
    assert "Δήμος Γάμμα accepted and waits for a seat." in history
    assert "Δήμος Δέλτα declined." in history

    listing = english.get("/unit/activities")
    assert listing.status_code == 200
    row = listing.text.split(f'href="/unit/activities/{activity_id}"', 1)[1].split("</tr>", 1)[0]
    assert "1 of 1" in row
    assert ">2<" in row
    assert 'data-status="scheduled"' in row


def test_an_unknown_activity_is_not_found_and_the_pages_are_for_staff(
    unit: TestClient,
) -> None:
    assert unit.get(f"/unit/activities/{uuid4()}").status_code == 404
    # Another browser, signed out (no `with`: the app's lifespan belongs to `unit`).
    stranger = TestClient(unit.app, base_url=str(unit.base_url), follow_redirects=False)
    for path in ("/unit/activities", "/unit/activities/new", f"/unit/activities/{uuid4()}"):
        answer = stranger.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in?next=")


# Decisions.


def test_rescheduling_moves_the_activity_and_says_so(
    english: TestClient, stack: GatewayStack
) -> None:
    activity_id = schedule(stack, title=fresh_title("Εργαστήριο"))
    base = f"/unit/activities/{activity_id}"
    form = english.get(f"{base}/reschedule")
    assert 'name="starts_on"' in form.text
    assert "Βασιλίσσης Σοφίας" in form.text
    answered = send(
        english,
        f"{base}/reschedule",
        f"{base}/reschedule",
        {
            "starts_on": "2027-01-20",
            "starts_time": "10:00",
            "ends_on": "2027-01-20",
            "ends_time": "14:00",
            "location": "Σταδίου 27, Αθήνα",
        },
    )
    assert answered.headers["location"] == f"{base}/reschedule/check"
    check = english.get(f"{base}/reschedule/check")
    assert "20 Jan 2027, 10:00:00" in check.text
    assert "Σταδίου 27" in check.text
    done = send(english, f"{base}/reschedule/check", f"{base}/reschedule/check", {})
    assert done.headers["location"] == f"{base}/reschedule/done"
    assert "Activity rescheduled" in english.get(done.headers["location"]).text
    moved = activity(stack, activity_id)
    # Winter time in January: UTC+2.
    assert datetime.fromisoformat(moved["starts_at"]) == datetime(2027, 1, 20, 8, 0, tzinfo=UTC)
    assert moved["location"] == "Σταδίου 27, Αθήνα"
    history = english.get(base).text.split('id="history"', 1)[1]
    assert "Rescheduled." in history
    assert STAFF_NAME in history


def test_cancelling_asks_why_checks_and_confirms(english: TestClient, stack: GatewayStack) -> None:
    activity_id = schedule(stack, title=fresh_title("Δράση"))
    base = f"/unit/activities/{activity_id}"
    answered = send(english, f"{base}/cancel", f"{base}/cancel", {"reason": "Απεργία ΜΜΜ"})
    assert answered.headers["location"] == f"{base}/cancel/check"
    check = english.get(f"{base}/cancel/check")
    assert "Απεργία ΜΜΜ" in check.text
    assert "Cancel the activity" in check.text
    done = send(english, f"{base}/cancel/check", f"{base}/cancel/check", {})
    assert done.headers["location"] == f"{base}/cancel/done"
    assert "Activity cancelled" in english.get(done.headers["location"]).text
    assert activity(stack, activity_id)["status"] == "cancelled"
    page = english.get(base).text
    assert 'data-status="cancelled"' in page
    assert f'href="{base}/cancel"' not in page
    assert "Reason: Απεργία ΜΜΜ" in page

    # Cancelled twice (another tab): the service's refusal in words.
    english.post(f"{base}/cancel", data={"csrf_token": _token(english, base), "reason": ""})
    again = send(english, f"{base}/cancel/check", f"{base}/cancel/check", {})
    assert again.status_code == 409
    assert "The activity was cancelled" in error_summary(again.text)


def _token(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found
    return found.group(1)


def test_inviting_chosen_and_typed_bodies_says_how_many_were_invited(
    english: TestClient, stack: GatewayStack, members: list[bodies.Body]
) -> None:
    alpha, beta, gamma, _delta = members
    activity_id = schedule(stack, title=fresh_title("Εργαστήριο"))
    base = f"/unit/activities/{activity_id}"
    roster = english.get(f"{base}/invite", params={"q": "αλφα"})
    assert "Δήμος Άλφα" in roster.text, "found by name, without accents"
    assert "Δήμος Βήτα" not in roster.text

    nobody = send(english, f"{base}/invite", f"{base}/invite", {"whom": "bodies"})
    assert nobody.status_code == 422
    assert "Tick the bodies to invite" in error_summary(nobody.text)
    bad = send(english, f"{base}/invite", f"{base}/invite", {"whom": "bodies", "tax_ids": "12345"})
    assert "as 9 digits" in error_summary(bad.text)

    send(english, f"{base}/invite", f"{base}/invite", {"whom": "bodies", "tax_ids": "123456789"})
    unknown = send(english, f"{base}/invite/check", f"{base}/invite/check", {})
    assert unknown.headers["location"] == f"{base}/invite/done"
    nobody_new = english.get(f"{base}/invite/done").text
    assert "0 representatives invited" in nobody_new, "no member body has that tax number"
    assert "Nobody new was invited" in nobody_new

    answered = send(
        english,
        f"{base}/invite",
        f"{base}/invite",
        {"whom": "bodies", "body_ids": [alpha.tax_id], "tax_ids": f"{beta.tax_id}, {gamma.tax_id}"},
    )
    assert answered.headers["location"] == f"{base}/invite/check"
    check = english.get(f"{base}/invite/check")
    assert "The active representatives of 3 bodies will be invited." in check.text
    assert beta.tax_id in check.text
    done = send(english, f"{base}/invite/check", f"{base}/invite/check", {})
    assert done.headers["location"] == f"{base}/invite/done"
    assert "3 representatives invited" in english.get(done.headers["location"]).text
    invited = {i["body_id"] for i in activity(stack, activity_id)["invitations"]}
    assert invited == {alpha.tax_id, beta.tax_id, gamma.tax_id}
    history = english.get(base).text.split('id="history"', 1)[1]
    assert "Δήμος Βήτα invited." in history
    assert STAFF_NAME in history


def test_inviting_one_level_or_everyone_counts_the_bodies_first(
    english: TestClient, stack: GatewayStack, members: list[bodies.Body]
) -> None:
    activity_id = schedule(stack, title=fresh_title("Ημερίδα"))
    base = f"/unit/activities/{activity_id}"
    send(english, f"{base}/invite", f"{base}/invite", {"whom": "level", "level": "central"})
    check = english.get(f"{base}/invite/check")
    assert "The active representatives of 0 bodies will be invited." in check.text
    send(english, f"{base}/invite/check", f"{base}/invite/check", {})
    assert "0 representatives invited" in english.get(f"{base}/invite/done").text

    noone = send(english, f"{base}/invite", f"{base}/invite", {"whom": "level"})
    assert "Choose the level of government" in error_summary(noone.text)

    send(english, f"{base}/invite", f"{base}/invite", {"whom": "all"})
    check = english.get(f"{base}/invite/check")
    assert f"The active representatives of {len(members)} bodies will be invited." in check.text
    send(english, f"{base}/invite/check", f"{base}/invite/check", {})
    assert f"{len(members)} representatives invited" in english.get(f"{base}/invite/done").text


def test_attendance_is_refused_in_words_before_the_start_then_recorded(
    english: TestClient, stack: GatewayStack, members: list[bodies.Body]
) -> None:
    alpha, beta, *_others = members
    future = schedule(stack, title=fresh_title("Μελλοντικό"))
    invite_directly(stack, future, [alpha.tax_id])
    answer_as(stack, future, alpha, "accepted")
    base = f"/unit/activities/{future}"
    form = english.get(f"{base}/attendance")
    assert "has not started yet" in form.text
    send(english, f"{base}/attendance", f"{base}/attendance", {"attended": alpha.main_id})
    refused = send_form(english, f"{base}/attendance/check", {})
    assert refused.status_code == 409
    assert "Attendance is recorded once the activity has started" in error_summary(refused.text)

    started = schedule(stack, title=fresh_title("Σε εξέλιξη"), starts_in=-timedelta(hours=1))
    invite_directly(stack, started, [alpha.tax_id, beta.tax_id])
    answer_as(stack, started, alpha, "accepted")
    answer_as(stack, started, beta, "accepted")
    base = f"/unit/activities/{started}"
    answered = send(
        english, f"{base}/attendance", f"{base}/attendance", {"attended": alpha.main_id}
    )
    assert answered.headers["location"] == f"{base}/attendance/check"
    check = english.get(f"{base}/attendance/check").text
    attended_row = check.split("Did not attend", 1)[0]
    assert "Δήμος Άλφα" in attended_row
    assert "Δήμος Βήτα" in check.split("Did not attend", 1)[1]
    done = send_form(english, f"{base}/attendance/check", {})
    assert done.headers["location"] == f"{base}/attendance/done"
    assert (
        "1 of 2 representatives with a seat attended." in english.get(done.headers["location"]).text
    )
    attendance = {i["body_id"]: i["attended"] for i in activity(stack, started)["invitations"]}
    assert attendance == {alpha.tax_id: True, beta.tax_id: False}
    history = english.get(base).text.split('id="history"', 1)[1]
    assert "Δήμος Άλφα attended." in history
    assert "Δήμος Βήτα did not attend." in history


def hidden_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The hidden fields of the page's form that posts to `action` (a browser sends them)."""
    form_html = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html)


def send_form(
    client: TestClient, action: str, data: dict[str, str], html: str | None = None
) -> httpx.Response:
    """Send the form of a page (`html` read earlier, else read now) as a browser would."""
    shown = client.get(action).text if html is None else html
    fields: dict[str, list[str]] = {}
    for name, value in [*hidden_fields(shown, action), *data.items()]:
        fields.setdefault(name, []).append(value)
    return client.post(action, data=fields)


def as_member(body: bodies.Body, role: str) -> dict[str, str]:
    """The body's main or alternate representative, as the gateway would call for them."""
    subject, email = (
        (body.main_id, body.main_email)
        if role == "main"
        else (body.alternate_id, body.alternate_email)
    )
    token = mint_token(
        DEVELOPMENT_JWT_SECRET, subject=subject, role="member", email=email, body_id=body.tax_id
    )
    return {"Authorization": f"Bearer {token}"}


def answer(stack: GatewayStack, activity_id: str, body: bodies.Body, role: str, what: str) -> None:
    representative_id = body.main_id if role == "main" else body.alternate_id
    with stack.api("membership", as_member(body, role)) as api:
        sent = api.post(
            f"/activities/{activity_id}/invitations/{representative_id}/answer",
            json={"answer": what},
        )
    assert sent.status_code == 200, sent.text


def test_attendance_names_each_representative_and_records_only_those_the_check_page_showed(
    english: TestClient, stack: GatewayStack, members: list[bodies.Body]
) -> None:
    pair = bodies.active_body(stack, name=fresh_title("Δήμος Ζεύγους"), with_alternate=True)

    def both_members() -> None:
        with stack.api("membership", admin()) as api:
            response = api.get(f"/members/{pair.tax_id}")
        # 404 until membership has seen the body's registration: keep polling.
        assert response.status_code == 200, response.text
        found = response.json()
        assert found["main"]["status"] == found["alternate"]["status"] == "active", found

    eventually(both_members, timeout=30)
    alpha = members[0]
    started = schedule(
        stack, title=fresh_title("Δύο θέσεις"), starts_in=-timedelta(hours=1), capacity=2
    )
    invite_directly(stack, started, [pair.tax_id, alpha.tax_id])
    answer(stack, started, pair, "main", "accepted")
    answer(stack, started, pair, "alternate", "accepted")
    answer_as(stack, started, alpha, "accepted")  # no seat left: first on the waiting list
    base = f"/unit/activities/{started}"

    form = english.get(f"{base}/attendance").text
    labels = re.findall(
        r'class="govgr-checkboxes__label"[^>]*>\s*<input[^>]*>\s*([^<]+?)\s*</label>', form
    )
    assert sorted(labels) == [
        f"{pair.name} – Γιώργος Νικολάου (alternate representative)",
        f"{pair.name} – Μαρία Παπαδοπούλου (main representative)",
    ], "two seats of one body, told apart"
    seats = english.get(base).text.split('id="confirmed"', 1)[1].split("</table>", 1)[0]
    assert "Μαρία Παπαδοπούλου (main representative)" in seats

    send(english, f"{base}/attendance", f"{base}/attendance", {"attended": pair.main_id})
    check = english.get(f"{base}/attendance/check").text
    absent = check.split("Did not attend", 1)[1]
    assert "Γιώργος Νικολάου (alternate representative)" in absent
    assert alpha.name not in check, "waiting, so not on the check page"

    # The alternate gives up the seat: the first on the waiting list moves up, unseen.
    answer(stack, started, pair, "alternate", "declined")
    moved_up = {i["body_id"]: i["seat"] for i in activity(stack, started)["invitations"]}
    assert moved_up[alpha.tax_id] == "confirmed"

    done = send_form(english, f"{base}/attendance/check", {}, html=check)
    assert done.headers["location"] == f"{base}/attendance/done"
    recorded = {
        i["representative_id"]: i["attended"] for i in activity(stack, started)["invitations"]
    }
    assert recorded[pair.main_id] is True
    assert recorded[alpha.main_id] is None, "never shown, so not recorded absent"
    assert recorded[pair.alternate_id] is None, "no seat any more: nothing to record"


def test_the_pages_read_in_greek(greek: TestClient, stack: GatewayStack) -> None:
    activity_id = schedule(stack, title=fresh_title("Εργαστήριο"))
    for path in (
        "/unit/activities",
        "/unit/activities/new",
        f"/unit/activities/{activity_id}",
        f"/unit/activities/{activity_id}/invite",
        f"/unit/activities/{activity_id}/attendance",
        f"/unit/activities/{activity_id}/reschedule",
        f"/unit/activities/{activity_id}/cancel",
    ):
        page = greek.get(path)
        assert page.status_code == 200, path
        assert '<html lang="el">' in page.text
    assert "Προγραμματισμός δραστηριότητας" in greek.get("/unit/activities/new").text


def test_an_activitys_title_is_shown_as_text_on_its_check_pages(
    stack: GatewayStack, english: TestClient
) -> None:
    """A title is data: escaped, never markup, and a `%` in it is only a character."""
    title = f"<b>Δράση 100%</b> {uuid4().hex[:6]}"
    activity_id = schedule(stack, title=title)
    cancel = f"/unit/activities/{activity_id}/cancel"
    assert send(english, cancel, cancel, {"reason": "Απεργία"}).status_code == 303
    check = english.get(f"{cancel}/check")
    assert check.status_code == 200, check.text
    assert "&lt;b&gt;Δράση 100%&lt;/b&gt;" in check.text
    assert "<b>Δράση" not in check.text


def test_a_number_of_seats_written_with_other_digits_is_refused_in_words(
    english: TestClient,
) -> None:
    answers = {"kind": "event", "title": fresh_title("Ημερίδα"), "capacity": "²"}
    refused = send(english, "/unit/activities/new", "/unit/activities/new", answers)
    assert refused.status_code == 422, refused.text
    assert 'href="#capacity"' in error_summary(refused.text)
