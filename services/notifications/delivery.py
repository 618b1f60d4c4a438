"""The delivery job: every due email is sent, or retried with backoff, or dead-lettered.

It runs on one instance at a time (the runtime's job lock), so an email in the `sending` state
when the job picks it up was left there by a process that died talking to the relay: whether the
relay got it is unknown, and it is sent again with the same Message-ID. That is the one
duplicate a crash can cause; `innovnet_emails_resent_after_crash_total` counts them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from prometheus_client import Counter, Gauge

from services.notifications.application import NotificationsApplication
from services.notifications.domain import EmailStatus, Message
from services.notifications.mail import DeliveryFailed, Mailer, compose
from services.notifications.settings import MailSettings
from services.notifications.templates import render
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

EMAILS_SENT = Counter("innovnet_emails_sent_total", "Emails the mail relay accepted.", ["template"])
EMAILS_FAILED = Counter(
    "innovnet_emails_failed_total",
    "Failed attempts to send an email; outcome `failed` (tried again later) or `dead`.",
    ["template", "outcome"],
)
EMAIL_RETRIES = Counter(
    "innovnet_email_retries_total", "Attempts to send an email after a failed one.", ["template"]
)
EMAILS_RESENT_AFTER_CRASH = Counter(
    "innovnet_emails_resent_after_crash_total",
    "Emails found `sending` (a process died talking to the relay) and sent again.",
)
EMAILS_CANCELLED = Counter(
    "innovnet_emails_cancelled_total",
    "Emails given up before sending: recipient erased, or too late to matter.",
    ["template"],
)
EMAILS_UNREADABLE = Counter(
    "innovnet_emails_unreadable_total",
    "Emails the delivery job could not even load or save; logged and skipped, the rest go on.",
)
EMAILS_BY_STATUS = Gauge(
    "innovnet_delivery_log_emails", "Emails in the delivery log by status.", ["status"]
)


def deliver_due(running: Any, now: datetime | None = None) -> int:
    """Bring the log up to date and send what is due; the number of emails attempted."""
    application: NotificationsApplication = running.application
    application.delivery_log.catch_up(application)
    mailer = Mailer(application.mail)
    now = now or datetime.now(UTC)
    attempted = 0
    for message in application.delivery_log.due(now):
        try:
            attempted += deliver(application, mailer, message, now)
        except Exception:
            # One message that cannot even be read or saved must not stop the others.
            EMAILS_UNREADABLE.inc()
            log.exception("email %s could not be handled; the others are sent", message)
    application.held_links.forget_expired(now)  # what a crash left: links are no use after
    application.delivery_log.catch_up(application)
    counts = application.delivery_log.counts()
    for status in EmailStatus:
        EMAILS_BY_STATUS.labels(status).set(counts.get(status, 0))
    return attempted


def deliver(
    application: NotificationsApplication, mailer: Mailer, message_id: UUID, now: datetime
) -> int:
    """Send one email if it is due at `now`: 1 if the relay was contacted, else 0."""
    message = application.message(message_id)
    if not message.is_due(now):
        return 0
    if message.status == EmailStatus.SENDING:
        EMAILS_RESENT_AFTER_CRASH.inc()
    sealed = message.sealed_address
    try:
        address = application.sealer.unseal(sealed) if sealed else str(message.address)
    except Exception as error:
        # A tampered or unknown sealed value never unseals: no retry can help this one.
        log.exception("email %s: the address could not be unsealed", message.id)
        return _give_up(application, message, f"address not readable: {type(error).__name__}", now)
    reason = "recipient erased" if address is None else None
    if message.has_expired(now):
        reason = "too late to matter"
    if address is None or reason is not None:
        message.cancel(reason or "recipient erased", now)
        EMAILS_CANCELLED.labels(message.template).inc()
        _save(application, message)
        return 0
    if message.attempts > message.attempts_before_retry:
        EMAIL_RETRIES.labels(message.template).inc()
    message.start_sending(message.attempts + 1, now)
    if not _save(application, message):
        return 0
    try:
        rendered = render(message.template, application.render_context(message, address, now))
        email = compose(message.id, message.template, application.mail.sender, address, rendered)
        mailer.send(email)
    except DeliveryFailed as failure:
        _record_failure(application, message, failure.reason, failure.permanent)
    except Exception as error:
        log.exception("email %s could not be rendered", message.id)
        _record_failure(application, message, f"not rendered: {type(error).__name__}", True)
    else:
        message.record_sent(datetime.now(UTC))
        EMAILS_SENT.labels(message.template).inc()
        _save(application, message)
    return 1


def _give_up(
    application: NotificationsApplication, message: Message, reason: str, now: datetime
) -> int:
    """Dead-letter a message that fails before the relay is contacted; 0 (relay not contacted)."""
    message.start_sending(message.attempts + 1, now)
    if _save(application, message):
        _record_failure(application, message, reason, True)
    return 0


def _record_failure(
    application: NotificationsApplication, message: Message, reason: str, permanent: bool
) -> None:
    settings = application.mail
    backoff = timedelta(seconds=settings.backoff_seconds(message.attempts))
    message.record_failure(reason, datetime.now(UTC), settings.max_attempts, backoff, permanent)
    EMAILS_FAILED.labels(message.template, message.status).inc()
    log.warning("email %s attempt %s failed: %s", message.id, message.attempts, reason)
    _save(application, message)


def _save(application: NotificationsApplication, message: Message) -> int:
    try:
        application.save(message)
    except IntegrityError:
        log.warning("email %s changed meanwhile; it is looked at again next run", message.id)
        return 0
    application.done_with(message)
    return 1


DELIVERY = PeriodicJob("notifications-delivery", MailSettings().deliver_every_seconds, deliver_due)
