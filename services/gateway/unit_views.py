"""The services' answers as the innovation unit's pages read them: lists, a registration with
its history and the designation's fingerprint, closures and their effect, the roster.

Each model names the fields the pages show and ignores the rest, so a service can add some.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.body_view import DesignationPart, Read, RegistrationRead, RepresentativePart
from services.runtime.timezone import ATHENS

PAGE_SIZE: Final = 20
"""Rows on one page of every list of the unit's pages."""
LAPSING_WITHIN: Final = timedelta(days=7)
""""About to lapse": the lapse day is at most this far from today (Athens)."""
LAPSE_STOPPABLE: Final = frozenset({"overdue", "designation_rejected", "awaiting_designation"})
"""Statuses in which a registration with a lapse day may be given more time."""

Item = TypeVar("Item", bound=BaseModel)


class Listing(BaseModel, Generic[Item]):
    """A page of a service's list: its items and how many there are in all."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    items: list[Item]
    total: int
    page: int
    page_size: int


class Total(Read):
    """Only how many a list holds (the home page's counts)."""

    total: int


class RegistrationLine(Read):
    """One line of the registration service's list."""

    id: UUID
    body_name: str
    tax_id: str
    level: str
    status: str
    designation_due: date
    next_due: date | None = None
    lapses_on: date | None = None
    submitted_at: datetime

    @property
    def due(self) -> date:
        """The day the designation waited for is due (a later nominee's, if one waits)."""
        return self.next_due or self.designation_due


class UnitDesignation(DesignationPart):
    """The designation with its fingerprint, which only the unit reads."""

    sha256: str


class HistoryRead(Read):
    """One step of a registration's history, who did it (staff's subject id) and why."""

    at: datetime
    what: str
    role: str | None = None
    representative_id: UUID | None = None
    reason: str | None = None
    lapses_on: date | None = None
    decided_by: str | None = None


class UnitRegistration(RegistrationRead):
    """A registration as the innovation unit reads it."""

    designation: UnitDesignation | None = None
    history: list[HistoryRead] = Field(default_factory=list)

    def name_of(self, representative_id: UUID | None) -> str | None:
        """The full name of one of its representatives (withdrawn ones too), if known."""
        found = next((r for r in self.representatives if r.id == representative_id), None)
        return found.full_name if found else None

    def checked_now(self) -> list[RepresentativePart]:
        """The representatives the designation waiting for the unit's check designates."""
        return [r for r in self.current() if r.state == "designation_received"]

    def can_be_extended(self) -> bool:
        """Waiting for a designation with a lapse day: the unit may give it more time."""
        return self.lapses_on is not None and self.status in LAPSE_STOPPABLE


class DesignationLine(BaseModel):
    """A row of the designations to check: the registration and its designation."""

    model_config = ConfigDict(frozen=True)

    line: RegistrationLine
    designation: UnitDesignation | None


class ClosureRead(Read):
    """A day the innovation unit is closed."""

    date: date
    reason: str
    decided_by: str | None = None
    added_at: datetime | None = None


class DueDayChange(Read):
    """A submission day whose due day a closure would move."""

    submitted: date
    due_before: date
    due_after: date


class ClosureEffectRead(Read):
    """What closing a day would change."""

    date: date
    changes_anything: bool
    changes: list[DueDayChange] = Field(default_factory=list)


class RosterPerson(Read):
    """A representative on the roster, now or before."""

    representative_id: UUID
    role: str
    status: str
    since: datetime
    activated_at: datetime | None = None
    deactivated_at: datetime | None = None
    reason: str | None = None
    position_title: str
    full_name: str | None = None
    email: str | None = None


class RosterBody(Read):
    """A body on the roster."""

    body_id: str
    name: str
    level: str
    status: str
    since: datetime
    main: RosterPerson | None = None
    alternate: RosterPerson | None = None


class RosterBodyDetail(RosterBody):
    """A body with every representative it has had."""

    history: list[RosterPerson] = Field(default_factory=list)


class ActivityLine(Read):
    """An activity of the membership service's list (the home page counts the coming ones)."""

    id: UUID
    status: str
    starts_at: datetime


def athens_today(now: datetime) -> date:
    """The day it is in Athens."""
    return now.astimezone(ATHENS).date()


def lapsing_before(now: datetime) -> date:
    """The last lapse day "about to lapse" covers."""
    return athens_today(now) + LAPSING_WITHIN
