"""The outbox relay: the event store's notification log, published to the service's topic.

The relay reads notifications after the recorded position, maps each domain event to its
contract event, produces the batch with an idempotent producer and records the new position
only when the broker has acknowledged every message of the batch. A crash anywhere before that
write re-publishes the batch (at-least-once); consumers make the effect exactly-once.

One relay per service publishes at a time: it holds a PostgreSQL advisory lock on a connection
of its own, and writes the position on that same connection, so a relay that lost the lock
(its connection died) cannot move the position. A second relay waits for the lock and takes
over when the first dies. The same connection LISTENs on the channel eventsourcing's recorder
NOTIFYs on each insert, so new events are published at once, not at the next poll.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import psycopg
from confluent_kafka import KafkaError, Message, Producer
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from contracts.envelope import KafkaMessage, event_id, to_kafka_message
from contracts.events import ContractEvent
from contracts.topics import Topic
from services.runtime.leadership import leadership
from services.runtime.metrics import (
    RELAY_BATCH_DURATION,
    RELAY_LAG,
    RELAY_PUBLISHED,
)

log = logging.getLogger(__name__)

ToContract = Callable[[Any], ContractEvent | None]
"""A service's mapping of one of its domain events to a contract event (None: not published)."""

IDLE_WAIT_SECONDS = 1.0
"""How long to wait for a NOTIFY before looking again anyway (a missed NOTIFY costs this much)."""

RETRY_WAIT_SECONDS = 1.0


class DeliveryFailed(RuntimeError):
    """The broker did not acknowledge every message of a batch; the batch will be sent again."""


def producer_config(bootstrap_servers: str) -> dict[str, Any]:
    """An idempotent producer that keeps per-key order and partitions like Java clients."""
    return {
        "bootstrap.servers": bootstrap_servers,
        "enable.idempotence": True,
        "acks": "all",
        # Java's default partitioner, so other ministries' clients agree on key → partition.
        "partitioner": "murmur2_random",
        "linger.ms": 5,
        "compression.type": "lz4",
        "queue.buffering.max.messages": 200_000,
    }


class OutboxRelay:
    """Publishes an application's notification log to its topic, from the recorded position."""

    def __init__(
        self,
        application: Application[UUID],
        database_url: str,
        topic: Topic,
        to_contract: ToContract,
        bootstrap_servers: str,
        batch_size: int = 1000,
    ) -> None:
        self._application = application
        self._database_url = database_url
        self._topic = topic
        self._to_contract = to_contract
        self._batch_size = batch_size
        self._producer = Producer(producer_config(bootstrap_servers))
        self.lock_name = f"relay:{topic.name}"
        self.is_leader = threading.Event()

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, taking the lock whenever it is free; survive outages."""
        while not stop.is_set():
            try:
                with leadership(self._database_url, self.lock_name, stop) as conn:
                    if conn is not None:
                        log.info("relay of %s is the publisher now", self._topic.name)
                        self._relay_while_leader(conn, stop)
            except (psycopg.OperationalError, DeliveryFailed) as error:
                log.warning("relay of %s interrupted, retrying: %s", self._topic.name, error)
                stop.wait(RETRY_WAIT_SECONDS)
            finally:
                self.is_leader.clear()
        self._producer.flush(10)

    def _relay_while_leader(self, conn: psycopg.Connection[Any], stop: threading.Event) -> None:
        channel = self._application.recorder.channel_name  # type: ignore[attr-defined]
        conn.execute(f'LISTEN "{channel}"')
        conn.execute(
            "CREATE TABLE IF NOT EXISTS relay_position "
            "(topic text PRIMARY KEY, notification_id bigint NOT NULL)"
        )
        conn.execute(
            "INSERT INTO relay_position VALUES (%s, 0) ON CONFLICT (topic) DO NOTHING",
            (self._topic.name,),
        )
        position = self._read_position(conn)
        self.is_leader.set()
        while not stop.is_set():
            started = time.perf_counter()
            notifications = self._application.recorder.select_notifications(
                start=position, limit=self._batch_size, inclusive_of_start=False
            )
            if notifications:
                self._publish(notifications, stop)
                if stop.is_set():
                    return  # not recorded: the next relay sends this batch again
                position = notifications[-1].id
                self._record_position(conn, position)
                RELAY_PUBLISHED.labels(self._topic.name).inc(len(notifications))
                RELAY_BATCH_DURATION.labels(self._topic.name).observe(time.perf_counter() - started)
            self._observe_lag(position)
            if len(notifications) < self._batch_size:
                # Caught up: sleep until eventsourcing NOTIFYs an insert (or the idle wait ends).
                for _ in conn.notifies(timeout=IDLE_WAIT_SECONDS, stop_after=1):
                    pass

    def _read_position(self, conn: psycopg.Connection[Any]) -> int:
        row = conn.execute(
            "SELECT notification_id FROM relay_position WHERE topic = %s", (self._topic.name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def _record_position(self, conn: psycopg.Connection[Any], position: int) -> None:
        # On the lock's own connection: if the lock was lost, so is this write.
        conn.execute(
            "UPDATE relay_position SET notification_id = %s "
            "WHERE topic = %s AND notification_id < %s",
            (position, self._topic.name, position),
        )

    def _observe_lag(self, position: int) -> None:
        newest = self._application.recorder.max_notification_id() or 0
        RELAY_LAG.labels(self._topic.name).set(max(newest - position, 0))

    def _publish(self, notifications: Sequence[Notification], stop: threading.Event) -> None:
        """Produce the batch and wait for every delivery report; raise if any failed."""
        failures: list[KafkaError] = []

        def on_delivery(error: KafkaError | None, _: Message) -> None:
            if error is not None:
                failures.append(error)

        for message in self._messages(notifications):
            self._produce(message, on_delivery)
        # Waits out a broker outage: librdkafka retries until message.timeout.ms.
        while self._producer.flush(0.5) > 0:
            if stop.is_set():
                return
        if failures:
            raise DeliveryFailed(f"{len(failures)} messages not acknowledged: {failures[0]}")

    def _produce(self, message: KafkaMessage, on_delivery: Callable[..., None]) -> None:
        while True:
            try:
                self._producer.produce(
                    self._topic.name,
                    key=message.key,
                    value=message.value,
                    headers=list(message.headers),
                    on_delivery=on_delivery,
                )
                return
            except BufferError:  # local queue full: let librdkafka send some first
                self._producer.poll(0.1)

    def _messages(self, notifications: Sequence[Notification]) -> list[KafkaMessage]:
        messages = []
        # An event a command caused starts its own conversation; a reaction's domain event
        # carries the ids of the message it reacted to.
        for notification in notifications:
            domain_event = self._application.mapper.to_domain_event(notification)
            contract_event = self._to_contract(domain_event)
            if contract_event is None:
                continue
            aggregate_id: UUID = notification.originator_id  # type: ignore[assignment]
            own_id = event_id(aggregate_id, notification.originator_version)
            messages.append(
                to_kafka_message(
                    contract_event,
                    aggregate_id=aggregate_id,
                    aggregate_version=notification.originator_version,
                    time=domain_event.timestamp,  # type: ignore[attr-defined]
                    correlation_id=getattr(domain_event, "correlation_id", None) or own_id,
                    causation_id=getattr(domain_event, "causation_id", None) or own_id,
                )
            )
        return messages
