"""A registration left without a designation lapses, with a clock the test controls.

The service's application on the in-memory event store, each command given its `now`: the
warning a week before, the lapse 30 days after the due day, the ΑΦΜ free again, an extension
keeping another registration from lapsing, and a designation stopping the clock.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest

from contracts import registration as contract
from contracts.errors import ErrorCode
from services.registration.application import FieldsAsDict, RegistrationApplication
from services.registration.domain import Registration
from services.registration.lapses import LapseStep
from services.registration.models import RegistrationCreate
from services.registration.nominations import Nomination
from services.registration.publishing import to_contract
from services.runtime.errors import Conflict, DomainError, RuleBroken
from services.runtime.sealing import Sealer
from services.runtime.timezone import ATHENS
from tests.registration.conftest import TAX_IDS, form

SUBMITTED = datetime(2026, 4, 9, 7, 0, tzinfo=ATHENS)  # Thursday before Orthodox Easter
DUE = date(2026, 4, 15)
LAPSES_ON = date(2026, 5, 15)  # 30 calendar days after the due day
STAFF = "staff-0123456789abcdef0123"
"""The subject of the innovation-unit member who decides, as the gateway mints it."""


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of `day` in Athens: 00:00 is the end of the day before."""
    return datetime.combine(day, time(hour, minute), tzinfo=ATHENS)


def last_minute_of(day: date) -> datetime:
    return at(day, 23, 59)


class MemoryVault:
    """The sealer's keys in memory: the real cipher, no database."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    def key_for(self, subject_id: UUID) -> bytes:
        return self.keys.setdefault(subject_id, os.urandom(32))

    def existing_key(self, subject_id: UUID) -> bytes | None:
        return self.keys.get(subject_id)

    def is_erased(self, subject_id: UUID) -> bool:
        return False


@pytest.fixture
def app() -> RegistrationApplication:
    return RegistrationApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        sealer=Sealer(MemoryVault()),  # type: ignore[arg-type]
    )


def submit(app: RegistrationApplication, tax_id: str = TAX_IDS[0], **changes: Any) -> UUID:
    filled = form(tax_id, **changes)
    return app.submit(RegistrationCreate.model_validate(filled), filled["main"]["email"], SUBMITTED)


def overdue(app: RegistrationApplication, tax_id: str = TAX_IDS[0]) -> UUID:
    """A registration whose due day ended without a designation, as the overdue check saw."""
    registration_id = submit(app, tax_id)
    assert app.record_overdue(registration_id, at(DUE + timedelta(days=1)))
    return registration_id


def send_designation(app: RegistrationApplication, registration_id: UUID, now: datetime) -> None:
    """A signed designation received (the file store is the database's: not kept here)."""
    registration = app.registration(registration_id)
    designation_id = uuid.uuid4()
    signer = app.sealer.seal(designation_id, "Νίκος Αθανασίου")
    registration.send_designation(designation_id, signer, "Γενικός Γραμματέας", "a" * 64, 1000, now)
    app.save(registration)


def published(app: RegistrationApplication, registration_id: UUID) -> list[Any]:
    """The contract events the relay would publish for the registration, in order."""
    notifications = app.recorder.select_notifications(start=None, limit=10_000)
    events = [to_contract(app.mapper.to_domain_event(n)) for n in notifications]
    return [
        e
        for e in events
        if e is not None and getattr(e, "registration_id", None) == registration_id
    ]


def of_kind(app: RegistrationApplication, registration_id: UUID, kind: type) -> list[Any]:
    return [e for e in published(app, registration_id) if isinstance(e, kind)]


def test_a_registration_lapses_30_days_after_its_due_day_after_a_warning_a_week_before(
    app: RegistrationApplication,
) -> None:
    registration_id = overdue(app)
    assert app.registration(registration_id).lapses_on == LAPSES_ON

    warning_day = date(2026, 5, 8)
    assert app.record_lapse_step(registration_id, last_minute_of(warning_day)) is None
    assert app.record_lapse_step(registration_id, at(warning_day + timedelta(days=1))) == "warned"
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 12))) is None, "warned once"
    assert app.record_lapse_step(registration_id, last_minute_of(LAPSES_ON)) is None
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 16))) == "lapsed"
    assert app.record_lapse_step(registration_id, at(date(2026, 6, 1))) is None, "lapsed once"

    lapsed = app.registration(registration_id)
    assert lapsed.status == "lapsed"
    assert lapsed.lapses_on is None
    assert lapsed.lapsed_at == at(date(2026, 5, 16))
    [warning] = of_kind(app, registration_id, contract.RegistrationLapsing)
    assert warning.lapses_on == LAPSES_ON
    assert warning.warned_at == at(date(2026, 5, 9))
    assert warning.lapses_on - warning.warned_at.date() == timedelta(days=6)  # 7 days to its end
    [lapse] = of_kind(app, registration_id, contract.RegistrationLapsed)
    main = lapsed.current()[0].id
    assert warning.representative_ids == lapse.representative_ids == [main]


