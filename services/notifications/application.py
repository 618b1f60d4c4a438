"""The notifications application: reactions record emails, the delivery job sends them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from services.notifications.domain import (
    INNOVATION_UNIT,
    Message,
    Recipient,
    RegisteredBody,
    message_id,
    recipient_id,
    registered_body_id,
)
from services.notifications.links import invitation_links
from services.notifications.log import MessageLog
from services.notifications.settings import MailSettings
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict
from services.runtime.settings import ServiceSettings


class NotificationsApplication(ServiceApplication):
    """Every email of the network, at most one per (causing event, recipient, template).

    Reactions to the registration and membership topics record `Message`s (never send), in the
    transaction that stores the Kafka position. The delivery job, on one instance at a time,
    sends what is due over SMTP, retrying with exponential backoff and dead-lettering after
    `NOTIFICATIONS_MAX_ATTEMPTS` tries; the innovation unit reads the log and retries.
    Addresses stay sealed with their person's key and are unsealed only to send or to show.
    """

    service_name = "notifications"
    mail: MailSettings = MailSettings()
    jwt_secret: str = ""
    delivery_log: MessageLog

    def on_start(self, settings: ServiceSettings) -> None:
        self.mail = MailSettings()
        self.jwt_secret = settings.jwt_secret
        self.delivery_log = MessageLog(settings.database_url)

    def close(self) -> None:
        if hasattr(self, "delivery_log"):
            self.delivery_log.close()
        super().close()

    # Commands.

    def retry(self, message: UUID, now: datetime | None = None) -> None:
        """Send a failed or dead-lettered email again, with a fresh set of tries."""
        found = self.message(message)
        found.retry(now or datetime.now(UTC))
        try:
            self.save(found)
        except IntegrityError:
            raise Conflict(
                ErrorCode.CONCURRENT_CHANGE, "The email changed meanwhile; try again."
            ) from None

    # Queries.

    def message(self, message: UUID) -> Message:
        """The email, or NotFound."""
        return self.get(message, Message, "No email with that id.", ErrorCode.EMAIL_NOT_FOUND)

    def render_context(self, message: Message, address: str, now: datetime) -> dict[str, Any]:
        """What the template needs, personal values unsealed and links signed just now."""
        context: dict[str, Any] = dict(message.context)
        context["name"] = self.sealer.unseal(message.name) if message.name else None
        if message.template == "invitation":
            expires = now + timedelta(days=self.mail.invitation_link_days)
            if message.expires_at is not None:
                expires = min(expires, message.expires_at)  # no answers once it has started
            context.update(
                invitation_links(
                    self.jwt_secret,
                    self.mail.portal_url,
                    UUID(context["activity_id"]),
                    UUID(context["representative_id"]),
                    expires,
                )
            )
            context["links_expire"] = expires.isoformat()
        return context

    # Helpers of the reactions (`policies.py`): they record, the delivery job sends.

    def record(
        self,
        template: str,
        cause: UUID,
        recipient: UUID | None,
        address: Sealed | str,
        name: Sealed | None,
        context: dict[str, str],
        now: datetime,
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> list[Aggregate]:
        """A new email, or nothing when this event already caused it (a redelivery)."""
        new_id = message_id(cause, recipient or INNOVATION_UNIT, template)
        if new_id in self.repository:
            return []
        return [
            Message(
                template=template,
                caused_by=cause,
                recipient_id=recipient,
                address=address,
                name=name,
                context=context,
                not_before=not_before or now,
                expires_at=expires_at,
                recorded_at=now,
            )
        ]

    def cancel_reminders(
        self, representative_ids: Sequence[UUID], reason: str, now: datetime
    ) -> list[Aggregate]:
        changed: list[Aggregate] = []
        for representative in self.recipients(representative_ids):
            if representative.reminder_id is None:
                continue
            reminder = self.find(representative.reminder_id, Message)
            if reminder is not None and reminder.cancel(reason, now):
                changed.append(reminder)
        return changed

    def record_for_each(
        self,
        template: str,
        cause: UUID,
        representative_ids: Sequence[UUID],
        context: dict[str, str],
        now: datetime,
    ) -> list[Aggregate]:
        """The same email to each of these representatives (those the service knows)."""
        changed: list[Aggregate] = []
        for representative in self.recipients(representative_ids):
            changed += self.record(
                template,
                cause,
                representative.representative_id,
                representative.email,
                representative.full_name,
                context,
                now,
            )
        return changed

    def recipients(self, representative_ids: Sequence[UUID]) -> list[Recipient]:
        found = (self.find(recipient_id(r), Recipient) for r in representative_ids)
        return [r for r in found if r is not None]

    def body_name(self, registration_id: UUID) -> str:
        body = self.find(registered_body_id(registration_id), RegisteredBody)
        return body.body_name if body else "—"

    def upload_url(self, registration_id: UUID) -> str:
        return f"{self.mail.portal_url}/registrations/{registration_id}/designation"
