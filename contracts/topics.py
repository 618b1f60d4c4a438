"""The one registry of Kafka topics and the events on each: no topic name is written elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from contracts import membership, newsletter, notifications, observatory, registration
from contracts.events import ContractEvent


@dataclass(frozen=True)
class Topic:
    """A public topic: one producing service, its event types, keyed by aggregate id."""

    name: str
    partitions: int
    producer: str
    events: tuple[type[ContractEvent], ...]

    def __post_init__(self) -> None:
        """Refuse an event of another service: a topic carries its producer's events only."""
        for event in self.events:
            if event.service != self.producer:
                raise ValueError(
                    f"{event.__name__} is produced by {event.service!r}, "
                    f"not by {self.producer!r} which owns {self.name}"
                )


TOPIC_CONFIG: Final[Mapping[str, str]] = {
    # Kept forever: any service rebuilds its projections, and a new subscriber reads the whole
    # history, from offset 0. Replication settings belong to the cluster, not to the contract.
    "retention.ms": "-1",
    "cleanup.policy": "delete",
}
"""The configuration every topic is created with."""

REGISTRATION: Final = Topic(
    name="innovnet.registration.v1",
    partitions=3,
    producer="registration",
    events=(
        registration.RegistrationSubmitted,
        registration.RepresentativeNominated,
        registration.DesignationReceived,
        registration.DesignationVerified,
        registration.DesignationRejected,
        registration.DesignationOverdue,
        registration.RepresentativeWithdrawn,
        registration.RegistrationWithdrawn,
        registration.RegistrationLapsing,
        registration.RegistrationExtended,
        registration.RegistrationLapsed,
        registration.PersonalDataErased,
    ),
)
MEMBERSHIP: Final = Topic(
    name="innovnet.membership.v1",
    partitions=3,
    producer="membership",
    events=(
        membership.MemberActivated,
        membership.MemberDeactivated,
        membership.ActivityScheduled,
        membership.ActivityRescheduled,
        membership.ActivityCancelled,
        membership.InvitationSent,
        membership.InvitationAnswered,
        membership.WaitingListMoved,
        membership.AttendanceRecorded,
    ),
)
OBSERVATORY: Final = Topic(
    name="innovnet.observatory.v1",
    partitions=3,
    producer="observatory",
    events=(
        observatory.PracticeDrafted,
        observatory.PracticeEdited,
        observatory.PracticeSubmitted,
        observatory.PracticeChangesRequested,
        observatory.PracticePublished,
        observatory.PracticeRejected,
        observatory.PracticeArchived,
        observatory.PracticeWithdrawn,
    ),
)
NEWSLETTER: Final = Topic(
    name="innovnet.newsletter.v1",
    # One partition: an issue is read after every subscription change made before it, so its
    # audience is exactly the addresses confirmed (and not left or held) when it was sent.
    partitions=1,
    producer="newsletter",
    events=(
        newsletter.SubscriptionRequested,
        newsletter.SubscriptionConfirmed,
        newsletter.SubscriptionLanguageChanged,
        newsletter.SubscriptionExpired,
        newsletter.Unsubscribed,
        newsletter.BounceRecorded,
        newsletter.SubscriptionHeld,
        newsletter.SubscriptionReleased,
        newsletter.IssueTestCopyRequested,
        newsletter.IssuePublished,
    ),
)
NOTIFICATIONS: Final = Topic(
    name="innovnet.notifications.v1",
    partitions=3,
    producer="notifications",
    events=(notifications.NotificationSent, notifications.NotificationFailed),
)

TOPICS: Final[tuple[Topic, ...]] = (
    REGISTRATION,
    MEMBERSHIP,
    OBSERVATORY,
    NEWSLETTER,
    NOTIFICATIONS,
)


def _index_events(topics: tuple[Topic, ...]) -> dict[str, type[ContractEvent]]:
    index: dict[str, type[ContractEvent]] = {}
    for topic in topics:
        for event in topic.events:
            if event.ce_type() in index:
                raise ValueError(f"{event.ce_type()} is declared twice in the topic registry")
            index[event.ce_type()] = event
    return index


EVENT_TYPES: Final[Mapping[str, type[ContractEvent]]] = _index_events(TOPICS)
"""Every published event class by its CloudEvents type."""


def topic_of(service: str) -> Topic:
    """The topic `service` produces to."""
    for topic in TOPICS:
        if topic.producer == service:
            return topic
    raise KeyError(f"no topic is produced by {service!r}")


def topic_for_event(event_cls: type[ContractEvent]) -> Topic:
    """The topic that carries `event_cls`."""
    for topic in TOPICS:
        if event_cls in topic.events:
            return topic
    raise KeyError(f"{event_cls.__name__} is on no topic: add it to its producer's in topics.py")


def event_class(ce_type: str) -> type[ContractEvent] | None:
    """The event class of a CloudEvents type, or None for a type this contract does not know."""
    return EVENT_TYPES.get(ce_type)
