"""Emails as aggregates: one per (causing event, recipient, template), sent at most once.

A `Message` is recorded by a reaction in the transaction that stores the Kafka position of the
event that caused it, and its id is derived from (event id, recipient, template): a redelivered
or re-published event finds the message there and records nothing new. The delivery job then
records `SendingStarted` before it talks to the mail relay and `Sent` after the relay accepted
the email. A crash between the two leaves the message `sending`: the job sends it again with the
same Message-ID header, so the one possible duplicate is recognisable by the recipient's client,
and each crash in that window can cause at most one.

What later emails need to know of other services' events is kept in `mirrors.py`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from services.runtime.errors import Conflict
from services.runtime.timezone import ATHENS


class EmailStatus(StrEnum):
    """Where an email is on its way: recorded, being sent, sent, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    CANCELLED = "cancelled"


DUE_STATUSES: Final = (EmailStatus.PENDING, EmailStatus.FAILED, EmailStatus.SENDING)
"""Emails the delivery job looks at: waiting, failed once, or left `sending` by a crash."""

RETRIABLE_STATUSES: Final = (EmailStatus.DEAD, EmailStatus.FAILED)
"""Emails the innovation unit may send again."""

FINAL_STATUSES: Final = (EmailStatus.SENT, EmailStatus.DEAD, EmailStatus.CANCELLED)
"""Emails the delivery job will not send again by itself."""

INNOVATION_UNIT: Final = "innovation-unit"
"""The recipient key of emails to the innovation unit's office address."""


def end_of_day(day: date) -> datetime:
    """Midnight (Athens) after `day`: when a due day is over."""
    return datetime.combine(day + timedelta(days=1), time(0), ATHENS)


def message_id(caused_by: UUID, recipient: UUID | str, template: str) -> UUID:
    """The one id of the email `template` to `recipient` caused by the event `caused_by`."""
    return uuid5(NAMESPACE_URL, f"innovnet:notification:{caused_by}:{recipient}:{template}")


