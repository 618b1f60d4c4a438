"""The membership service's application: members follow registration's events; activities.

Commands return ids, queries return plain data or aggregates. What registration's events cause
is in `policies.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from contracts.errors import ErrorCode
from contracts.membership import Answer
from services.membership.domain import (
    Activity,
    Invitation,
    Invitee,
    Member,
    check_active_member,
)
from services.membership.plans import ActivityPlan
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict

T = TypeVar("T")

MAX_ATTEMPTS = 100
"""How often a command on a contended activity is tried again before the caller gets a 409."""


class MembershipApplication(ServiceApplication):
    """Members of the network, from verified designations; activities and their invitations."""

    service_name = "membership"

    # Commands. The innovation unit's decisions record who decided (`decided_by`: the subject
    # of the admin's token), so every history shows who did what and when.

    def schedule_activity(self, plan: ActivityPlan, decided_by: str) -> UUID:
        """Schedule an activity; its invitations come next."""
        activity = Activity.schedule(plan, datetime.now(UTC), decided_by=decided_by)
        self.save(activity)
        return activity.id

    def invite(self, activity_id: UUID, invitees: Sequence[Invitee], decided_by: str) -> list[UUID]:
        """Invite the active members among `invitees`; returns those invited now."""
        active = [i for i in invitees if self.is_active_member(i.representative_id)]
        return self.on_activity(
            activity_id, lambda a: a.invite(active, datetime.now(UTC), decided_by=decided_by)
        )

    def answer(self, activity_id: UUID, representative_id: UUID, answer: Answer) -> UUID:
        """An invitee's answer; the seat follows the order in which answers are committed."""
        if answer is Answer.ACCEPTED:
            check_active_member(self.find(representative_id, Member))
        self.on_activity(
            activity_id, lambda a: a.answer(representative_id, answer, datetime.now(UTC))
        )
        return representative_id

    def reschedule(
        self,
        activity_id: UUID,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
        decided_by: str,
    ) -> UUID:
        """Move an activity in time or place."""
        self.on_activity(
            activity_id,
            lambda a: a.reschedule(
                starts_at, ends_at, location, online_url, datetime.now(UTC), decided_by=decided_by
            ),
        )
        return activity_id

    def cancel(self, activity_id: UUID, reason: str | None, decided_by: str) -> UUID:
        """Cancel an activity."""
        self.on_activity(
            activity_id, lambda a: a.cancel(reason, datetime.now(UTC), decided_by=decided_by)
        )
        return activity_id

    def record_attendance(
        self,
        activity_id: UUID,
        representative_ids: Sequence[UUID],
        attended: bool,
        decided_by: str,
    ) -> UUID:
        """Record whether these invitees attended."""
        self.on_activity(
            activity_id,
            lambda a: a.record_attendance(
                representative_ids, attended, datetime.now(UTC), decided_by=decided_by
            ),
        )
        return activity_id

    # Queries.

    def activity(self, activity_id: UUID) -> Activity:
        """The activity, or NotFound."""
        return self.get(
            activity_id, Activity, "No activity with that id.", ErrorCode.ACTIVITY_NOT_FOUND
        )

    def invitation(self, activity_id: UUID, representative_id: UUID) -> Invitation:
        """An invitation to the activity, or NotFound."""
        return self.activity(activity_id).check_invited(representative_id)

    def members(self, representative_ids: Iterable[UUID]) -> list[Member]:
        """The representatives of these ids that membership knows (nominated ones, at least)."""
        found = (self.find(i, Member) for i in representative_ids)
        return [member for member in found if member is not None]

    def is_active_member(self, representative_id: UUID) -> bool:
        member = self.find(representative_id, Member)
        return member is not None and member.is_active

    # Helpers.

    def on_activity(self, activity_id: UUID, command: Callable[[Activity], T]) -> T:
        """Run `command` on the activity and save; when another command saved the activity
        first (the event store refuses the same version twice), run it again on the new state.

        So concurrent answers are serialised in commit order and each is decided on the seats
        the earlier ones left.
        """
        for attempt in range(MAX_ATTEMPTS):
            activity = self.activity(activity_id)
            outcome = command(activity)
            try:
                self.save(activity)
            except IntegrityError:
                time.sleep(0.001 * (attempt % 10))
                continue
            return outcome
        raise Conflict(
            ErrorCode.CONCURRENT_CHANGE, "The activity is changing a lot right now; try again."
        )
