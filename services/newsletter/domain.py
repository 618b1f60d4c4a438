"""Subscribers of the newsletter and the link from a member to their subscribed address.

The rules, each named by the method that enforces it:

* One address is one subscriber: its id is derived from a keyed hash of the normalised address
  (`blind_index_of`, `subscriber_id`), so the same address always meets the same aggregate and
  no id reveals an address.
* Asking on the form (`Subscriber.request`) on a new, expired or unsubscribed address makes it
  pending, with a confirmation email that expires in `CONFIRMATION_DAYS`; on a pending one it
  sends a new email, at most `MAX_REQUESTS_PER_DAY` a day; on a confirmed or held one nothing
  is sent and nothing is downgraded: the address only counts as self-subscribed.
* Confirming (`Subscriber.confirm`) needs a pending, unexpired request; a confirmed address
  confirms again without an event.
* A member (`Subscriber.member_joined`) is confirmed at once; when they leave
  (`Subscriber.member_left`) they are unsubscribed unless they subscribed themselves.
* Bounces count while confirmed (`Subscriber.bounce`): one hard, or `SOFT_BOUNCES_TO_HOLD`
  soft ones, put the address on hold until the innovation unit releases it (`release`).
* A pending request past its expiry lapses (`Subscriber.expire`).

Over 300 lines because eventsourcing finds stored events by module and class name
(`services.newsletter.domain:Subscriber.Requested`): every event of the aggregate lives here.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from contracts.errors import ErrorCode
from contracts.newsletter import (
    CONFIRMATION_DAYS,
    SOFT_BOUNCES_TO_HOLD,
    BounceKind,
    HoldReason,
    SubscriptionOrigin,
    UnsubscribeReason,
)
from contracts.personal import Sealed
from contracts.registration import Language
from services.runtime.errors import Conflict, DomainError

MAX_REQUESTS_PER_DAY: Final = 3
"""Confirmation emails one address gets in 24 hours at most; more requests send nothing."""
REQUEST_WINDOW: Final = timedelta(hours=24)

SUBSCRIBER_NAMESPACE: Final = uuid5(NAMESPACE_URL, "https://innovnet.gr/newsletter/subscriber")
MEMBER_LINK_NAMESPACE: Final = uuid5(NAMESPACE_URL, "https://innovnet.gr/newsletter/member")


class SubscriberState(StrEnum):
    """Where an address stands."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    HELD = "held"
    UNSUBSCRIBED = "unsubscribed"
    EXPIRED = "expired"


SUBSCRIBED: Final = frozenset({SubscriberState.CONFIRMED, SubscriberState.HELD})
"""Subscribed (held ones get nothing until released, but are not asked to confirm again)."""
LEAVABLE: Final = frozenset({*SUBSCRIBED, SubscriberState.PENDING})
"""States an unsubscription moves out of; from the others it changes nothing."""


def normalised(address: str) -> str:
    """The address as the blind index reads it: NFC, trimmed, lower-cased."""
    return unicodedata.normalize("NFC", address).strip().lower()


def blind_index_of(secret: str, address: str) -> bytes:
    """A keyed hash of the normalised address: the same for the same address, keyed."""
    return hmac.new(
        secret.encode(), f"newsletter:{normalised(address)}".encode(), hashlib.sha256
    ).digest()


def subscriber_id(blind_index: bytes) -> UUID:
    """The subscriber id of an address's blind index."""
    return uuid5(SUBSCRIBER_NAMESPACE, blind_index.hex())


def member_link_id(representative_id: UUID) -> UUID:
    """The id of the link from a representative to their subscribed address."""
    return uuid5(MEMBER_LINK_NAMESPACE, str(representative_id))


class LinkExpired(DomainError):
    """A confirmation link of a request that lapsed (410)."""

    status_code = 410


