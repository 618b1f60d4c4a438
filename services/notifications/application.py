"""The notifications application: reactions record emails, the delivery job sends them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from services.notifications.domain import Message
from services.notifications.links import invitation_links
from services.notifications.log import MessageLog
from services.notifications.mirrors import (
    Activity,
    Recipient,
    RegisteredBody,
    activity_mirror_id,
    recipient_id,
    registered_body_id,
)
from services.notifications.settings import MailSettings
from services.runtime.application import ServiceApplication
from services.runtime.deliveries import Delivery
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

    def open_resources(self, settings: ServiceSettings) -> None:
        self.mail = MailSettings()
        self.jwt_secret = settings.jwt_secret
        self.delivery_log = self.keeps(MessageLog(settings.database_url))

    # Commands.

    def retry(self, message: UUID, now: datetime | None = None) -> None:
        """Send a failed or dead-lettered email again, with a fresh set of tries."""
        found = self.message(message)
        found.retry(now or datetime.now(UTC))
        self.save_or_conflict(found)

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

    def unless_stored(self, aggregate: Aggregate) -> list[Aggregate]:
        """The new aggregate, or nothing when it is stored already (its event was redelivered)."""
        return [] if aggregate.id in self.repository else [aggregate]

    def record(
        self,
        template: str,
        delivery: Delivery,
        recipient: UUID | None,
        address: Sealed | str,
        name: Sealed | None,
        context: dict[str, str],
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> list[Aggregate]:
        """The email `template` this delivery's event causes, or nothing if it did already."""
        now = delivery.event.time
        return self.unless_stored(
            Message(
                template=template,
                caused_by=delivery.event.id,
                recipient_id=recipient,
                address=address,
                name=name,
                context=context,
                not_before=not_before or now,
                expires_at=expires_at,
                recorded_at=now,
            )
        )

    def record_to(
        self,
        representative: Recipient,
        template: str,
        delivery: Delivery,
        context: dict[str, str],
        expires_at: datetime | None = None,
    ) -> list[Aggregate]:
        """The email `template` to a representative the service knows."""
        return self.record(
            template,
            delivery,
            representative.representative_id,
            representative.email,
            representative.full_name,
            context,
            expires_at=expires_at,
        )

    def record_for_each(
        self,
        template: str,
        delivery: Delivery,
        representative_ids: Sequence[UUID],
        context: dict[str, str],
    ) -> list[Aggregate]:
        """The same email to each of these representatives (those the service knows)."""
        changed: list[Aggregate] = []
        for representative in self.recipients(representative_ids):
            changed += self.record_to(representative, template, delivery, context)
        return changed

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

    def recipient(self, representative_id: UUID) -> Recipient | None:
        return self.find(recipient_id(representative_id), Recipient)

    def recipients(self, representative_ids: Sequence[UUID]) -> list[Recipient]:
        found = (self.recipient(r) for r in representative_ids)
        return [r for r in found if r is not None]

    def registered_body(self, registration_id: UUID) -> RegisteredBody | None:
        return self.find(registered_body_id(registration_id), RegisteredBody)

    def activity(self, activity_id: UUID) -> Activity | None:
        return self.find(activity_mirror_id(activity_id), Activity)

    def body_context(self, registration_id: UUID) -> dict[str, str]:
        """What every email about a registration names: the body, and where to upload."""
        body = self.registered_body(registration_id)
        return {
            "body_name": body.body_name if body else "—",
            "upload_url": f"{self.mail.portal_url}/registrations/{registration_id}/designation",
        }
