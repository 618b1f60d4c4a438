"""The registration of a public body in the network: its representatives and their designation.

A body sends one form for up to two representatives, one main and one alternate, senior
executives of the body (`nominations.check_senior_enough`) with emails of their own
(`nominations.check_different_emails`). A body has one open or active registration at a time
(`TaxIdClaim`). Within `DESIGNATION_WORKING_DAYS` working days it sends a designation signed by
a senior management executive; the innovation unit verifies it (the representatives become
members) or rejects it with a reason (a new one can be sent). A due day that ends with no
designation is recorded as overdue, once. An alternate may be added later, with a due day of
its own (`check_at_most_one_alternate`); a representative may be replaced, the old one leaving
when the new one is verified, so a designation is about one main and one alternate at most
(`check_one_per_role`). A registration left waiting for its designation past the due day is
warned a week before its lapse day, then lapses and frees the tax number; the innovation unit
may extend it to a later day (`lapses`: the days and their rules). Each decision of the
innovation unit keeps who made it (`decided_by`), and every event adds a step to the
registration's `history`. A day is an office closure once (`OfficeClosures.add`).

Longer than 300 lines because the Registration aggregate alone is over 400: one class, its
events declared in its body, which no module split divides; the parts it holds live in
`nominations`, the checks of a designation file in `designations`, the lapse days in `lapses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from contracts.registration import Role
from services.registration.history import HistoryRecord, HistoryWhat
from services.registration.lapses import LapseStep, lapse_day, warned_lapse_day, warning_day
from services.registration.nominations import (
    WAITING_FOR_DESIGNATION,
    BodyDetails,
    Designation,
    DesignationState,
    Nomination,
    RegistrationStatus,
    Representative,
    RepresentativeState,
)
from services.runtime.errors import Conflict, RuleBroken

DESIGNATION_WORKING_DAYS: Final = 2
"""A designation is due at the end of this many working days after the submission day."""

REPLACED: Final = "replaced"
"""The reason a representative leaves when their successor's designation is verified."""

ON_THE_LAPSE_CLOCK: Final = frozenset(
    {RegistrationStatus.OVERDUE, RegistrationStatus.DESIGNATION_REJECTED}
)
"""Statuses of a registration still waiting for its designation, with none to decide on."""


