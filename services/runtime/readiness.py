"""Checks that a service's PostgreSQL database and Kafka topic really answer."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one dependency check: ok, or the reason it failed."""

    ok: bool
    detail: str


def check_postgres(database_url: str) -> CheckResult:
    """Connect to the service's own database and run a query."""
    try:
        with psycopg.connect(database_url, connect_timeout=int(CHECK_TIMEOUT_SECONDS)) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return CheckResult(False, f"postgres unreachable: {error}".strip())
    return CheckResult(True, "ok")


class KafkaCheck:
    """Asks the broker for a topic's metadata; one admin client is kept for the process."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self._admin = AdminClient({"bootstrap.servers": bootstrap_servers})
        self._topic = topic

    def __call__(self) -> CheckResult:
        try:
            metadata = self._admin.list_topics(topic=self._topic, timeout=CHECK_TIMEOUT_SECONDS)
        except KafkaException as error:
            return CheckResult(False, f"kafka unreachable: {error}")
        topic = metadata.topics.get(self._topic)
        if topic is None or topic.error is not None:
            return CheckResult(False, f"topic {self._topic} missing: {getattr(topic, 'error', '')}")
        if not metadata.brokers:
            return CheckResult(False, "kafka answered with no live broker")
        return CheckResult(True, "ok")
