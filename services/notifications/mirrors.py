"""What later emails need from other services' events, kept as small aggregates.

`Recipient` and `RegisteredBody` keep, from the registration events, the sealed address, name
and language of each representative, and the body's name and representatives; `Activity` keeps,
from the membership events, an activity's title, start and place; `SubmittedPractice` keeps,
from the observatory's, a practice's title under review and who submitted it. Addresses stay
sealed with the person's key and are unsealed only at send time, so an erased person gets
nothing.

These aggregates were first stored from `domain.py`: their old topics are registered below, so
the events stored under them are still read. Fields added later have defaults, so the events
stored before them are read too (a language unknown, nominees unknown).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from contracts.personal import Sealed


def recipient_id(representative_id: UUID) -> UUID:
    """The id of what notifications keeps about a representative."""
    return uuid5(NAMESPACE_URL, f"innovnet:notifications:recipient:{representative_id}")


def registered_body_id(registration_id: UUID) -> UUID:
    """The id of what notifications keeps about a registration's body."""
    return uuid5(NAMESPACE_URL, f"innovnet:notifications:body:{registration_id}")


def activity_mirror_id(activity: UUID) -> UUID:
    """The id of what notifications keeps about an activity."""
    return uuid5(NAMESPACE_URL, f"innovnet:notifications:activity:{activity}")


def practice_mirror_id(practice_id: UUID) -> UUID:
    """The id of what notifications keeps about a practice."""
    return uuid5(NAMESPACE_URL, f"innovnet:notifications:practice:{practice_id}")


class Recipient(Aggregate):
    """A representative as later emails need them: sealed address and name, body, language."""

    class Nominated(Aggregate.Created):
        representative_id: UUID
        registration_id: UUID
        role: str
        full_name: Sealed
        email: Sealed
        designation_due: date
        reminder_id: UUID | None
        language: str | None = None

    class Withdrawn(Aggregate.Event):
        pass

    @staticmethod
    def create_id(representative_id: UUID) -> UUID:
        return recipient_id(representative_id)

    @event(Nominated)
    def __init__(
        self,
        representative_id: UUID,
        registration_id: UUID,
        role: str,
        full_name: Sealed,
        email: Sealed,
        designation_due: date,
        reminder_id: UUID | None,
        language: str | None = None,
    ) -> None:
        self.representative_id = representative_id
        self.registration_id = registration_id
        self.role = role
        self.full_name = full_name
        self.email = email
        self.designation_due = designation_due
        self.reminder_id = reminder_id
        """The due-day reminder, cancelled once a designation arrives."""
        self.language = language
        """The language of their emails ("el" or "en"); None: unknown, both, Greek first."""
        self.withdrawn = False

    @event(Withdrawn)
    def withdraw(self) -> None:
        self.withdrawn = True


class RegisteredBody(Aggregate):
    """A registration's body: its name, its representatives, and whether it is withdrawn."""

    class Registered(Aggregate.Created):
        registration_id: UUID
        body_name: str
        designation_due: date
        nominee_ids: list[UUID] | None = None

    class RepresentativeAdded(Aggregate.Event):
        representative_id: UUID

    class Withdrawn(Aggregate.Event):
        pass

    @staticmethod
    def create_id(registration_id: UUID) -> UUID:
        return registered_body_id(registration_id)

    @event(Registered)
    def __init__(
        self,
        registration_id: UUID,
        body_name: str,
        designation_due: date,
        nominee_ids: list[UUID] | None = None,
    ) -> None:
        self.registration_id = registration_id
        self.body_name = body_name
        self.designation_due = designation_due
        self.nominee_ids = nominee_ids
        """The representatives named on the form; None for bodies stored before it was kept."""
        self.representative_ids: list[UUID] = []
        self.withdrawn = False

    @event(RepresentativeAdded)
    def add_representative(self, representative_id: UUID) -> None:
        self.representative_ids.append(representative_id)

    @event(Withdrawn)
    def withdraw(self) -> None:
        self.withdrawn = True

    def named_later(self, representative_id: UUID) -> bool:
        """Nominated after the form (an alternate added, a successor): a change to tell of."""
        return self.nominee_ids is not None and representative_id not in self.nominee_ids


class Activity(Aggregate):
    """An activity as its invitations and changes need it: title, start, place."""

    class Scheduled(Aggregate.Created):
        activity_id: UUID
        title: str
        starts_at: datetime
        location: str | None

    class Rescheduled(Aggregate.Event):
        starts_at: datetime
        location: str | None

    @staticmethod
    def create_id(activity_id: UUID) -> UUID:
        return activity_mirror_id(activity_id)

    @event(Scheduled)
    def __init__(
        self, activity_id: UUID, title: str, starts_at: datetime, location: str | None
    ) -> None:
        self.activity_id = activity_id
        self.title = title
        self.starts_at = starts_at
        self.location = location

    @event(Rescheduled)
    def reschedule(self, starts_at: datetime, location: str | None) -> None:
        self.starts_at = starts_at
        self.location = location


class SubmittedPractice(Aggregate):
    """A practice as the unit's decisions need it: its title under review, who submitted it.

    The decisions carry neither: the title names the practice in their emails, and the
    submitter, a representative this service knows, leads to the body's current ones.
    """

    class Submitted(Aggregate.Created):
        practice_id: UUID
        title: str
        submitted_by: UUID

    class Resubmitted(Aggregate.Event):
        title: str
        submitted_by: UUID

    @staticmethod
    def create_id(practice_id: UUID) -> UUID:
        return practice_mirror_id(practice_id)

    @event(Submitted)
    def __init__(self, practice_id: UUID, title: str, submitted_by: UUID) -> None:
        self.practice_id = practice_id
        self.title = title
        self.submitted_by = submitted_by

    def submit_again(self, title: str, submitted_by: UUID) -> bool:
        """Another submission (after changes): False when it changes nothing (a redelivery)."""
        if (title, submitted_by) == (self.title, self.submitted_by):
            return False
        self.resubmitted(title, submitted_by)
        return True

    @event(Resubmitted)
    def resubmitted(self, title: str, submitted_by: UUID) -> None:
        self.title = title
        self.submitted_by = submitted_by


register_topic("services.notifications.domain:Recipient", Recipient)
register_topic("services.notifications.domain:RegisteredBody", RegisteredBody)
register_topic("services.notifications.domain:Activity", Activity)
