"""Consumers apply every event exactly once, through crashes, rebalances and replays."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from contextlib import ExitStack

import pytest
from eventsourcing.persistence import IntegrityError

from services.runtime.deliveries import Delivery
from services.runtime.policy import PolicyProcessor
from services.runtime.roles import RunningService
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually, until
from tests.support.processes import REPO_ROOT


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
            with tally_stack.process("worker"):
                make_tallies(running, tallies=2, increments=20)
                time.sleep(2)
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
            with pytest.raises(IntegrityError):
                policies.process([delivery])
    assert len(receipts()) == 5


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
