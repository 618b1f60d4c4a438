"""The consumer loop: Kafka messages to a processor, positions kept in PostgreSQL, not Kafka.

A processor (a projection or a service's policies) applies a batch and stores the batch's
offsets as eventsourcing tracking records in the same transaction. The loop seeks to those
stored offsets whenever partitions are assigned, so a crash or a rebalance resumes exactly after
what was committed; Kafka's own offset commits are off. Offsets this loop already saw applied
are skipped before the processor sees them; a conflict on a tracking record (another member of
the group applied the batch first) rolls the batch back and re-reads the stored positions.

No message blocks its partition: batches are applied by `batches.BatchApplier`, which retries
and dead-letters what fails on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from functools import partial
from typing import Any, Final

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Message, TopicPartition

from services.runtime.batches import (
    RETRY_WAIT_SECONDS,
    BatchApplier,
    Processor,
    Stopped,
    TopicPartitionKey,
    retrying,
)
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.deliveries import (
    AlreadyTracked,
    RawMessage,
)
from services.runtime.metrics import (
    DEAD_LETTERS_OPEN,
    DUPLICATES_SKIPPED,
)
from services.runtime.supervision import Health

log = logging.getLogger(__name__)

REJOIN_GIVE_UP_SECONDS: Final = 60.0
"""How long a member waits for the group to give it partitions before it starts afresh: far
longer than a rebalance takes (seconds), shorter than waiting for good."""


class RejoinStalled(RuntimeError):
    """The consumer group gave this member no assignment for too long."""


DEAD_LETTER_GAUGE_SECONDS: Final = 15.0


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
        self._unassigned_since: float | None = time.monotonic()
        """Since when the group has given this member no assignment (None: it has one)."""
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
                self._check_assignment_arrives()
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
        self._unassigned_since = None
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
        self._unassigned_since = time.monotonic()

    def _check_assignment_arrives(self) -> None:
        """Give up on a group join that never ends, so the supervisor starts a fresh member.

        After a broker restart a member whose session timed out rejoins; now and then its join
        never completes, and it would wait without partitions (and without a word) for good.
        """
        since = self._unassigned_since
        if since is not None and time.monotonic() - since > REJOIN_GIVE_UP_SECONDS:
            raise RejoinStalled(
                f"{self._processor.name} has had no assignment for {REJOIN_GIVE_UP_SECONDS:.0f} s"
            )

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
