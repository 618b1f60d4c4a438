"""The events the registration service publishes: the form, the representatives, the designation."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts import personal
from contracts.events import ContractEvent, ContractModel
from contracts.personal import Sealed

TaxId = Annotated[str, Field(pattern=r"^[0-9]{9}$")]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
RepresentativeIds = Annotated[list[UUID], Field(min_length=1, max_length=2)]


class Level(StrEnum):
    """The level of government a public body belongs to."""

    CENTRAL = "central"
    REGIONAL = "regional"
    LOCAL = "local"


class Role(StrEnum):
    """A representative's role for their body: the main member or the alternate."""

    MAIN = "main"
    ALTERNATE = "alternate"


class Language(StrEnum):
    """The language a person reads the network's emails and pages in."""

    GREEK = "el"
    ENGLISH = "en"


class Seniority(StrEnum):
    """The senior management level of a representative's position."""

    GENERAL_DIRECTORATE_HEAD = "general_directorate_head"
    DIRECTORATE_HEAD = "directorate_head"
    DEPARTMENT_HEAD = "department_head"
    EQUIVALENT = "equivalent"


class Body(ContractModel):
    """A public body of central, regional or local government."""

    name: str = Field(min_length=1)
    tax_id: TaxId
    """The Greek tax number (ΑΦΜ): 9 digits, without the `EL` prefix."""
    level: Level
    parent: str | None = None
    """The body it belongs to (a ministry, a region), when it is part of one."""
    website: str | None = None


class Nominee(ContractModel):
    """A representative named on the form; RepresentativeNominated carries their details."""

    representative_id: UUID
    role: Role


class RegistrationEvent(ContractEvent):
    """An event of a body's registration; its aggregate (and Kafka key) is the registration."""

    service: ClassVar[str] = "registration"


class RegistrationSubmitted(RegistrationEvent):
    """A public body submitted the registration form, nominating its representatives."""

    registration_id: UUID
    body: Body
    submitted_by: Role
    """The role of the representative who filled the form for both."""
    submitted_at: AwareDatetime
    designation_due: date
    """The last day (Europe/Athens) to send the designation: 2 working days after submission."""
    representatives: list[Nominee] = Field(min_length=1, max_length=2)


class RepresentativeNominated(RegistrationEvent):
    """A body nominated a representative (the main member or the alternate)."""

    registration_id: UUID
    representative_id: UUID
    role: Role
    full_name: Sealed
    email: Sealed
    phone: Sealed | None = None
    position_title: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    """The organisational unit the representative heads or works in."""
    seniority: Seniority
    seniority_justification: str | None = None
    """Why the position is of equivalent seniority; present when seniority is `equivalent`."""
    designation_due: date
    nominated_at: AwareDatetime
    language: Language | None = None
    """The language the representative asked for; absent on events from before it was asked."""


class DesignationReceived(RegistrationEvent):
    """The signed designation of one or both representatives was uploaded."""

    registration_id: UUID
    designation_id: UUID
    representative_ids: RepresentativeIds
    signed_by_name: Sealed
    """The senior management executive who signed the designation."""
    signed_by_title: str = Field(min_length=1)
    sha256: Sha256Hex
    """The SHA-256 of the stored PDF, in lowercase hex."""
    size_bytes: int = Field(gt=0)
    received_at: AwareDatetime


class DesignationVerified(RegistrationEvent):
    """The innovation unit verified a designation: its representatives become members."""

    registration_id: UUID
    designation_id: UUID
    representative_ids: RepresentativeIds
    verified_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class DesignationRejected(RegistrationEvent):
    """The innovation unit rejected a designation; the body may send a new one."""

    registration_id: UUID
    designation_id: UUID
    representative_ids: RepresentativeIds
    reason: str = Field(min_length=1)
    rejected_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class DesignationOverdue(RegistrationEvent):
    """The due day ended with no designation for these representatives; recorded once."""

    registration_id: UUID
    representative_ids: RepresentativeIds
    designation_due: date
    recorded_at: AwareDatetime


class RepresentativeWithdrawn(RegistrationEvent):
    """A representative stepped down or was replaced; the history is kept."""

    registration_id: UUID
    representative_id: UUID
    role: Role
    reason: str | None = None
    withdrawn_at: AwareDatetime


class RegistrationWithdrawn(RegistrationEvent):
    """A body withdrew its registration; it may register again."""

    registration_id: UUID
    reason: str | None = None
    withdrawn_at: AwareDatetime


class RegistrationLapsing(RegistrationEvent):
    """A registration still without a designation lapses in a week unless one comes."""

    registration_id: UUID
    representative_ids: RepresentativeIds
    lapses_on: date
    """The day it lapses (Europe/Athens): 30 days after it became overdue, or as extended."""
    warned_at: AwareDatetime


class RegistrationExtended(RegistrationEvent):
    """The innovation unit gave a registration without a designation until a later day."""

    registration_id: UUID
    lapses_on: date
    reason: str = Field(min_length=1)
    extended_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class RegistrationLapsed(RegistrationEvent):
    """A registration left without a designation lapsed: the body's ΑΦΜ is free again."""

    registration_id: UUID
    representative_ids: RepresentativeIds
    lapsed_at: AwareDatetime


class PersonalDataErased(RegistrationEvent, personal.PersonalDataErased):
    """Registration destroyed a person's key: drop every plaintext copy of their personal data."""
