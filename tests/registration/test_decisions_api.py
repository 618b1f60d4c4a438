"""The API on the real stack: who decided, the history, the lapse-day list and the closures.

The service runs as a process on the wall clock; the test moves a registration past its due day
by running the overdue check's command itself with a later `now`, on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from services.registration.application import RegistrationApplication
from services.registration.calendar import WorkingCalendar
from services.runtime.auth import mint_token
from services.runtime.eventstore import open_application
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.registration.conftest import ADMIN, PDF, TAX_IDS, RegistrationStack, form, token
from tests.support.polling import eventually
from tests.support.tokens import applicant_for

STAFF = "staff-0123456789abcdef0123"
"""The subject of the innovation-unit member who decides, as the gateway mints it."""


def staff(subject: str = STAFF) -> dict[str, str]:
    """The Authorization header of the innovation-unit member `subject`."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET, subject=subject, role="admin", email="unit@example.gov.gr"
    )
    return {"Authorization": f"Bearer {minted}"}


@pytest.fixture
def commands(registration_stack: RegistrationStack) -> Iterator[RegistrationApplication]:
    """The service's application on the stack's database, for commands at a chosen `now`."""
    settings = ServiceSettings(service="registration", database_url=registration_stack.database_url)
    application = open_application(RegistrationApplication, settings)
    try:
        yield application
    finally:
        application.close()


def submit(client: httpx.Client, tax_id: str = TAX_IDS[0]) -> dict[str, Any]:
    filled = form(tax_id)
    response = client.post("/registrations", json=filled, headers=applicant_for(filled))
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(client: httpx.Client, registration_id: str) -> None:
    sent = client.post(
        f"/registrations/{registration_id}/designation",
        files={"file": ("designation.pdf", PDF, "application/pdf")},
        data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
        headers=ADMIN,
    )
    assert sent.status_code == 201, sent.text


def refusal(response: httpx.Response) -> dict[str, Any]:
    [detail] = response.json()["detail"]
    return dict(detail)


def test_who_decided_is_published_and_shown_to_admins_only_in_the_history(
    registration_stack: RegistrationStack,
) -> None:
    member = token("member", body_id=TAX_IDS[0])
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        one = f"/registrations/{registration_id}"
        upload(client, registration_id)
        rejected = client.post(
            f"{one}/designation/reject", json={"reason": "Λείπει η υπογραφή."}, headers=staff()
        )
        assert rejected.status_code == 200, rejected.text
        assert rejected.json()["history"][-1]["decided_by"] == STAFF
        upload(client, registration_id)
        other = "staff-fedcba9876543210fedc"
        verified = client.post(f"{one}/designation/verify", headers=staff(other))
        assert verified.status_code == 200, verified.text

        seen = {
            "admin": client.get(one, headers=ADMIN).json()["history"],
            "member": client.get(one, headers=member).json()["history"],
            "public": client.get(one).json()["history"],
        }
    whats = [
        "submitted",
        "representative_nominated",
        "designation_received",
        "designation_rejected",
        "designation_received",
        "designation_verified",
    ]
    for history in seen.values():
        assert [e["what"] for e in history] == whats
        moments = [datetime.fromisoformat(e["at"]) for e in history]
        assert moments == sorted(moments)
    assert [e["decided_by"] for e in seen["admin"]][3:] == [STAFF, None, other]
    assert {e["decided_by"] for e in seen["member"] + seen["public"]} == {None}
    assert seen["member"][3]["reason"] == "Λείπει η υπογραφή."
    assert seen["public"][3]["reason"] is None

    def published() -> dict[str, Any]:
        events = {
            event.type.split(".")[-2]: event.data
            for _, _, event, _ in registration_stack.topic_messages()
        }
        assert "DesignationVerified" in events
        return events

    events = eventually(published, timeout=30)
    assert events["DesignationRejected"]["decided_by"] == STAFF
    assert events["DesignationVerified"]["decided_by"] == other


