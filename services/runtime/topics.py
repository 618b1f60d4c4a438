"""Creating the registry's topics on a broker; re-running is a no-op.

A topic keeps the partitions it was created with. One that exists with another count than the
registry's (made before the registry changed, say the newsletter's single partition) is named
in the outcome: its order guarantees are not the contract's until it is created again.
"""

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
    """Create each topic that is missing (names prefixed); return `name -> created | exists`,
    or, for an existing topic with another partition count, what it has and what is wanted."""
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
    existing = [topic for topic in wanted if outcome[topic.topic] == "exists"]
    if existing:
        found = admin.list_topics(timeout=30).topics
        for topic in existing:
            partitions = len(found[topic.topic].partitions) if topic.topic in found else 0
            if partitions and partitions != topic.num_partitions:
                outcome[topic.topic] = (
                    f"exists with {partitions} partitions, the registry says "
                    f"{topic.num_partitions}: delete it and create it again"
                )
    return outcome
