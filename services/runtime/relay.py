"""The outbox relay: the event store's notification log, published to the service's topic.

The relay reads notifications after the recorded position, maps each domain event to its
contract event, produces the batch with an idempotent producer and records the new position
only when the broker has acknowledged every message of the batch. A crash anywhere before that
write re-publishes the batch (at-least-once); consumers make the effect exactly-once.

An event it cannot map or validate does not stop it: the event is parked with its aggregate
(`parking.py`), in the transaction that records the position, and the aggregate's later events
are parked behind it until `innovnet relay release`. Everything else is published.

One relay per service publishes at a time: it holds a PostgreSQL advisory lock on a connection
of its own, and writes the position on that same connection, so a relay that lost the lock
(its connection died) cannot move the position. A second relay waits for the lock and takes
over when the first dies. The same connection LISTENs on the channel eventsourcing's recorder
NOTIFYs on each insert, so new events are published at once, not at the next poll. Database
and broker errors end the leadership; the relay takes it again after a backoff. (Some 300
lines: reading, mapping, producing and recording are one loop, easiest checked in one place.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from confluent_kafka import KafkaError, KafkaException, Message, Producer
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from contracts.envelope import KafkaMessage, event_id, to_kafka_message
from contracts.events import ContractEvent
from contracts.topics import Topic
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.failures import describe
from services.runtime.leadership import leadership
from services.runtime.metrics import RELAY_BATCH_DURATION, RELAY_PARKED_TOTAL, RELAY_PUBLISHED
from services.runtime.parking import (
    ParkedEvent,
    create_parked_table,
    park,
    parked_aggregates,
    parking_lock,
)
from services.runtime.supervision import Health, backoff_seconds

log = logging.getLogger(__name__)

ToContract = Callable[[Any], ContractEvent | None]
"""A service's mapping of one of its domain events to a contract event (None: not published)."""

IDLE_WAIT_SECONDS = 1.0
"""How long to wait for a NOTIFY before looking again anyway (a missed NOTIFY costs this much)."""

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0

OUTAGES: tuple[type[Exception], ...] = (*TRANSIENT_ERRORS, KafkaException)
"""What a server fault raises; the relay waits it out. Anything else is a bug: the supervisor
restarts the relay."""


class DeliveryFailed(RuntimeError):
    """The broker did not acknowledge every message of a batch; the batch will be sent again."""


RETRIED: tuple[type[Exception], ...] = (*OUTAGES, DeliveryFailed)


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


def message_of(
    application: Application[UUID], to_contract: ToContract, notification: Notification
) -> KafkaMessage | None:
    """The Kafka message of a stored event, or None when it is not published; raises when the
    event cannot be read, mapped or validated."""
    domain_event = application.mapper.to_domain_event(notification)
    contract_event = to_contract(domain_event)
    if contract_event is None:
        return None
    aggregate_id: UUID = notification.originator_id  # type: ignore[assignment]
    own_id = event_id(aggregate_id, notification.originator_version)
    # An event a command caused starts its own conversation; a reaction's domain event
    # carries the ids of the message it reacted to.
    return to_kafka_message(
        contract_event,
        aggregate_id=aggregate_id,
        aggregate_version=notification.originator_version,
        time=domain_event.timestamp,  # type: ignore[attr-defined]
        correlation_id=getattr(domain_event, "correlation_id", None) or own_id,
        causation_id=getattr(domain_event, "causation_id", None) or own_id,
    )


