"""What a registration holds: the body, its representatives' nominations and designations, the
states each passes through, and the rules a nomination meets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from contracts.registration import Language, Level, Role, Seniority
from services.runtime.errors import NotAllowed, RuleBroken
from services.runtime.values import email_address


class RegistrationStatus(StrEnum):
    """A registration's status, as its main representative stands."""

    AWAITING_DESIGNATION = "awaiting_designation"
    DESIGNATION_RECEIVED = "designation_received"
    ACTIVE = "active"
    OVERDUE = "overdue"
    DESIGNATION_REJECTED = "designation_rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class RepresentativeState(StrEnum):
    """Where a representative stands with their designation."""

    AWAITING_DESIGNATION = "awaiting_designation"
    DESIGNATION_RECEIVED = "designation_received"
    DESIGNATED = "designated"
    OVERDUE = "overdue"
    DESIGNATION_REJECTED = "designation_rejected"
    WITHDRAWN = "withdrawn"


WAITING_FOR_DESIGNATION = frozenset(
    {
        RepresentativeState.AWAITING_DESIGNATION,
        RepresentativeState.OVERDUE,
        RepresentativeState.DESIGNATION_REJECTED,
    }
)
"""The states a new designation covers."""


class DesignationState(StrEnum):
    """What the innovation unit decided about a designation."""

    RECEIVED = "received"
    VERIFIED = "verified"
    REJECTED = "rejected"


@dataclass(frozen=True)
class BodyDetails:
    """The public body: name, Greek tax number, level of government, parent, website."""

    name: str
    tax_id: str
    level: Level
    parent: str | None
    website: str | None

    def __post_init__(self) -> None:
        # Stored events give the enum back as its string value.
        object.__setattr__(self, "level", Level(self.level))


@dataclass(frozen=True)
class Nomination:
    """A representative as nominated: the sealed personal data and the position held."""

    representative_id: UUID
    role: Role
    full_name: Sealed
    email: Sealed
    phone: Sealed | None
    position_title: str
    unit: str
    seniority: Seniority
    seniority_justification: str | None
    language: Language | None = None
    """The language the representative reads the network in; None on nominations stored
    before the form asked it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "seniority", Seniority(self.seniority))
        if self.language is not None:
            object.__setattr__(self, "language", Language(self.language))
        object.__setattr__(self, "representative_id", UUID(str(self.representative_id)))


@dataclass
class Representative:
    """A representative's state inside the registration."""

    nomination: Nomination
    designation_due: date
    state: RepresentativeState = RepresentativeState.AWAITING_DESIGNATION
    replaces: UUID | None = None

    @property
    def id(self) -> UUID:
        return self.nomination.representative_id

    @property
    def role(self) -> Role:
        return self.nomination.role

    @property
    def is_current(self) -> bool:
        """Nominated and neither withdrawn nor replaced."""
        return self.state is not RepresentativeState.WITHDRAWN


@dataclass
class Designation:
    """A signed designation document and what the innovation unit decided about it."""

    designation_id: UUID
    representative_ids: tuple[UUID, ...]
    signed_by_name: Sealed
    signed_by_title: str
    sha256: str
    size_bytes: int
    received_at: datetime
    state: DesignationState = DesignationState.RECEIVED
    reason: str | None = None


SENIOR_ENOUGH: Final = frozenset(Seniority)
"""Heads of general directorates, directorates or departments, or an equivalent (justified)."""
LOWER_THAN_DEPARTMENT_HEAD: Final = frozenset(
    {"section_head", "office_head", "officer", "employee", "staff", "deputy_department_head"}
)
"""Positions people propose that are below a head of department: refused in words."""


def check_senior_enough(seniority: str) -> Seniority:
    """Representatives are heads of a department or higher, or of an equivalent level."""
    if seniority in LOWER_THAN_DEPARTMENT_HEAD:
        raise RuleBroken(
            ErrorCode.SENIORITY_TOO_LOW,
            "representatives are senior executives: head of a department or higher, "
            "or an equivalent level",
            field="seniority",
        )
    if seniority not in SENIOR_ENOUGH:
        allowed = ", ".join(s.value for s in Seniority)
        raise RuleBroken(
            ErrorCode.ENUM,
            f"choose one of: {allowed}",
            field="seniority",
            expected=allowed,
        )
    return Seniority(seniority)


def check_equivalent_is_justified(seniority: str | None, justification: str | None) -> None:
    """A position only equivalent to a head of department says briefly why it is."""
    if seniority == Seniority.EQUIVALENT and not justification:
        raise RuleBroken(
            ErrorCode.EQUIVALENT_NOT_JUSTIFIED,
            "say briefly why the position is equivalent to the head of a department or higher",
            field="seniority_justification",
        )


def check_different_emails(
    email: str,
    others: Iterable[str | None],
    *,
    field: str,
    message: str = "Each representative needs an email of their own.",
) -> None:
    """Each representative of a body has an email of their own (an erased one is None)."""
    if email in set(others):
        raise RuleBroken(
            ErrorCode.DIFFERENT_EMAILS,
            message,
            field=field,
        )


def check_email_proved(proved_email: str | None, filler_email: str, filler: Role) -> None:
    """Only the person who proved the email of the representative filling the form submits it.

    The gateway's one-time sign-in link proves control of an address; the applicant's token
    carries it. Both sides are compared as the runtime normalises an address, ignoring case.
    """
    if proved_email is None or _normalised(proved_email) != _normalised(filler_email):
        raise NotAllowed(
            ErrorCode.EMAIL_NOT_PROVED,
            f"Sign in with the email of the {filler.value} representative, who fills the form.",
            field="submitted_by",
            role=filler.value,
        )


def _normalised(address: str) -> str | None:
    """The address as the runtime normalises it, lower case; None when it is not one."""
    try:
        return email_address(address).lower()
    except ValueError:  # pydantic's refusal is a ValueError
        return None
