"""Consumers apply every event exactly once, through crashes, rebalances and replays."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from services.runtime.batches import BatchApplier
from services.runtime.consumer import ConsumerLoop
from services.runtime.deliveries import AlreadyTracked, Delivery, RawMessage, parse_delivery
from services.runtime.policy import PolicyProcessor
from services.runtime.projection import GenerationSwitched
from services.runtime.running import RunningService
from services.runtime.supervision import Health
from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually, until
from tests.support.processes import REPO_ROOT
from tests.support.servers import kafka_bootstrap_servers


def make_tallies(running: RunningService, tallies: int = 4, increments: int = 10) -> None:
    app, sealer = running.application, running.application.sealer
    for _ in range(tallies):
        tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
        for _ in range(increments):
            app.increment(tally_id)


def assert_projection_is_the_fold(stack: TallyStack) -> None:
    """Totals equal a fold of the stored events; every published version applied exactly once."""
    assert stack.projected_totals() == stack.folded_totals()
    applied = stack.applied_versions()
    assert set(applied) == stack.published_source_events()
    assert set(applied.values()) == {1}, "some version was applied more than once"


@pytest.mark.parametrize("pause_at", ["projection-inside-transaction", "projection-after-commit"])
def test_a_consumer_killed_inside_or_right_after_its_transaction_applies_everything_once(
    tally_stack: TallyStack, pause_at: str
) -> None:
    with tally_stack.in_process("relay") as running:
        make_tallies(running)
        with tally_stack.process("worker", pause_at=pause_at) as worker:
            until(tally_stack.pause_file.exists, timeout=60, what=f"worker paused at {pause_at}")
            worker.kill()
        committed = sum(tally_stack.applied_versions().values())
        if pause_at == "projection-inside-transaction":
            assert committed == 0, "a killed transaction must leave nothing behind"
        else:
            assert committed > 0
        with tally_stack.process("worker"):
            eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=60)


def test_two_consumers_in_one_group_through_forced_rebalances_apply_each_event_once(
    tally_stack: TallyStack,
) -> None:
    with (
        tally_stack.in_process("relay") as running,
        tally_stack.process("worker") as first,
        tally_stack.process("worker") as second,
    ):
        for _ in range(3):
            make_tallies(running, tallies=3, increments=20)
            # A third member joins and leaves: two rebalances while events flow.
            with tally_stack.process("worker") as third:
                make_tallies(running, tallies=2, increments=20)
                # It leaves only once it has joined: on a loaded machine its start-up alone
                # can outlast a fixed pause, and then no rebalance happens.
                eventually(lambda: _assigned(third), timeout=60)
        eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=90)
        for worker in (first, second):
            assert worker.log().count("tally_totals assigned") >= 4, "rebalances happened"


def test_a_projection_rebuilt_from_offset_zero_equals_the_live_one_and_takes_over(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.in_process("all") as running:
        make_tallies(running)
        eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=60)
        live_totals = tally_stack.projected_totals()
        assert tally_stack.projection_schema() == "tally_totals_g1"

        rebuilt = subprocess.run(
            [
                sys.executable,
                "-m",
                "services.runtime.cli",
                "projection",
                "rebuild",
                "tests.runtime.tally:definition",
                "tally_totals",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        assert "generation 2 is live" in rebuilt.stdout
        assert tally_stack.projection_schema() == "tally_totals_g2"
        assert tally_stack.projected_totals() == live_totals
        assert_projection_is_the_fold(tally_stack)

        # The live worker follows the switch and keeps applying on the new generation.
        make_tallies(running, tallies=2)
        eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=60)
    old = tally_stack.query(
        "SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'tally_totals_g1'"
    )
    assert old[0]["n"] == 0, "the replaced generation is dropped"


def test_the_policy_reacts_to_each_event_exactly_once_even_when_it_is_delivered_twice(
    tally_stack: TallyStack,
) -> None:
    def receipts() -> list[object]:
        return [e for e in tally_stack.source_events() if "Receipt" in e[2]]

    with tally_stack.in_process("all") as running:
        make_tallies(running, tallies=5, increments=1)
        until(lambda: len(receipts()) == 5, timeout=60, what="five receipts")

        # Deliver every message of the topic again, as a redelivery after a crash would.
        redelivered = [
            Delivery(tally_stack.topic, partition, offset, event)
            for partition, offset, event, _ in tally_stack.topic_messages()
        ]
        policies = PolicyProcessor(running.application, [tally_stack.topic])
        for delivery in redelivered:
            with pytest.raises(AlreadyTracked):
                policies.process([delivery])
    assert len(receipts()) == 5


def test_a_policy_conflict_that_is_not_its_tracking_record_is_the_deliverys_failure(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eventsourcing raises IntegrityError for a reaction racing a command on the same aggregate
    # too: only a stored offset makes it "applied already".
    tally_id = uuid.uuid4()
    with tally_stack.in_process("api") as running:
        raws = tally.consumed(
            tally_stack.topic, tally_id, [tally.TallyIncremented(tally_id=tally_id, by=1)]
        )
        policies = tally.definition().policy_processor(running.application)
        assert policies is not None
        delivery = parse_delivery(raws[0], policies.event_types)

        def conflict(*_: object) -> None:
            raise IntegrityError("duplicate key value violates unique constraint")

        monkeypatch.setattr(running.application, "process_event", conflict)
        with pytest.raises(IntegrityError) as raised:
            policies.process([delivery])
        assert not isinstance(raised.value, AlreadyTracked)


def test_a_unique_violation_in_a_projections_apply_is_a_dead_letter_not_skipped_nor_looped(
    tally_stack: TallyStack,
) -> None:
    tally_id = uuid.uuid4()
    with tally_stack.in_process("api") as running:
        owner = running.application.sealer.seal(uuid.uuid4(), "someone")
        opened = tally.TallyOpened(tally_id=tally_id, owner=owner)
        # The second "opened" inserts the same primary key again: a unique violation.
        events = [opened, tally.TallyIncremented(tally_id=tally_id, by=1), opened]
        raws = tally.consumed(tally_stack.topic, tally_id, events)
        projection = running.projections["tally_totals"]
        BatchApplier(projection, threading.Event(), attempts=2, retry_wait=0.01).apply(raws)

        schema = tally_stack.projection_schema()
        dead = tally_stack.query(
            f'SELECT "offset", state, reason, error FROM {schema}.dead_letters'
        )
        assert [(d["offset"], d["state"], d["reason"]) for d in dead] == [(2, "dead", "failed")]
        assert "UniqueViolation" in dead[0]["error"] or "duplicate key" in dead[0]["error"]
        assert tally_stack.projected_totals() == {tally_id: 1}
        key = (tally_stack.topic, 0)
        assert projection.stored_offsets([key]) == {key: 2}, "the partition moved past it"


def test_reading_stored_offsets_during_a_rebuild_leaves_the_switch_to_the_consumer(
    tally_stack: TallyStack,
) -> None:
    # Readiness reads the live projection's offsets from its own thread. Were that read to bind
    # the projection to the new generation, the consumer's next batch would not see the switch,
    # keep its old positions and skip what the rebuild had not copied.
    tally_id = uuid.uuid4()
    with tally_stack.in_process("api") as running:
        owner = running.application.sealer.seal(uuid.uuid4(), "someone")
        raws = tally.consumed(
            tally_stack.topic, tally_id, [tally.TallyOpened(tally_id=tally_id, owner=owner)]
        )
        live = running.projections["tally_totals"]
        BatchApplier(live, threading.Event()).apply(raws)
        key = (tally_stack.topic, 0)
        assert live.stored_offsets([key]) == {key: 0}

        rebuilt = tally.TallyTotals(
            tally_stack.database_url,
            application=running.application,
            sealer=running.application.sealer,
            generation=2,
        )
        try:
            rebuilt.switch_to(2, drop_previous=False)
        finally:
            rebuilt.close()

        assert live.stored_offsets([key]) == {}, "the active generation's offsets, none yet"
        assert live.generation == 1
        with pytest.raises(GenerationSwitched):
            live.process([])
        assert live.generation == 2


class BrokenOffsets:
    """A processor whose stored offsets cannot be read: `error` every time."""

    name = "broken"

    def __init__(self, error: Exception) -> None:
        self.error = error

    @property
    def topics(self) -> Sequence[str]:
        return (tally.tally_topic().name,)

    @property
    def event_types(self) -> Any:
        return {}

    def stored_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        raise self.error

    def process(self, batch: Sequence[Delivery]) -> None:
        raise AssertionError("nothing is applied without stored offsets")

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        raise AssertionError("nothing is dead without stored offsets")

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        return {}


def run_in_thread(
    loop: ConsumerLoop, stop: threading.Event
) -> tuple[threading.Thread, list[BaseException]]:
    raised: list[BaseException] = []

    def target() -> None:
        try:
            loop.run(stop)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, raised


@pytest.mark.usefixtures("tally_stack")
def test_a_bug_reading_stored_offsets_reaches_the_supervisor_instead_of_looping() -> None:
    stop = threading.Event()
    loop = ConsumerLoop(
        BrokenOffsets(ValueError("a bug")), kafka_bootstrap_servers(), f"g-{uuid.uuid4()}"
    )
    thread, raised = run_in_thread(loop, stop)
    try:
        until(lambda: not thread.is_alive(), timeout=60, what="the loop raised")
    finally:
        stop.set()
    assert [type(e) for e in raised] == [ValueError]


@pytest.mark.usefixtures("tally_stack")
def test_a_database_away_at_assignment_shows_in_the_health_and_yields_to_a_stop() -> None:
    stop, health = threading.Event(), Health()
    loop = ConsumerLoop(
        BrokenOffsets(psycopg.OperationalError("away")),
        kafka_bootstrap_servers(),
        f"g-{uuid.uuid4()}",
        health=health,
    )
    thread, raised = run_in_thread(loop, stop)
    try:
        until(lambda: health.failing(running=True) is not None, timeout=60, what="trouble shown")
    finally:
        stop.set()
    until(lambda: not thread.is_alive(), timeout=30, what="the loop stopped")
    assert raised == []


def test_processes_of_one_service_starting_together_all_come_up(
    tally_stack: TallyStack,
) -> None:
    # They create the same tables at the same moment; PostgreSQL's IF NOT EXISTS alone races.
    with ExitStack() as stack:
        workers = [stack.enter_context(tally_stack.process("worker")) for _ in range(4)]
        until(
            lambda: all("tally_totals assigned" in w.log() for w in workers),
            timeout=60,
            what="every worker joined its group",
        )
        for worker in workers:
            assert worker.process.poll() is None, worker.log()
            assert "Traceback" not in worker.log()


def _assigned(worker: Any) -> None:
    assert "tally_totals assigned" in worker.log(), "the third worker has not joined yet"