class Message(Aggregate):
    """An email to one recipient: pending until sent, retried with backoff, then dead-lettered."""

    class Recorded(Aggregate.Created):
        template: str
        caused_by: UUID
        recipient_id: UUID | None
        address: Sealed | str
        name: Sealed | None
        context: dict[str, str]
        not_before: datetime
        expires_at: datetime | None
        recorded_at: datetime

    class SendingStarted(Aggregate.Event):
        attempt: int
        started_at: datetime

    class Sent(Aggregate.Event):
        template: str
        caused_by: UUID
        recipient_id: UUID | None
        recipient: Sealed | None
        attempts: int
        sent_at: datetime

    class Failed(Aggregate.Event):
        template: str
        caused_by: UUID
        recipient_id: UUID | None
        recipient: Sealed | None
        attempts: int
        error: str
        dead: bool
        next_attempt_at: datetime
        failed_at: datetime

    class Cancelled(Aggregate.Event):
        reason: str
        cancelled_at: datetime

    class RetryRequested(Aggregate.Event):
        requested_at: datetime

    @staticmethod
    def create_id(template: str, caused_by: UUID, recipient_id: UUID | None) -> UUID:
        return message_id(caused_by, recipient_id or INNOVATION_UNIT, template)

    @event(Recorded)
    def __init__(
        self,
        template: str,
        caused_by: UUID,
        recipient_id: UUID | None,
        address: Sealed | str,
        name: Sealed | None,
        context: dict[str, str],
        not_before: datetime,
        expires_at: datetime | None,
        recorded_at: datetime,
    ) -> None:
        self.template = template
        self.caused_by = caused_by
        self.recipient_id = recipient_id
        self.address = address
        """A person's address sealed with their key, or an office address in clear."""
        self.name = name
        self.context = dict(context)
        self.not_before = not_before
        self.expires_at = expires_at
        """After this the email is pointless (a reminder of a day that is over)."""
        self.recorded_at = recorded_at
        self.status = EmailStatus.PENDING
        self.attempts = 0
        self.attempts_before_retry = 0
        self.next_attempt_at = not_before
        self.last_error: str | None = None
        self.sent_at: datetime | None = None
        self.cancel_reason: str | None = None

    @property
    def sealed_address(self) -> Sealed | None:
        """The address as published: sealed for a person, None for an office address."""
        return self.address if isinstance(self.address, Sealed) else None

    def is_due(self, now: datetime) -> bool:
        """Waiting to be sent (or left `sending` by a crash) and its time has come."""
        return self.status in DUE_STATUSES and self.next_attempt_at <= now

    def has_expired(self, now: datetime) -> bool:
        """Too late to be worth sending."""
        return self.expires_at is not None and now >= self.expires_at

    @event(SendingStarted)
    def start_sending(self, attempt: int, started_at: datetime) -> None:
        """Recorded before the relay is contacted: a crash after it means 'maybe sent'."""
        self.status = EmailStatus.SENDING
        self.attempts = attempt
        self.next_attempt_at = started_at

    def _outcome(self) -> dict[str, Any]:
        """What the published outcome of an attempt names: the email, to whom, after how many."""
        return {
            "template": self.template,
            "caused_by": self.caused_by,
            "recipient_id": self.recipient_id,
            "recipient": self.sealed_address,
            "attempts": self.attempts,
        }

    def record_sent(self, at: datetime) -> None:
        """The relay accepted the email."""
        self.check_sending()
        self.sent(**self._outcome(), sent_at=at)

    @event(Sent)
    def sent(
        self,
        template: str,
        caused_by: UUID,
        recipient_id: UUID | None,
        recipient: Sealed | None,
        attempts: int,
        sent_at: datetime,
    ) -> None:
        self.status = EmailStatus.SENT
        self.sent_at = sent_at
        self.last_error = None

    def record_failure(
        self, error: str, at: datetime, max_attempts: int, backoff: timedelta, permanent: bool
    ) -> None:
        """The attempt failed: retry after `backoff`, or dead-letter after `max_attempts`."""
        self.check_sending()
        dead = permanent or self.attempts - self.attempts_before_retry >= max_attempts
        self.failed(
            **self._outcome(), error=error, dead=dead, next_attempt_at=at + backoff, failed_at=at
        )

    @event(Failed)
    def failed(
        self,
        template: str,
        caused_by: UUID,
        recipient_id: UUID | None,
        recipient: Sealed | None,
        attempts: int,
        error: str,
        dead: bool,
        next_attempt_at: datetime,
        failed_at: datetime,
    ) -> None:
        self.status = EmailStatus.DEAD if dead else EmailStatus.FAILED
        self.last_error = error
        self.next_attempt_at = next_attempt_at

    def cancel(self, reason: str, at: datetime) -> bool:
        """Give up on an unsent email (recipient erased, designation arrived); False if sent."""
        if self.status in (EmailStatus.SENT, EmailStatus.CANCELLED):
            return False
        self.cancelled(reason, at)
        return True

    @event(Cancelled)
    def cancelled(self, reason: str, cancelled_at: datetime) -> None:
        self.status = EmailStatus.CANCELLED
        self.cancel_reason = reason

    def retry(self, at: datetime) -> None:
        """The innovation unit sends a dead-lettered or failing email again, with fresh tries."""
        self.check_retriable()
        self.retry_requested(at)

    @event(RetryRequested)
    def retry_requested(self, requested_at: datetime) -> None:
        self.status = EmailStatus.PENDING
        self.attempts_before_retry = self.attempts
        self.next_attempt_at = requested_at

    def check_retriable(self) -> None:
        """Only a failed or dead email is sent again: a pending or sent one needs nothing."""
        if self.status not in RETRIABLE_STATUSES:
            raise Conflict(
                ErrorCode.EMAIL_NOT_RETRIABLE,
                f"Only a failed or dead email can be retried; this one is {self.status}.",
                status=self.status.value,
            )

    def check_sending(self) -> None:
        """An attempt's outcome is recorded only while the email is being sent."""
        if self.status != EmailStatus.SENDING:
            raise Conflict(
                ErrorCode.EMAIL_NOT_SENDING,
                f"The email is {self.status}, not being sent.",
                status=self.status.value,
            )
