"""Who is in the network, and the activities its members are invited to.

A representative becomes a member when the innovation unit verifies their designation and stops
being one when withdrawn or replaced, or when the body withdraws its registration; the history
is kept. Only active members are invited and take part (`check_active_member`). The innovation
unit schedules activities (GOV.LAB workshops, events, conferences, webinars, joint actions),
each held somewhere, with a seat and a language (`plans.ActivityPlan.check`). Each invitee
accepts or declines before the activity ends (`Activity.check_not_over`). The waiting list
(`Activity.seat_or_waiting_list`): an acceptance takes a confirmed seat while any is left, else
a place on the waiting list, in the order the answers are committed; a confirmed invitee who
declines frees a seat for the first one waiting (`Activity.move_up_the_first_waiting`).
Attendance is recorded once the activity has started (`Activity.check_started`).

Over 300 lines because eventsourcing finds stored events by module and class name
(`services.membership.domain:Activity.Scheduled`): a moved aggregate would need this module's
topics registered as aliases for good and would store its new events under a second topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from contracts.errors import ErrorCode
from contracts.membership import ActivityKind, Answer, Seat
from contracts.personal import Sealed
from contracts.registration import Language, Level, Role
from services.membership.history import ActivityHistoryWhat, ActivityStep
from services.membership.plans import ActivityPlan, check_ends_after_starts, check_held_somewhere
from services.runtime.errors import Conflict, NotAllowed, NotFound


class MemberState(StrEnum):
    """Where a representative stands: nominated, a member, no longer one, or never one."""

    NOMINATED = "nominated"
    ACTIVE = "active"
    INACTIVE = "inactive"
    WITHDRAWN = "withdrawn"
    """Withdrawn before their designation was verified: never a member."""


class BodyStatus(StrEnum):
    """A body is a member while one of its main representatives is."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class ActivityState(StrEnum):
    """Whether an activity still takes place."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BodyRegistration(Aggregate):
    """A body's registration as membership knows it: the body and its representatives."""

    class Submitted(Aggregate.Created):
        registration_id: UUID
        body_id: str
        body_name: str
        level: str

    class RepresentativeAdded(Aggregate.Event):
        representative_id: UUID

    @staticmethod
    def create_id(registration_id: UUID) -> UUID:
        return registration_id

    @event(Submitted)
    def __init__(self, registration_id: UUID, body_id: str, body_name: str, level: str) -> None:
        self.body_id = body_id
        self.body_name = body_name
        self.level = Level(level)
        self.representative_ids: list[UUID] = []

    @event(RepresentativeAdded)
    def add_representative(self, representative_id: UUID) -> None:
        self.representative_ids.append(representative_id)


class Member(Aggregate):
    """A representative: nominated, a member once verified, no longer one once withdrawn."""

    class Nominated(Aggregate.Created):
        representative_id: UUID
        registration_id: UUID
        body_id: str
        body_name: str
        level: str
        role: str
        full_name: Sealed
        email: Sealed
        position_title: str
        language: str | None

    class Activated(Aggregate.Event):
        designation_id: UUID
        activated_at: datetime
        member: dict[str, Any]
        """The member's facts (`published_facts`), repeated for subscribers."""

    class Deactivated(Aggregate.Event):
        reason: str | None
        deactivated_at: datetime
        member: dict[str, Any]

    class WithdrawnBeforeActivation(Aggregate.Event):
        reason: str | None
        withdrawn_at: datetime

    @staticmethod
    def create_id(representative_id: UUID) -> UUID:
        return representative_id

    @event(Nominated)
    def __init__(
        self,
        representative_id: UUID,
        registration_id: UUID,
        body_id: str,
        body_name: str,
        level: str,
        role: str,
        full_name: Sealed,
        email: Sealed,
        position_title: str,
        language: str | None = None,  # None: nominated before the form asked it
    ) -> None:
        self.registration_id = registration_id
        self.body_id = body_id
        self.body_name = body_name
        self.level = Level(level)
        self.role = Role(role)
        self.full_name = full_name
        self.email = email
        self.position_title = position_title
        self.language = Language(language) if language else None
        self.state = MemberState.NOMINATED
        self.activated_at: datetime | None = None
        self.deactivated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.state is MemberState.ACTIVE

    def activate(self, designation_id: UUID, at: datetime) -> None:
        """Become a member; a second verification (or one after withdrawal) changes nothing."""
        if self.state is MemberState.NOMINATED:
            self.activated(designation_id, at, self.published_facts())

    @event(Activated)
    def activated(
        self, designation_id: UUID, activated_at: datetime, member: dict[str, Any]
    ) -> None:
        self.state = MemberState.ACTIVE
        self.activated_at = activated_at

    def deactivate(self, reason: str | None, at: datetime) -> None:
        """Stop being a member; one never activated leaves without having been a member."""
        if self.state is MemberState.ACTIVE:
            self.deactivated(reason, at, self.published_facts())
        elif self.state is MemberState.NOMINATED:
            self.withdrawn_before_activation(reason, at)

    def published_facts(self) -> dict[str, Any]:
        """What the member's published events repeat, so subscribers need no earlier event."""
        return {
            "registration_id": self.registration_id,
            "body_id": self.body_id,
            "body_name": self.body_name,
            "level": self.level.value,
            "role": self.role.value,
            "full_name": self.full_name,
            "email": self.email,
            "position_title": self.position_title,
            "language": self.language.value if self.language else None,
        }

    @event(Deactivated)
    def deactivated(
        self, reason: str | None, deactivated_at: datetime, member: dict[str, Any]
    ) -> None:
        self.state = MemberState.INACTIVE
        self.deactivated_at = deactivated_at

    @event(WithdrawnBeforeActivation)
    def withdrawn_before_activation(self, reason: str | None, withdrawn_at: datetime) -> None:
        self.state = MemberState.WITHDRAWN


