"""The events the notifications service publishes: each email sent, or given up on."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.events import ContractEvent
from contracts.personal import Sealed


class NotificationEvent(ContractEvent):
    """An event of one email (key: the message id, one per event, recipient and template)."""

    service: ClassVar[str] = "notifications"


class NotificationSent(NotificationEvent):
    """The mail relay accepted an email for its recipient."""

    message_id: UUID
    """uuid5 of (causing event id, recipient, template): the same on every redelivery."""
    template: str = Field(min_length=1)
    caused_by: UUID
    """The CloudEvents id of the event the email answers."""
    recipient_id: UUID | None = None
    """The data subject the email went to; None for an office address (the innovation unit)."""
    recipient: Sealed | None = None
    """The person's address, sealed with their key; None for an office address."""
    attempts: int = Field(ge=1)
    sent_at: AwareDatetime


class NotificationFailed(NotificationEvent):
    """An attempt to send an email failed; `dead` when no more attempts will be made."""

    message_id: UUID
    template: str = Field(min_length=1)
    caused_by: UUID
    recipient_id: UUID | None = None
    recipient: Sealed | None = None
    attempts: int = Field(ge=1)
    error: str = Field(min_length=1)
    """What the mail relay answered, or why it could not be reached; never an address."""
    dead: bool
    """True once the email is in the dead-letter state (the innovation unit may retry it)."""
    failed_at: AwareDatetime
