"""The registration's rules, given events → command → events or error, with no I/O."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, date, datetime

import pytest

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from contracts.registration import Level, Role, Seniority
from services.registration.application import RegistrationApplication
from services.registration.domain import Registration, TaxIdClaim
from services.registration.nominations import BodyDetails, Nomination
from services.runtime.errors import Conflict, RuleBroken

SUBMITTED = datetime(2026, 4, 9, 9, 30, tzinfo=UTC)
DUE = date(2026, 4, 15)
BODY = BodyDetails("Δήμος Παραδείγματος", "094014201", Level.LOCAL, None, None)


def sealed() -> Sealed:
    """A stand-in for a sealed value: the domain never looks inside."""
    ciphertext = base64.urlsafe_b64encode(os.urandom(40)).decode().rstrip("=")
    return Sealed(subject_id=uuid.uuid4(), ciphertext=ciphertext)


def nomination(role: Role, seniority: Seniority = Seniority.DIRECTORATE_HEAD) -> Nomination:
    return Nomination(
        representative_id=uuid.uuid4(),
        role=role,
        full_name=sealed(),
        email=sealed(),
        phone=None,
        position_title="Προϊστάμενος Διεύθυνσης",
        unit="Διεύθυνση Ψηφιακής Διακυβέρνησης",
        seniority=seniority,
        seniority_justification=None,
    )


def submitted(alternate: bool = False) -> Registration:
    return Registration.submit(
        BODY,
        nomination(Role.MAIN),
        nomination(Role.ALTERNATE) if alternate else None,
        Role.MAIN,
        SUBMITTED,
        DUE,
    )


def event_names(registration: Registration) -> list[str]:
    return [type(e).__name__ for e in registration.collect_events()]


def send(registration: Registration, at: datetime = SUBMITTED) -> uuid.UUID:
    designation_id = uuid.uuid4()
    registration.send_designation(
        designation_id, sealed(), "Γενικός Γραμματέας", "a" * 64, 1000, at
    )
    return designation_id


def test_a_form_with_both_representatives_nominates_each_and_awaits_the_designation() -> None:
    registration = submitted(alternate=True)
    assert event_names(registration) == [
        "Submitted",
        "RepresentativeNominated",
        "RepresentativeNominated",
    ]
    assert registration.status == "awaiting_designation"
    assert [r.role for r in registration.current()] == [Role.MAIN, Role.ALTERNATE]


def test_the_main_representative_cannot_be_nominated_as_an_alternate() -> None:
    with pytest.raises(RuleBroken, match="main representative is required"):
        Registration.submit(BODY, nomination(Role.ALTERNATE), None, Role.MAIN, SUBMITTED, DUE)


def test_a_body_never_has_two_alternates() -> None:
    registration = submitted(alternate=True)
    with pytest.raises(Conflict, match="alternate representative already"):
        registration.add_alternate(nomination(Role.ALTERNATE), DUE, SUBMITTED)


def test_an_alternate_added_later_has_a_due_day_of_its_own() -> None:
    registration = submitted()
    registration.collect_events()
    later_due = date(2026, 5, 6)
    registration.add_alternate(nomination(Role.ALTERNATE), later_due, SUBMITTED)
    assert event_names(registration) == ["RepresentativeNominated"]
    assert registration.current()[1].designation_due == later_due


def test_a_designation_covers_everyone_waiting_and_verification_makes_them_members() -> None:
    registration = submitted(alternate=True)
    send(registration)
    assert registration.status == "designation_received"
    registration.verify_designation(SUBMITTED)
    assert registration.status == "active"
    assert {r.state for r in registration.current()} == {"designated"}


def test_a_second_designation_waits_for_the_decision_on_the_first() -> None:
    registration = submitted()
    send(registration)
    with pytest.raises(Conflict, match="waiting for the innovation unit"):
        send(registration)


def test_a_rejected_designation_gives_its_reason_and_a_new_one_can_be_sent() -> None:
    registration = submitted()
    send(registration)
    registration.reject_designation("Λείπει η υπογραφή.", SUBMITTED)
    assert registration.status == "designation_rejected"
    send(registration)
    assert registration.status == "designation_received"


def test_a_decision_on_the_designation_the_unit_read_refuses_a_newer_one_sent_since() -> None:
    registration = submitted()
    read = send(registration)
    registration.reject_designation("Λείπει η υπογραφή.", SUBMITTED)
    newer = send(registration)
    with pytest.raises(Conflict) as refused:
        registration.verify_designation(SUBMITTED, designation_id=read)
    assert refused.value.code is ErrorCode.DESIGNATION_NOT_LATEST
    with pytest.raises(Conflict) as refused:
        registration.reject_designation("Άλλος λόγος.", SUBMITTED, designation_id=read)
    assert refused.value.code is ErrorCode.DESIGNATION_NOT_LATEST
    assert registration.status == "designation_received"
    registration.verify_designation(SUBMITTED, designation_id=newer)
    assert registration.status == "active"


def test_rejecting_needs_a_reason() -> None:
    registration = submitted()
    send(registration)
    with pytest.raises(RuleBroken, match="why"):
        registration.reject_designation("  ", SUBMITTED)


def test_a_due_day_that_ended_without_a_designation_is_recorded_once() -> None:
    registration = submitted(alternate=True)
    registration.collect_events()
    assert registration.record_overdue(DUE, SUBMITTED) is False, "not before the day ends"
    assert registration.record_overdue(date(2026, 4, 16), SUBMITTED) is True
    assert event_names(registration) == ["DesignationOverdue"]
    assert registration.status == "overdue"
    assert registration.record_overdue(date(2026, 4, 20), SUBMITTED) is False
    assert event_names(registration) == []


def test_a_designation_sent_in_time_is_never_overdue() -> None:
    registration = submitted()
    send(registration)
    assert registration.record_overdue(date(2026, 5, 1), SUBMITTED) is False


def test_a_replaced_representative_leaves_only_when_the_successor_is_verified() -> None:
    registration = submitted()
    send(registration)
    registration.verify_designation(SUBMITTED)
    old_main = registration.current()[0].id
    registration.replace_representative(old_main, nomination(Role.MAIN), DUE, SUBMITTED)
    assert registration.status == "active", "the current main is still designated"
    send(registration)
    registration.collect_events()
    registration.verify_designation(SUBMITTED)
    assert event_names(registration) == ["DesignationVerified", "RepresentativeWithdrawn"]
    assert registration.representatives[old_main].state == "withdrawn"
    assert [r.role for r in registration.current()] == [Role.MAIN]


def test_a_withdrawn_registration_takes_no_more_commands() -> None:
    registration = submitted()
    registration.withdraw("Ο φορέας καταργήθηκε.", SUBMITTED)
    assert registration.status == "withdrawn"
    with pytest.raises(Conflict, match="withdrawn"):
        send(registration)


def test_a_tax_number_is_held_by_one_open_registration_and_freed_by_withdrawal() -> None:
    claim = TaxIdClaim("094014201", uuid.uuid4())
    with pytest.raises(Conflict, match="open or active registration"):
        claim.claim_again(uuid.uuid4())
    claim.release()
    claim.claim_again(uuid.uuid4())


def test_a_registration_stored_and_read_back_is_the_same() -> None:
    app = RegistrationApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    registration = submitted(alternate=True)
    send(registration)
    registration.reject_designation("Λείπει η υπογραφή.", SUBMITTED)
    app.save(registration)
    copy: Registration = app.repository.get(registration.id)
    assert copy.status == registration.status == "designation_rejected"
    assert copy.body == BODY
    assert copy.representatives == registration.representatives
    assert copy.designations == registration.designations


def test_every_event_of_a_registration_is_published() -> None:
    from services.registration.publishing import to_contract

    events = {
        f"Registration.{name}"
        for name, value in vars(Registration).items()
        if isinstance(value, type) and name not in {"Created", "Event", "Snapshot"}
    }
    assert events
    assert events <= to_contract.event_names()


def test_a_designation_after_a_replacement_covers_the_successor_not_the_one_it_replaces() -> None:
    registration = submitted(alternate=True)
    old_main, alternate = (r.id for r in registration.current())
    successor = nomination(Role.MAIN)
    registration.replace_representative(old_main, successor, DUE, SUBMITTED)
    registration.collect_events()

    send(registration)

    (received,) = registration.collect_events()
    assert type(received).__name__ == "DesignationReceived"
    assert set(received.representative_ids) == {successor.representative_id, alternate}
    registration.verify_designation(SUBMITTED)
    assert [r.id for r in registration.current()] == [successor.representative_id, alternate]
    assert registration.representatives[old_main].state == "withdrawn"


def test_a_body_has_one_main_and_one_alternate_in_force_while_a_successor_waits() -> None:
    registration = submitted(alternate=True)
    old_main = registration.current()[0].id
    successor = nomination(Role.MAIN)
    registration.replace_representative(old_main, successor, DUE, SUBMITTED)
    assert len(registration.current()) == 3, "the one replaced stays until the successor is in"
    assert [r.role for r in registration.in_force()] == [Role.MAIN, Role.ALTERNATE]
    assert successor.representative_id in {r.id for r in registration.in_force()}


def test_a_due_day_missed_while_a_successor_waits_is_recorded_for_those_in_force() -> None:
    registration = submitted(alternate=True)
    old_main = registration.current()[0].id
    registration.replace_representative(old_main, nomination(Role.MAIN), DUE, SUBMITTED)
    registration.collect_events()
    assert registration.record_overdue(date(2026, 4, 16), SUBMITTED) is True
    (overdue,) = registration.collect_events()
    assert old_main not in overdue.representative_ids
    assert len(overdue.representative_ids) == 2


def test_verifying_a_successor_of_a_successor_retires_every_one_it_replaces() -> None:
    registration = submitted()
    first = registration.current()[0].id
    second, third = nomination(Role.MAIN), nomination(Role.MAIN)
    registration.replace_representative(first, second, DUE, SUBMITTED)
    registration.replace_representative(second.representative_id, third, DUE, SUBMITTED)
    send(registration)
    registration.collect_events()

    registration.verify_designation(SUBMITTED)

    withdrawn = [
        e.representative_id
        for e in registration.collect_events()
        if type(e).__name__ == "RepresentativeWithdrawn"
    ]
    assert withdrawn == [second.representative_id, first]
    assert [r.id for r in registration.current()] == [third.representative_id]
    assert registration.status == "active"


def test_a_representative_already_being_replaced_is_not_replaced_twice() -> None:
    registration = submitted()
    first = registration.current()[0].id
    registration.replace_representative(first, nomination(Role.MAIN), DUE, SUBMITTED)
    with pytest.raises(Conflict, match="already nominated"):
        registration.replace_representative(first, nomination(Role.MAIN), DUE, SUBMITTED)