def check_active_member(member: Member | None) -> Member:
    """Only active members take part: an acceptance from anyone else is refused."""
    if member is None or not member.is_active:
        raise NotAllowed(
            ErrorCode.NOT_ACTIVE_MEMBER,
            "Only active members take part; this representative is not one.",
        )
    return member


@dataclass(frozen=True)
class Invitee:
    """An active member's representative, as an invitation names them."""

    representative_id: UUID
    body_id: str
    body_name: str
    level: Level


@dataclass
class Invitation:
    """An invitee's answer, seat and attendance."""

    invitee: Invitee
    sent_at: datetime
    answer: Answer | None = None
    seat: Seat | None = None
    answered_at: datetime | None = None
    attended: bool | None = None


class Activity(Aggregate):
    """An activity of the network, its invitations, its seats and its waiting list."""

    class Scheduled(Aggregate.Created):
        kind: str
        title: str
        starts_at: datetime
        ends_at: datetime
        location: str | None
        online_url: str | None
        capacity: int
        languages: list[str]
        scheduled_at: datetime
        decided_by: str | None = None
        """Who decided (the unit member's subject id); absent from events stored before."""

    class InvitationSent(Aggregate.Event):
        representative_id: UUID
        body_id: str
        body_name: str
        level: str
        sent_at: datetime
        decided_by: str | None = None

    class InvitationAnswered(Aggregate.Event):
        representative_id: UUID
        body_id: str
        answer: str
        seat: str | None
        answered_at: datetime

    class WaitingListMoved(Aggregate.Event):
        representative_id: UUID
        body_id: str
        moved_at: datetime

    class Rescheduled(Aggregate.Event):
        starts_at: datetime
        ends_at: datetime
        location: str | None
        online_url: str | None
        invitee_ids: list[UUID]
        rescheduled_at: datetime
        decided_by: str | None = None

    class Cancelled(Aggregate.Event):
        reason: str | None
        invitee_ids: list[UUID]
        cancelled_at: datetime
        decided_by: str | None = None

    class AttendanceRecorded(Aggregate.Event):
        representative_id: UUID
        body_id: str
        attended: bool
        recorded_at: datetime
        decided_by: str | None = None

    @event(Scheduled)
    def __init__(
        self,
        kind: str,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
        capacity: int,
        languages: list[str],
        scheduled_at: datetime,
        decided_by: str | None = None,  # None: scheduled before who decided was kept
    ) -> None:
        self.kind = ActivityKind(kind)
        self.title = title
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.location = location
        self.online_url = online_url
        self.capacity = capacity
        self.languages = list(languages)
        self.scheduled_at = scheduled_at
        self.invitations: dict[UUID, Invitation] = {}
        self.waiting_list: list[UUID] = []
        self.cancelled_at: datetime | None = None
        self.cancellation_reason: str | None = None
        self.history = [
            ActivityStep(scheduled_at, ActivityHistoryWhat.SCHEDULED, decided_by=decided_by)
        ]

    @classmethod
    def schedule(
        cls, plan: ActivityPlan, at: datetime, *, decided_by: str | None = None
    ) -> Activity:
        """A new activity, held in a place, online, or both."""
        plan.check()
        # The event records the plan's fields as stored: the kind as its value, a list.
        recorded = {"kind": plan.kind.value, "languages": list(plan.languages)}
        return cls(**(asdict(plan) | recorded), scheduled_at=at, decided_by=decided_by)

    # Derived state.

    @property
    def confirmed(self) -> list[UUID]:
        """The invitees holding a confirmed seat."""
        return [i for i, inv in self.invitations.items() if inv.seat is Seat.CONFIRMED]

    @property
    def invitee_ids(self) -> list[UUID]:
        return list(self.invitations)

    @property
    def state(self) -> ActivityState:
        return ActivityState.CANCELLED if self.cancelled_at is not None else ActivityState.SCHEDULED

    def waiting_position(self, representative_id: UUID) -> int | None:
        """1 for the first on the waiting list; None for one not waiting."""
        if representative_id not in self.waiting_list:
            return None
        return self.waiting_list.index(representative_id) + 1

    # Commands.

    def invite(
        self, invitees: Sequence[Invitee], at: datetime, *, decided_by: str | None = None
    ) -> list[UUID]:
        """Invite each invitee not invited yet; returns the ones invited now."""
        self.check_not_cancelled()
        invited = []
        for invitee in invitees:
            if invitee.representative_id not in self.invitations:
                self.invitation_sent(
                    invitee.representative_id,
                    invitee.body_id,
                    invitee.body_name,
                    invitee.level.value,
                    at,
                    decided_by,
                )
                invited.append(invitee.representative_id)
        return invited

    @event(InvitationSent)
    def invitation_sent(
        self,
        representative_id: UUID,
        body_id: str,
        body_name: str,
        level: str,
        sent_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        invitee = Invitee(representative_id, body_id, body_name, Level(level))
        self.invitations[representative_id] = Invitation(invitee, sent_at)
        self.record_step(invitee, sent_at, ActivityHistoryWhat.INVITED, decided_by=decided_by)

    def answer(self, representative_id: UUID, answer: Answer, at: datetime) -> Invitation:
        """Accept (a seat or the waiting list, `seat_or_waiting_list`) or decline."""
        self.check_not_cancelled()
        invitation = self.check_invited(representative_id)
        self.check_not_over(at)
        if invitation.answer is answer:
            return invitation
        body_id = invitation.invitee.body_id
        if answer is Answer.ACCEPTED:
            seat = self.seat_or_waiting_list()
            self.answered(representative_id, body_id, answer.value, seat.value, at)
        else:
            freed = invitation.seat is Seat.CONFIRMED
            self.answered(representative_id, body_id, answer.value, None, at)
            if freed:
                self.move_up_the_first_waiting(at)
        return invitation

    def seat_or_waiting_list(self) -> Seat:
        """The waiting list: an acceptance takes a confirmed seat while any is left, else it
        waits; answers are decided in commit order, so the list keeps that order."""
        return Seat.CONFIRMED if len(self.confirmed) < self.capacity else Seat.WAITING

    def move_up_the_first_waiting(self, at: datetime) -> None:
        """A freed seat goes to the first one on the waiting list, if anyone waits."""
        if self.waiting_list:
            first = self.invitations[self.waiting_list[0]].invitee
            self.waiting_list_moved(first.representative_id, first.body_id, at)

    @event(InvitationAnswered)
    def answered(
        self,
        representative_id: UUID,
        body_id: str,
        answer: str,
        seat: str | None,
        answered_at: datetime,
    ) -> None:
        invitation = self.invitations[representative_id]
        invitation.answer = Answer(answer)
        invitation.seat = Seat(seat) if seat else None
        invitation.answered_at = answered_at
        if representative_id in self.waiting_list:
            self.waiting_list.remove(representative_id)
        if invitation.seat is Seat.WAITING:
            self.waiting_list.append(representative_id)
        self.record_step(
            invitation.invitee,
            answered_at,
            ActivityHistoryWhat.ANSWERED,
            answer=invitation.answer,
            seat=invitation.seat,
        )

    @event(WaitingListMoved)
    def waiting_list_moved(self, representative_id: UUID, body_id: str, moved_at: datetime) -> None:
        self.waiting_list.remove(representative_id)
        invitation = self.invitations[representative_id]
        invitation.seat = Seat.CONFIRMED
        self.record_step(
            invitation.invitee,
            moved_at,
            ActivityHistoryWhat.WAITING_LIST_MOVED,
            seat=Seat.CONFIRMED,
        )

    def reschedule(
        self,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
        at: datetime,
        *,
        decided_by: str | None = None,
    ) -> None:
        """Move the activity in time or place; the invitees are told through the event."""
        self.check_not_cancelled()
        check_ends_after_starts(starts_at, ends_at)
        check_held_somewhere(location, online_url)
        self.rescheduled(starts_at, ends_at, location, online_url, self.invitee_ids, at, decided_by)

    @event(Rescheduled)
    def rescheduled(
        self,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
        invitee_ids: list[UUID],
        rescheduled_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.location = location
        self.online_url = online_url
        self.history.append(
            ActivityStep(rescheduled_at, ActivityHistoryWhat.RESCHEDULED, decided_by=decided_by)
        )

    def cancel(self, reason: str | None, at: datetime, *, decided_by: str | None = None) -> None:
        """Cancel the activity; the invitees are told through the event."""
        self.check_not_cancelled()
        self.cancelled(reason, self.invitee_ids, at, decided_by)

    @event(Cancelled)
    def cancelled(
        self,
        reason: str | None,
        invitee_ids: list[UUID],
        cancelled_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        self.cancelled_at = cancelled_at
        self.cancellation_reason = reason
        self.history.append(
            ActivityStep(
                cancelled_at, ActivityHistoryWhat.CANCELLED, reason=reason, decided_by=decided_by
            )
        )

    def record_attendance(
        self,
        representative_ids: Sequence[UUID],
        attended: bool,
        at: datetime,
        *,
        decided_by: str | None = None,
    ) -> None:
        """Record, once the activity has started, whether these invitees attended."""
        self.check_not_cancelled()
        self.check_started(at)
        for representative_id in representative_ids:
            self.check_invited(representative_id)
        for representative_id in dict.fromkeys(representative_ids):
            invitation = self.invitations[representative_id]
            if invitation.attended is not attended:
                self.attendance_recorded(
                    representative_id, invitation.invitee.body_id, attended, at, decided_by
                )

    @event(AttendanceRecorded)
    def attendance_recorded(
        self,
        representative_id: UUID,
        body_id: str,
        attended: bool,
        recorded_at: datetime,
        decided_by: str | None = None,
    ) -> None:
        invitation = self.invitations[representative_id]
        invitation.attended = attended
        self.record_step(
            invitation.invitee,
            recorded_at,
            ActivityHistoryWhat.ATTENDANCE_RECORDED,
            attended=attended,
            decided_by=decided_by,
        )

    def record_step(
        self, invitee: Invitee, at: datetime, what: ActivityHistoryWhat, **facts: Any
    ) -> None:
        """Add an invitee's step to the history (applying an event: no new event)."""
        self.history.append(
            ActivityStep(
                at,
                what,
                representative_id=invitee.representative_id,
                body_id=invitee.body_id,
                body_name=invitee.body_name,
                **facts,
            )
        )

    # Rules.

    def check_not_cancelled(self) -> None:
        if self.cancelled_at is not None:
            raise Conflict(ErrorCode.ACTIVITY_CANCELLED, "This activity was cancelled.")

    def check_invited(self, representative_id: UUID) -> Invitation:
        invitation = self.invitations.get(representative_id)
        if invitation is None:
            raise NotFound(
                ErrorCode.INVITATION_NOT_FOUND,
                "No invitation of this representative to this activity.",
            )
        return invitation

    def check_not_over(self, at: datetime) -> None:
        """Invitations are answered before the activity ends."""
        if at >= self.ends_at:
            raise Conflict(
                ErrorCode.ACTIVITY_OVER,
                "This activity is over; its invitations can no longer be answered.",
            )

    def check_started(self, at: datetime) -> None:
        """Attendance is recorded once the activity has started."""
        if at < self.starts_at:
            raise Conflict(
                ErrorCode.ACTIVITY_NOT_STARTED,
                "Attendance is recorded once the activity has started.",
            )
