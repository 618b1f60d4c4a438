"""The newsletter's sender: each published issue, one copy per subscriber who receives it.

A periodic job (one instance at a time, the runtime's job lock). Each run expands the issues
not expanded yet (`newsletter_copies.py`), then sends the due copies of each unsent issue in
order over ONE SMTP connection, at `NOTIFICATIONS_NEWSLETTER_PER_SECOND` at most.

Recording a copy `sent` and marking the next one `sending` is one transaction, so when the
process dies at most one copy is `sending`: whether the relay got it is unknown, and the next
run sends it again with the same Message-ID (`innovnet_newsletter_copies_resent_after_crash_
total`). A temporary refusal is retried later with backoff, up to the attempts allowed; a
permanent one fails the copy. The envelope sender is the subscriber's VERP return path, so a
bounce names whose address bounced.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from prometheus_client import Counter, Gauge
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.notifications.application import NotificationsApplication
from services.notifications.mail import DeliveryFailed
from services.notifications.newsletter_copies import (
    STATUSES,
    Claimed,
    NewsletterCopies,
    Outcome,
    UnsentIssue,
)
from services.notifications.newsletter_mail import Edition, Links
from services.notifications.projections.audience import Audience
from services.notifications.settings import MailSettings
from services.runtime import newsletter_links
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

DEFAULT_RETURN_DOMAIN: Final = "newsletter.innovnet.localhost"

COPIES_SENT = Counter("innovnet_newsletter_copies_sent_total", "Newsletter copies the relay took.")
COPIES_FAILED = Counter(
    "innovnet_newsletter_copies_failed_total",
    "Failed attempts to send a newsletter copy; outcome `retry` (later) or `failed` (given up).",
    ["outcome"],
)
COPIES_RESENT_AFTER_CRASH = Counter(
    "innovnet_newsletter_copies_resent_after_crash_total",
    "Newsletter copies found `sending` (a process died talking to the relay) and sent again.",
)
COPIES_BY_STATUS = Gauge(
    "innovnet_newsletter_copies", "Newsletter copies of every issue by status.", ["status"]
)


_counted = threading.Event()
"""Set once the gauge of copies by status has been filled in this process."""


class SendingSettings(BaseSettings):
    """Read from `NOTIFICATIONS_NEWSLETTER_*`; the return domain is the newsletter's own."""

    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATIONS_NEWSLETTER_", frozen=True, extra="ignore"
    )

    per_second: float = Field(20.0, ge=0)
    """Copies per second at most; 0 sends as fast as the relay takes them."""
    every_seconds: float = Field(1.0, gt=0)
    reconnect_every: int = Field(1000, ge=1)
    """A fresh SMTP connection after this many copies (relays cap messages per session)."""
    batch: int = Field(500, ge=1)
    """Copies' ids read per query: memory stays flat however many subscribers there are."""
    max_attempts: int = Field(5, ge=1)
    retry_base_seconds: float = Field(60.0, gt=0)
    retry_max_seconds: float = Field(3600.0, gt=0)
    return_domain: str = Field(DEFAULT_RETURN_DOMAIN, validation_alias="NEWSLETTER_RETURN_DOMAIN")

    def backoff(self, attempts: int) -> timedelta:
        seconds = min(self.retry_max_seconds, self.retry_base_seconds * 2 ** (attempts - 1))
        return timedelta(seconds=seconds)


