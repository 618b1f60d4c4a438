"""The API on the real stack: who may submit the form, and the innovation unit's extension.

The service runs as a process on the wall clock; the test moves a registration past its due day
and lapse day by running the checks' commands itself with a later `now`, on the same database.
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
from services.runtime.eventstore import open_application
from services.runtime.settings import ServiceSettings
from tests.registration.conftest import ADMIN, TAX_IDS, RegistrationStack, form, token
from tests.support.polling import eventually
from tests.support.tokens import applicant, applicant_for


def refusal(response: httpx.Response) -> dict[str, Any]:
    [detail] = response.json()["detail"]
    return dict(detail)


def test_only_an_applicant_who_proved_the_filler_s_email_submits_the_form(
    registration_stack: RegistrationStack,
) -> None:
    filled = form(TAX_IDS[0], with_alternate=True)
    filled["alternate"]["language"] = "en"
    before = registration_stack.stored_event_count()
    with registration_stack.client() as client:
        nobody = client.post("/registrations", json=filled)
        assert nobody.status_code == 401
        assert refusal(nobody)["type"] == "sign_in_required"
        for other_role in (ADMIN, token("member", body_id=TAX_IDS[0])):
            refused = client.post("/registrations", json=filled, headers=other_role)
            assert refused.status_code == 403
            assert refusal(refused)["type"] == "role_required"
        someone_else = client.post(
            "/registrations", json=filled, headers=applicant("g.nikolaou@example.gov.gr")
        )
        assert someone_else.status_code == 403, someone_else.text
        assert refusal(someone_else) == {
            "type": "email_not_proved",
            "msg": "Sign in with the email of the main representative, who fills the form.",
            "loc": ["body", "submitted_by"],
            "ctx": {"role": "main"},
        }
        assert registration_stack.stored_event_count() == before, "nothing kept"

        created = client.post(
            "/registrations", json=filled, headers=applicant("M.Papadopoulou@Example.gov.gr")
        )
        assert created.status_code == 201, created.text
        by_alternate = form(TAX_IDS[1], with_alternate=True, submitted_by="alternate")
        other = client.post(
            "/registrations", json=by_alternate, headers=applicant_for(by_alternate)
        )
        assert other.status_code == 201, other.text

        one = f"/registrations/{created.json()['id']}"
        seen_by_the_unit = client.get(one, headers=ADMIN).json()
        assert [r["language"] for r in seen_by_the_unit["representatives"]] == ["el", "en"]
        assert seen_by_the_unit["lapses_on"] is None
        seen_by_the_public = client.get(one).json()
        assert [r["language"] for r in seen_by_the_public["representatives"]] == [None, None]


@pytest.fixture
def commands(registration_stack: RegistrationStack) -> Iterator[RegistrationApplication]:
    """The service's application on the stack's database, for commands at a chosen `now`."""
    settings = ServiceSettings(service="registration", database_url=registration_stack.database_url)
    application = open_application(RegistrationApplication, settings)
    try:
        yield application
    finally:
        application.close()


def test_the_innovation_unit_extends_a_registration_waiting_for_its_designation(
    registration_stack: RegistrationStack, commands: RegistrationApplication
) -> None:
    filled = form(TAX_IDS[2])
    member = token("member", body_id=TAX_IDS[2])
    with registration_stack.client() as client:
        created = client.post("/registrations", json=filled, headers=applicant_for(filled))
        assert created.status_code == 201, created.text
        registration_id = UUID(created.json()["id"])
        due = date.fromisoformat(created.json()["designation_due"])
        extension = f"/registrations/{registration_id}/extension"
        later = {"lapses_on": (due + timedelta(days=45)).isoformat(), "reason": "Νέα ηγεσία"}

        assert client.post(extension, json=later).status_code == 401
        as_member = client.post(extension, json=later, headers=member)
        assert as_member.status_code == 403
        assert refusal(as_member)["type"] == "role_required"
        too_soon = client.post(extension, json=later, headers=ADMIN)
        assert too_soon.status_code == 409, too_soon.text
        assert refusal(too_soon)["type"] == "not_lapsing"

        # The due day ends with no designation: overdue, 30 days to go.
        day_after_due = WorkingCalendar.due_moment(due).astimezone(UTC)
        assert commands.record_overdue(registration_id, day_after_due)
        overdue = client.get(f"/registrations/{registration_id}", headers=ADMIN).json()
        assert overdue["status"] == "overdue"
        assert overdue["lapses_on"] == (due + timedelta(days=30)).isoformat()

        same_day = {**later, "lapses_on": overdue["lapses_on"]}
        not_later = client.post(extension, json=same_day, headers=ADMIN)
        assert not_later.status_code == 422, not_later.text
        assert refusal(not_later) | {"msg": ""} == {
            "type": "extension_not_later",
            "msg": "",
            "loc": ["body", "lapses_on"],
            "ctx": {"lapses_on": overdue["lapses_on"]},
        }
        shapeless = client.post(extension, json={"lapses_on": "soon"}, headers=ADMIN)
        assert shapeless.status_code == 422
        assert {tuple(d["loc"]) for d in shapeless.json()["detail"]} == {
            ("body", "lapses_on"),
            ("body", "reason"),
        }

        extended = client.post(extension, json=later, headers=ADMIN)
        assert extended.status_code == 200, extended.text
        assert extended.json()["lapses_on"] == later["lapses_on"]

        def listed_with_the_new_day() -> None:
            page = client.get("/registrations", params={"status": "overdue"}, headers=ADMIN)
            assert [item["lapses_on"] for item in page.json()["items"]] == [later["lapses_on"]]

        eventually(listed_with_the_new_day, timeout=30)

        # Warned a week before the new day, lapsed once it has ended: the ΑΦΜ is free.
        new_day = date.fromisoformat(later["lapses_on"])
        assert commands.record_lapse_step(
            registration_id, moment_after(new_day - timedelta(days=7))
        )
        assert commands.record_lapse_step(registration_id, moment_after(new_day))
        lapsed = client.get(f"/registrations/{registration_id}", headers=ADMIN).json()
        assert lapsed["status"] == "lapsed"
        assert lapsed["lapsed_at"] is not None
        closed = client.post(extension, json={**later, "lapses_on": "2030-01-01"}, headers=ADMIN)
        assert closed.status_code == 409
        assert refusal(closed)["type"] == "registration_lapsed"
        again = client.post("/registrations", json=filled, headers=applicant_for(filled))
        assert again.status_code == 201, again.text

    def published() -> None:
        types = [
            event.type.split(".")[-2] for _, _, event, _ in registration_stack.topic_messages()
        ]
        for kind in ("RegistrationExtended", "RegistrationLapsing", "RegistrationLapsed"):
            assert kind in types, types

    eventually(published, timeout=60)


def moment_after(day: date) -> datetime:
    """The first moment after `day` has ended in Athens."""
    return WorkingCalendar.due_moment(day)
