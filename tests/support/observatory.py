"""The observatory as one process on a fresh topic prefix and database, fed membership's events.

`observatory_api(tmp_path)` starts it (every role) and yields a `Stack`: an HTTP client, the
prefix, and `produce` to publish a membership event onto its topic as the membership service
would, so no other service runs. `activate` makes a body's member known to it; `member` mints
that member's token. `published_message` is a practice's `PracticePublished` as the
observatory's relay would put it on its topic (the catalogue is a fold of that topic).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from confluent_kafka import Producer

from contracts import membership
from contracts.envelope import KafkaMessage, to_kafka_message
from contracts.events import ContractEvent
from contracts.observatory import PracticePublished, PublicPractice
from contracts.personal import Sealed
from contracts.registration import Level, Role
from contracts.topics import topic_of
from services.runtime.relay import producer_config
from services.runtime.topics import create_topics
from tests.membership.conftest import token
from tests.support.kafka import delete_topics, read_topic
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers


@dataclass
class Stack:
    client: httpx.Client
    prefix: str
    versions: dict[uuid.UUID, int]

    def produce(self, event: ContractEvent, aggregate_id: uuid.UUID) -> None:
        """Publish a membership event as the membership service would (the member's aggregate
        id, the next version)."""
        self.versions[aggregate_id] = self.versions.get(aggregate_id, 1) + 1
        message = to_kafka_message(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=self.versions[aggregate_id],
            time=datetime.now(UTC),
            correlation_id=aggregate_id,
            causation_id=aggregate_id,
        )
        producer = Producer(producer_config(kafka_bootstrap_servers()))
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        producer.produce(
            f"{self.prefix}{topic_of('membership').name}",
            message.value,
            message.key,
            headers=headers,
        )
        assert producer.flush(30) == 0

    def observatory_events(self) -> list[tuple[uuid.UUID, str]]:
        """(practice id, event name) of every event on the observatory's topic, in each
        practice's order (one practice's events are on one partition)."""
        topic = topic_of("observatory")
        messages = read_topic(f"{self.prefix}{topic.name}", topic.partitions)
        return [(e.aggregate_id, e.type.split(".")[-2]) for _, _, e, _ in messages]


def observatory_env(database_url: str, prefix: str) -> dict[str, str]:
    """The observatory's environment on `database_url`, its topics and groups under `prefix`."""
    return {
        "OBSERVATORY_DATABASE_URL": database_url,
        "KAFKA_TOPIC_PREFIX": prefix,
        "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
    }


def published_message(practice: PublicPractice, *, version: int, decided_by: str) -> KafkaMessage:
    """`practice`'s `PracticePublished`, the `version`th event of its aggregate, as a message."""
    event = PracticePublished(
        practice_id=practice.practice_id,
        body_id=practice.body_id,
        comment="Δημοσιεύεται.",
        decided_by=decided_by,
        practice=practice,
    )
    return to_kafka_message(
        event,
        aggregate_id=practice.practice_id,
        aggregate_version=version,
        time=practice.published_at,
        correlation_id=practice.practice_id,
        causation_id=practice.practice_id,
    )


@contextmanager
def observatory_api(tmp_path: Path) -> Iterator[Stack]:
    """The observatory (every role) on its own prefix and database; stopped and dropped after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with fresh_database("observatory") as url:
            env = {**observatory_env(url, prefix), "INNOVNET_ENV": "test"}
            with (
                service_process("observatory", env, tmp_path) as service,
                httpx.Client(base_url=service.base_url, timeout=30) as client,
            ):
                yield Stack(client, prefix, {})
    finally:
        delete_topics(prefix)


@dataclass(frozen=True)
class Body:
    tax_id: str
    name: str


def sealed(subject_id: uuid.UUID) -> Sealed:
    """A sealed value as membership publishes it: the observatory never opens it."""
    ciphertext = base64.urlsafe_b64encode(os.urandom(40)).decode().rstrip("=")
    return Sealed(subject_id=subject_id, ciphertext=ciphertext)


def activate(stack: Stack, body: Body, role: Role = Role.MAIN) -> uuid.UUID:
    """A new active member of `body`; returns their representative id."""
    representative_id = uuid.uuid4()
    stack.produce(
        membership.MemberActivated(
            representative_id=representative_id,
            registration_id=uuid.uuid4(),
            designation_id=uuid.uuid4(),
            body_id=body.tax_id,
            body_name=body.name,
            level=Level.LOCAL,
            role=role,
            full_name=sealed(representative_id),
            email=sealed(representative_id),
            position_title="Προϊστάμενος Διεύθυνσης",
            activated_at=datetime.now(UTC),
        ),
        representative_id,
    )
    return representative_id


def member(body: Body, representative_id: uuid.UUID) -> dict[str, str]:
    """The bearer header of `body`'s member `representative_id`."""
    return token("member", subject=str(representative_id), body_id=body.tax_id)
