"""Rebuilding a projection from offset 0 into a fresh generation, then switching over."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from contracts.envelope import read_kafka_message
from services.runtime.consumer import position_of
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Told (applied so far, total to apply) as the rebuild goes."""


def rebuild_projection(
    projection_class: type[Projection],
    settings: ServiceSettings,
    progress: Progress | None = None,
    batch_size: int = 1000,
) -> int:
    """Fill the next generation from offset 0 up to the topics' current ends, switch to it.

    The live worker keeps the current generation up to date meanwhile; at the switch it moves
    to the new one and continues from the new one's tracking records, so nothing is missed.
    Returns the generation now active.
    """
    current = projection_class(settings.database_url)
    target = current.active_generation() + 1
    current.close()
    fresh = projection_class(settings.database_url, generation=target)
    fresh.prepare_generation(target)
    vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
    fresh.sealer = Sealer(vault)
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": f"rebuild-{projection_class.name}-{uuid.uuid4().hex}",
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
                key, offset = position_of(message)
                if key not in remaining or offset >= ends[key][1]:
                    continue
                event = read_kafka_message(message.headers(), message.value())  # type: ignore[arg-type]
                batch.append(Delivery(key[0], key[1], offset, event))
                if offset >= ends[key][1] - 1:
                    remaining.discard(key)
            if batch:
                fresh.process(batch)
                done += len(batch)
                if progress:
                    progress(done, total)
        fresh.switch_to(target)
        log.info("%s rebuilt from %s messages, generation %s", fresh.name, done, target)
        return target
    finally:
        consumer.close()
        fresh.close()
        vault.close()


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
