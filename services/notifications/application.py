"""The notifications application: reactions record emails, the delivery job sends them."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from contracts.errors import ErrorCode
from contracts.personal import Sealed
from services.notifications.domain import FINAL_STATUSES, Message, message_id
from services.notifications.held_links import HeldLinks
from services.notifications.log import MessageLog
from services.notifications.mirrors import (
    Activity,
    Recipient,
    RegisteredBody,
    SubmittedPractice,
    activity_mirror_id,
    practice_mirror_id,
    recipient_id,
    registered_body_id,
)
from services.notifications.models import SignInLinkRequest
from services.notifications.newsletter_copies import NewsletterCopies
from services.notifications.settings import MailSettings
from services.runtime.application import ServiceApplication
from services.runtime.deliveries import Delivery
from services.runtime.errors import Conflict, RuleBroken
from services.runtime.invitation_links import invitation_links
from services.runtime.newsletter_links import confirm_url
from services.runtime.settings import ServiceSettings

SIGN_IN: Final = "sign_in"
"""The template of the sign-in email the gateway asks for."""

HELD_LINK_TEMPLATES: Final = frozenset({SIGN_IN})
"""Emails whose link is secret: held outside the events, deleted once they are done."""

PUBLIC_URL_DEFAULT: Final[str] = ServiceSettings.model_fields["public_url"].default


class NotificationsApplication(ServiceApplication):
    """Every email of the network, at most one per (causing event, recipient, template).

    Reactions to the registration and membership topics record `Message`s (never send), in the
    transaction that stores the Kafka position. The delivery job, on one instance at a time,
    sends what is due over SMTP, retrying with exponential backoff and dead-lettering after
    `NOTIFICATIONS_MAX_ATTEMPTS` tries; the innovation unit reads the log and retries.
    Addresses stay sealed with their person's key and are unsealed only to send or to show.
    A secret link (sign-in) never enters an event: it waits in `held_links` until sent.
    """

    service_name = "notifications"
    mail: MailSettings = MailSettings()
    jwt_secret: str = ""
    public_url: str = PUBLIC_URL_DEFAULT
    """Where people reach the gateway: every link in an email starts with it."""
    delivery_log: MessageLog
    held_links: HeldLinks
    newsletter_copies: NewsletterCopies
    """The newsletter sender's own record of copies (outside any projection's generation)."""

    def open_resources(self, settings: ServiceSettings) -> None:
        self.mail = MailSettings()
        self.jwt_secret = settings.jwt_secret
        self.public_url = settings.public_url.rstrip("/")
        self.delivery_log = self.keeps(MessageLog(settings.database_url))
        self.held_links = self.keeps(HeldLinks(settings.database_url))
        self.newsletter_copies = self.keeps(NewsletterCopies(settings.database_url))

    # Commands.

    def send_sign_in_link(self, request: SignInLinkRequest, now: datetime | None = None) -> None:
        """Record the sign-in email of `request` once; its link is held, not in the events.

        The request id is the idempotency key: the email's id is derived from it, so the same
        request again finds the email recorded and sends nothing more. The address is sealed
        with a key of its own (the request's), like every person's address here.
        """
        now = now or datetime.now(UTC)
        self.check_sign_in_link(request, now)
        recipient = request.request_id
        if message_id(request.request_id, recipient, SIGN_IN) in self.repository:
            return
        message = Message(
            template=SIGN_IN,
            caused_by=request.request_id,
            recipient_id=recipient,
            address=self.sealer.seal(recipient, request.email),
            name=None,
            context={
                "language": request.language.value,
                "valid_until": request.expires_at.isoformat(),
            },
            not_before=now,
            expires_at=request.expires_at,
            recorded_at=now,
        )
        # Held first: an email recorded without its link could not be sent; a link held
        # without its email (a crash between the two) is deleted when it expires.
        self.held_links.hold(message.id, request.sign_in_url, request.expires_at)
        with suppress(IntegrityError):  # the same request, recorded meanwhile by another call
            self.save(message)

    def check_sign_in_link(self, request: SignInLinkRequest, now: datetime) -> None:
        """The link points at the gateway's public address, and it has not expired yet."""
        link = request.sign_in_url
        if not (
            link == self.public_url
            or link.startswith((f"{self.public_url}/", f"{self.public_url}?"))
        ):
            # The link itself is not repeated in the refusal: it carries the token.
            raise RuleBroken(
                ErrorCode.SIGN_IN_URL_NOT_OURS,
                "The sign-in link must start with the network's public address.",
                field="sign_in_url",
                public_url=self.public_url,
            )
        if request.expires_at <= now:
            raise RuleBroken(
                ErrorCode.SIGN_IN_LINK_EXPIRED,
                "The sign-in link has expired already.",
                field="expires_at",
            )

    def retry(self, message: UUID, now: datetime | None = None) -> None:
        """Send a failed or dead-lettered email again, with a fresh set of tries."""
        found = self.message(message)
        found.check_retriable()
        if found.template in HELD_LINK_TEMPLATES and found.status in FINAL_STATUSES:
            # Its link was deleted when it was given up: the person asks for a new one.
            raise Conflict(
                ErrorCode.EMAIL_NOT_RETRIABLE,
                "A sign-in email given up cannot be sent again; its link is gone.",
                status=found.status.value,
            )
        found.retry(now or datetime.now(UTC))
        self.save_or_conflict(found)

    def done_with(self, message: Message) -> None:
        """Forget what the email held outside its events once it will not be sent (again)."""
        if message.template in HELD_LINK_TEMPLATES and message.status in FINAL_STATUSES:
            self.held_links.forget(message.id)

    # Queries.

    def message(self, message: UUID) -> Message:
        """The email, or NotFound."""
        return self.get(message, Message, "No email with that id.", ErrorCode.EMAIL_NOT_FOUND)

    def render_context(self, message: Message, address: str, now: datetime) -> dict[str, Any]:
        """What the template needs, personal values unsealed and links signed just now."""
        context: dict[str, Any] = dict(message.context)
        context["name"] = self.sealer.unseal(message.name) if message.name else None
        if "their_id" in context:
            # The representative a change is about, by name: unsealed now, never stored.
            them = self.recipient(UUID(context["their_id"]))
            context["their_name"] = self.sealer.unseal(them.full_name) if them else None
        if message.template in HELD_LINK_TEMPLATES:
            context["sign_in_url"] = self.held_links.link(message.id)
        if message.template == "invitation":
            expires = now + timedelta(days=self.mail.invitation_link_days)
            if message.expires_at is not None:
                expires = min(expires, message.expires_at)  # no answers once it has started
            context.update(
                invitation_links(
                    self.jwt_secret,
                    self.public_url,
                    UUID(context["activity_id"]),
                    UUID(context["representative_id"]),
                    expires,
                )
            )
            context["links_expire"] = expires.isoformat()
        if message.template == "newsletter_confirmation":
            # Signed now, never stored: the link expires with the request it confirms.
            context["confirm_url"] = confirm_url(
                self.jwt_secret,
                self.public_url,
                UUID(context["subscriber_id"]),
                datetime.fromisoformat(context["expires_at"]),
            )
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
        """The email `template` to a representative the service knows, in their language."""
        return self.record(
            template,
            delivery,
            representative.representative_id,
            representative.email,
            representative.full_name,
            {**context, **in_language(representative.language)},
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

    def current_representatives(
        self, registration_id: UUID, also: Sequence[UUID] = ()
    ) -> list[UUID]:
        """The body's representatives not withdrawn (and `also` these), each once."""
        body = self.registered_body(registration_id)
        known = body.representative_ids if body else []
        current = [r.representative_id for r in self.recipients(known) if not r.withdrawn]
        return list(dict.fromkeys([*current, *also]))

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

    def practice(self, practice_id: UUID) -> SubmittedPractice | None:
        return self.find(practice_mirror_id(practice_id), SubmittedPractice)

    def submitters_registration(self, submitted_by: UUID) -> RegisteredBody | None:
        """The registration of the representative who submitted a practice, if known."""
        submitter = self.recipient(submitted_by)
        return self.registered_body(submitter.registration_id) if submitter else None

    def practice_representatives(self, practice_id: UUID) -> list[UUID]:
        """The current representatives of the body whose member submitted the practice.

        Those of the submitter's registration not withdrawn (the submitter too, while they
        are one); none once the body's registration is withdrawn, or the practice unknown.
        """
        practice = self.practice(practice_id)
        body = self.submitters_registration(practice.submitted_by) if practice else None
        if body is None or body.withdrawn:
            return []
        return self.current_representatives(body.registration_id)

    def body_context(self, registration_id: UUID) -> dict[str, str]:
        """What every email about a registration names: the body, and where to upload."""
        body = self.registered_body(registration_id)
        return {
            "body_name": body.body_name if body else "—",
            "upload_url": f"{self.public_url}/registrations/{registration_id}/designation",
        }


def in_language(language: str | None) -> dict[str, str]:
    """The context entry that puts an email in one language; none when it is unknown."""
    return {"language": language} if language else {}
