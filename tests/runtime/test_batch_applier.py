"""The batch applier's decisions, on a fake processor: what is retried, skipped or dead."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from services.runtime.batches import BatchApplier, PositionsMoved, Stopped
from services.runtime.deliveries import (
    AlreadyTracked,
    Delivery,
    EventTypes,
    RawMessage,
    event_types_of,
)
from services.runtime.supervision import Health
from tests.runtime import tally


class FakeProcessor:
    """Fails as told; records what it applied and what it dead-lettered."""

    name = "fake"

    def __init__(self, fail: dict[int, list[BaseException]]) -> None:
        self.fail = fail
        """Offset → errors raised by its next calls that include it (one error a call)."""
        self.applied: list[int] = []
        self.dead: list[tuple[int, str]] = []

    @property
    def topics(self) -> Sequence[str]:
        return (tally.tally_topic().name,)

    @property
    def event_types(self) -> EventTypes:
        return event_types_of(self.topics, also=(tally.tally_topic(),))

    def stored_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        return {}

    def process(self, batch: Sequence[Delivery]) -> None:
        for delivery in batch:
            errors = self.fail.get(delivery.offset)
            if errors:
                raise errors.pop(0)
        self.applied.extend(d.offset for d in batch)

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        self.dead.append((raw.offset, reason))

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        return {}


def messages(count: int) -> list[RawMessage]:
    tally_id = uuid.uuid4()
    increments = [tally.TallyIncremented(tally_id=tally_id, by=1)] * count
    return tally.consumed(tally.tally_topic().name, tally_id, increments)


def applier(
    processor: FakeProcessor, stop: threading.Event | None = None, health: Health | None = None
) -> BatchApplier:
    return BatchApplier(
        processor, stop or threading.Event(), attempts=3, retry_wait=0.001, health=health
    )


def test_only_the_message_that_fails_on_its_own_is_dead_and_the_rest_are_applied() -> None:
    processor = FakeProcessor({2: [ValueError("bug")] * 4})
    applier(processor).apply(messages(5))
    assert processor.dead == [(2, "failed")]
    assert sorted(set(processor.applied)) == [0, 1, 3, 4]


def test_a_message_that_fails_only_inside_its_batch_is_applied_alone() -> None:
    processor = FakeProcessor({2: [ValueError("only once")]})
    applier(processor).apply(messages(5))
    assert processor.dead == []
    assert processor.applied == [0, 1, 2, 3, 4]


def test_a_database_away_is_waited_out_never_dead_lettered_and_shows_in_the_health() -> None:
    processor = FakeProcessor({1: [psycopg.OperationalError("away")] * 10})
    health = Health()
    applier(processor, health=health).apply(messages(3))
    assert processor.dead == []
    assert processor.applied == [0, 1, 2]
    failing = health.failing(running=True)
    assert failing is not None
    assert failing[1] == "OperationalError"


def test_a_data_error_is_the_messages_failure_not_a_database_away() -> None:
    processor = FakeProcessor({1: [psycopg.DataError("bad value")] * 4})
    applier(processor).apply(messages(3))
    assert processor.dead == [(1, "failed")]
    assert processor.applied == [0, 2]


def test_a_message_that_does_not_parse_is_dead_at_once_in_its_place() -> None:
    raws = messages(3)
    raws[1] = RawMessage(raws[1].topic, 0, 1, raws[1].key, raws[1].headers, b"{not json")
    processor = FakeProcessor({})
    applier(processor).apply(raws)
    assert processor.dead == [(1, "malformed")]
    assert processor.applied == [0, 2]


def test_a_switched_generation_while_retrying_alone_is_raised_not_skipped() -> None:
    processor = FakeProcessor({1: [ValueError("bug"), PositionsMoved("switched")]})
    with pytest.raises(PositionsMoved):
        applier(processor).apply(messages(3))
    assert processor.dead == []


def test_an_offset_applied_already_is_skipped_when_retrying_alone() -> None:
    processor = FakeProcessor({0: [ValueError("bug"), AlreadyTracked("tracked")]})
    applier(processor).apply(messages(2))
    assert processor.dead == []
    assert processor.applied == [1]


def test_a_batch_applied_already_is_raised_for_the_loop_to_rewind() -> None:
    processor = FakeProcessor({0: [AlreadyTracked("tracked")]})
    with pytest.raises(AlreadyTracked):
        applier(processor).apply(messages(2))
    assert processor.dead == []


def test_an_integrity_error_of_the_processors_own_tables_is_a_dead_letter_not_a_skip() -> None:
    # A unique or NOT NULL violation in a projection's apply, or a policy's reaction racing a
    # command on the same aggregate: eventsourcing raises IntegrityError for all of them.
    processor = FakeProcessor({1: [IntegrityError("duplicate key")] * 4})
    applier(processor).apply(messages(3))
    assert processor.dead == [(1, "failed")]
    assert processor.applied == [0, 2]


def test_a_stop_while_retrying_never_dead_letters() -> None:
    stop = threading.Event()
    stop.set()
    processor = FakeProcessor({0: [ValueError("bug")] * 4})
    with pytest.raises(Stopped):
        applier(processor, stop).apply(messages(2))
    assert processor.dead == []
