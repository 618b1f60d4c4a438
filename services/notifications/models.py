"""What the service's API accepts and answers: the delivery log, and the sign-in emails."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel

from contracts.registration import Language
from services.notifications.domain import EmailStatus
from services.runtime.paging import PageOf
from services.runtime.requests import RequestBody
from services.runtime.text import CleanText
from services.runtime.values import EmailAddress, Moment

Filter = Annotated[str, CleanText(max_length=254)]
"""A query parameter the log is searched by: an address or subject id, a template."""


class MessagePublic(BaseModel):
    """One email in the delivery log; `recipient` is None once the person was erased."""

    id: UUID
    template: str
    caused_by: UUID
    recipient_id: UUID | None
    recipient: str | None
    recipient_erased: bool
    status: EmailStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    recorded_at: datetime
    sent_at: datetime | None


class RetryAccepted(BaseModel):
    """The email is pending again and the delivery job will send it."""

    id: UUID
    status: EmailStatus


class MessageList(PageOf[MessagePublic]):
    """A page of the delivery log."""


class SignInLinkRequest(RequestBody):
    """The gateway asks for a sign-in email: to whom, in which language, the link, its expiry.

    `request_id` is the idempotency key. The link must start with the public address; it
    carries the token, so it is held only until the email is sent, never in an event or log.
    """

    request_id: UUID
    email: EmailAddress
    language: Language
    sign_in_url: Annotated[str, CleanText(max_length=2048)]
    expires_at: Moment


class SignInLinkAccepted(BaseModel):
    """The email is recorded (now or by an earlier call with the same id) and will be sent."""

    request_id: UUID
    status: Literal["accepted"] = "accepted"
