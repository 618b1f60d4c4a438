"""The membership service's application: members follow registration's events; activities.

Commands return ids, queries return plain data or aggregates. The reactions run exactly once
per Kafka message (the runtime's process recorder), and each is idempotent besides, because
the registration relay may publish one event again at a new offset after a crash.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from contracts import registration
from contracts.membership import ActivityKind, Answer
from services.membership.domain import Activity, BodyRegistration, Invitation, Invitee, Member
from services.runtime.application import ServiceApplication
from services.runtime.deliveries import Delivery
from services.runtime.errors import Conflict, NotAllowed, NotFound

T = TypeVar("T")

MAX_ATTEMPTS = 100
"""How often a command on a contended activity is tried again before the caller gets a 409."""


class MembershipApplication(ServiceApplication):
    """Members of the network, from verified designations; activities and their invitations."""

    service_name = "membership"

    # Reactions to the registration service's events.

    def react(self, delivery: Delivery) -> Sequence[Aggregate]:
        """Follow a body's registration: nominations, verifications, withdrawals."""
        match delivery.model:
            case registration.RegistrationSubmitted() as e:
                return self.on_registration_submitted(e)
            case registration.RepresentativeNominated() as e:
                return self.on_representative_nominated(e)
            case registration.DesignationVerified() as e:
                members = [self.member_or_none(i) for i in e.representative_ids]
                for member in members:
                    if member is not None:
                        member.activate(e.designation_id, e.verified_at)
                return [m for m in members if m is not None]
            case registration.RepresentativeWithdrawn() as e:
                member = self.member_or_none(e.representative_id)
                if member is None:
                    return []
                member.deactivate(e.reason or "withdrawn", e.withdrawn_at)
                return [member]
            case registration.RegistrationWithdrawn() as e:
                body = self.body_registration_or_none(e.registration_id)
                if body is None:
                    return []
                members = [self.member_or_none(i) for i in body.representative_ids]
                for member in members:
                    if member is not None:
                        member.deactivate("registration withdrawn", e.withdrawn_at)
                return [m for m in members if m is not None]
        return []

    def on_registration_submitted(
        self, e: registration.RegistrationSubmitted
    ) -> Sequence[Aggregate]:
        if e.registration_id in self.repository:
            return []  # published again by a restarted relay
        return [
            BodyRegistration(
                registration_id=e.registration_id,
                body_id=e.body.tax_id,
                body_name=e.body.name,
                level=e.body.level.value,
            )
        ]

    def on_representative_nominated(
        self, e: registration.RepresentativeNominated
    ) -> Sequence[Aggregate]:
        body = self.body_registration_or_none(e.registration_id)
        if body is None or e.representative_id in self.repository:
            return []
        body.add_representative(e.representative_id)
        member = Member(
            representative_id=e.representative_id,
            registration_id=e.registration_id,
            body_id=body.body_id,
            body_name=body.body_name,
            level=body.level.value,
            role=e.role.value,
            full_name=e.full_name,
            email=e.email,
            position_title=e.position_title,
        )
        return [body, member]

    # Commands.

    def schedule_activity(
        self,
        kind: ActivityKind,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
        capacity: int,
        languages: Sequence[str],
    ) -> UUID:
        """Schedule an activity; its invitations come next."""
        activity = Activity.schedule(
            kind,
            title,
            starts_at,
            ends_at,
            location,
            online_url,
            capacity,
            languages,
            datetime.now(UTC),
        )
        self.save(activity)
        return activity.id

    def invite(self, activity_id: UUID, invitees: Sequence[Invitee]) -> list[UUID]:
        """Invite the active members among `invitees`; returns those invited now."""
        active = [i for i in invitees if self.is_active_member(i.representative_id)]
        return self.on_activity(activity_id, lambda a: a.invite(active, datetime.now(UTC)))

    def answer(self, activity_id: UUID, representative_id: UUID, answer: Answer) -> Invitation:
        """An invitee's answer; the seat follows the order in which answers are committed."""
        if answer is Answer.ACCEPTED and not self.is_active_member(representative_id):
            raise NotAllowed("Only active members take part; this representative is not one.")
        return self.on_activity(
            activity_id, lambda a: a.answer(representative_id, answer, datetime.now(UTC))
        )

    def reschedule(
        self,
        activity_id: UUID,
        starts_at: datetime,
        ends_at: datetime,
        location: str | None,
        online_url: str | None,
    ) -> None:
        """Move an activity in time or place."""
        self.on_activity(
            activity_id,
            lambda a: a.reschedule(starts_at, ends_at, location, online_url, datetime.now(UTC)),
        )

    def cancel(self, activity_id: UUID, reason: str | None) -> None:
        """Cancel an activity."""
        self.on_activity(activity_id, lambda a: a.cancel(reason, datetime.now(UTC)))

    def record_attendance(
        self, activity_id: UUID, representative_ids: Sequence[UUID], attended: bool
    ) -> None:
        """Record whether these invitees attended."""
        self.on_activity(
            activity_id,
            lambda a: a.record_attendance(representative_ids, attended, datetime.now(UTC)),
        )

    # Queries.

    def activity(self, activity_id: UUID) -> Activity:
        """The activity, or NotFound."""
        try:
            found: Aggregate = self.repository.get(activity_id)
        except AggregateNotFoundError:
            raise NotFound("No activity with that id.") from None
        if not isinstance(found, Activity):
            raise NotFound("No activity with that id.")
        return found

    def member_or_none(self, representative_id: UUID) -> Member | None:
        try:
            found: Aggregate = self.repository.get(representative_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, Member) else None

    def body_registration_or_none(self, registration_id: UUID) -> BodyRegistration | None:
        try:
            found: Aggregate = self.repository.get(registration_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, BodyRegistration) else None

    def is_active_member(self, representative_id: UUID) -> bool:
        member = self.member_or_none(representative_id)
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
        raise Conflict("The activity is changing a lot right now; try again.")