class Publisher:
    """Produces messages to one topic and waits until the broker acknowledged every one."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self._producer = Producer(producer_config(bootstrap_servers))
        self._topic = topic

    def publish(self, messages: Sequence[KafkaMessage], stop: threading.Event) -> None:
        """Produce `messages` in order; raise DeliveryFailed unless all were acknowledged.

        Returns early, without raising, when `stop` is set while waiting.
        """
        failures: list[KafkaError] = []

        def on_delivery(error: KafkaError | None, _: Message) -> None:
            if error is not None:
                failures.append(error)

        for message in messages:
            self._produce(message, on_delivery)
        # Waits out a broker outage: librdkafka retries until message.timeout.ms.
        while self._producer.flush(0.5) > 0:
            if stop.is_set():
                return
        if failures:
            raise DeliveryFailed(f"{len(failures)} messages not acknowledged: {failures[0]}")

    def close(self, timeout: float = 10.0) -> None:
        """Send what is still queued."""
        self._producer.flush(timeout)

    def _produce(self, message: KafkaMessage, on_delivery: Callable[..., None]) -> None:
        while True:
            try:
                self._producer.produce(
                    self._topic,
                    key=message.key,
                    value=message.value,
                    headers=list(message.headers),
                    on_delivery=on_delivery,
                )
                return
            except BufferError:  # local queue full: let librdkafka send some first
                self._producer.poll(0.1)


@dataclass
class MappedBatch:
    """A batch of notifications split into what is published and what is parked."""

    messages: list[KafkaMessage]
    parked: list[ParkedEvent]


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
        self._publisher = Publisher(bootstrap_servers, topic.name)
        self.lock_name = f"relay:{topic.name}"
        self.health = Health()
        """What the relay says about itself; the supervisor and readiness read it."""
        self._worked = False

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, taking the lock whenever it is free; survive outages."""
        failures = 0
        try:
            while not stop.is_set():
                self._worked = False
                try:
                    with leadership(self._database_url, self.lock_name, stop) as conn:
                        if conn is not None:
                            log.info("relay of %s is the publisher now", self._topic.name)
                            self._relay_while_leader(conn, stop)
                    failures = 0
                except RETRIED as error:
                    # The backoff grows while retries keep failing, not over separate outages.
                    failures = 1 if self._worked else failures + 1
                    self.health.trouble(error)
                    wait = backoff_seconds(failures, FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS)
                    log.warning(
                        "relay of %s interrupted, retrying in %.1f s: %s",
                        self._topic.name,
                        wait,
                        describe(error),
                    )
                    stop.wait(wait)
        finally:
            self._publisher.close()

    def _relay_while_leader(self, conn: psycopg.Connection[Any], stop: threading.Event) -> None:
        channel = self._application.recorder.channel_name  # type: ignore[attr-defined]
        conn.execute(f'LISTEN "{channel}"')
        conn.execute(
            "CREATE TABLE IF NOT EXISTS relay_position "
            "(topic text PRIMARY KEY, notification_id bigint NOT NULL)"
        )
        create_parked_table(conn)
        conn.execute(
            "INSERT INTO relay_position VALUES (%s, 0) ON CONFLICT (topic) DO NOTHING",
            (self._topic.name,),
        )
        position = self._read_position(conn)
        while not stop.is_set():
            self.before_batch()
            started = time.perf_counter()
            with parking_lock(conn, self._topic.name):
                notifications = self._application.recorder.select_notifications(
                    start=position, limit=self._batch_size, inclusive_of_start=False
                )
                if notifications:
                    batch = self._map(notifications, parked_aggregates(conn, self._topic.name))
                    self._publisher.publish(batch.messages, stop)
                    if stop.is_set():
                        return  # not recorded: the next relay sends this batch again
                    position = notifications[-1].id
                    self._record(conn, position, batch.parked)
                    RELAY_PUBLISHED.labels(self._topic.name).inc(len(batch.messages))
                    RELAY_PARKED_TOTAL.labels(self._topic.name).inc(len(batch.parked))
                    RELAY_BATCH_DURATION.labels(self._topic.name).observe(
                        time.perf_counter() - started
                    )
            self.health.ok()
            self._worked = True
            if len(notifications) < self._batch_size:
                # Caught up: sleep until eventsourcing NOTIFYs an insert (or the idle wait ends).
                for _ in conn.notifies(timeout=IDLE_WAIT_SECONDS, stop_after=1):
                    pass

    def before_batch(self) -> None:
        """Called before each batch; nothing here (a test's relay may fail on purpose)."""

    def _read_position(self, conn: psycopg.Connection[Any]) -> int:
        row = conn.execute(
            "SELECT notification_id FROM relay_position WHERE topic = %s", (self._topic.name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def _record(
        self, conn: psycopg.Connection[Any], position: int, parked: Sequence[ParkedEvent]
    ) -> None:
        # On the lock's own connection: if the lock was lost, so is this write. The parked
        # events and the position move together, so a parked event is never skipped.
        if not parked:
            self._record_position(conn, position)  # one statement: no transaction needed
            return
        with conn.transaction():
            park(conn, self._topic.name, parked)
            self._record_position(conn, position)

    def _record_position(self, conn: psycopg.Connection[Any], position: int) -> None:
        conn.execute(
            "UPDATE relay_position SET notification_id = %s "
            "WHERE topic = %s AND notification_id < %s",
            (position, self._topic.name, position),
        )

    def _map(self, notifications: Sequence[Notification], parked: set[UUID]) -> MappedBatch:
        """Map each notification, parking the unmappable and whatever waits behind them."""
        batch = MappedBatch([], [])
        for notification in notifications:
            aggregate_id: UUID = notification.originator_id  # type: ignore[assignment]
            if aggregate_id in parked:
                batch.parked.append(_parked(notification, "held behind an earlier parked event"))
                continue
            try:
                message = message_of(self._application, self._to_contract, notification)
            except Exception as error:  # any event that cannot be mapped: park, never die
                reason = describe(error)
                log.error(
                    "relay of %s parks aggregate %s at notification %s (%s): %s",
                    self._topic.name,
                    aggregate_id,
                    notification.id,
                    notification.topic,
                    reason,
                )
                parked.add(aggregate_id)
                batch.parked.append(_parked(notification, reason))
                continue
            if message is not None:
                batch.messages.append(message)
        return batch


def _parked(notification: Notification, reason: str) -> ParkedEvent:
    return ParkedEvent(
        notification_id=notification.id,
        aggregate_id=notification.originator_id,  # type: ignore[arg-type]
        aggregate_version=notification.originator_version,
        event_type=notification.topic,
        reason=reason,
    )