def test_a_lapsed_registration_frees_its_tax_number_for_a_new_registration(
    app: RegistrationApplication,
) -> None:
    first = overdue(app)
    with pytest.raises(Conflict) as refused:
        submit(app)
    assert refused.value.code is ErrorCode.TAX_ID_REGISTERED
    app.record_lapse_step(first, at(date(2026, 5, 9)))
    assert app.record_lapse_step(first, at(date(2026, 5, 16))) is LapseStep.LAPSED

    again = submit(app)
    assert again != first
    assert app.registration(again).status == "awaiting_designation"
    with pytest.raises(Conflict) as closed:
        app.withdraw(first, None, at(date(2026, 5, 17)))
    assert closed.value.code is ErrorCode.REGISTRATION_LAPSED


def test_an_extension_keeps_another_registration_from_lapsing_and_warns_again_before_the_new_day(
    app: RegistrationApplication,
) -> None:
    lapsing, extended = overdue(app, TAX_IDS[0]), overdue(app, TAX_IDS[1])
    for registration_id in (lapsing, extended):
        assert app.record_lapse_step(registration_id, at(date(2026, 5, 9))) == "warned"
    new_day = date(2026, 6, 15)
    app.extend(extended, new_day, "Αλλαγή ηγεσίας του φορέα", STAFF, at(date(2026, 5, 11), 10))

    end_of_lapse_day = at(LAPSES_ON + timedelta(days=1))
    assert app.record_lapse_step(lapsing, end_of_lapse_day) == "lapsed"
    assert app.record_lapse_step(extended, end_of_lapse_day) is None
    assert app.registration(extended).status == "overdue"
    assert app.registration(extended).lapses_on == new_day

    assert app.record_lapse_step(extended, last_minute_of(date(2026, 6, 8))) is None
    assert app.record_lapse_step(extended, at(date(2026, 6, 9))) == "warned"
    assert app.record_lapse_step(extended, last_minute_of(new_day)) is None
    assert app.record_lapse_step(extended, at(date(2026, 6, 16))) == "lapsed"
    [extension] = of_kind(app, extended, contract.RegistrationExtended)
    assert (extension.lapses_on, extension.reason) == (new_day, "Αλλαγή ηγεσίας του φορέα")
    warnings = of_kind(app, extended, contract.RegistrationLapsing)
    assert [w.lapses_on for w in warnings] == [LAPSES_ON, new_day]


def test_an_extension_gives_a_later_day_to_a_registration_waiting_for_its_designation(
    app: RegistrationApplication,
) -> None:
    waiting = submit(app, TAX_IDS[0])
    with pytest.raises(Conflict) as not_yet:  # not overdue: not on the lapse clock yet
        app.extend(waiting, date(2026, 7, 1), "Αλλαγή ηγεσίας", STAFF, at(date(2026, 4, 10)))
    assert not_yet.value.code is ErrorCode.NOT_LAPSING

    registration_id = overdue(app, TAX_IDS[1])
    for earlier_or_same in (LAPSES_ON, LAPSES_ON - timedelta(days=3)):
        with pytest.raises(RuleBroken) as not_later:
            app.extend(
                registration_id, earlier_or_same, "Αλλαγή ηγεσίας", STAFF, at(date(2026, 5, 1))
            )
        assert not_later.value.code is ErrorCode.EXTENSION_NOT_LATER
        assert not_later.value.field == "lapses_on"
        assert not_later.value.params == {"lapses_on": LAPSES_ON}

    app.record_lapse_step(registration_id, at(date(2026, 5, 9)))
    app.record_lapse_step(registration_id, at(date(2026, 5, 16)))
    with pytest.raises(Conflict) as lapsed:
        app.extend(
            registration_id, date(2026, 7, 1), "Αλλαγή ηγεσίας", STAFF, at(date(2026, 5, 17))
        )
    assert lapsed.value.code is ErrorCode.REGISTRATION_LAPSED


def test_a_designation_stops_the_clock_and_a_rejection_starts_it_again_with_a_week_s_warning(
    app: RegistrationApplication,
) -> None:
    registration_id = overdue(app)
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 9))) == "warned"
    send_designation(app, registration_id, at(date(2026, 5, 12)))
    assert app.registration(registration_id).lapses_on is None
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 20))) is None
    with pytest.raises(Conflict) as waiting:
        app.extend(
            registration_id, date(2026, 7, 1), "Αλλαγή ηγεσίας", STAFF, at(date(2026, 5, 20))
        )
    assert waiting.value.code is ErrorCode.NOT_LAPSING

    # Rejected after the lapse day: back on the clock, warned again, a week to send a new one.
    app.reject_designation(registration_id, "Λείπει η υπογραφή.", STAFF, at(date(2026, 5, 21), 12))
    assert app.registration(registration_id).status == "designation_rejected"
    assert app.registration(registration_id).lapses_on == LAPSES_ON
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 22))) == "warned"
    assert app.registration(registration_id).lapses_on == date(2026, 5, 28)
    assert app.record_lapse_step(registration_id, last_minute_of(date(2026, 5, 28))) is None
    assert app.record_lapse_step(registration_id, at(date(2026, 5, 29))) == "lapsed"


