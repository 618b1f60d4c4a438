"""Readiness and lag, computed by one background checker from the stores and the broker.

Every second the checker asks the service's database and the broker (on connections it keeps),
reads the supervisor's part states, and computes relay lag (newest notification id minus the
recorded relay position, read from the database) and consumer lag (the broker's high
watermark minus the stored tracking offset + 1, per partition). Both stay true while the
thread that would move them is dead. `/ready` answers from the latest result; what the public
sees is what failed and since when, while the error's detail goes to the log. The probes live
here with the checker (a little over 300 lines): nothing else uses them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from confluent_kafka import KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._listoffsets import OffsetSpec  # not re-exported for type checkers
from psycopg import sql

from services.runtime.batches import Processor
from services.runtime.connections import Timeouts, connection_options
from services.runtime.metrics import CONSUMER_LAG, PART_FAILING, RELAY_LAG, RELAY_PARKED
from services.runtime.supervision import PartState, utc_now

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0
CHECK_TIMEOUTS = Timeouts(statement_seconds=CHECK_TIMEOUT_SECONDS, lock_seconds=2)
CHECK_EVERY_SECONDS = 1.0
STALE_AFTER_SECONDS = 10.0
"""A result older than this is not trusted: the checker itself is stuck."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one dependency check: ok, or what the public may read about it."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    """One round of checks: each check's public detail, and when it was taken."""

    checks: dict[str, str]
    checked_at: datetime
    taken: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return all(detail == "ok" for detail in self.checks.values())

    def is_fresh(self) -> bool:
        """Recent enough to answer from."""
        return time.monotonic() - self.taken <= STALE_AFTER_SECONDS


@dataclass(frozen=True)
class ConsumedTopics:
    """A processor and the (prefixed) topics its consumer reads: what consumer lag is of."""

    processor: Processor
    topics: Sequence[str]


class Since:
    """When each check started failing; logs the detail on the way down and up."""

    def __init__(self) -> None:
        self._since: dict[str, datetime] = {}

    def failed(self, name: str, what: str, detail: str) -> CheckResult:
        """A failed check: '<what> since <first failure>'; the detail is logged, not shown."""
        if name not in self._since:
            self._since[name] = utc_now()
            log.warning("readiness: %s %s: %s", name, what, detail)
        return CheckResult(False, f"{what} since {self._since[name].isoformat()}")

    def passed(self, name: str) -> CheckResult:
        """A passed check."""
        if self._since.pop(name, None) is not None:
            log.info("readiness: %s is ok again", name)
        return CheckResult(True, "ok")


class PostgresProbe:
    """One connection to the service's database, kept and re-opened when it breaks."""

    def __init__(self, database_url: str, application_name: str = "readiness") -> None:
        self._database_url = database_url
        self._application_name = application_name
        self._conn: psycopg.Connection[Any] | None = None

    def connection(self) -> psycopg.Connection[Any]:
        """The kept connection, opened if need be (short timeouts: a check must not hang)."""
        if self._conn is None or self._conn.closed or self._conn.broken:
            self.close()
            self._conn = psycopg.connect(
                self._database_url,
                autocommit=True,
                application_name=self._application_name,
                connect_timeout=int(CHECK_TIMEOUT_SECONDS),
                **connection_options(timeouts=CHECK_TIMEOUTS),
            )
        return self._conn

    def check(self) -> str | None:
        """None when a query answers, else the error's detail (for the log)."""
        try:
            self.connection().execute("SELECT 1")
        except psycopg.Error as error:
            self.close()
            return f"{type(error).__name__}: {error}".strip()
        return None

    def close(self) -> None:
        """Close the kept connection."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class KafkaProbe:
    """The broker, through one admin client kept for the process."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self._admin = AdminClient({"bootstrap.servers": bootstrap_servers})
        self._topic = topic
        self._partitions: dict[str, int] = {}

    def check(self) -> tuple[str, str] | None:
        """None when the broker lists the service's topic, else (public what, detail)."""
        try:
            metadata = self._admin.list_topics(topic=self._topic, timeout=CHECK_TIMEOUT_SECONDS)
        except KafkaException as error:
            return "unreachable", str(error)
        topic = metadata.topics.get(self._topic)
        if topic is None or topic.error is not None:
            return f"topic {self._topic} missing", str(getattr(topic, "error", ""))
        if not metadata.brokers:
            return "no live broker", "the broker answered with no live broker"
        return None

    def high_watermarks(self, topics: Sequence[str]) -> dict[tuple[str, int], int]:
        """The next offset to be written on each partition of `topics`."""
        partitions = [TopicPartition(t, p) for t in topics for p in range(self._count(t))]
        if not partitions:
            return {}
        latest = OffsetSpec.latest()  # type: ignore[no-untyped-call]
        futures: dict[TopicPartition, Future[Any]] = self._admin.list_offsets(
            dict.fromkeys(partitions, latest), request_timeout=CHECK_TIMEOUT_SECONDS
        )
        return {(tp.topic, tp.partition): int(f.result().offset) for tp, f in futures.items()}

    def _count(self, topic: str) -> int:
        if topic not in self._partitions:
            metadata = self._admin.list_topics(topic=topic, timeout=CHECK_TIMEOUT_SECONDS)
            found = metadata.topics.get(topic)
            if found is None or found.error is not None:
                return 0
            self._partitions[topic] = len(found.partitions)
        return self._partitions[topic]


