"""The stack's real broker and database carry data: what every later test stands on."""

from __future__ import annotations

import uuid

import psycopg
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from tests.support.servers import fresh_database, kafka_bootstrap_servers


def test_a_message_produced_to_the_broker_is_consumed_and_stored_in_the_database() -> None:
    bootstrap = kafka_bootstrap_servers()
    topic = f"test.roundtrip.{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(
        timeout=30
    )
    try:
        payload = uuid.uuid4().hex.encode()
        producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
        producer.produce(topic, key=b"k", value=payload)
        assert producer.flush(30) == 0

        consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"test-{uuid.uuid4().hex[:8]}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        consumer.subscribe([topic])
        try:
            message = None
            for _ in range(60):
                message = consumer.poll(1.0)
                if message is not None and message.error() is None:
                    break
            assert message is not None, "nothing consumed in 60 s"
            assert message.error() is None
            assert message.value() == payload
        finally:
            consumer.close()

        with fresh_database() as url, psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE received (payload bytea NOT NULL)")
            conn.execute("INSERT INTO received VALUES (%s)", (message.value(),))
            conn.commit()
            stored = conn.execute("SELECT payload FROM received").fetchone()
            assert stored is not None
            assert bytes(stored[0]) == payload
    finally:
        admin.delete_topics([topic])[topic].result(timeout=30)
