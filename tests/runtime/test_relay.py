"""The outbox relay publishes every stored event, in order per aggregate, and never loses one."""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict

from services.runtime.leadership import lock_key
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually, until

THREADS = 8
INCREMENTS = 40


def test_events_appended_by_eight_threads_are_all_published_in_order_per_aggregate(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.in_process("relay") as running:
        app, sealer = running.application, running.application.sealer

        def append() -> None:
            tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
            for _ in range(INCREMENTS):
                app.increment(tally_id)

        writers = [threading.Thread(target=append) for _ in range(THREADS)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        expected = tally_stack.published_source_events()
        assert len(expected) == THREADS * (INCREMENTS + 1)

        def all_published() -> list[tuple[uuid.UUID, int]]:
            seen = [
                (e.aggregate_id, e.aggregate_version) for _, _, e, _ in tally_stack.topic_messages()
            ]
            assert set(seen) == expected
            return seen

        seen = eventually(all_published, timeout=30)

    versions_by_aggregate: dict[uuid.UUID, list[int]] = defaultdict(list)
    for aggregate_id, version in seen:
        versions_by_aggregate[aggregate_id].append(version)
    for versions in versions_by_aggregate.values():
        first_seen = list(dict.fromkeys(versions))
        assert first_seen == sorted(first_seen) == list(range(1, INCREMENTS + 2))


def test_a_relay_killed_between_produce_and_recording_republishes_and_nothing_applies_twice(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.in_process() as running:
        app, sealer = running.application, running.application.sealer
        tally_ids = [app.open(sealer.seal(uuid.uuid4(), "someone")) for _ in range(5)]
        for tally_id in tally_ids:
            for _ in range(10):
                app.increment(tally_id)

    with tally_stack.process("relay", pause_at="relay-before-record") as relay:
        until(tally_stack.pause_file.exists, timeout=30, what="the relay paused")
        # The broker has acknowledged the batch; the position is not recorded yet.
        assert len(tally_stack.topic_messages()) == 55
        relay.kill()
    assert (
        tally_stack.query("SELECT notification_id FROM relay_position")[0]["notification_id"] == 0
    )

    with tally_stack.process("relay"), tally_stack.process("worker"):
        eventually(lambda: _assert_projection_is_the_fold(tally_stack), timeout=60)

    assert len(tally_stack.topic_messages()) == 110, "the batch was published twice"
    assert set(tally_stack.applied_versions().values()) == {1}


def test_a_second_relay_waits_for_the_lock_and_takes_over_when_the_first_dies(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.process("relay") as first:
        eventually(lambda: _lock_is_held(tally_stack), timeout=30)
        with tally_stack.process("relay") as second, tally_stack.in_process() as running:
            app, sealer = running.application, running.application.sealer
            tally_id = app.open(sealer.seal(uuid.uuid4(), "someone"))
            eventually(lambda: _assert_published_count(tally_stack, 1), timeout=30)
            # Killed before it recorded the position, it would rightly publish the event again.
            eventually(lambda: _assert_position(tally_stack, 1), timeout=30)
            first.kill()
            app.increment(tally_id)
            eventually(lambda: _assert_published_count(tally_stack, 2), timeout=30)
            assert second.process.poll() is None
    assert "is the publisher now" in second.log()


def _lock_is_held(stack: TallyStack) -> bool:
    key = lock_key(f"relay:{stack.topic}")
    rows = stack.query(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
        key & 0xFFFFFFFF,
    )
    assert rows[0]["n"] == 1
    return True


def _assert_position(stack: TallyStack, position: int) -> None:
    rows = stack.query("SELECT notification_id FROM relay_position")
    assert [row["notification_id"] for row in rows] == [position]


def _assert_published_count(stack: TallyStack, count: int) -> None:
    assert len(stack.topic_messages()) == count


def _assert_projection_is_the_fold(stack: TallyStack) -> None:
    assert stack.projected_totals() == stack.folded_totals()
    applied = stack.applied_versions()
    assert set(applied) == stack.published_source_events()