class ReadinessChecker:
    """Checks the service every second in a thread of its own; `latest()` is the newest round."""

    def __init__(
        self,
        service: str,
        database_url: str,
        bootstrap_servers: str,
        topic: str,
        parts: Callable[[], Sequence[PartState]],
        relay_source: tuple[str, str] | None = None,
        consumed: Sequence[ConsumedTopics] = (),
    ) -> None:
        """`relay_source` is (published topic, events table) when the service publishes."""
        self._service = service
        self._postgres = PostgresProbe(database_url, f"{service} readiness")
        self._kafka = KafkaProbe(bootstrap_servers, topic)
        self._parts = parts
        self._relay_source = relay_source
        self._consumed = consumed
        self._since = Since()
        self._lock = threading.Lock()
        self._latest = Readiness({"readiness": "starting"}, utc_now())
        self._thread: threading.Thread | None = None

    def start(self, stop: threading.Event) -> None:
        """Check in a daemon thread until `stop` is set."""
        self._thread = threading.Thread(
            target=self._run, args=(stop,), name="readiness", daemon=True
        )
        self._thread.start()

    def join(self, timeout: float) -> None:
        """Wait for the thread after `stop`, then close the connection."""
        if self._thread is not None:
            self._thread.join(timeout)
        self._postgres.close()

    def latest(self) -> Readiness:
        """The newest result, or a failing one naming the checker if it is stale."""
        with self._lock:
            latest = self._latest
        if latest.is_fresh():
            return latest
        return Readiness(
            {"readiness": f"no fresh result since {latest.checked_at.isoformat()}"},
            latest.checked_at,
            latest.taken,
        )

    def check_once(self) -> Readiness:
        """One round: dependencies, parts and lag; never raises."""
        checks: dict[str, str] = {}
        postgres_error = self._postgres.check()
        if postgres_error is None:
            checks["postgres"] = self._since.passed("postgres").detail
            self._observe_relay()
        else:
            checks["postgres"] = self._since.failed(
                "postgres", "unreachable", postgres_error
            ).detail
        kafka_failure = self._kafka.check()
        if kafka_failure is None:
            checks["kafka"] = self._since.passed("kafka").detail
        else:
            checks["kafka"] = self._since.failed("kafka", *kafka_failure).detail
        for state in self._parts():
            checks[state.name] = state.describe()
            PART_FAILING.labels(self._service, state.name).set(0 if state.ok else 1)
        if postgres_error is None and kafka_failure is None:
            self._observe_consumers()
        readiness = Readiness(checks, utc_now())
        with self._lock:
            self._latest = readiness
        return readiness

    def _run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.check_once()
            except Exception:  # the checker must outlive anything it meets
                log.exception("readiness check failed")
            stop.wait(CHECK_EVERY_SECONDS)

    def _observe_relay(self) -> None:
        if self._relay_source is None:
            return
        topic, events_table = self._relay_source
        try:
            newest, position, parked = self._relay_figures(topic, events_table)
        except psycopg.Error as error:
            log.warning("readiness: relay lag of %s not computed: %s", topic, error)
            return
        RELAY_LAG.labels(topic).set(max(newest - position, 0))
        RELAY_PARKED.labels(topic).set(parked)

    def _relay_figures(self, topic: str, events_table: str) -> tuple[int, int, int]:
        conn = self._postgres.connection()
        row = conn.execute(
            "SELECT to_regclass('relay_position') IS NOT NULL,"
            " to_regclass('relay_parked') IS NOT NULL"
        ).fetchone()
        has_position, has_parked = bool(row and row[0]), bool(row and row[1])
        newest_row = conn.execute(
            sql.SQL("SELECT coalesce(max(notification_id), 0) FROM {}").format(
                sql.Identifier(events_table)
            )
        ).fetchone()
        newest = int(newest_row[0]) if newest_row else 0
        position = parked = 0
        if has_position:
            found = conn.execute(
                "SELECT notification_id FROM relay_position WHERE topic = %s", (topic,)
            ).fetchone()
            position = int(found[0]) if found else 0
        if has_parked:
            counted = conn.execute(
                "SELECT count(*) FROM relay_parked WHERE topic = %s", (topic,)
            ).fetchone()
            parked = int(counted[0]) if counted else 0
        return newest, position, parked

    def _observe_consumers(self) -> None:
        for consumed in self._consumed:
            name = consumed.processor.name
            try:
                high = self._kafka.high_watermarks(consumed.topics)
                stored = consumed.processor.stored_offsets(list(high))
            except Exception as error:  # a store or broker hiccup: try again next round
                log.warning("readiness: consumer lag of %s not computed: %s", name, error)
                continue
            for (topic, partition), next_offset in high.items():
                lag = max(next_offset - (stored.get((topic, partition), -1) + 1), 0)
                CONSUMER_LAG.labels(name, topic, str(partition)).set(lag)
