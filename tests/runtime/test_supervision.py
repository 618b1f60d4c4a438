"""Failed parts are restarted with backoff; readiness and lag tell the truth meanwhile."""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path

import httpx
import pytest
from eventsourcing.persistence import OperationalError, PersistenceError
from prometheus_client.parser import text_string_to_metric_families

from services.runtime.supervision import PartReturned, Supervisor, backoff_seconds
from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.runtime.test_consumers import assert_projection_is_the_fold
from tests.support.polling import eventually, until

PART = "consumer:tally_totals"
LAG = "innovnet_consumer_lag_messages"
SINCE = re.compile(r"^(down|failing) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 \((\w+)\)")


def test_the_backoff_doubles_from_the_first_wait_and_stops_at_the_cap() -> None:
    waits = [backoff_seconds(n, first=1.0, cap=30.0) for n in range(1, 8)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_failing_part_is_restarted_and_its_state_says_since_when_and_with_what() -> None:
    stop = threading.Event()
    runs: list[int] = []
    healthy = threading.Event()

    def flaky(stop: threading.Event) -> None:
        runs.append(1)
        if len(runs) < 4:
            raise ConnectionResetError("the detail stays in the log")
        healthy.set()
        stop.wait()

    supervisor = Supervisor("test", stop, first_backoff=0.01, max_backoff=0.05)
    part = supervisor.start("job:flaky", flaky)
    try:
        until(healthy.is_set, timeout=10, what="the fourth run")
        state = part.state()
        assert state.restarts == 3
        assert state.running
        assert not state.ok, "still counted as failing until it stays up"
        match = SINCE.match(state.describe())
        assert match, state.describe()
        assert match.group(2) == "ConnectionResetError"
        assert "detail" not in state.describe()
        part.health.ok()
        assert part.state().ok
        assert part.state().describe() == "ok"
    finally:
        stop.set()
        supervisor.join(5)


def test_a_part_that_returns_on_its_own_is_restarted_too() -> None:
    stop = threading.Event()
    runs: list[int] = []

    def returns(stop: threading.Event) -> None:
        runs.append(1)

    supervisor = Supervisor("test", stop, first_backoff=0.01, max_backoff=0.01)
    part = supervisor.start("consumer:quitter", returns)
    try:
        until(lambda: len(runs) >= 3, timeout=10, what="three runs")
        assert part.state().error == PartReturned.__name__
    finally:
        stop.set()
        supervisor.join(5)


def test_a_relay_held_dead_is_restarted_and_meanwhile_lag_rises_and_ready_names_it(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dead_file = tmp_path / "relay-dead"
    monkeypatch.setenv("TALLY_RELAY_DEAD_FILE", str(dead_file))
    with tally_stack.process("all") as service, tally_stack.in_process() as writer:
        app, sealer = writer.application, writer.application.sealer
        tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
        eventually(lambda: _assert_published(tally_stack, 1), timeout=30)
        eventually(lambda: _assert_ready(service.base_url), timeout=60)

        dead_file.touch()  # the relay fails at its next batch, and after each restart
        for _ in range(5):
            app.increment(tally_id)

        def held_dead() -> None:
            response = httpx.get(f"{service.base_url}/ready", timeout=10)
            assert response.status_code == 503
            relay = response.json()["checks"]["relay"]
            match = SINCE.match(relay)
            assert match, relay
            assert match.group(2) == "RuntimeError"
            # The five increments (and the policy's receipt, if it came after the kill).
            assert _metric(service.base_url, "innovnet_relay_lag_events") >= 5
            assert _metric(service.base_url, "innovnet_part_restarts_total", part="relay") >= 1

        eventually(held_dead, timeout=60)
        assert len(tally_stack.topic_messages()) == 1, "nothing was published while dead"

        dead_file.unlink()
        eventually(lambda: _assert_published(tally_stack, 6), timeout=60)
        eventually(lambda: _assert_ready(service.base_url), timeout=60)
        assert _metric(service.base_url, "innovnet_relay_lag_events") == 0
        assert service.process.poll() is None


def test_a_consumer_held_dead_is_restarted_on_a_fresh_consumer_and_catches_up(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dead_file = tmp_path / "consumer-dead"
    monkeypatch.setenv("TALLY_CONSUMER_DEAD_FILE", str(dead_file))
    dead_file.touch()  # the projection's consumer dies as it starts, and after each restart
    with tally_stack.process("all") as service, tally_stack.in_process() as writer:
        app, sealer = writer.application, writer.application.sealer
        tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
        for _ in range(4):
            app.increment(tally_id)

        def held_dead() -> None:
            response = httpx.get(f"{service.base_url}/ready", timeout=10)
            assert response.status_code == 503
            consumer = response.json()["checks"]["consumer:tally_totals"]
            match = SINCE.match(consumer)
            assert match, consumer
            assert match.group(2) == "RuntimeError"
            restarts = _metric(service.base_url, "innovnet_part_restarts_total", part=PART)
            assert restarts >= 1

        eventually(held_dead, timeout=60)
        # Only a restarted loop, on a fresh Kafka consumer, can apply these (a failed loop's
        # consumer is closed for good). While held, each restart dies after its first batch.
        for _ in range(3):
            app.increment(tally_id)
        dead_file.unlink()
        eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=90)
        eventually(lambda: _assert_ready(service.base_url), timeout=60)
        assert _metric_sum(service.base_url, LAG, "tally_totals") == 0


def _assert_published(stack: TallyStack, count: int) -> None:
    assert len(stack.topic_messages()) == count


def _assert_ready(base_url: str) -> None:
    response = httpx.get(f"{base_url}/ready", timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["relay"] == "ok"


def _metric(base_url: str, name: str, **labels: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return float(sample.value)
    raise AssertionError(f"no sample {name} {labels}")


def test_the_relay_rides_out_its_database_connections_being_killed(
    tally_stack: TallyStack,
) -> None:
    everyone_else = "pid <> pg_backend_pid()"
    # Not the relay's lock connection: its next read goes through eventsourcing's pool.
    pooled_only = everyone_else + (
        " AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"
    )
    with tally_stack.process("relay") as relay, tally_stack.in_process() as writer:
        app, sealer = writer.application, writer.application.sealer
        tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
        eventually(lambda: _assert_published(tally_stack, 1), timeout=30)
        for round_, which in enumerate([everyone_else, pooled_only, everyone_else, pooled_only]):
            killed = tally_stack.query(
                "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity"
                f" WHERE datname = current_database() AND {which}"
            )
            assert killed, "there were connections to kill"
            for _ in range(5):
                _increment_retrying(app, tally_id)
            eventually(lambda n=round_: _assert_published(tally_stack, 6 + 5 * n), timeout=60)
        assert relay.process.poll() is None
    assert "interrupted, retrying" in relay.log()
    assert "failed; restarting" not in relay.log(), "it waited the outages out, never died"


def test_the_relay_waits_out_eventsourcings_own_operational_errors(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tally_stack.in_process("relay") as running:
        app, sealer = running.application, running.application.sealer
        select = app.recorder.select_notifications
        failures_left = [3]

        def failing_while_the_database_is_away(*args: object, **kwargs: object) -> object:
            # What eventsourcing raises once its own retries gave up on a database outage.
            if failures_left[0] > 0:
                failures_left[0] -= 1
                raise OperationalError("the database is away")
            return select(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(
            app.recorder, "select_notifications", failing_while_the_database_is_away
        )
        app.open(sealer.seal(uuid.uuid4(), "someone"))
        eventually(lambda: _assert_published(tally_stack, 1), timeout=30)
        assert failures_left == [0]
        (relay,) = [s for s in running.supervisor.states() if s.name == "relay"]
        assert relay.running
        assert relay.restarts == 0, "the relay waited, it did not die"


def test_consumer_lag_comes_from_the_stores_while_the_consumer_is_stuck(
    tally_stack: TallyStack,
) -> None:
    with (
        tally_stack.process("all", pause_at="projection-after-commit") as service,
        tally_stack.in_process() as writer,
    ):
        app, sealer = writer.application, writer.application.sealer
        tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
        until(tally_stack.pause_file.exists, timeout=60, what="the projection paused")
        for _ in range(7):
            app.increment(tally_id)
        eventually(lambda: _assert_published(tally_stack, 8), timeout=30)

        def lag_is_what_is_not_applied() -> None:
            applied = sum(tally_stack.applied_versions().values())
            lag = _metric_sum(service.base_url, "innovnet_consumer_lag_messages", "tally_totals")
            assert lag == 8 - applied
            assert lag >= 7

        eventually(lag_is_what_is_not_applied, timeout=30)


def _increment_retrying(app: tally.TallyApplication, tally_id: uuid.UUID) -> None:
    # The writer's own pooled connections may be among those killed: a command fails once each.
    for _ in range(5):
        try:
            app.increment(tally_id)
            return
        except PersistenceError:
            continue
    raise AssertionError("the event store did not recover")


def _metric_sum(base_url: str, name: str, group: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    return sum(
        float(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and sample.labels.get("group") == group
    )
