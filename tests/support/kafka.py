"""Reading a topic whole, as an outside subscriber would."""

from __future__ import annotations

import uuid

from confluent_kafka import Consumer, Message, TopicPartition
from confluent_kafka.admin import AdminClient

from contracts.envelope import ReceivedEvent, read_kafka_message
from tests.support.servers import kafka_bootstrap_servers


def read_topic(topic: str, partitions: int) -> list[tuple[int, int, ReceivedEvent, Message]]:
    """Every message now on `topic`: (partition, offset, event, raw message), in partition order."""
    consumer = Consumer(
        {
            "bootstrap.servers": kafka_bootstrap_servers(),
            "group.id": f"reader-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
        }
    )
    found: list[tuple[int, int, ReceivedEvent, Message]] = []
    try:
        for partition in range(partitions):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            if high <= low:
                continue
            consumer.assign([TopicPartition(topic, partition, low)])
            offset = low
            while offset < high:
                message = consumer.poll(10)
                assert message is not None, f"{topic}[{partition}] stopped at {offset} of {high}"
                assert message.error() is None, message.error()
                offset = message.offset() + 1  # type: ignore[operator]
                event = read_kafka_message(message.headers(), message.value())  # type: ignore[arg-type]
                found.append((partition, message.offset(), event, message))  # type: ignore[arg-type]
    finally:
        consumer.close()
    return found


def delete_topics(prefix: str) -> None:
    """Delete every topic whose name starts with a test's prefix."""
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap_servers()})
    names = [name for name in admin.list_topics(timeout=10).topics if name.startswith(prefix)]
    if names:
        for future in admin.delete_topics(names).values():
            future.result(timeout=30)
