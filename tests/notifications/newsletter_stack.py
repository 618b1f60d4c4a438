"""One notifications process for the newsletter's tests: its SMTP server, a publisher of the
newsletter's events (as the newsletter service would: sealed addresses, real topic), a sealer.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
from aiosmtpd.smtp import SMTP, Envelope, Session
from confluent_kafka import Producer

from contracts import newsletter as nl
from contracts.envelope import to_kafka_message
from contracts.events import ContractEvent
from contracts.registration import Language
from contracts.topics import topic_of
from services.runtime.relay import producer_config
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import ServiceSettings
from services.runtime.topics import create_topics
from tests.notifications.conftest import Received, SmtpServer
from tests.registration.conftest import ADMIN
from tests.support.kafka import delete_topics
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Arrival:
    """An email as the server got it, with its envelope sender and when it arrived."""

    received: Received
    mail_from: str
    at: float


@dataclass
class EnvelopeKeepingServer(SmtpServer):
    """The tests' SMTP server, also keeping each email's envelope sender and arrival time."""

    arrivals: list[Arrival] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        before = len(self.emails())
        answer = await super().handle_DATA(server, session, envelope)
        kept = self.emails()
        if len(kept) > before:
            self.arrivals.append(Arrival(kept[-1], str(envelope.mail_from), time.monotonic()))
        return answer


@dataclass
class NewsletterStack:
    """The notifications process (replaceable after a kill), its server, the publisher."""

    smtp: EnvelopeKeepingServer
    prefix: str
    env: dict[str, str]
    tmp_path: Path
    producer: Producer
    sealer: Sealer
    notifications: RunningService | None = None
    restarted: ExitStack = field(default_factory=ExitStack)
    """The processes started after a kill, stopped with the stack."""
    versions: dict[UUID, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, aggregate_id: UUID, event: ContractEvent) -> None:
        """Produce `event` as the newsletter service would, as the aggregate's next version."""
        version = self.versions.get(aggregate_id, 0) + 1
        self.versions[aggregate_id] = version
        message = to_kafka_message(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=version,
            time=NOW,
            correlation_id=aggregate_id,
            causation_id=aggregate_id,
        )
        topic = f"{self.prefix}{topic_of(event.service).name}"
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        self.producer.produce(topic, message.value, message.key, headers=headers)
        assert self.producer.flush(30) == 0

    def confirm(self, subscriber: UUID, address: str, language: Language) -> None:
        self.publish(
            subscriber,
            nl.SubscriptionConfirmed(
                subscriber_id=subscriber,
                email=self.sealer.seal(subscriber, address),
                language=language,
                origin=nl.SubscriptionOrigin.FORM,
                confirmed_at=NOW,
            ),
        )

    def restart(self) -> RunningService:
        """A new notifications process on the same database and consumer groups."""
        process = service_process("notifications", self.env, self.tmp_path)
        self.notifications = self.restarted.enter_context(process)
        return self.notifications

    def client(self) -> httpx.Client:
        assert self.notifications is not None
        return httpx.Client(base_url=self.notifications.base_url, timeout=30, headers=ADMIN)


def issue_texts(number: int) -> dict[Language, nl.IssueText]:
    return {
        Language.GREEK: nl.IssueText(
            subject=f"Τεύχος {number}: νέα του Δικτύου",
            markdown="Καλές **πρακτικές**",
            html="<p>Καλές <strong>πρακτικές</strong> του Δικτύου</p>",
            text="Καλές πρακτικές του Δικτύου",
        ),
        Language.ENGLISH: nl.IssueText(
            subject=f"Issue {number}: news of the Network",
            markdown="Good **practices**",
            html="<p>Good <strong>practices</strong> of the Network</p>",
            text="Good practices of the Network",
        ),
    }


def published(issue: UUID, number: int) -> nl.IssuePublished:
    return nl.IssuePublished(
        issue_id=issue, number=number, texts=issue_texts(number), published_at=NOW
    )


@contextmanager
def newsletter_stack(tmp_path: Path, extra_env: dict[str, str]) -> Iterator[NewsletterStack]:
    """The stack on a topic prefix and a database of its own; the process runs meanwhile."""
    smtp = EnvelopeKeepingServer()
    smtp.start()
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    try:
        with fresh_database("notifications") as database_url:
            env = {
                "NOTIFICATIONS_DATABASE_URL": database_url,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
                "NOTIFICATIONS_NEWSLETTER_EVERY_SECONDS": "0.2",
                **extra_env,
            }
            create_topics(kafka_bootstrap_servers(), prefix=prefix)
            settings = ServiceSettings(service="notifications", database_url=database_url)
            vault = KeyVault(
                settings.vault_database_url, master_key_from_setting(settings.master_key)
            )
            try:
                with service_process("notifications", env, tmp_path) as process:
                    producer = Producer(producer_config(kafka_bootstrap_servers()))
                    stack = NewsletterStack(smtp, prefix, env, tmp_path, producer, Sealer(vault))
                    stack.notifications = process
                    with stack.restarted:
                        yield stack
            finally:
                vault.close()
                delete_topics(prefix)
    finally:
        smtp.stop()


def expiry() -> datetime:
    return NOW + timedelta(days=nl.CONFIRMATION_DAYS)