def test_a_verified_designation_ends_the_clock_for_good(app: RegistrationApplication) -> None:
    registration_id = overdue(app)
    send_designation(app, registration_id, at(date(2026, 5, 1)))
    app.verify_designation(registration_id, STAFF, at(date(2026, 5, 2)))
    for day in (date(2026, 5, 9), date(2026, 5, 16), date(2027, 1, 1)):
        assert app.record_lapse_step(registration_id, at(day)) is None
    assert app.registration(registration_id).status == "active"
    assert of_kind(app, registration_id, contract.RegistrationLapsing) == []


def test_a_warning_that_comes_late_still_gives_a_week(app: RegistrationApplication) -> None:
    registration_id = overdue(app)
    # The check did not run for weeks (or the registration was overdue before lapses existed).
    assert app.record_lapse_step(registration_id, at(date(2026, 6, 1), 9)) == "warned"
    assert app.registration(registration_id).lapses_on == date(2026, 6, 7)
    assert app.record_lapse_step(registration_id, last_minute_of(date(2026, 6, 7))) is None
    assert app.record_lapse_step(registration_id, at(date(2026, 6, 8))) == "lapsed"


def test_a_registration_waiting_for_its_due_day_or_withdrawn_never_lapses(
    app: RegistrationApplication,
) -> None:
    waiting = submit(app, TAX_IDS[0])
    assert app.registration(waiting).lapses_on is None
    assert app.record_lapse_step(waiting, at(date(2026, 4, 15), 12)) is None
    withdrawn = overdue(app, TAX_IDS[1])
    app.withdraw(withdrawn, None, at(date(2026, 4, 20)))
    assert app.registration(withdrawn).lapses_on is None
    assert app.record_lapse_step(withdrawn, at(date(2026, 6, 1))) is None


def test_only_the_applicant_who_proved_the_filler_s_email_submits_the_form(
    app: RegistrationApplication,
) -> None:
    filled = RegistrationCreate.model_validate(form(TAX_IDS[0], with_alternate=True))
    for someone_else in (None, "g.nikolaou@example.gov.gr", "not an address", "m.papa@example.gr"):
        with pytest.raises(DomainError) as refused:
            app.submit(filled, someone_else, SUBMITTED)
        assert refused.value.status_code == 403
        assert refused.value.code is ErrorCode.EMAIL_NOT_PROVED
        assert refused.value.params == {"role": "main"}
    by_alternate = RegistrationCreate.model_validate(
        form(TAX_IDS[1], with_alternate=True, submitted_by="alternate")
    )
    with pytest.raises(DomainError, match="alternate representative"):
        app.submit(by_alternate, "m.papadopoulou@example.gov.gr", SUBMITTED)

    # The email as the runtime normalises it, in any case.
    assert app.submit(filled, "M.Papadopoulou@EXAMPLE.gov.gr", SUBMITTED)
    assert app.submit(by_alternate, "G.Nikolaou@example.gov.gr", SUBMITTED)


def test_each_representative_s_language_is_nominated_and_published(
    app: RegistrationApplication,
) -> None:
    filled = form(TAX_IDS[0], with_alternate=True)
    filled["alternate"]["language"] = "en"
    registration_id = app.submit(
        RegistrationCreate.model_validate(filled), filled["main"]["email"], SUBMITTED
    )
    registration: Registration = app.registration(registration_id)
    languages = {r.role: r.nomination.language for r in registration.current()}
    assert languages == {"main": "el", "alternate": "en"}, "Greek unless the form says"
    nominated = of_kind(app, registration_id, contract.RepresentativeNominated)
    assert {e.role: e.language for e in nominated} == languages


def test_a_nomination_stored_before_the_language_was_asked_has_none() -> None:
    stored = {
        "representative_id": str(uuid.uuid4()),
        "role": "main",
        "full_name": None,
        "email": None,
        "phone": None,
        "position_title": "Προϊσταμένη Διεύθυνσης",
        "unit": "Διεύθυνση",
        "seniority": "directorate_head",
        "seniority_justification": None,
    }
    nomination = FieldsAsDict(Nomination, "nomination").decode(stored)
    assert isinstance(nomination, Nomination)
    assert nomination.language is None