class Relay:
    """One SMTP session reused across copies: opened when needed, closed on an error."""

    def __init__(self, mail: MailSettings, reconnect_every: int) -> None:
        self._mail = mail
        self._reconnect_every = reconnect_every
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_session = 0

    def send(self, envelope_from: str, to: str, message: bytes) -> None:
        """Hand one copy over; raises DeliveryFailed (never naming the address)."""
        if self._smtp is not None and self._sent_on_session >= self._reconnect_every:
            self.close()
        try:
            smtp = self._smtp or self._open()
            refused = smtp.sendmail(envelope_from, [to], message)
            self._sent_on_session += 1
        except smtplib.SMTPRecipientsRefused as error:
            codes = {code for code, _ in error.recipients.values()}
            raise DeliveryFailed(
                f"the relay refused the recipient ({', '.join(map(str, sorted(codes)))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code in (421, -1):  # the relay is closing the session
                self.close()
            raise DeliveryFailed(
                f"the relay answered {error.smtp_code}", permanent=error.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryFailed(
                f"the relay could not be reached: {type(error).__name__}", permanent=False
            ) from None
        if refused:
            raise DeliveryFailed("the relay refused the recipient", permanent=True)

    def _open(self) -> smtplib.SMTP:
        s = self._mail
        smtp: smtplib.SMTP
        if s.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        if s.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        self._smtp, self._sent_on_session = smtp, 0
        return smtp

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


class Pace:
    """At most `per_second` copies a second (none when 0), spread evenly, not in bursts."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = time.monotonic()

    def wait(self) -> None:
        if not self._interval:
            return
        now = time.monotonic()
        if self._next > now:
            time.sleep(self._next - now)
        self._next = max(self._next, now) + self._interval


class Sender:
    """One run of the sender over the copies' tables and the audience's active generation."""

    def __init__(self, application: NotificationsApplication, audience: Audience) -> None:
        self.app = application
        self.copies: NewsletterCopies = application.newsletter_copies
        self.audience = audience
        self.settings = SendingSettings()
        self.relay = Relay(application.mail, self.settings.reconnect_every)
        self.pace = Pace(self.settings.per_second)
        self.links = Links(
            application.jwt_secret, application.public_url, self.settings.return_domain
        )

    def run(self, now: datetime) -> int:
        """Expand new issues and send what is due; the number of copies handed to the relay."""
        schema = self.audience.schema(self.audience.active_generation())
        sent = 0
        try:
            with self.copies.connection() as conn:
                expanded = self.copies.expand(conn, schema, now)
                unsent = self.copies.unsent_issues(conn, schema)
                for issue in unsent:
                    sent += self._send_issue(conn, schema, issue, now)
                # Counted over every copy ever made: only when they changed (or on the
                # first run), not every second while nothing is being sent.
                if expanded or unsent or not _counted.is_set():
                    counts = self.copies.counts(conn)
                    for status in STATUSES:
                        COPIES_BY_STATUS.labels(status).set(counts.get(status, 0))
                    _counted.set()
        finally:
            self.relay.close()
        return sent

    def _send_issue(self, conn: Any, schema: str, issue: UnsentIssue, now: datetime) -> int:
        editions: dict[str, Edition] = {}
        sent = 0
        for left in self.copies.left_sending(conn, schema, issue.issue_id):
            COPIES_RESENT_AFTER_CRASH.inc()
            again = self._send(left, issue, editions)
            sent += again.status == "sent"
            self.copies.record(conn, again)
        candidates: Iterator[UUID] = self.copies.due(conn, issue.issue_id, now, self.settings.batch)
        outcome: Outcome | None = None
        while True:
            claimed = self.copies.settle_and_claim(
                conn, schema, outcome, issue.issue_id, candidates
            )
            if claimed is None:
                return sent
            outcome = self._send(claimed, issue, editions)
            sent += outcome.status == "sent"

    def _send(self, copy: Claimed, issue: UnsentIssue, editions: dict[str, Edition]) -> Outcome:
        """Send one claimed copy; what became of it (not yet recorded)."""
        try:
            address = self.app.sealer.unseal(copy.email)
        except Exception as error:
            log.exception("newsletter copy to %s: the address is not readable", copy.subscriber_id)
            return self._failed(copy, f"address not readable: {type(error).__name__}", True)
        if address is None:  # the person was erased meanwhile
            return Outcome(copy, "skipped", datetime.now(UTC), "recipient erased")
        try:
            edition = self._edition(issue, copy.language, editions)
            message = edition.copy(issue.issue_id, copy.subscriber_id, address, self.links)
            bounce = newsletter_links.return_path(
                self.links.secret, self.links.domain, copy.subscriber_id
            )
        except Exception as error:
            log.exception("newsletter copy to %s could not be composed", copy.subscriber_id)
            return self._failed(copy, f"not composed: {type(error).__name__}", True)
        self.pace.wait()
        try:
            self.relay.send(bounce, address, message)
        except DeliveryFailed as failure:
            return self._failed(copy, failure.reason, failure.permanent)
        COPIES_SENT.inc()
        return Outcome(copy, "sent", datetime.now(UTC))

    def _edition(self, issue: UnsentIssue, language: str, editions: dict[str, Edition]) -> Edition:
        """The issue in `language` (Greek when it has none), rendered once per run."""
        chosen = language if language in issue.texts else "el"
        if chosen not in issue.texts:
            chosen = next(iter(issue.texts))
        if chosen not in editions:
            editions[chosen] = Edition.of(
                issue.issue_id,
                chosen,
                issue.texts[chosen],
                self.app.mail.sender,
                self.settings.return_domain,
            )
        return editions[chosen]

    def _failed(self, copy: Claimed, reason: str, permanent: bool) -> Outcome:
        now = datetime.now(UTC)
        if permanent or copy.attempts >= self.settings.max_attempts:
            COPIES_FAILED.labels("failed").inc()
            log.warning("newsletter copy to %s failed: %s", copy.subscriber_id, reason)
            return Outcome(copy, "failed", now, reason)
        COPIES_FAILED.labels("retry").inc()
        log.warning("newsletter copy to %s: %s; tried again later", copy.subscriber_id, reason)
        retry_at = now + self.settings.backoff(copy.attempts)
        return Outcome(copy, "pending", now, reason, retry_at)


def send_newsletters(stores: Any, now: datetime | None = None) -> int:
    """The job's work: one run of the sender."""
    audience: Audience = stores.projections[Audience.name]
    return Sender(stores.application, audience).run(now or datetime.now(UTC))


NEWSLETTER_SENDING = PeriodicJob(
    "notifications-newsletter", SendingSettings().every_seconds, send_newsletters
)
