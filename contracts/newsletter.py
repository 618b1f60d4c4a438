"""The events the newsletter publishes: subscriptions with double opt-in, and the issues sent.

A subscriber is an address: its id is derived from a keyed hash of the address (a blind index),
so the same address is always the same subscriber and no event holds it in clear. The address
itself travels sealed with the subscriber's key. The secret links of the emails (confirm,
unsubscribe, preferences) are signed when an email is rendered and never enter an event.

An issue's events carry its sanitised HTML and its plain text in each language: the archive,
and the notifications service that delivers it, are folds of the topic. The topic has one
partition, so an issue comes after every subscription change made before it was sent.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events import ContractEvent, ContractModel
from contracts.personal import Sealed
from contracts.registration import Language

CONFIRMATION_DAYS = 7
"""An unconfirmed request expires after this many days."""
SOFT_BOUNCES_TO_HOLD = 3
"""Soft bounces (since the address was last confirmed or released) that put it on hold."""

Subject = Annotated[str, Field(min_length=1, max_length=150)]
Markdown = Annotated[str, Field(min_length=1, max_length=50_000)]


class SubscriptionOrigin(StrEnum):
    """How an address came to be subscribed."""

    FORM = "form"
    """The person asked on the public form and confirmed the link."""
    MEMBER = "member"
    """A representative became a member of the network."""


class UnsubscribeReason(StrEnum):
    """How an address left."""

    ONE_CLICK = "one_click"
    """The mail client's one-click button (RFC 8058), or the button of the link's page."""
    PREFERENCES = "preferences"
    """The preferences page."""
    MAILTO = "mailto"
    """An email to the `List-Unsubscribe` mailto address."""
    MEMBER_LEFT = "member_left"
    """The representative stopped being a member and had not subscribed themselves."""


class HoldReason(StrEnum):
    """Why an address gets no more issues until the innovation unit releases it."""

    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCES = "soft_bounces"


class BounceKind(StrEnum):
    """A delivery status notification's verdict: permanent (hard) or temporary (soft)."""

    HARD = "hard"
    SOFT = "soft"


class IssueText(ContractModel):
    """One language's version of an issue."""

    subject: Subject
    markdown: Markdown
    """What the innovation unit wrote."""
    html: str = Field(min_length=1, max_length=200_000)
    """The Markdown rendered and sanitised: only the allowed tags and attributes remain."""
    text: str = Field(min_length=1, max_length=50_000)
    """The plain-text alternative of the email."""


class NewsletterEvent(ContractEvent):
    """An event of a subscriber (key: subscriber id) or of an issue (key: issue id)."""

    service: ClassVar[str] = "newsletter"


class SubscriberEvent(NewsletterEvent):
    """An event of one subscribed address."""

    subscriber_id: UUID


class SubscriptionRequested(SubscriberEvent):
    """Someone asked on the public form for this address; nothing is sent until it confirms."""

    email: Sealed
    language: Language
    requested_at: AwareDatetime
    expires_at: AwareDatetime
    """When the request lapses if it is not confirmed."""


class SubscriptionConfirmed(SubscriberEvent):
    """The address receives the newsletter from now on, in `language`."""

    email: Sealed
    language: Language
    origin: SubscriptionOrigin
    representative_id: UUID | None = None
    """The member this address belongs to, when `origin` is `member`."""
    confirmed_at: AwareDatetime


class SubscriptionLanguageChanged(SubscriberEvent):
    """The subscriber chose the other language on the preferences page."""

    language: Language
    changed_at: AwareDatetime


class SubscriptionExpired(SubscriberEvent):
    """A request was not confirmed in time; the address is not subscribed."""

    expired_at: AwareDatetime


class Unsubscribed(SubscriberEvent):
    """The address receives nothing more."""

    reason: UnsubscribeReason
    unsubscribed_at: AwareDatetime


class BounceRecorded(SubscriberEvent):
    """A delivery status notification came back for a copy sent to this address."""

    kind: BounceKind
    soft_bounces: int = Field(ge=0)
    """Soft bounces counted since the address was confirmed or last released."""
    bounced_at: AwareDatetime


class SubscriptionHeld(SubscriberEvent):
    """The address bounced (once hard, or repeatedly soft): no issue goes to it until released."""

    reason: HoldReason
    held_at: AwareDatetime


class SubscriptionReleased(SubscriberEvent):
    """The innovation unit released a held address: it receives the next issue again."""

    released_by: str = Field(min_length=1, max_length=200)
    """The staff member's keyed subject, never an address."""
    released_at: AwareDatetime


class IssueEvent(NewsletterEvent):
    """An event of one issue of the newsletter."""

    issue_id: UUID


class IssueTestCopyRequested(IssueEvent):
    """The innovation unit asked for a test copy of a draft, sent to the asking staff member."""

    request_id: UUID
    email: Sealed
    """The staff member's address, sealed with the request's own key."""
    language: Language
    texts: dict[Language, IssueText] = Field(min_length=1, max_length=2)
    requested_at: AwareDatetime


class IssuePublished(IssueEvent):
    """The issue was sent: one copy to each confirmed address not on hold, in its language."""

    number: int = Field(ge=1)
    """The issue's number in the archive, 1 for the first."""
    texts: dict[Language, IssueText] = Field(min_length=1, max_length=2)
    """Greek always; a subscriber of a language the issue lacks gets the Greek text."""
    published_at: AwareDatetime