class Subscriber(Aggregate):
    """One address: its state, sealed address, language, how it came and its bounces."""

    class Started(Aggregate.Created):
        email: Sealed
        language: str
        started_at: datetime

    class Requested(Aggregate.Event):
        email: Sealed
        language: str
        requested_at: datetime
        expires_at: datetime

    class SelfSubscribed(Aggregate.Event):
        """Asked on the form while subscribed already (a member, say): stays after leaving."""

        at: datetime

    class Confirmed(Aggregate.Event):
        email: Sealed
        language: str
        origin: str
        representative_id: UUID | None
        confirmed_at: datetime

    class MemberLinked(Aggregate.Event):
        """A member's address, subscribed already: it now also belongs to the member."""

        representative_id: UUID
        at: datetime

    class MemberUnlinked(Aggregate.Event):
        """The member left; the address stays, subscribed by its own request."""

        representative_id: UUID
        at: datetime

    class LanguageChanged(Aggregate.Event):
        language: str
        changed_at: datetime

    class Expired(Aggregate.Event):
        expired_at: datetime

    class Unsubscribed(Aggregate.Event):
        reason: str
        unsubscribed_at: datetime

    class BounceRecorded(Aggregate.Event):
        kind: str
        soft_bounces: int
        bounced_at: datetime

    class Held(Aggregate.Event):
        reason: str
        held_at: datetime

    class Released(Aggregate.Event):
        released_by: str
        released_at: datetime

    @event(Started)
    def __init__(self, email: Sealed, language: str, started_at: datetime) -> None:
        """An address seen for the first time; the event that follows says how it came."""
        self.email = email
        self.language = Language(language)
        self.state = SubscriberState.UNSUBSCRIBED
        self.origin: SubscriptionOrigin | None = None
        self.self_subscribed = False
        self.member_of: UUID | None = None
        self.soft_bounces = 0
        self.expires_at: datetime | None = None
        self.requests: list[datetime] = []
        self.hold_reason: HoldReason | None = None
        self.since = started_at

    @classmethod
    def start(cls, subscriber: UUID, email: Sealed, language: Language, at: datetime) -> Subscriber:
        """A new subscriber under its derived id (`subscriber_id`)."""
        return cls._create(
            cls.Started, id=subscriber, email=email, language=language.value, started_at=at
        )

    # The form.

    def request(self, email: Sealed, language: Language, at: datetime) -> bool:
        """Asked on the form; True when a confirmation email is to go out."""
        if self.state in SUBSCRIBED:
            if not self.self_subscribed:
                self.self_subscribed_on_form(at)
            return False
        if self.state is SubscriberState.PENDING and not self.may_send_another(at):
            return False
        expires = at + timedelta(days=CONFIRMATION_DAYS)
        self.requested(email, language.value, at, expires)
        return True

    def may_send_another(self, at: datetime) -> bool:
        """Fewer than `MAX_REQUESTS_PER_DAY` confirmation emails in the last 24 hours."""
        recent = [when for when in self.requests if at - when < REQUEST_WINDOW]
        return len(recent) < MAX_REQUESTS_PER_DAY

    @event(Requested)
    def requested(
        self, email: Sealed, language: str, requested_at: datetime, expires_at: datetime
    ) -> None:
        self.email = email
        self.language = Language(language)
        self.state = SubscriberState.PENDING
        self.expires_at = expires_at
        self.requests = [*self.requests, requested_at][-MAX_REQUESTS_PER_DAY:]
        self.since = requested_at

    @event(SelfSubscribed)
    def self_subscribed_on_form(self, at: datetime) -> None:
        self.self_subscribed = True

    def confirm(self, at: datetime) -> None:
        """The confirmation link was followed: pending and in time, it confirms."""
        if self.state in SUBSCRIBED:
            return  # followed twice: already done
        if self.state is not SubscriberState.PENDING or (
            self.expires_at is not None and self.expires_at <= at
        ):
            raise LinkExpired(
                ErrorCode.NEWSLETTER_LINK_EXPIRED,
                "The request lapsed or was withdrawn; subscribe again.",
                field="token",
            )
        self.confirmed(self.email, self.language.value, SubscriptionOrigin.FORM.value, None, at)

    @event(Confirmed)
    def confirmed(
        self,
        email: Sealed,
        language: str,
        origin: str,
        representative_id: UUID | None,
        confirmed_at: datetime,
    ) -> None:
        self.email = email
        self.language = Language(language)
        self.state = SubscriberState.CONFIRMED
        self.origin = SubscriptionOrigin(origin)
        if self.origin is SubscriptionOrigin.FORM:
            self.self_subscribed = True
        else:
            self.member_of = representative_id
        self.soft_bounces = 0
        self.expires_at = None
        self.hold_reason = None
        self.since = confirmed_at

    def expire(self, at: datetime) -> bool:
        """A pending request past its expiry lapses; True when it did."""
        if self.state is not SubscriberState.PENDING:
            return False
        if self.expires_at is None or self.expires_at > at:
            return False
        self.expired(at)
        return True

    @event(Expired)
    def expired(self, expired_at: datetime) -> None:
        self.state = SubscriberState.EXPIRED
        self.expires_at = None
        self.since = expired_at

    # Members.

    def member_joined(
        self, representative_id: UUID, email: Sealed, language: Language, at: datetime
    ) -> None:
        """A representative became a member: subscribed at once, unless subscribed already."""
        if self.state in SUBSCRIBED:
            if self.member_of != representative_id:
                self.member_linked(representative_id, at)
            return
        origin = SubscriptionOrigin.MEMBER.value
        self.confirmed(email, language.value, origin, representative_id, at)

    @event(MemberLinked)
    def member_linked(self, representative_id: UUID, at: datetime) -> None:
        self.member_of = representative_id

    def member_left(self, representative_id: UUID, at: datetime) -> None:
        """The member left: unsubscribed, unless they had asked for it themselves."""
        if self.member_of != representative_id:
            return
        if self.self_subscribed or self.state not in LEAVABLE:
            self.member_unlinked(representative_id, at)
            return
        self.unsubscribed(UnsubscribeReason.MEMBER_LEFT.value, at)

    @event(MemberUnlinked)
    def member_unlinked(self, representative_id: UUID, at: datetime) -> None:
        self.member_of = None

    # The subscriber's own links.

    def unsubscribe(self, reason: UnsubscribeReason, at: datetime) -> bool:
        """Receive nothing more; True when it changed anything (a second click changes nothing)."""
        if self.state not in LEAVABLE:
            return False
        self.unsubscribed(reason.value, at)
        return True

    @event(Unsubscribed)
    def unsubscribed(self, reason: str, unsubscribed_at: datetime) -> None:
        self.state = SubscriberState.UNSUBSCRIBED
        self.self_subscribed = False
        self.member_of = None
        self.expires_at = None
        self.hold_reason = None
        self.since = unsubscribed_at

    def change_language(self, language: Language, at: datetime) -> None:
        """Issues come in `language` from now on (the same language again changes nothing)."""
        if language is not self.language:
            self.language_changed(language.value, at)

    @event(LanguageChanged)
    def language_changed(self, language: str, changed_at: datetime) -> None:
        self.language = Language(language)

    # Bounces and holds.

    def bounce(self, kind: BounceKind, at: datetime) -> None:
        """A delivery status notification for a copy: counted while confirmed, maybe a hold."""
        if self.state is not SubscriberState.CONFIRMED:
            return
        soft = self.soft_bounces + (kind is BounceKind.SOFT)
        self.bounce_recorded(kind.value, soft, at)
        if kind is BounceKind.HARD:
            self.held(HoldReason.HARD_BOUNCE.value, at)
        elif soft >= SOFT_BOUNCES_TO_HOLD:
            self.held(HoldReason.SOFT_BOUNCES.value, at)

    @event(BounceRecorded)
    def bounce_recorded(self, kind: str, soft_bounces: int, bounced_at: datetime) -> None:
        self.soft_bounces = soft_bounces

    @event(Held)
    def held(self, reason: str, held_at: datetime) -> None:
        self.state = SubscriberState.HELD
        self.hold_reason = HoldReason(reason)
        self.since = held_at

    def release(self, released_by: str, at: datetime) -> None:
        """The innovation unit releases a held address: it receives the next issue again."""
        if self.state is not SubscriberState.HELD:
            raise Conflict(
                ErrorCode.SUBSCRIBER_NOT_HELD,
                "Only an address on hold can be released.",
                state=self.state.value,
            )
        self.released(released_by, at)

    @event(Released)
    def released(self, released_by: str, released_at: datetime) -> None:
        self.state = SubscriberState.CONFIRMED
        self.soft_bounces = 0
        self.hold_reason = None
        self.since = released_at


class MemberLink(Aggregate):
    """A representative's subscribed address, so their leaving finds it (`member_link_id`)."""

    class Linked(Aggregate.Created):
        representative_id: UUID
        subscriber_id: UUID

    class Relinked(Aggregate.Event):
        subscriber_id: UUID

    @event(Linked)
    def __init__(self, representative_id: UUID, subscriber_id: UUID) -> None:
        self.representative_id = representative_id
        self.subscriber_id = subscriber_id

    @classmethod
    def link(cls, representative_id: UUID, subscriber: UUID) -> MemberLink:
        return cls._create(
            cls.Linked,
            id=member_link_id(representative_id),
            representative_id=representative_id,
            subscriber_id=subscriber,
        )

    def relink(self, subscriber: UUID) -> None:
        """The member's address changed (a later activation with another one)."""
        if subscriber != self.subscriber_id:
            self.relinked(subscriber)

    @event(Relinked)
    def relinked(self, subscriber_id: UUID) -> None:
        self.subscriber_id = subscriber_id
