"""Rebuilding a projection from offset 0 into a fresh generation, then switching over."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from services.runtime.batches import BatchApplier
from services.runtime.deliveries import RawMessage
from services.runtime.projection import Projection
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from services.runtime.startup import opened_stores

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Told (applied so far, total to apply) as the rebuild goes."""


def rebuild_projection(
    definition: ServiceDefinition,
    projection_class: type[Projection],
    settings: ServiceSettings,
    progress: Progress | None = None,
    batch_size: int = 1000,
) -> int:
    """Fill the next generation from offset 0 up to the topics' current ends, switch to it.

    The live worker keeps the current generation up to date meanwhile; at the switch it moves
    to the new one and continues from the new one's tracking records, so nothing is missed.
    Messages are applied as the consumer loop applies them (one parser, the same retries and
    dead letters, kept in the new generation). Returns the generation now active.
    """
    with opened_stores(definition, settings) as stores:
        current = stores.projection(projection_class, settings.database_url)
        target = current.active_generation() + 1
        current.close()
        fresh = stores.projection(projection_class, settings.database_url, target)
        try:
            fresh.prepare_generation(target)
            done = _fill(fresh, settings, progress, batch_size)
            fresh.switch_to(target)
        finally:
            fresh.close()
    log.info("%s rebuilt from %s messages, generation %s", fresh.name, done, target)
    return target


def _fill(
    fresh: Projection, settings: ServiceSettings, progress: Progress | None, batch_size: int
) -> int:
    """Apply every message of the projection's topics, up to their ends now; how many."""
    applier = BatchApplier(fresh, threading.Event())
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"rebuild-{fresh.name}-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
        }
    )
    try:
        topics = [f"{settings.topic_prefix}{topic}" for topic in fresh.topics]
        ends = _assign_from_beginning(consumer, topics)
        total = sum(high - low for low, high in ends.values())
        done = 0
        remaining = {key for key, (low, high) in ends.items() if high > low}
        while remaining:
            batch = []
            for message in consumer.consume(batch_size, timeout=1.0):
                if message.error() is not None:
                    continue
                raw = RawMessage.of(message)
                key, offset = (raw.topic, raw.partition), raw.offset
                if key not in remaining or offset >= ends[key][1]:
                    continue
                batch.append(raw)
                if offset >= ends[key][1] - 1:
                    remaining.discard(key)
            if batch:
                applier.apply(batch)
                done += len(batch)
                if progress:
                    progress(done, total)
        return done
    finally:
        consumer.close()


def _assign_from_beginning(
    consumer: Consumer, topics: list[str]
) -> dict[tuple[str, int], tuple[int, int]]:
    """Assign every partition of `topics` at offset 0; return each one's (low, high) now."""
    metadata = consumer.list_topics(timeout=10)
    partitions = [
        TopicPartition(topic, partition, OFFSET_BEGINNING)
        for topic in topics
        for partition in metadata.topics[topic].partitions
    ]
    ends = {
        (p.topic, p.partition): consumer.get_watermark_offsets(p, timeout=10) for p in partitions
    }
    consumer.assign(partitions)
    return {key: (int(low), int(high)) for key, (low, high) in ends.items()}