def test_a_decision_names_the_designation_read_and_a_newer_one_is_refused_with_409(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        registration_id = submit(client)["id"]
        one = f"/registrations/{registration_id}"
        upload(client, registration_id)
        read = client.get(one, headers=ADMIN).json()["designation"]["id"]
        rejected = client.post(
            f"{one}/designation/reject",
            json={"reason": "Λείπει η υπογραφή.", "designation_id": read},
            headers=staff(),
        )
        assert rejected.status_code == 200, rejected.text
        upload(client, registration_id)
        newer = client.get(one, headers=ADMIN).json()["designation"]["id"]
        assert newer != read

        stale_verify = client.post(
            f"{one}/designation/verify", json={"designation_id": read}, headers=staff()
        )
        stale_reject = client.post(
            f"{one}/designation/reject",
            json={"reason": "Ξανά λάθος.", "designation_id": read},
            headers=staff(),
        )
        for stale in (stale_verify, stale_reject):
            assert stale.status_code == 409, stale.text
            assert refusal(stale)["type"] == "designation_not_latest"
        after = client.get(one, headers=ADMIN).json()
        assert after["status"] == "designation_received"
        assert after["designation"]["id"] == newer

        verified = client.post(
            f"{one}/designation/verify", json={"designation_id": newer}, headers=staff()
        )
        assert verified.status_code == 200, verified.text
        assert verified.json()["status"] == "active"


def test_the_unit_lists_the_registrations_that_lapse_by_a_day_soonest_first(
    registration_stack: RegistrationStack, commands: RegistrationApplication
) -> None:
    with registration_stack.client() as client:
        waiting = submit(client, TAX_IDS[0])["id"]
        lapsing = [UUID(submit(client, tax_id)["id"]) for tax_id in TAX_IDS[1:3]]
        due = date.fromisoformat(submit(client, TAX_IDS[3])["designation_due"])
        for registration_id in lapsing:
            assert commands.record_overdue(registration_id, WorkingCalendar.due_moment(due))
        lapses_on = date.fromisoformat(
            client.get(f"/registrations/{lapsing[0]}", headers=ADMIN).json()["lapses_on"]
        )
        later = lapses_on + timedelta(days=10)
        extended = client.post(
            f"/registrations/{lapsing[1]}/extension",
            json={"lapses_on": later.isoformat(), "reason": "Νέα ηγεσία"},
            headers=staff(),
        )
        assert extended.status_code == 200, extended.text
        assert extended.json()["history"][-1]["decided_by"] == STAFF

        def listed(before: date) -> list[dict[str, Any]]:
            page = client.get(
                "/registrations", params={"lapses_before": before.isoformat()}, headers=ADMIN
            )
            assert page.status_code == 200, page.text
            return list(page.json()["items"])

        def both_lapsing_one_extended() -> list[dict[str, Any]]:
            items = listed(later)
            assert [(i["id"], i["lapses_on"]) for i in items] == [
                (str(lapsing[0]), lapses_on.isoformat()),
                (str(lapsing[1]), later.isoformat()),
            ]
            return items

        items = eventually(both_lapsing_one_extended, timeout=30)
        assert items[0]["status"] == "overdue"
        assert items[0]["designation_due"] == due.isoformat()
        assert items[0]["body_name"] == "Δήμος Παραδείγματος"
        assert [i["id"] for i in listed(lapses_on)] == [str(lapsing[0])]
        assert listed(lapses_on - timedelta(days=1)) == []
        every = client.get("/registrations", headers=ADMIN).json()["items"]
        assert waiting in {i["id"] for i in every}
        bad = client.get("/registrations", params={"lapses_before": "soon"}, headers=ADMIN)
        assert bad.status_code == 422


def next_plain_week_friday(after: date) -> date:
    """A Friday after `after` in a week whose Wednesday to Tuesday are all working days."""
    calendar = WorkingCalendar()
    day = after + timedelta(days=(4 - after.weekday()) % 7 or 7)
    while not all(calendar.is_working_day(day + timedelta(days=d)) for d in (-2, -1, 0, 3, 4)):
        day += timedelta(days=7)
    return day


def test_the_unit_sees_what_a_closure_would_change_adds_it_once_and_lists_it(
    registration_stack: RegistrationStack,
) -> None:
    today = WorkingCalendar.submission_day(datetime.now(UTC))
    friday = next_plain_week_friday(today + timedelta(days=7))
    wednesday, monday = friday - timedelta(days=2), friday + timedelta(days=3)
    member = token("member", body_id=TAX_IDS[0])
    with registration_stack.client() as client:
        effect_url = "/calendar/closures/effect"
        assert client.get(effect_url, params={"date": friday.isoformat()}).status_code == 401
        forbidden = client.get(effect_url, params={"date": friday.isoformat()}, headers=member)
        assert forbidden.status_code == 403
        assert client.get("/calendar/closures", headers=member).status_code == 403

        effect = client.get(effect_url, params={"date": friday.isoformat()}, headers=ADMIN)
        assert effect.status_code == 200, effect.text
        assert effect.json()["date"] == friday.isoformat()
        assert effect.json()["changes_anything"] is True
        assert effect.json()["changes"][0] == {
            "submitted": wednesday.isoformat(),
            "due_before": friday.isoformat(),
            "due_after": monday.isoformat(),
        }
        saturday = (friday + timedelta(days=1)).isoformat()
        weekend = client.get(effect_url, params={"date": saturday}, headers=ADMIN).json()
        assert weekend == {"date": saturday, "changes_anything": False, "changes": []}

        closure = {"date": friday.isoformat(), "reason": "Απογραφή"}
        added = client.post("/calendar/closures", json=closure, headers=staff())
        assert added.status_code == 201, added.text
        assert added.json()["decided_by"] == STAFF
        again = client.post("/calendar/closures", json=closure, headers=ADMIN)
        assert again.status_code == 409
        assert refusal(again)["type"] == "closure_exists"
        earlier = {"date": (friday - timedelta(days=7)).isoformat(), "reason": "Εκδήλωση"}
        assert client.post("/calendar/closures", json=earlier, headers=ADMIN).status_code == 201

        due = client.get("/calendar/designation-due", params={"submitted": wednesday.isoformat()})
        assert due.json()["designation_due"] == monday.isoformat()
        closed = client.get(effect_url, params={"date": friday.isoformat()}, headers=ADMIN)
        assert closed.json()["changes_anything"] is False

        page = client.get("/calendar/closures", params={"page_size": 1}, headers=ADMIN).json()
        assert page["total"] == 2
        assert [c["date"] for c in page["items"]] == [earlier["date"]]
        second = client.get(
            "/calendar/closures", params={"page_size": 1, "page": 2}, headers=ADMIN
        ).json()
        [listed] = second["items"]
        assert (listed["date"], listed["reason"], listed["decided_by"]) == (
            friday.isoformat(),
            "Απογραφή",
            STAFF,
        )
        assert datetime.fromisoformat(listed["added_at"]).date() >= today - timedelta(days=1)
