"""What happened to a registration, who did it and when: one record per event, oldest first.

The aggregate's event handlers append these as they apply, so a registration read back from its
events (old ones included) has its whole history without any table of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from contracts.registration import Role


class HistoryWhat(StrEnum):
    """What happened: one value per event of a registration."""

    SUBMITTED = "submitted"
    REPRESENTATIVE_NOMINATED = "representative_nominated"
    DESIGNATION_RECEIVED = "designation_received"
    DESIGNATION_VERIFIED = "designation_verified"
    DESIGNATION_REJECTED = "designation_rejected"
    DESIGNATION_OVERDUE = "designation_overdue"
    REPRESENTATIVE_WITHDRAWN = "representative_withdrawn"
    REPRESENTATIVE_REPLACED = "representative_replaced"
    REGISTRATION_WITHDRAWN = "registration_withdrawn"
    LAPSING = "lapsing"
    EXTENDED = "extended"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class HistoryRecord:
    """One step of a registration's history, as the aggregate keeps it."""

    at: datetime
    what: HistoryWhat
    role: Role | None = None
    """The representative's role; for `submitted`, the role of the one who filled the form."""
    representative_id: UUID | None = None
    reason: str | None = None
    lapses_on: date | None = None
    decided_by: str | None = None
    """The innovation-unit member who decided; None for what the body or a job did, and for
    decisions recorded before it was kept."""

    def __post_init__(self) -> None:
        # Events read back from the store give the enums back as their string values.
        if self.role is not None:
            object.__setattr__(self, "role", Role(self.role))
