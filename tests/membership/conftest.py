"""The membership service on the real broker and database, beside registration when a test asks.

Both services share one topic prefix (so membership consumes what registration publishes) and
each has a fresh database of its own. Tests that need many members publish registration's
contract events themselves, as the registration service would, with real sealed values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Producer

from contracts import registration
from contracts.envelope import ReceivedEvent, to_kafka_message
from contracts.events import ContractEvent
from contracts.registration import Level, Role, Seniority
from contracts.topics import topic_of
from services.runtime.auth import mint_token
from services.runtime.relay import producer_config
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics, read_topic
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers


def token(role: str, subject: str | None = None, body_id: str | None = None) -> dict[str, str]:
    """The Authorization header of an admin, or of representative `subject` of `body_id`."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=subject or f"{role}-{uuid.uuid4().hex[:6]}",
        role=role,  # type: ignore[arg-type]
        email=f"{role}@example.gov.gr",
        body_id=body_id,
    )
    return {"Authorization": f"Bearer {minted}"}


ADMIN_SUBJECT = "staff-0a1b2c3d4e5f60718293"
"""The innovation-unit member behind ADMIN: the gateway mints staff tokens with such subjects."""
ADMIN = token("admin", subject=ADMIN_SUBJECT)


@dataclass(frozen=True)
class PublishedBody:
    """A body whose registration events a test published: its main representative is verified."""

    tax_id: str
    name: str
    level: Level
    registration_id: uuid.UUID
    main: uuid.UUID

    def member_token(self) -> dict[str, str]:
        return token("member", subject=str(self.main), body_id=self.tax_id)


@dataclass
class MembershipStack:
    """A running membership service, its topics and database, and what tests do around it."""

    service: RunningService
    database_url: str
    env: dict[str, str]
    tmp_path: Path
    published: list[tuple[ContractEvent, uuid.UUID, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.service.base_url

    @property
    def topic_prefix(self) -> str:
        return self.env["KAFKA_TOPIC_PREFIX"]

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def settings(self) -> ServiceSettings:
        """The service's settings, as the process reads them (the test's environment is set)."""
        return ServiceSettings.for_service("membership")

    @contextmanager
    def registration_service(self) -> Iterator[RunningService]:
        """The registration service on the same topics, with its own fresh database."""
        with fresh_database("registration") as url:
            env = {**self.env, "REGISTRATION_DATABASE_URL": url}
            env.pop("MEMBERSHIP_DATABASE_URL")
            with service_process("registration", env, self.tmp_path) as service:
                yield service

    def membership_events(self) -> list[ReceivedEvent]:
        topic = topic_of("membership")
        messages = read_topic(f"{self.topic_prefix}{topic.name}", topic.partitions)
        return [event for _, _, event, _ in messages]

    def registration_messages(self) -> list[tuple[int, int, ReceivedEvent]]:
        topic = topic_of("registration")
        messages = read_topic(f"{self.topic_prefix}{topic.name}", topic.partitions)
        return [(partition, offset, event) for partition, offset, event, _ in messages]

    def publish_verified_bodies(
        self, count: int, level: Level = Level.CENTRAL, names: Sequence[str] = ()
    ) -> list[PublishedBody]:
        """Publish, as registration would, `count` bodies whose main representative is verified
        (named `names`, as far as they go)."""
        settings = self.settings()
        vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
        sealer = Sealer(vault)
        bodies = []
        try:
            for i in range(count):
                body = PublishedBody(
                    tax_id=f"{uuid.uuid4().int % 900_000_000 + 100_000_000}",
                    name=names[i] if i < len(names) else f"Φορέας {i:02d} {uuid.uuid4().hex[:4]}",
                    level=level,
                    registration_id=uuid.uuid4(),
                    main=uuid.uuid4(),
                )
                seal = sealer.sealing_for(body.main)
                now = datetime.now(UTC)
                events: list[ContractEvent] = [
                    registration.RegistrationSubmitted(
                        registration_id=body.registration_id,
                        body=registration.Body(name=body.name, tax_id=body.tax_id, level=level),
                        submitted_by=Role.MAIN,
                        submitted_at=now,
                        designation_due=date.today(),
                        representatives=[
                            registration.Nominee(representative_id=body.main, role=Role.MAIN)
                        ],
                    ),
                    registration.RepresentativeNominated(
                        registration_id=body.registration_id,
                        representative_id=body.main,
                        role=Role.MAIN,
                        full_name=seal(f"Εκπρόσωπος {i}"),
                        email=seal(f"rep{i}@body{i}.gov.gr"),
                        position_title="Προϊστάμενος Διεύθυνσης",
                        unit="Διεύθυνση Καινοτομίας",
                        seniority=Seniority.DIRECTORATE_HEAD,
                        designation_due=date.today(),
                        nominated_at=now,
                    ),
                    registration.DesignationVerified(
                        registration_id=body.registration_id,
                        designation_id=uuid.uuid4(),
                        representative_ids=[body.main],
                        verified_at=now,
                    ),
                ]
                for version, event in enumerate(events, start=1):
                    self.published.append((event, body.registration_id, version))
                bodies.append(body)
        finally:
            vault.close()
        self.republish(self.published[-3 * count :])
        return bodies

    def republish(self, events: list[tuple[ContractEvent, uuid.UUID, int]]) -> None:
        """Produce registration events (again: same ids and versions, new offsets)."""
        producer = Producer(producer_config(kafka_bootstrap_servers()))
        topic = f"{self.topic_prefix}{topic_of('registration').name}"
        for event, aggregate_id, version in events:
            message = to_kafka_message(
                event,
                aggregate_id=aggregate_id,
                aggregate_version=version,
                time=datetime.now(UTC),
                correlation_id=aggregate_id,
                causation_id=aggregate_id,
            )
            headers: list[tuple[str, str | bytes | None]] = list(message.headers)
            producer.produce(topic, message.value, message.key, headers=headers)
        assert producer.flush(30) == 0


def membership_env(database_url: str, run_id: str) -> dict[str, str]:
    return {
        "MEMBERSHIP_DATABASE_URL": database_url,
        "KAFKA_TOPIC_PREFIX": f"test-{run_id}.",
        "KAFKA_CONSUMER_GROUP_PREFIX": f"test-{run_id}.",
        "INNOVNET_ENV": "test",
    }


@pytest.fixture
def membership_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MembershipStack]:
    run_id = uuid.uuid4().hex[:10]
    with fresh_database("membership") as url:
        env = membership_env(url, run_id)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        prefix = env["KAFKA_TOPIC_PREFIX"]
        create_topics(kafka_bootstrap_servers(), prefix=prefix)
        try:
            with service_process("membership", env, tmp_path) as service:
                yield MembershipStack(service, url, env, tmp_path)
        finally:
            delete_topics(prefix)


def roster(client: httpx.Client, **params: Any) -> dict[str, Any]:
    """The roster as an admin sees it."""
    response = client.get("/members", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return dict(response.json())
