"""The events the membership service publishes: who is a member, activities and who takes part."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events import ContractEvent
from contracts.personal import Sealed
from contracts.registration import Language, Level, Role, TaxId

RepresentativeIdList = list[UUID]


class ActivityKind(StrEnum):
    """What the network holds: GOV.LAB workshops, events, conferences, webinars, joint actions."""

    GOVLAB_WORKSHOP = "govlab_workshop"
    EVENT = "event"
    CONFERENCE = "conference"
    INTERNATIONAL_CONFERENCE = "international_conference"
    WEBINAR = "webinar"
    JOINT_ACTION = "joint_action"


class Answer(StrEnum):
    """A member's answer to an invitation."""

    ACCEPTED = "accepted"
    DECLINED = "declined"


class Seat(StrEnum):
    """Where an accepted invitation stands: within capacity, or on the waiting list."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"


class MembershipEvent(ContractEvent):
    """An event of a member (key: representative id) or of an activity (key: activity id)."""

    service: ClassVar[str] = "membership"


class MemberActivated(MembershipEvent):
    """A representative became a member: their designation was verified."""

    representative_id: UUID
    registration_id: UUID
    designation_id: UUID
    body_id: TaxId
    """The body's Greek tax number (ΑΦΜ)."""
    body_name: str = Field(min_length=1)
    level: Level
    role: Role
    full_name: Sealed
    email: Sealed
    position_title: str = Field(min_length=1)
    activated_at: AwareDatetime
    language: Language | None = None
    """The language the representative asked for; absent on events from before it was asked."""


class MemberDeactivated(MembershipEvent):
    """A member stopped being one: withdrawn, replaced, or the body's registration withdrawn."""

    representative_id: UUID
    registration_id: UUID
    body_id: TaxId
    role: Role
    reason: str | None = None
    deactivated_at: AwareDatetime


class ActivityScheduled(MembershipEvent):
    """The innovation unit scheduled an activity (its online link stays in the service)."""

    activity_id: UUID
    kind: ActivityKind
    title: str = Field(min_length=1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str | None = None
    online: bool
    """Held online; the link itself is shown to invitees by the API, never published."""
    capacity: int = Field(gt=0)
    languages: list[str] = Field(min_length=1)
    scheduled_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class ActivityRescheduled(MembershipEvent):
    """An activity moved in time or place; its invitees are to be told."""

    activity_id: UUID
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str | None = None
    online: bool
    invitee_ids: RepresentativeIdList
    """The representatives invited so far."""
    rescheduled_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class ActivityCancelled(MembershipEvent):
    """An activity was cancelled; its invitees are to be told."""

    activity_id: UUID
    reason: str | None = None
    invitee_ids: RepresentativeIdList
    """The representatives invited so far."""
    cancelled_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class InvitationSent(MembershipEvent):
    """A member's representative was invited to an activity."""

    activity_id: UUID
    representative_id: UUID
    body_id: TaxId
    body_name: str = Field(min_length=1)
    level: Level
    sent_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""


class InvitationAnswered(MembershipEvent):
    """An invitee accepted (a confirmed seat or the waiting list) or declined."""

    activity_id: UUID
    representative_id: UUID
    body_id: TaxId
    answer: Answer
    seat: Seat | None = None
    """For an acceptance: confirmed within capacity, else waiting; none for a decline."""
    answered_at: AwareDatetime


class WaitingListMoved(MembershipEvent):
    """A seat was freed: the first on the waiting list now has a confirmed seat."""

    activity_id: UUID
    representative_id: UUID
    """The invitee moved up from the waiting list."""
    body_id: TaxId
    moved_at: AwareDatetime


class AttendanceRecorded(MembershipEvent):
    """The innovation unit recorded whether an invitee attended an activity."""

    activity_id: UUID
    representative_id: UUID
    body_id: TaxId
    attended: bool
    recorded_at: AwareDatetime
    decided_by: str | None = None
    """The subject id of the innovation-unit member who decided; None in events recorded before it
    was kept."""
