"""Creating the registry's topics on a broker; re-running is a no-op."""

from __future__ import annotations

from collections.abc import Iterable

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from contracts.topics import TOPIC_CONFIG, TOPICS, Topic

REPLICATION_FACTOR_LOCAL = 1


def create_topics(
    bootstrap_servers: str,
    topics: Iterable[Topic] = TOPICS,
    replication_factor: int = REPLICATION_FACTOR_LOCAL,
    prefix: str = "",
) -> dict[str, str]:
    """Create each topic that is missing (names prefixed); return `name -> created | exists`."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    wanted = [
        NewTopic(
            f"{prefix}{t.name}",
            num_partitions=t.partitions,
            replication_factor=replication_factor,
            config=dict(TOPIC_CONFIG),
        )
        for t in topics
    ]
    outcome: dict[str, str] = {}
    for name, future in admin.create_topics(wanted, request_timeout=30).items():
        try:
            future.result()
            outcome[name] = "created"
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
            outcome[name] = "exists"
    return outcome
