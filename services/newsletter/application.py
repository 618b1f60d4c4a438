"""The newsletter's application: subscriptions from the form, members, links, bounces, expiry.

Every command takes an optional `now` (the wall clock by default), so tests move time forward
instead of waiting for it. The subscriber's address is only ever sealed with the subscriber's
own key; its id is the address's blind index, keyed with the runtime's `jwt_secret` (the one
secret every service and the gateway share).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

import jwt
from eventsourcing.domain import Aggregate

from contracts.errors import ErrorCode
from contracts.newsletter import BounceKind, UnsubscribeReason
from contracts.personal import Sealed
from contracts.registration import Language
from services.newsletter.domain import (
    LinkExpired,
    MemberLink,
    Subscriber,
    blind_index_of,
    member_link_id,
    normalised,
    subscriber_id,
)
from services.runtime import newsletter_links
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict, RuleBroken
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings

T = TypeVar("T")

ATTEMPTS = 3
"""How often a command is tried when another changed the same subscriber meanwhile."""


def link_invalid() -> RuleBroken:
    """The refusal of a link that is not ours, or names no subscriber."""
    return RuleBroken(
        ErrorCode.NEWSLETTER_LINK_INVALID, "The link is not one of ours.", field="token"
    )


class NewsletterApplication(ServiceApplication):
    """Subscribers of the newsletter and the links of their emails."""

    service_name = "newsletter"
    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    """Keys the blind index and verifies the links; the runtime's own in a running service."""

    def open_resources(self, settings: ServiceSettings) -> None:
        self.jwt_secret = settings.jwt_secret

    def subscriber_id_of(self, address: str) -> UUID:
        """The subscriber id of an address (the same for any spelling of its case)."""
        return subscriber_id(blind_index_of(self.jwt_secret, address))

    # The public form and the subscriber's links.

    def subscribe(self, address: str, language: Language, now: datetime | None = None) -> bool:
        """Ask for `address` (an organisation's, checked by the caller); True when a
        confirmation email is to go out. Whatever it says, the form answers the same."""
        at = now or datetime.now(UTC)
        address = normalised(address)
        subscriber = self.subscriber_id_of(address)

        def command() -> tuple[bool, Subscriber]:
            found = self.find(subscriber, Subscriber)
            if found is None:
                email = self.sealer.seal(subscriber, address)
                found = Subscriber.start(subscriber, email, language, at)
                return found.request(email, language, at), found
            return found.request(self.sealer.seal(subscriber, address), language, at), found

        try:
            return self._retrying(command)
        except Conflict:
            # Requests for the address kept racing: one of them was recorded, which is what
            # this one asked for, and its answer must not differ from theirs.
            return False

    def confirm(self, token: str, now: datetime | None = None) -> Language:
        """Follow a confirmation link; the subscriber's language. A link not ours is a 422
        `newsletter_link_invalid`, an expired one a 410 `newsletter_link_expired`."""
        at = now or datetime.now(UTC)
        try:
            subscriber = newsletter_links.read_confirm_token(self.jwt_secret, token)
        except jwt.ExpiredSignatureError:
            raise LinkExpired(
                ErrorCode.NEWSLETTER_LINK_EXPIRED, "The link has expired.", field="token"
            ) from None
        except (jwt.InvalidTokenError, ValueError, KeyError):
            raise link_invalid() from None

        def command() -> tuple[Language, Subscriber]:
            found = self.known(subscriber)
            found.confirm(at)
            return found.language, found

        return self._retrying(command)

    def subscriber_of_token(self, token: str) -> Subscriber:
        """The subscriber an unsubscribe or preferences token names, else a 422."""
        try:
            subscriber = newsletter_links.read_subscriber_token(
                self.jwt_secret, token, newsletter_links.TokenPurpose.UNSUBSCRIBE
            )
        except (newsletter_links.NotOurToken, ValueError):
            raise link_invalid() from None
        return self.known(subscriber)

    def unsubscribe(
        self, subscriber_id: UUID, reason: UnsubscribeReason, now: datetime | None = None
    ) -> bool:
        """Receive nothing more; True when it changed anything (an unknown one: False)."""
        at = now or datetime.now(UTC)

        def command() -> tuple[bool, Subscriber | None]:
            found = self.find(subscriber_id, Subscriber)
            return (found.unsubscribe(reason, at), found) if found else (False, None)

        return self._retrying(command)

    def change_language(
        self, subscriber_id: UUID, language: Language, now: datetime | None = None
    ) -> None:
        """Issues in `language` from now on."""
        at = now or datetime.now(UTC)

        def command() -> tuple[None, Subscriber]:
            found = self.known(subscriber_id)
            found.change_language(language, at)
            return None, found

        self._retrying(command)

    # Bounces (the SMTP bounce receiver calls these), holds and expiry.

    def record_bounce(
        self, subscriber_id: UUID, kind: BounceKind, now: datetime | None = None
    ) -> None:
        """A delivery status notification for a copy to the subscriber (unknown: nothing)."""
        at = now or datetime.now(UTC)

        def command() -> tuple[None, Subscriber | None]:
            found = self.find(subscriber_id, Subscriber)
            if found is not None:
                found.bounce(kind, at)
            return None, found

        self._retrying(command)

    def release(self, subscriber_id: UUID, released_by: str, now: datetime | None = None) -> None:
        """The innovation unit releases a held address (`released_by`: the staff subject)."""
        at = now or datetime.now(UTC)
        found = self.subscriber(subscriber_id)
        found.release(released_by, at)
        self.save_or_conflict(found)

    def expire(self, subscriber_id: UUID, now: datetime | None = None) -> bool:
        """Lapse the subscriber's request if it is pending past its expiry; True when it did."""
        at = now or datetime.now(UTC)

        def command() -> tuple[bool, Subscriber | None]:
            found = self.find(subscriber_id, Subscriber)
            return (found.expire(at), found) if found else (False, None)

        return self._retrying(command)

    # Reactions to membership (the policies call these; they return what changed, unsaved).

    def member_activated(
        self, representative_id: UUID, email: Sealed, language: Language, at: datetime
    ) -> list[Aggregate]:
        """The member's address subscribed (resealed with the subscriber's key), and linked.

        An address already erased (its key gone) has nothing to subscribe."""
        address = self.sealer.unseal(email)
        if address is None:
            return []
        address = normalised(address)
        subscriber = self.subscriber_id_of(address)
        changed: list[Aggregate] = []
        link = self.find(member_link_id(representative_id), MemberLink)
        if link is None:
            link = MemberLink.link(representative_id, subscriber)
        elif link.subscriber_id != subscriber:
            # Another address than before: the old one is left as a member leaves it.
            changed += self.member_deactivated(representative_id, at)
            link.relink(subscriber)
        sealed = self.sealer.seal(subscriber, address)
        found = self.find(subscriber, Subscriber)
        if found is None:
            found = Subscriber.start(subscriber, sealed, language, at)
        found.member_joined(representative_id, sealed, language, at)
        return [*changed, link, found]

    def member_deactivated(self, representative_id: UUID, at: datetime) -> list[Aggregate]:
        """The member's address unsubscribed unless they subscribed it themselves."""
        link = self.find(member_link_id(representative_id), MemberLink)
        if link is None:
            return []
        found = self.find(link.subscriber_id, Subscriber)
        if found is None:
            return []
        found.member_left(representative_id, at)
        return [found]

    # Queries.

    def subscriber(self, subscriber_id: UUID) -> Subscriber:
        """The subscriber, or 404 `subscriber_not_found`."""
        return self.get(
            subscriber_id, Subscriber, "No subscriber with that id.", ErrorCode.SUBSCRIBER_NOT_FOUND
        )

    def known(self, subscriber_id: UUID) -> Subscriber:
        """The subscriber a valid link names; none is a link not ours (422)."""
        found = self.find(subscriber_id, Subscriber)
        if found is None:
            raise link_invalid()
        return found

    # Helpers.

    def _retrying(self, command: Callable[[], tuple[T, Aggregate | None]]) -> T:
        """Run `command` on a fresh read and save what it changed; a concurrent change of the
        same subscriber (a double click) runs it again on the newer state."""
        for attempt in range(ATTEMPTS):
            result, changed = command()
            if changed is None:
                return result
            try:
                self.save_or_conflict(changed)
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            return result
        raise AssertionError("unreachable")
