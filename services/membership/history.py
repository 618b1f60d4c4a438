"""What happened to an activity, step by step: who did what and when, as its history shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from contracts.membership import Answer, Seat


class ActivityHistoryWhat(StrEnum):
    """What a step of an activity's history was."""

    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    INVITED = "invited"
    ANSWERED = "answered"
    WAITING_LIST_MOVED = "waiting_list_moved"
    ATTENDANCE_RECORDED = "attendance_recorded"


@dataclass(frozen=True)
class ActivityStep:
    """One step; an invitee's steps name the invitee and their body, the activity's own none."""

    at: datetime
    what: ActivityHistoryWhat
    representative_id: UUID | None = None
    body_id: str | None = None
    body_name: str | None = None
    answer: Answer | None = None
    seat: Seat | None = None
    attended: bool | None = None
    reason: str | None = None
    decided_by: str | None = None
    """The innovation-unit member's subject id, for the unit's decisions recorded with it."""
