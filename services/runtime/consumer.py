"""The consumer loop: Kafka messages to a processor, positions kept in PostgreSQL, not Kafka.

A processor (a projection or a service's policies) applies a batch and stores the batch's
offsets as eventsourcing tracking records in the same transaction. The loop seeks to those
stored offsets whenever partitions are assigned, so a crash or a rebalance resumes exactly after
what was committed; Kafka's own offset commits are off. Offsets this loop already saw applied
are skipped before the processor sees them; a conflict on a tracking record (another member of
the group applied the batch first) rolls the batch back and re-reads the stored positions.

No message blocks its partition (see `deadletters`): one that does not parse is a dead letter
at once; a batch that fails is retried one message at a time, and a message that fails on its
own a few times is a dead letter. A database that is away is waited for, never dead-lettered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Final, Protocol, TypeVar

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Message, TopicPartition

from contracts.envelope import MalformedMessage
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.deliveries import (
    AlreadyTracked,
    Delivery,
    EventTypes,
    InvalidEventData,
    RawMessage,
    UnknownEventType,
    parse_delivery,
)
from services.runtime.failures import describe
from services.runtime.metrics import (
    APPLY_DURATION,
    BATCH_RETRIES,
    DEAD_LETTERS_OPEN,
    DUPLICATES_SKIPPED,
    MESSAGES_APPLIED,
)
from services.runtime.supervision import Health

log = logging.getLogger(__name__)

RETRY_WAIT_SECONDS = 1.0

ATTEMPTS_BEFORE_DEAD: Final = 3
"""How often one message is tried on its own before it is a dead letter."""

DEAD_LETTER_GAUGE_SECONDS: Final = 15.0

TopicPartitionKey = tuple[str, int]

T = TypeVar("T")


class Processor(Protocol):
    """Applies deliveries atomically with their tracking records."""

    @property
    def name(self) -> str:
        """Names the processor in logs and metrics."""
        ...

    @property
    def topics(self) -> Sequence[str]:
        """The topics it consumes."""
        ...

    @property
    def event_types(self) -> EventTypes:
        """The event types it accepts; a message of another type is a dead letter."""
        ...

    def stored_offsets(
        self, partitions: Sequence[TopicPartitionKey]
    ) -> dict[TopicPartitionKey, int]:
        """The last applied offset of each partition that has one."""
        ...

    def process(self, batch: Sequence[Delivery]) -> None:
        """Apply `batch` and its tracking records in one transaction.

        A delivery whose key an open dead letter holds is recorded as held, not applied.
        Raises AlreadyTracked when a tracking record shows the batch, or part of it, was
        applied already; nothing of the batch is then stored. Any other error (an
        IntegrityError of the processor's own tables too) is the batch's failure.
        """
        ...

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        """Store `raw` as a dead letter with its tracking record (AlreadyTracked as above)."""
        ...

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        """Open dead letters by (processor, state)."""
        ...


def poison_reason(error: MalformedMessage) -> str:
    """The dead-letter reason (a metric label) of a message that does not parse."""
    if isinstance(error, UnknownEventType):
        return "unknown_type"
    if isinstance(error, InvalidEventData):
        return "invalid_data"
    return "malformed"


class PositionsMoved(AlreadyTracked):
    """The processor's stored positions moved under it (a rebuilt generation took over):
    the loop re-reads them; nothing of the batch counts as applied."""


class Stopped(Exception):
    """The loop was asked to stop while a batch waited to be retried."""


class BatchApplier:
    """Applies consumed messages through a processor so that none blocks its partition.

    The consumer loop and a rebuild both apply through this: the same parsing, retries and
    dead letters.
    """

    def __init__(
        self,
        processor: Processor,
        stop: threading.Event,
        attempts: int = ATTEMPTS_BEFORE_DEAD,
        retry_wait: float = RETRY_WAIT_SECONDS,
        health: Health | None = None,
    ) -> None:
        self._processor = processor
        self._stop = stop
        self._attempts = attempts
        self._retry_wait = retry_wait
        self._health = health or Health()
        """Where a wait for the database shows, so readiness names the stuck consumer."""

    def apply(self, messages: Sequence[RawMessage]) -> None:
        """Apply `messages` in order; raise AlreadyTracked if some were applied by another.

        Messages that do not parse split the batch: each is a dead letter in its place, so a
        partition's tracking records are written in offset order.
        """
        run: list[Delivery] = []
        for raw in messages:
            try:
                run.append(parse_delivery(raw, self._processor.event_types))
            except MalformedMessage as malformed:
                self._apply_run(run)
                run = []
                log.error("%s: dead letter %s", self._processor.name, _where(raw, malformed))
                self._retrying(
                    partial(
                        self._processor.dead_letter,
                        raw,
                        poison_reason(malformed),
                        describe(malformed),
                    )
                )
        self._apply_run(run)

    def _apply_run(self, batch: list[Delivery]) -> None:
        if not batch:
            return
        started = time.perf_counter()
        try:
            self._retrying(partial(self._processor.process, batch))
        except (AlreadyTracked, Stopped):
            raise
        except Exception:
            BATCH_RETRIES.labels(self._processor.name).inc()
            log.exception(
                "%s failed to apply a batch of %s; trying one message at a time",
                self._processor.name,
                len(batch),
            )
            for delivery in batch:
                self._apply_alone(delivery)
        APPLY_DURATION.labels(self._processor.name).observe(time.perf_counter() - started)
        MESSAGES_APPLIED.labels(self._processor.name).inc(len(batch))

    def _apply_alone(self, delivery: Delivery) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                self._retrying(partial(self._processor.process, [delivery]))
                return
            except PositionsMoved:
                raise
            except AlreadyTracked:
                # Applied already: by the failed batch's first part (policies commit each
                # delivery alone) or by another member of the group. Its position is stored.
                DUPLICATES_SKIPPED.labels(self._processor.name, "tracking").inc()
                return
            except Stopped:
                raise
            except Exception as error:
                last = error
                if attempt < self._attempts:
                    BATCH_RETRIES.labels(self._processor.name).inc()
                    self._wait()
        assert delivery.raw is not None, "a consumed delivery keeps its message"
        raw = delivery.raw
        log.error("%s: dead letter %s", self._processor.name, _where(raw, last))
        self._retrying(partial(self._processor.dead_letter, raw, "failed", describe(last)))

    def _retrying(self, action: Callable[[], None]) -> None:
        """Run `action`, waiting out transient errors; any other error is raised."""
        retrying(self._processor.name, action, self._health, self._stop, self._retry_wait)

    def _wait(self) -> None:
        if self._stop.wait(self._retry_wait):
            raise Stopped


def retrying(
    name: str, action: Callable[[], T], health: Health, stop: threading.Event, wait: float
) -> T:
    """`action`'s result, waiting out transient errors (noted in `health`) until `stop`.

    Any other error is raised; a stop while waiting raises Stopped.
    """
    while True:
        try:
            result = action()
        except TRANSIENT_ERRORS as error:
            health.trouble(error)
            BATCH_RETRIES.labels(name).inc()
            log.warning("%s: the database is away (%s); retrying", name, describe(error))
            if stop.wait(wait):
                raise Stopped from error
            continue
        return result


def _where(raw: RawMessage, error: BaseException) -> str:
    return f"at {raw.topic}:{raw.partition}:{raw.offset}: {describe(error)}"


def refresh_dead_letter_gauge(processor: Processor) -> None:
    """Set the open-dead-letter gauge from the processor's table."""
    counts = processor.open_dead_letters()
    for state in ("dead", "held"):
        DEAD_LETTERS_OPEN.labels(processor.name, state).set(
            sum(n for (_, s), n in counts.items() if s == state)
        )


class ConsumerLoop:
    """Runs one processor on a confluent-kafka consumer, in the calling thread."""

    def __init__(
        self,
        processor: Processor,
        bootstrap_servers: str,
        group_id: str,
        topic_prefix: str = "",
        batch_size: int = 500,
        extra_config: dict[str, Any] | None = None,
        health: Health | None = None,
    ) -> None:
        self._processor = processor
        self._topics = [f"{topic_prefix}{topic}" for topic in processor.topics]
        self._batch_size = batch_size
        self._health = health or Health()
        """The supervisor's view of this part: waits for the database show in /ready."""
        self._stop = threading.Event()
        self._applied: dict[TopicPartitionKey, int] = {}
        self.assigned = threading.Event()
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap_servers,
                "group.id": group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                # A crashed member's partitions move on after 10 s rather than the default 45.
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 1_000,
                **(extra_config or {}),
            }
        )

    def run(self, stop: threading.Event) -> None:
        """Consume and apply until `stop` is set."""
        self._stop = stop
        applier = BatchApplier(self._processor, stop, health=self._health)
        self._consumer.subscribe(self._topics, on_assign=self._on_assign, on_revoke=self._on_revoke)
        gauge_due = 0.0
        try:
            while not stop.is_set():
                batch = self._new_messages(self._next_messages())
                if batch:
                    self._apply(applier, batch)
                if time.monotonic() >= gauge_due:
                    gauge_due = time.monotonic() + DEAD_LETTER_GAUGE_SECONDS
                    self._refresh_gauge()
        except Stopped:
            pass
        finally:
            self._consumer.close()

    def _next_messages(self) -> list[Message]:
        """What is fetched already, or else the first message within half a second.

        `consume(n, timeout)` waits for n messages or the whole timeout, which would add its
        timeout to every event's latency at low traffic; polling for one message does not.
        """
        messages = self._consumer.consume(self._batch_size, timeout=0)
        if messages:
            return messages
        first = self._consumer.poll(0.5)
        if first is None:
            return []
        return [first, *self._consumer.consume(self._batch_size - 1, timeout=0)]

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        stored = self._stored_offsets_retrying(partitions)
        for partition in partitions:
            key = (partition.topic, partition.partition)
            if key in stored:
                self._applied[key] = stored[key]
                partition.offset = stored[key] + 1
            else:
                self._applied.pop(key, None)
                partition.offset = OFFSET_BEGINNING
        consumer.assign(partitions)
        self.assigned.set()
        log.info(
            "%s assigned %s",
            self._processor.name,
            [(p.topic, p.partition, p.offset) for p in partitions],
        )

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        for partition in partitions:
            self._applied.pop((partition.topic, partition.partition), None)
        consumer.unassign()

    def _stored_offsets_retrying(
        self, partitions: Sequence[TopicPartition]
    ) -> dict[TopicPartitionKey, int]:
        """The stored offsets, waiting while the database is away: a partition must not start
        at 0. Any other error reaches the supervisor; a stop while waiting raises Stopped."""
        keys = [(p.topic, p.partition) for p in partitions]
        return retrying(
            self._processor.name,
            partial(self._processor.stored_offsets, keys),
            self._health,
            self._stop,
            RETRY_WAIT_SECONDS,
        )

    def _new_messages(self, messages: Sequence[Message]) -> list[RawMessage]:
        batch = []
        for message in messages:
            error = message.error()
            if error is not None:
                if error.code() != KafkaError._PARTITION_EOF:
                    log.warning("%s: consumer error %s", self._processor.name, error)
                continue
            raw = RawMessage.of(message)
            if raw.offset <= self._applied.get((raw.topic, raw.partition), -1):
                DUPLICATES_SKIPPED.labels(self._processor.name, "offset").inc()
                continue
            batch.append(raw)
        return batch

    def _apply(self, applier: BatchApplier, batch: list[RawMessage]) -> None:
        try:
            applier.apply(batch)
        except AlreadyTracked:
            DUPLICATES_SKIPPED.labels(self._processor.name, "tracking").inc(len(batch))
            self._rewind_to_stored(batch)
            return
        for raw in batch:
            self._applied[(raw.topic, raw.partition)] = raw.offset

    def _refresh_gauge(self) -> None:
        try:
            refresh_dead_letter_gauge(self._processor)
        except TRANSIENT_ERRORS:
            log.warning("%s cannot count its dead letters now", self._processor.name)

    def _rewind_to_stored(self, batch: Sequence[RawMessage]) -> None:
        """Another consumer applied part of this batch: continue after what is stored."""
        keys = sorted({(d.topic, d.partition) for d in batch})
        stored = self._stored_offsets_retrying([TopicPartition(t, p) for t, p in keys])
        for key in keys:
            next_offset = stored.get(key, -1) + 1
            self._applied[key] = next_offset - 1
            self._consumer.seek(TopicPartition(key[0], key[1], next_offset))
