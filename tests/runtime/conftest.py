"""The tally test service on the real broker and database: one fresh topic and database a test."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from confluent_kafka.admin import AdminClient
from psycopg.rows import dict_row

from services.runtime.running import RunningService, start_service
from services.runtime.settings import ServiceSettings
from services.runtime.topics import create_topics
from tests.runtime import tally
from tests.support.kafka import read_topic
from tests.support.processes import RunningService as ServiceProcess
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers


@dataclass
class TallyStack:
    """A tally service's topic, database and environment, and ways to run and inspect it."""

    env: dict[str, str]
    database_url: str
    tmp_path: Path

    @property
    def topic(self) -> str:
        return self.env["TALLY_TOPIC"]

    def settings(self) -> ServiceSettings:
        return ServiceSettings.for_service("tally")

    @contextmanager
    def in_process(self, role: str = "api") -> Iterator[RunningService]:
        """The service in this process; role `api` runs no background thread."""
        running = start_service(tally.definition(), self.settings(), role)
        try:
            yield running
        finally:
            running.stop()

    @contextmanager
    def process(self, role: str, pause_at: str = "") -> Iterator[ServiceProcess]:
        """The service as a process of its own, optionally pausing at a named point."""
        env = dict(self.env)
        if pause_at:
            env["TALLY_PAUSE_AT"] = pause_at
        with service_process("tally", env, self.tmp_path, role, module="tests.runtime.tally") as p:
            yield p

    @property
    def pause_file(self) -> Path:
        return Path(self.env["TALLY_PAUSE_FILE"])

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def projection_schema(self) -> str:
        rows = self.query(
            "SELECT generation FROM projection_generation WHERE name = %s", "tally_totals"
        )
        return f"tally_totals_g{rows[0]['generation']}"

    def projected_totals(self) -> dict[UUID, int]:
        rows = self.query(f"SELECT tally_id, total FROM {self.projection_schema()}.totals")
        return {row["tally_id"]: int(row["total"]) for row in rows}

    def applied_versions(self) -> Counter[tuple[UUID, int]]:
        rows = self.query(f"SELECT tally_id, version FROM {self.projection_schema()}.applied")
        return Counter((row["tally_id"], int(row["version"])) for row in rows)

    def source_events(self) -> list[tuple[UUID, int, str]]:
        """(aggregate id, version, topic) of every stored domain event, in notification order."""
        rows = self.query(
            "SELECT originator_id, originator_version, topic"
            f" FROM {tally.TallyApplication.name.lower()}_events ORDER BY notification_id"
        )
        return [(r["originator_id"], r["originator_version"], r["topic"]) for r in rows]

    def published_source_events(self) -> set[tuple[UUID, int]]:
        """The stored events the relay publishes (tallies and erasures, not receipts)."""
        return {(a, v) for a, v, topic in self.source_events() if "Receipt" not in topic}

    def folded_totals(self) -> dict[UUID, int]:
        """Each tally's total as a fold of its stored events."""
        totals: dict[UUID, int] = {}
        with self.in_process() as running:
            for tally_id in {a for a, _, topic in self.source_events() if "Tally." in topic}:
                totals[tally_id] = running.application.repository.get(tally_id).total
        return totals

    def topic_messages(self) -> list[Any]:
        return read_topic(self.topic, tally.tally_topic().partitions)


@pytest.fixture
def tally_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TallyStack]:
    run_id = uuid.uuid4().hex[:10]
    topic = f"test.tally.{run_id}"
    with fresh_database("tally") as url:
        env = {
            "TALLY_TOPIC": topic,
            "TALLY_DATABASE_URL": url,
            "KAFKA_CONSUMER_GROUP_PREFIX": f"test-{run_id}.",
            "TALLY_PAUSE_FILE": str(tmp_path / "paused"),
            "INNOVNET_ENV": "test",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        create_topics(kafka_bootstrap_servers(), [tally.tally_topic()])
        try:
            yield TallyStack(env, url, tmp_path)
        finally:
            admin = AdminClient({"bootstrap.servers": kafka_bootstrap_servers()})
            admin.delete_topics([topic])[topic].result(timeout=30)
