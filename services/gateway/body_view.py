"""A registration as the "my body" pages read it: what to show and which actions it allows.

The registration service answers `GET /registrations/{id}` with its public view; this module
reads the few parts the pages need (unknown fields are ignored, so the service can add some)
and decides, from the status alone, what the body may do next. The words live in the
templates, so they are translated with the others.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from uuid import UUID

import phonenumbers
from pydantic import BaseModel, ConfigDict

from services.runtime.timezone import ATHENS

WAITING: Final = frozenset({"awaiting_designation", "overdue", "designation_rejected"})
"""A representative's (or the body's) states that a new designation would cover."""

CLOSED: Final = frozenset({"withdrawn", "lapsed"})
"""Statuses after which nothing more can be done with the registration."""


class Read(BaseModel):
    """A part of the service's answer: the fields named, the rest ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class BodyPart(Read):
    name: str
    tax_id: str
    level: str


class RepresentativePart(Read):
    id: UUID
    role: str
    state: str
    designation_due: date
    position_title: str
    unit: str
    replaces: UUID | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None

    @property
    def phone_as_written(self) -> str | None:
        """The phone grouped as people read it (+30 21 0000 0000), not the stored E.164."""
        if not self.phone:
            return None
        try:
            number = phonenumbers.parse(self.phone)
        except phonenumbers.NumberParseException:
            return self.phone
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class DesignationPart(Read):
    id: UUID
    state: str
    received_at: datetime
    signed_by_title: str
    signed_by_name: str | None = None
    size_bytes: int
    reason: str | None = None


class RegistrationRead(Read):
    """The registration as the body's representatives see it."""

    id: UUID
    status: str
    designation_due: date
    submitted_at: datetime
    body: BodyPart
    representatives: list[RepresentativePart]
    designation: DesignationPart | None = None
    withdrawn_at: datetime | None = None
    lapses_on: date | None = None
    lapsed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Neither withdrawn nor lapsed: its representatives can still change it."""
        return self.status not in CLOSED

    def current(self) -> list[RepresentativePart]:
        """The representatives not withdrawn, as the service ordered them (main first)."""
        return [r for r in self.representatives if r.state != "withdrawn"]

    def representative(self, representative_id: UUID) -> RepresentativePart | None:
        """The current representative with this id, if there is one."""
        return next((r for r in self.current() if r.id == representative_id), None)

    def successor_of(self, representative_id: UUID) -> RepresentativePart | None:
        """The successor nominated for this representative and not verified yet."""
        return next((r for r in self.current() if r.replaces == representative_id), None)

    def has_alternate(self) -> bool:
        return any(r.role == "alternate" for r in self.current())

    def designation_pending(self) -> bool:
        """A designation waits for the innovation unit's check."""
        return self.designation is not None and self.designation.state == "received"

    def waiting(self) -> list[RepresentativePart]:
        """The current representatives a new designation would cover."""
        return [r for r in self.current() if r.state in WAITING]

    @property
    def next_due(self) -> date:
        """The earliest due day of those waiting (a later nominee has a day of its own)."""
        return min((r.designation_due for r in self.waiting()), default=self.designation_due)

    def can_send_designation(self) -> bool:
        """Open, nothing waiting for a check, and a representative waiting for a designation."""
        return self.is_open and not self.designation_pending() and bool(self.waiting())

    def can_add_alternate(self) -> bool:
        return self.is_open and not self.has_alternate()

    def can_replace(self, representative_id: UUID) -> bool:
        """A current representative of an open registration, with no successor nominated yet."""
        return (
            self.is_open
            and self.representative(representative_id) is not None
            and self.successor_of(representative_id) is None
        )

    def can_withdraw(self) -> bool:
        return self.is_open


class Step(BaseModel):
    """One line of the history as the page shows it: what happened, on which day, and how."""

    model_config = ConfigDict(frozen=True)

    kind: str
    on: date
    outcome: str | None = None
    """A designation's: what the innovation unit decided (verified, rejected), if it has."""
    reason: str | None = None


def athens_day(moment: datetime) -> date:
    """The calendar day a moment falls on in Athens, as the network counts days."""
    return moment.astimezone(ATHENS).date()


def history(registration: RegistrationRead) -> list[Step]:
    """The registration's steps, oldest first, as far as the service's view shows them.

    The view gives the latest designation only, and no day for the unit's decision on it: the
    decision is told with the designation's step.
    """
    steps = [Step(kind="submitted", on=athens_day(registration.submitted_at))]
    overdue_days = {r.designation_due for r in registration.representatives if r.state == "overdue"}
    steps.extend(Step(kind="overdue", on=day) for day in sorted(overdue_days))
    designation = registration.designation
    if designation is not None:
        decided = designation.state if designation.state != "received" else None
        steps.append(
            Step(
                kind="designation_received",
                on=athens_day(designation.received_at),
                outcome=decided,
                reason=designation.reason,
            )
        )
    if registration.withdrawn_at is not None:
        steps.append(Step(kind="withdrawn", on=athens_day(registration.withdrawn_at)))
    if registration.lapsed_at is not None:
        steps.append(Step(kind="lapsed", on=athens_day(registration.lapsed_at)))
    return sorted(steps, key=lambda s: s.on)