class Registration(Aggregate):
    """One body's registration: open until withdrawn or lapsed, active while its main is
    designated."""

    class Submitted(Aggregate.Created):
        body: BodyDetails
        submitted_by: Role
        submitted_at: datetime
        designation_due: date
        representatives: list[dict[str, Any]]

    class RepresentativeNominated(Aggregate.Event):
        nomination: Nomination
        designation_due: date
        nominated_at: datetime
        replaces: UUID | None

    class DesignationReceived(Aggregate.Event):
        designation_id: UUID
        representative_ids: tuple[UUID, ...]
        signed_by_name: Sealed
        signed_by_title: str
        sha256: str
        size_bytes: int
        received_at: datetime

    class DesignationVerified(Aggregate.Event):
        designation_id: UUID
        representative_ids: tuple[UUID, ...]
        verified_at: datetime
        decided_by: str | None = None

    class DesignationRejected(Aggregate.Event):
        designation_id: UUID
        representative_ids: tuple[UUID, ...]
        reason: str
        rejected_at: datetime
        decided_by: str | None = None

    class DesignationOverdue(Aggregate.Event):
        representative_ids: tuple[UUID, ...]
        designation_due: date
        recorded_at: datetime

    class RepresentativeWithdrawn(Aggregate.Event):
        representative_id: UUID
        role: Role
        reason: str | None
        withdrawn_at: datetime

    class Withdrawn(Aggregate.Event):
        reason: str | None
        withdrawn_at: datetime

    class Lapsing(Aggregate.Event):
        representative_ids: tuple[UUID, ...]
        lapses_on: date
        warned_at: datetime

    class Extended(Aggregate.Event):
        lapses_on: date
        reason: str
        extended_at: datetime
        decided_by: str | None = None

    class Lapsed(Aggregate.Event):
        representative_ids: tuple[UUID, ...]
        lapsed_at: datetime

    @event(Submitted)
    def __init__(
        self,
        body: BodyDetails,
        submitted_by: Role,
        submitted_at: datetime,
        designation_due: date,
        representatives: list[dict[str, Any]],
    ) -> None:
        self.body = body
        self.submitted_by = Role(submitted_by)
        self.submitted_at = submitted_at
        self.designation_due = designation_due
        self.representatives: dict[UUID, Representative] = {}
        self.designations: dict[UUID, Designation] = {}
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None
        self.lapse_day: date | None = None  # set by a warning or an extension
        self.lapse_warned = False  # for the lapse day now in force
        self.lapsed_at: datetime | None = None
        self.history = [HistoryRecord(submitted_at, HistoryWhat.SUBMITTED, role=self.submitted_by)]

    @classmethod
    def submit(
        cls,
        body: BodyDetails,
        main: Nomination,
        alternate: Nomination | None,
        submitted_by: Role,
        submitted_at: datetime,
        designation_due: date,
    ) -> Registration:
        """A new registration with its main representative and, optionally, the alternate."""
        if main.role is not Role.MAIN:
            raise RuleBroken(
                ErrorCode.MAIN_REQUIRED, "The main representative is required.", field="main"
            )
        nominations = [main] if alternate is None else [main, alternate]
        if alternate is not None and alternate.role is not Role.ALTERNATE:
            raise RuleBroken(
                ErrorCode.SECOND_MUST_BE_ALTERNATE,
                "The second representative is the alternate.",
                field="alternate",
            )
        registration = cls(
            body=body,
            submitted_by=submitted_by,
            submitted_at=submitted_at,
            designation_due=designation_due,
            representatives=[
                {"representative_id": n.representative_id, "role": n.role} for n in nominations
            ],
        )
        for nomination in nominations:
            registration.nominate(nomination, designation_due, submitted_at, replaces=None)
        return registration

    # Status, derived from the representatives: one way to know it.

    @property
    def status(self) -> RegistrationStatus:
        """As the main representative stands (a replacement pending keeps the body active
        while its current main is designated); withdrawn once the body withdrew, lapsed once
        it lapsed."""
        if self.withdrawn_at is not None:
            return RegistrationStatus.WITHDRAWN
        if self.lapsed_at is not None:
            return RegistrationStatus.LAPSED
        mains = [r for r in self.current() if r.role is Role.MAIN]
        if any(r.state is RepresentativeState.DESIGNATED for r in mains):
            return RegistrationStatus.ACTIVE
        states = {r.state for r in mains}
        for state in (
            RepresentativeState.DESIGNATION_RECEIVED,
            RepresentativeState.DESIGNATION_REJECTED,
            RepresentativeState.OVERDUE,
        ):
            if state in states:
                return RegistrationStatus(state.value)
        return RegistrationStatus.AWAITING_DESIGNATION

    @property
    def is_closed(self) -> bool:
        """Withdrawn or lapsed: it takes no more commands, and the tax number is free."""
        return self.withdrawn_at is not None or self.lapsed_at is not None

    @property
    def lapses_on(self) -> date | None:
        """The day whose end it lapses at (Athens), while on the lapse clock; else None.

        On the clock while its main has no designation verified or waiting for a decision
        (overdue, or rejected): a designation received stops the clock, a rejection starts it
        again with the same day (and a new warning), a verification ends it.
        """
        if self.status not in ON_THE_LAPSE_CLOCK:
            return None
        return self.lapse_day or lapse_day(self.designation_due)

    def next_lapse_step(self) -> date | None:
        """The day whose end brings the next step: the warning day until warned, then the
        lapse day; None off the clock."""
        lapses_on = self.lapses_on
        if lapses_on is None:
            return None
        return lapses_on if self.lapse_warned else warning_day(lapses_on)

    def current(self) -> list[Representative]:
        """The representatives not withdrawn, main first."""
        found = [r for r in self.representatives.values() if r.is_current]
        return sorted(found, key=lambda r: (r.role is not Role.MAIN, r.designation_due))

    def in_force(self) -> list[Representative]:
        """The representatives a designation is about: at most one main and one alternate.

        A representative whose successor is nominated is on the way out: its successor stands
        in its place, so a body never has more than one of each role in force (the published
        events name at most two representatives).
        """
        succeeded = {r.replaces for r in self.current() if r.replaces is not None}
        return [r for r in self.current() if r.id not in succeeded]

    def awaiting_designation(self) -> list[Representative]:
        """The representatives in force a new designation would cover."""
        return [r for r in self.in_force() if r.state in WAITING_FOR_DESIGNATION]

    def predecessors(self, representative_id: UUID) -> list[Representative]:
        """The current representatives `representative_id` replaces, nearest first."""
        found: list[Representative] = []
        replaced_id = self.representatives[representative_id].replaces
        while replaced_id is not None and self.representatives[replaced_id].is_current:
            found.append(self.representatives[replaced_id])
            replaced_id = self.representatives[replaced_id].replaces
        return found

    def pending_designation(self) -> Designation | None:
        """The designation the innovation unit has not decided on yet."""
        pending = [d for d in self.designations.values() if d.state is DesignationState.RECEIVED]
        return pending[0] if pending else None

    def latest_designation(self) -> Designation | None:
        """The designation received last, whatever was decided about it."""
        return max(self.designations.values(), key=lambda d: d.received_at, default=None)

    # Commands.

    @event(RepresentativeNominated)
    def nominate(
        self,
        nomination: Nomination,
        designation_due: date,
        nominated_at: datetime,
        replaces: UUID | None,
    ) -> None:
        self.representatives[nomination.representative_id] = Representative(
            nomination, designation_due, replaces=replaces
        )
        self.history.append(
            HistoryRecord(
                nominated_at,
                HistoryWhat.REPRESENTATIVE_NOMINATED,
                role=nomination.role,
                representative_id=nomination.representative_id,
            )
        )

    def add_alternate(self, nomination: Nomination, designation_due: date, at: datetime) -> None:
        """Add the alternate a body did not name on its form (with a due day of its own)."""
        self.check_open()
        if nomination.role is not Role.ALTERNATE:
            raise RuleBroken(
                ErrorCode.ONLY_ALTERNATE_ADDED, "Only an alternate can be added.", field="role"
            )
        self.check_at_most_one_alternate()
        self.nominate(nomination, designation_due, at, replaces=None)

    def replace_representative(
        self, replaced_id: UUID, nomination: Nomination, designation_due: date, at: datetime
    ) -> None:
        """Nominate a successor; the replaced one leaves when the successor is verified."""
        self.check_open()
        replaced = self.representatives.get(replaced_id)
        if replaced is None or not replaced.is_current:
            raise RuleBroken(
                ErrorCode.REPRESENTATIVE_NOT_CURRENT,
                "No current representative with that id.",
                field="representative_id",
            )
        if any(r.replaces == replaced_id and r.is_current for r in self.representatives.values()):
            raise Conflict(
                ErrorCode.REPLACEMENT_PENDING,
                "A replacement for this representative is already nominated.",
            )
        if nomination.role is not replaced.role:
            raise RuleBroken(
                ErrorCode.SAME_ROLE_SUCCESSOR,
                f"The successor of the {replaced.role.value} representative is the "
                f"{replaced.role.value} representative too.",
                field="role",
                role=replaced.role.value,
            )
        self.nominate(nomination, designation_due, at, replaces=replaced_id)

    @event(DesignationReceived)
    def receive_designation(
        self,
        designation_id: UUID,
        representative_ids: tuple[UUID, ...],
        signed_by_name: Sealed,
        signed_by_title: str,
        sha256: str,
        size_bytes: int,
        received_at: datetime,
    ) -> None:
        self.designations[designation_id] = Designation(
            designation_id,
            tuple(representative_ids),
            signed_by_name,
            signed_by_title,
            sha256,
            size_bytes,
            received_at,
        )
        for representative_id in representative_ids:
            self.representatives[representative_id].state = RepresentativeState.DESIGNATION_RECEIVED
        self.history.append(HistoryRecord(received_at, HistoryWhat.DESIGNATION_RECEIVED))

    def send_designation(
        self,
        designation_id: UUID,
        signed_by_name: Sealed,
        signed_by_title: str,
        sha256: str,
        size_bytes: int,
        at: datetime,
    ) -> None:
        """Record a signed designation for every representative still waiting for one."""
        self.check_open()
        if self.pending_designation() is not None:
            raise Conflict(
                ErrorCode.DESIGNATION_PENDING,
                "A designation is waiting for the innovation unit's check already.",
            )
        waiting = self.awaiting_designation()
        if not waiting:
            raise Conflict(
                ErrorCode.DESIGNATIONS_COMPLETE,
                "Every representative of this registration is designated already.",
            )
        check_one_per_role(waiting)
        self.receive_designation(
            designation_id,
            tuple(r.id for r in waiting),
            signed_by_name,
            signed_by_title,
            sha256,
            size_bytes,
            at,
        )

    def verify_designation(
        self, at: datetime, decided_by: str | None = None, designation_id: UUID | None = None
    ) -> Designation:
        """The innovation unit accepts the pending designation: its representatives are in.

        With `designation_id` (the one the unit looked at), any other pending one is refused.
        """
        self.check_open()
        pending = self.check_pending_designation(designation_id)
        self.designation_verified(
            pending.designation_id, pending.representative_ids, at, decided_by
        )
        for successor_id in pending.representative_ids:
            # A successor of a successor not yet verified retires the whole chain it replaces.
            for replaced in self.predecessors(successor_id):
                self.representative_withdrawn(replaced.id, replaced.role, REPLACED, at)
        return pending

    @event(DesignationVerified)
    def designation_verified(
        self,
        designation_id: UUID,
        representative_ids: tuple[UUID, ...],
        verified_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        self.designations[designation_id].state = DesignationState.VERIFIED
        for representative_id in representative_ids:
            self.representatives[representative_id].state = RepresentativeState.DESIGNATED
        self.history.append(
            HistoryRecord(verified_at, HistoryWhat.DESIGNATION_VERIFIED, decided_by=decided_by)
        )

    def reject_designation(
        self,
        reason: str,
        at: datetime,
        decided_by: str | None = None,
        designation_id: UUID | None = None,
    ) -> Designation:
        """The innovation unit refuses the pending designation; a new one can be sent.

        With `designation_id` (the one the unit looked at), any other pending one is refused.
        """
        self.check_open()
        pending = self.check_pending_designation(designation_id)
        if not reason.strip():
            raise RuleBroken(
                ErrorCode.REJECTION_REASON_REQUIRED,
                "Say why the designation is rejected.",
                field="reason",
            )
        self.designation_rejected(
            pending.designation_id, pending.representative_ids, reason, at, decided_by
        )
        return pending

    @event(DesignationRejected)
    def designation_rejected(
        self,
        designation_id: UUID,
        representative_ids: tuple[UUID, ...],
        reason: str,
        rejected_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        self.designations[designation_id].state = DesignationState.REJECTED
        self.designations[designation_id].reason = reason
        self.lapse_warned = False  # back on the clock: the body hears of its lapse day again
        for representative_id in representative_ids:
            self.representatives[representative_id].state = RepresentativeState.DESIGNATION_REJECTED
        self.history.append(
            HistoryRecord(
                rejected_at, HistoryWhat.DESIGNATION_REJECTED, reason=reason, decided_by=decided_by
            )
        )

    def overdue_representatives(self, today: date) -> list[Representative]:
        """Those whose due day ended before `today` (Athens) with no designation sent."""
        if self.is_closed:
            return []
        return [
            r
            for r in self.in_force()
            if r.state is RepresentativeState.AWAITING_DESIGNATION and r.designation_due < today
        ]

    def next_due(self) -> date | None:
        """The earliest due day of a current representative still awaiting a designation."""
        if self.is_closed:
            return None
        waiting = [
            r.designation_due
            for r in self.current()
            if r.state is RepresentativeState.AWAITING_DESIGNATION
        ]
        return min(waiting, default=None)

    def record_overdue(self, today: date, at: datetime) -> bool:
        """Record, once per due day, that it ended without a designation; False if nothing is."""
        overdue = self.overdue_representatives(today)
        check_one_per_role(overdue)
        for due in sorted({r.designation_due for r in overdue}):
            ids = tuple(r.id for r in overdue if r.designation_due == due)
            self.designation_overdue(ids, due, at)
        return bool(overdue)

    @event(DesignationOverdue)
    def designation_overdue(
        self, representative_ids: tuple[UUID, ...], designation_due: date, recorded_at: datetime
    ) -> None:
        for representative_id in representative_ids:
            self.representatives[representative_id].state = RepresentativeState.OVERDUE
        self.history.append(HistoryRecord(recorded_at, HistoryWhat.DESIGNATION_OVERDUE))

    @event(RepresentativeWithdrawn)
    def representative_withdrawn(
        self, representative_id: UUID, role: Role, reason: str | None, withdrawn_at: datetime
    ) -> None:
        self.representatives[representative_id].state = RepresentativeState.WITHDRAWN
        replaced = reason == REPLACED
        what = (
            HistoryWhat.REPRESENTATIVE_REPLACED
            if replaced
            else HistoryWhat.REPRESENTATIVE_WITHDRAWN
        )
        self.history.append(
            HistoryRecord(
                withdrawn_at,
                what,
                role=role,
                representative_id=representative_id,
                reason=None if replaced else reason,  # `what` says it
            )
        )

    def withdraw(self, reason: str | None, at: datetime) -> None:
        """The body leaves the network (or takes back its form)."""
        self.check_open()
        self.withdrawn(reason, at)

    @event(Withdrawn)
    def withdrawn(self, reason: str | None, withdrawn_at: datetime) -> None:
        self.withdrawn_at = withdrawn_at
        self.withdrawal_reason = reason
        self.history.append(
            HistoryRecord(withdrawn_at, HistoryWhat.REGISTRATION_WITHDRAWN, reason=reason)
        )

    def record_lapse_step(self, today: date, at: datetime) -> LapseStep | None:
        """Warn once the warning day has ended, lapse once the lapse day has (both before
        `today`, Athens); None when neither is due. A warning always comes first, a week
        before the lapse (`lapses.warned_lapse_day`)."""
        step_day, lapses_on = self.next_lapse_step(), self.lapses_on
        if step_day is None or lapses_on is None or step_day >= today:
            return None
        representative_ids = tuple(r.id for r in self.in_force())
        if not self.lapse_warned:
            self.lapsing(representative_ids, warned_lapse_day(lapses_on, today), at)
            return LapseStep.WARNED
        self.lapsed(representative_ids, at)
        return LapseStep.LAPSED

    @event(Lapsing)
    def lapsing(
        self, representative_ids: tuple[UUID, ...], lapses_on: date, warned_at: datetime
    ) -> None:
        self.lapse_day = lapses_on
        self.lapse_warned = True
        self.history.append(HistoryRecord(warned_at, HistoryWhat.LAPSING, lapses_on=lapses_on))

    @event(Lapsed)
    def lapsed(self, representative_ids: tuple[UUID, ...], lapsed_at: datetime) -> None:
        self.lapsed_at = lapsed_at
        self.history.append(HistoryRecord(lapsed_at, HistoryWhat.LAPSED))

    def extend(
        self, lapses_on: date, reason: str, at: datetime, decided_by: str | None = None
    ) -> None:
        """The innovation unit gives a registration on the lapse clock until a later day."""
        self.check_open()
        current = self.lapses_on
        if current is None:
            raise Conflict(
                ErrorCode.NOT_LAPSING,
                "Only a registration still waiting for its designation past the due day can "
                "be given more time.",
            )
        if lapses_on <= current:
            raise RuleBroken(
                ErrorCode.EXTENSION_NOT_LATER,
                f"Give a day later than {current.isoformat()}, the day it lapses on now.",
                field="lapses_on",
                lapses_on=current,
            )
        self.extended(lapses_on, reason, at, decided_by)

    @event(Extended)
    def extended(
        self,
        lapses_on: date,
        reason: str,
        extended_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        self.lapse_day = lapses_on
        self.lapse_warned = False  # a week before the new day, the body is warned again
        self.history.append(
            HistoryRecord(
                extended_at,
                HistoryWhat.EXTENDED,
                reason=reason,
                lapses_on=lapses_on,
                decided_by=decided_by,
            )
        )

    # Invariants.

    def check_open(self) -> None:
        if self.withdrawn_at is not None:
            raise Conflict(ErrorCode.REGISTRATION_WITHDRAWN, "This registration was withdrawn.")
        if self.lapsed_at is not None:
            raise Conflict(
                ErrorCode.REGISTRATION_LAPSED,
                "This registration lapsed without a designation; the body may register again.",
            )

    def check_at_most_one_alternate(self) -> None:
        """A body has one alternate representative at most."""
        if any(r.role is Role.ALTERNATE for r in self.current()):
            raise Conflict(
                ErrorCode.SECOND_ALTERNATE, "This body has an alternate representative already."
            )

    def check_pending_designation(self, designation_id: UUID | None = None) -> Designation:
        """The designation waiting for a decision; if `designation_id` is given, that one."""
        pending = self.pending_designation()
        if pending is None:
            raise Conflict(ErrorCode.NOTHING_TO_CHECK, "No designation is waiting to be checked.")
        # A decision is about the file the unit read: a newer one sent meanwhile is not it.
        if designation_id is not None and pending.designation_id != designation_id:
            raise Conflict(
                ErrorCode.DESIGNATION_NOT_LATEST,
                "The designation decided on is not the one waiting for a decision.",
            )
        return pending


def check_one_per_role(representatives: list[Representative]) -> None:
    """A designation or a due day is about at most one main and one alternate."""
    roles = [r.role for r in representatives]
    if len(roles) != len(set(roles)):
        raise Conflict(
            ErrorCode.ONE_PER_ROLE,
            "A body has one main and one alternate representative in force, at most.",
        )


class TaxIdClaim(Aggregate):
    """The rule of one open or active registration per tax number (ΑΦΜ), held by an aggregate.

    Its id is derived from the tax number, so two registrations of one body race for the same
    aggregate: the event store lets one commit and refuses the other (409).
    """

    @staticmethod
    def create_id(tax_id: str, registration_id: UUID) -> UUID:
        return tax_id_claim_id(tax_id)

    @event("Claimed")
    def __init__(self, tax_id: str, registration_id: UUID) -> None:
        self.tax_id = tax_id
        self.registration_id: UUID | None = registration_id

    @event("Released")
    def release(self) -> None:
        self.registration_id = None

    def claim_again(self, registration_id: UUID) -> None:
        """Hold the tax number for a new registration of the body, if none holds it."""
        self.check_one_open_registration_per_tax_id()
        self.reclaimed(registration_id)

    def check_one_open_registration_per_tax_id(self) -> None:
        if self.registration_id is not None:
            raise tax_id_registered()

    @event("Reclaimed")
    def reclaimed(self, registration_id: UUID) -> None:
        self.registration_id = registration_id


def tax_id_registered() -> Conflict:
    """The refusal of a second open registration of one body (by claim, or by losing a race)."""
    return Conflict(
        ErrorCode.TAX_ID_REGISTERED,
        "This body has an open or active registration already.",
        field="body.tax_id",
    )


def tax_id_claim_id(tax_id: str) -> UUID:
    """The claim aggregate's id for a (normalised) tax number."""
    return uuid5(NAMESPACE_URL, f"innovnet:registration:tax-id:{tax_id}")


class OfficeClosures(Aggregate):
    """Days the innovation unit is closed besides weekends and public holidays (one aggregate)."""

    @staticmethod
    def create_id() -> UUID:
        return OFFICE_CLOSURES_ID

    @event("Opened")
    def __init__(self) -> None:
        self.closures: dict[date, Closure] = {}

    def add(self, day: date, reason: str, decided_by: str, at: datetime) -> None:
        """Close the office on `day`: once a day."""
        if day in self.closures:
            raise Conflict(
                ErrorCode.CLOSURE_EXISTS,
                f"{day.isoformat()} is a closure already.",
                field="date",
                day=day,
            )
        self.closure_added(day, reason, decided_by, at)

    @event("ClosureAdded")
    def closure_added(
        self,
        day: date,
        reason: str,
        decided_by: str | None = None,
        added_at: datetime | None = None,
    ) -> None:
        self.closures[day] = Closure(day, reason, decided_by, added_at)


@dataclass(frozen=True)
class Closure:
    """A day the innovation unit is closed, who closed it and when."""

    day: date
    reason: str
    decided_by: str | None
    """None for closures added before it was kept, as is `added_at`."""
    added_at: datetime | None


OFFICE_CLOSURES_ID = uuid5(NAMESPACE_URL, "innovnet:registration:office-closures")
