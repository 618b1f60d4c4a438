"""`innovnet topics create`: the registry's topics made once, and an existing topic whose
partitions differ from the registry's named, never silently taken as it is."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from contracts.topics import NEWSLETTER, TOPICS
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.servers import kafka_bootstrap_servers


@pytest.fixture
def prefix() -> Iterator[str]:
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    try:
        yield prefix
    finally:
        delete_topics(prefix)


def partitions(name: str) -> int:
    topics = AdminClient({"bootstrap.servers": kafka_bootstrap_servers()}).list_topics(timeout=30)
    return len(topics.topics[name].partitions)


def test_the_registry_topics_are_created_once_with_their_partitions(prefix: str) -> None:
    first = create_topics(kafka_bootstrap_servers(), prefix=prefix)
    again = create_topics(kafka_bootstrap_servers(), prefix=prefix)
    names = [f"{prefix}{topic.name}" for topic in TOPICS]
    assert first == dict.fromkeys(names, "created")
    assert again == dict.fromkeys(names, "exists")
    assert partitions(f"{prefix}{NEWSLETTER.name}") == 1


def test_a_topic_made_with_other_partitions_than_the_registrys_is_named(prefix: str) -> None:
    name = f"{prefix}{NEWSLETTER.name}"
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap_servers()})
    admin.create_topics([NewTopic(name, num_partitions=3, replication_factor=1)])[name].result(30)
    outcome = create_topics(kafka_bootstrap_servers(), [NEWSLETTER], prefix=prefix)
    assert outcome == {
        name: "exists with 3 partitions, the registry says 1: delete it and create it again"
    }
    assert partitions(name) == 3, "an existing topic is never changed behind anyone's back"
