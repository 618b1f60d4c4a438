"""Who decided and what happened, on the in-memory application with a clock the test controls.

Each decision of the innovation unit keeps the subject of the member who made it, in the stored
event and in the published one; events stored before it was kept still load, with None. A
registration's history lists every step, oldest first, and shows who decided to admins only.
The closures list who added each, and a day's effect on due days is known before it is closed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from contracts import registration as contract
from contracts.errors import ErrorCode
from services.registration.application import RegistrationApplication
from services.registration.calendar import DueDayChange, WorkingCalendar
from services.registration.domain import OFFICE_CLOSURES_ID, OfficeClosures, Registration
from services.registration.models import RepresentativeCreate
from services.registration.publishing import to_contract
from services.registration.views import public_view
from services.runtime.errors import Conflict
from services.runtime.paging import Page
from services.runtime.sealing import Sealer
from tests.registration.conftest import form
from tests.registration.test_lapse import (
    DUE,
    STAFF,
    SUBMITTED,
    MemoryVault,
    at,
    of_kind,
    overdue,
    send_designation,
    submit,
)

OTHER_STAFF = "staff-fedcba9876543210fedc"


@pytest.fixture
def app() -> RegistrationApplication:
    return RegistrationApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        sealer=Sealer(MemoryVault()),  # type: ignore[arg-type]
    )


def stored_events(app: RegistrationApplication, aggregate_id: UUID) -> list[StoredEvent]:
    return list(app.recorder.select_events(aggregate_id))


def without(app: RegistrationApplication, stored: StoredEvent, *names: str) -> StoredEvent:
    """The stored event as it was written before its fields `names` were kept."""
    state: dict[str, Any] = app.mapper.transcoder.decode(stored.state)
    for name in names:
        del state[name]
    return replace(stored, state=app.mapper.transcoder.encode(state))


def replayed(app: RegistrationApplication, stored: list[StoredEvent]) -> Any:
    """The aggregate the stored events make, as the repository rebuilds it."""
    aggregate: Aggregate | None = None
    for event in stored:
        aggregate = app.mapper.to_domain_event(event).mutate(aggregate)  # type: ignore[attr-defined]
    return aggregate


def test_each_decision_keeps_who_made_it_in_the_stored_and_the_published_event(
    app: RegistrationApplication,
) -> None:
    registration_id = overdue(app)
    app.extend(registration_id, date(2026, 6, 30), "Νέα ηγεσία", STAFF, at(date(2026, 4, 20)))
    send_designation(app, registration_id, at(date(2026, 4, 21)))
    app.reject_designation(registration_id, "Λείπει η υπογραφή.", STAFF, at(date(2026, 4, 22)))
    send_designation(app, registration_id, at(date(2026, 4, 23)))
    app.verify_designation(registration_id, OTHER_STAFF, at(date(2026, 4, 24)))

    decided = {
        type(e).__name__: e.decided_by
        for e in map(app.mapper.to_domain_event, stored_events(app, registration_id))
        if hasattr(e, "decided_by")
    }
    assert decided == {
        "Extended": STAFF,
        "DesignationRejected": STAFF,
        "DesignationVerified": OTHER_STAFF,
    }
    [extended] = of_kind(app, registration_id, contract.RegistrationExtended)
    [rejected] = of_kind(app, registration_id, contract.DesignationRejected)
    [verified] = of_kind(app, registration_id, contract.DesignationVerified)
    assert (extended.decided_by, rejected.decided_by, verified.decided_by) == (
        STAFF,
        STAFF,
        OTHER_STAFF,
    )
    message = json.loads(verified.model_dump_json())
    assert message["decided_by"] == OTHER_STAFF


def test_a_decision_about_a_designation_no_longer_waiting_changes_nothing(
    app: RegistrationApplication,
) -> None:
    registration_id = submit(app)
    send_designation(app, registration_id, at(date(2026, 4, 10)))
    read = app.registration(registration_id).latest_designation()
    assert read is not None
    app.reject_designation(
        registration_id, "Λείπει η υπογραφή.", STAFF, at(date(2026, 4, 13)), read.designation_id
    )
    send_designation(app, registration_id, at(date(2026, 4, 14)))
    stored = len(stored_events(app, registration_id))

    later = at(date(2026, 4, 15))
    with pytest.raises(Conflict) as refused:
        app.verify_designation(registration_id, OTHER_STAFF, later, read.designation_id)
    assert refused.value.code is ErrorCode.DESIGNATION_NOT_LATEST
    with pytest.raises(Conflict) as refused:
        app.reject_designation(registration_id, "Ξανά.", OTHER_STAFF, later, read.designation_id)
    assert refused.value.code is ErrorCode.DESIGNATION_NOT_LATEST

    assert len(stored_events(app, registration_id)) == stored
    assert app.registration(registration_id).status == "designation_received"


def test_a_decision_stored_before_who_decided_was_kept_loads_and_publishes_none(
    app: RegistrationApplication,
) -> None:
    registration_id = submit(app)
    send_designation(app, registration_id, at(date(2026, 4, 10)))
    app.verify_designation(registration_id, STAFF, at(date(2026, 4, 13)))
    *earlier, verified = stored_events(app, registration_id)
    old = without(app, verified, "decided_by")
    assert "decided_by" not in app.mapper.transcoder.decode(old.state)

    registration: Registration = replayed(app, [*earlier, old])

    assert registration.status == "active"
    assert registration.history[-1].what == "designation_verified"
    assert registration.history[-1].decided_by is None
    published = to_contract(app.mapper.to_domain_event(old))
    assert isinstance(published, contract.DesignationVerified)
    assert published.decided_by is None


def test_the_history_lists_every_step_oldest_first_and_who_decided_to_admins_only(
    app: RegistrationApplication,
) -> None:
    registration_id = submit(app, with_alternate=True)
    assert app.record_overdue(registration_id, at(DUE + timedelta(days=1)))
    app.record_lapse_step(registration_id, at(date(2026, 5, 9)))
    app.extend(registration_id, date(2026, 6, 30), "Νέα ηγεσία", STAFF, at(date(2026, 5, 11)))
    send_designation(app, registration_id, at(date(2026, 5, 12)))
    app.reject_designation(registration_id, "Λείπει η υπογραφή.", STAFF, at(date(2026, 5, 13)))
    send_designation(app, registration_id, at(date(2026, 5, 14)))
    app.verify_designation(registration_id, OTHER_STAFF, at(date(2026, 5, 15)))
    main, alternate = app.registration(registration_id).current()
    successor = app.replace_representative(
        registration_id,
        main.id,
        RepresentativeCreate.model_validate({**form()["main"], "email": "new@example.gov.gr"}),
        at(date(2026, 6, 1)),
    )
    send_designation(app, registration_id, at(date(2026, 6, 2)))
    app.verify_designation(registration_id, STAFF, at(date(2026, 6, 3)))
    app.withdraw(registration_id, "Ο φορέας καταργήθηκε.", at(date(2026, 7, 1)))

    registration = app.registration(registration_id)
    admin = public_view(app.sealer, registration, with_personal_data=True, for_admin=True)
    steps = [(e.what, e.at, e.role, e.representative_id, e.decided_by) for e in admin.history]
    assert steps == [
        ("submitted", SUBMITTED, "main", None, None),
        ("representative_nominated", SUBMITTED, "main", main.id, None),
        ("representative_nominated", SUBMITTED, "alternate", alternate.id, None),
        ("designation_overdue", at(DUE + timedelta(days=1)), None, None, None),
        ("lapsing", at(date(2026, 5, 9)), None, None, None),
        ("extended", at(date(2026, 5, 11)), None, None, STAFF),
        ("designation_received", at(date(2026, 5, 12)), None, None, None),
        ("designation_rejected", at(date(2026, 5, 13)), None, None, STAFF),
        ("designation_received", at(date(2026, 5, 14)), None, None, None),
        ("designation_verified", at(date(2026, 5, 15)), None, None, OTHER_STAFF),
        ("representative_nominated", at(date(2026, 6, 1)), "main", successor, None),
        ("designation_received", at(date(2026, 6, 2)), None, None, None),
        ("designation_verified", at(date(2026, 6, 3)), None, None, STAFF),
        ("representative_replaced", at(date(2026, 6, 3)), "main", main.id, None),
        ("registration_withdrawn", at(date(2026, 7, 1)), None, None, None),
    ]
    lapsing, extended = admin.history[4], admin.history[5]
    assert lapsing.lapses_on == date(2026, 5, 15)
    assert (extended.lapses_on, extended.reason) == (date(2026, 6, 30), "Νέα ηγεσία")
    assert admin.history[7].reason == "Λείπει η υπογραφή."
    assert admin.history[-1].reason == "Ο φορέας καταργήθηκε."

    body = public_view(app.sealer, registration, with_personal_data=True)
    assert [e.what for e in body.history] == [e.what for e in admin.history]
    assert {e.decided_by for e in body.history} == {None}
    assert body.history[7].reason == "Λείπει η υπογραφή."
    public = public_view(app.sealer, registration, with_personal_data=False)
    assert [e.at for e in public.history] == [e.at for e in admin.history]
    assert {(e.reason, e.decided_by) for e in public.history} == {(None, None)}


def test_closing_a_friday_moves_the_due_day_of_the_wednesday_before_to_monday(
    app: RegistrationApplication,
) -> None:
    friday = date(2026, 12, 11)
    wednesday_9am = datetime(2026, 12, 9, 9, tzinfo=UTC)
    assert friday.weekday() == 4
    assert app.designation_due(wednesday_9am) == friday
    before = datetime(2026, 12, 1, 12, tzinfo=UTC)

    assert app.closure_effect(friday, before) == [
        DueDayChange(date(2026, 12, 9), due_before=friday, due_after=date(2026, 12, 14)),
        DueDayChange(
            date(2026, 12, 10), due_before=date(2026, 12, 14), due_after=date(2026, 12, 15)
        ),
    ]
    on_thursday = datetime(2026, 12, 10, 12, tzinfo=UTC)
    assert [c.submitted for c in app.closure_effect(friday, on_thursday)] == [date(2026, 12, 10)]
    assert app.closure_effect(date(2026, 12, 12), before) == [], "a Saturday"
    assert app.closure_effect(date(2026, 12, 25), before) == [], "Christmas"

    app.add_closure(friday, "Απογραφή", STAFF, before)

    assert app.designation_due(wednesday_9am) == date(2026, 12, 14)
    assert app.closure_effect(friday, before) == [], "closed already"


def test_closures_are_listed_by_day_with_who_added_them_and_a_day_is_closed_once(
    app: RegistrationApplication,
) -> None:
    added = datetime(2026, 12, 1, 12, tzinfo=UTC)
    app.add_closure(date(2026, 12, 31), "Παραμονή Πρωτοχρονιάς", STAFF, added)
    app.add_closure(date(2026, 12, 11), "Απογραφή", OTHER_STAFF, added + timedelta(hours=1))
    app.add_closure(date(2026, 12, 24), "Παραμονή Χριστουγέννων", STAFF, added)

    with pytest.raises(Conflict) as refused:
        app.add_closure(date(2026, 12, 11), "Ξανά", STAFF, added)
    assert refused.value.code is ErrorCode.CLOSURE_EXISTS

    first = app.closures(Page(number=1, size=2))
    assert first.total == 3
    assert [(c.day, c.reason, c.decided_by, c.added_at) for c in first.rows] == [
        (date(2026, 12, 11), "Απογραφή", OTHER_STAFF, added + timedelta(hours=1)),
        (date(2026, 12, 24), "Παραμονή Χριστουγέννων", STAFF, added),
    ]
    assert [c.day for c in app.closures(Page(number=2, size=2)).rows] == [date(2026, 12, 31)]


def test_a_closure_stored_before_who_added_it_was_kept_loads_with_none(
    app: RegistrationApplication,
) -> None:
    app.add_closure(date(2026, 12, 11), "Απογραφή", STAFF, datetime(2026, 12, 1, tzinfo=UTC))
    opened, added = stored_events(app, OFFICE_CLOSURES_ID)

    closures: OfficeClosures = replayed(
        app, [opened, without(app, added, "decided_by", "added_at")]
    )

    closure = closures.closures[date(2026, 12, 11)]
    assert (closure.reason, closure.decided_by, closure.added_at) == ("Απογραφή", None, None)
    due = WorkingCalendar(closures.closures).designation_due(date(2026, 12, 9))
    assert due == date(2026, 12, 14)
