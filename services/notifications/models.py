"""What the delivery log's API answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel

from services.notifications.domain import EmailStatus
from services.runtime.paging import PageOf
from services.runtime.text import CleanText

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
