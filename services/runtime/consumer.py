"""The consumer loop: Kafka messages to a processor, positions kept in PostgreSQL, not Kafka.

A processor (a projection or a service's policies) applies a batch and stores the batch's
offsets as eventsourcing tracking records in the same transaction. The loop seeks to those
stored offsets whenever partitions are assigned, so a crash or a rebalance resumes exactly after
what was committed; Kafka's own offset commits are off. Offsets this loop already saw applied
are skipped before the processor sees them; a conflict on a tracking record (another member of
the group applied the batch first) rolls the batch back and re-reads the stored positions.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol, cast

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Message, TopicPartition
from eventsourcing.persistence import IntegrityError

from contracts.envelope import MalformedMessage, read_kafka_message
from services.runtime.deliveries import Delivery
from services.runtime.metrics import (
    APPLY_DURATION,
    CONSUMER_LAG,
    DUPLICATES_SKIPPED,
    MESSAGES_APPLIED,
)

log = logging.getLogger(__name__)

RETRY_WAIT_SECONDS = 1.0

TopicPartitionKey = tuple[str, int]


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

    def stored_offsets(
        self, partitions: Sequence[TopicPartitionKey]
    ) -> dict[TopicPartitionKey, int]:
        """The last applied offset of each partition that has one."""
        ...

    def process(self, batch: Sequence[Delivery]) -> None:
        """Apply `batch` and its tracking records in one transaction.

        Raises eventsourcing's IntegrityError when a tracking record shows the batch, or part of
        it, was applied already; nothing of the batch is then stored.
        """
        ...


def position_of(message: Message) -> tuple[TopicPartitionKey, int]:
    """The (topic, partition) and offset of a consumed message (always set on one without error)."""
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    assert topic is not None
    assert partition is not None
    assert offset is not None
    return (topic, partition), offset


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
    ) -> None:
        self._processor = processor
        self._topics = [f"{topic_prefix}{topic}" for topic in processor.topics]
        self._batch_size = batch_size
        self._applied: dict[TopicPartitionKey, int] = {}
        self._assigned: set[TopicPartitionKey] = set()
        self.assigned = threading.Event()
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap_servers,
                "group.id": group_id,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                "statistics.interval.ms": 5000,
                # A crashed member's partitions move on after 10 s rather than the default 45.
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 1_000,
                "stats_cb": self._observe_lag,
                **(extra_config or {}),
            }
        )

    def run(self, stop: threading.Event) -> None:
        """Consume and apply until `stop` is set."""
        self._consumer.subscribe(self._topics, on_assign=self._on_assign, on_revoke=self._on_revoke)
        try:
            while not stop.is_set():
                batch = self._deliveries(self._next_messages())
                if batch:
                    self._apply(batch, stop)
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
        self._assigned = {(p.topic, p.partition) for p in partitions}
        self.assigned.set()
        log.info(
            "%s assigned %s",
            self._processor.name,
            [(p.topic, p.partition, p.offset) for p in partitions],
        )

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        for partition in partitions:
            self._applied.pop((partition.topic, partition.partition), None)
        self._assigned = set()
        consumer.unassign()

    def _stored_offsets_retrying(
        self, partitions: Sequence[TopicPartition]
    ) -> dict[TopicPartitionKey, int]:
        keys = [(p.topic, p.partition) for p in partitions]
        while True:
            try:
                return self._processor.stored_offsets(keys)
            except Exception:  # the database is away: wait, a partition must not start at 0
                log.exception("%s cannot read its stored offsets; retrying", self._processor.name)
                time.sleep(RETRY_WAIT_SECONDS)

    def _deliveries(self, messages: Sequence[Message]) -> list[Delivery]:
        batch = []
        for message in messages:
            error = message.error()
            if error is not None:
                if error.code() != KafkaError._PARTITION_EOF:
                    log.warning("%s: consumer error %s", self._processor.name, error)
                continue
            key, offset = position_of(message)
            if offset <= self._applied.get(key, -1):
                DUPLICATES_SKIPPED.labels(self._processor.name, "offset").inc()
                continue
            try:
                headers = cast("list[tuple[str, bytes | None]] | None", message.headers())
                event = read_kafka_message(headers, message.value())
            except MalformedMessage as malformed:
                # Retrying a message that can never parse would stop its partition for good:
                # it is logged loudly and passed over.
                log.error(
                    "%s skips malformed message at %s:%s: %s",
                    self._processor.name,
                    key,
                    offset,
                    malformed,
                )
                self._applied[key] = offset
                continue
            batch.append(Delivery(key[0], key[1], offset, event))
        return batch

    def _apply(self, batch: list[Delivery], stop: threading.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                self._processor.process(batch)
            except IntegrityError:
                DUPLICATES_SKIPPED.labels(self._processor.name, "tracking").inc(len(batch))
                self._rewind_to_stored(batch)
                return
            except Exception:
                log.exception("%s failed to apply a batch; retrying", self._processor.name)
                stop.wait(RETRY_WAIT_SECONDS)
                continue
            APPLY_DURATION.labels(self._processor.name).observe(time.perf_counter() - started)
            MESSAGES_APPLIED.labels(self._processor.name).inc(len(batch))
            for delivery in batch:
                self._applied[(delivery.topic, delivery.partition)] = delivery.offset
            return

    def _rewind_to_stored(self, batch: Sequence[Delivery]) -> None:
        """Another consumer applied part of this batch: continue after what is stored."""
        keys = sorted({(d.topic, d.partition) for d in batch})
        stored = self._stored_offsets_retrying([TopicPartition(t, p) for t, p in keys])
        for key in keys:
            next_offset = stored.get(key, -1) + 1
            self._applied[key] = next_offset - 1
            self._consumer.seek(TopicPartition(key[0], key[1], next_offset))

    def _observe_lag(self, stats_json: str) -> None:
        # librdkafka's own consumer_lag counts from committed offsets, which this loop never
        # commits; the lag that matters is the broker's high watermark minus what is applied.
        stats = json.loads(stats_json)
        for topic, topic_stats in stats.get("topics", {}).items():
            for partition, partition_stats in topic_stats.get("partitions", {}).items():
                key = (topic, int(partition))
                high = partition_stats.get("hi_offset", -1)
                if partition != "-1" and high >= 0 and key in self._assigned:
                    lag = max(high - (self._applied.get(key, -1) + 1), 0)
                    CONSUMER_LAG.labels(self._processor.name, topic, partition).set(lag)
