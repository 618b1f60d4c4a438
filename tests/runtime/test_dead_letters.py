"""Poison on a topic never blocks a consumer: dead letters, held keys, replay and discard.

Poison is written with a plain confluent-kafka producer onto the topic the tally service's
projection and policies consume, on the partition of a real tally, so the tally's next event
is held behind it; an unrelated tally's events keep flowing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from confluent_kafka import Producer
from prometheus_client import REGISTRY

from contracts.envelope import to_kafka_message
from services.runtime import deadletters
from services.runtime.dead_letter_commands import discard, letters_of, replay
from services.runtime.deliveries import parse_delivery
from services.runtime.rebuild import rebuild_projection
from services.runtime.running import RunningService
from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually, until
from tests.support.processes import REPO_ROOT
from tests.support.servers import kafka_bootstrap_servers

POLICIES = "policies.tally"
PROJECTION = "tally_totals"
CLI_TARGET = "tests.runtime.tally:definition"


def open_tally(running: RunningService) -> UUID:
    return running.application.open(running.application.sealer.seal(uuid.uuid4(), "someone"))


def partition_of(stack: TallyStack, tally_id: UUID) -> int:
    """The partition the relay put the tally's events on (waiting until it has)."""

    def found() -> int:
        partitions = {
            p for p, _, event, _ in stack.topic_messages() if event.aggregate_id == tally_id
        }
        assert len(partitions) == 1, partitions
        return partitions.pop()

    return eventually(found, timeout=30)


def produce(stack: TallyStack, partition: int, key: UUID, headers: list[Any], value: bytes) -> None:
    """Write one message as any client could: no innovnet code on the way."""
    producer = Producer({"bootstrap.servers": kafka_bootstrap_servers()})
    producer.produce(stack.topic, value, str(key).encode(), partition=partition, headers=headers)
    assert producer.flush(30) == 0


def increment_headers(tally_id: UUID, version: int, ce_type: str = "") -> list[tuple[str, bytes]]:
    """Valid CloudEvents headers of an increment (of another type if `ce_type` is given)."""
    message = to_kafka_message(
        tally.TallyIncremented(tally_id=tally_id, by=1),
        aggregate_id=tally_id,
        aggregate_version=version,
        time=datetime.now(UTC),
        correlation_id=uuid.uuid4(),
        causation_id=uuid.uuid4(),
    )
    if not ce_type:
        return message.headers
    return [(n, ce_type.encode() if n == "ce_type" else v) for n, v in message.headers]


def letters(stack: TallyStack, processor: str) -> list[dict[str, Any]]:
    """The processor's dead letters in offset order."""
    table = (
        f"{stack.projection_schema()}.dead_letters" if processor == PROJECTION else "dead_letters"
    )
    return stack.query(
        f'SELECT id, reason, state, hold_key, partition, "offset", error, held_behind FROM {table}'
        ' WHERE processor = %s ORDER BY partition, "offset"',
        processor,
    )


def dead_letter_count(processor: str, reason: str) -> float:
    labels = {"processor": processor, "reason": reason}
    return REGISTRY.get_sample_value("innovnet_dead_letters_total", labels) or 0.0


def open_gauge(processor: str, state: str) -> float:
    labels = {"processor": processor, "state": state}
    return REGISTRY.get_sample_value("innovnet_dead_letters_open", labels) or 0.0


def innovnet(*args: str) -> str:
    """Run the operators' command line as a person would, with the fix (no poison) in place."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALLY_POISON")}
    done = subprocess.run(
        [sys.executable, "-m", "services.runtime.cli", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout


POISON = {
    # case: (headers of the poison given the tally and a version, its value, reason)
    "not JSON": (lambda t: increment_headers(t, 50), lambda t: b"{not json", "malformed"),
    "no CloudEvents headers": (lambda t: [], lambda t: b"{}", "malformed"),
    "data failing the schema": (
        lambda t: increment_headers(t, 50),
        lambda t: json.dumps({"tally_id": str(t), "by": "many"}).encode(),
        "invalid_data",
    ),
    "an unknown type": (
        lambda t: increment_headers(t, 50, "gr.innovnet.tally.Mystery.v1"),
        lambda t: json.dumps({"tally_id": str(t)}).encode(),
        "unknown_type",
    ),
}


@pytest.mark.parametrize("case", sorted(POISON))
def test_a_poison_message_is_a_dead_letter_its_key_is_held_and_the_partition_moves_on(
    tally_stack: TallyStack, case: str
) -> None:
    headers_of, value_of, reason = POISON[case]
    before = {p: dead_letter_count(p, reason) for p in (PROJECTION, POLICIES)}
    with tally_stack.in_process("all") as running:
        poisoned = open_tally(running)
        partition = partition_of(tally_stack, poisoned)
        produce(tally_stack, partition, poisoned, headers_of(poisoned), value_of(poisoned))
        running.application.increment(poisoned, by=5)  # after the poison: held behind it
        other = open_tally(running)
        running.application.increment(other, by=2)

        eventually(lambda: _assert_totals(tally_stack, {poisoned: 0, other: 2}), timeout=30)
        for processor in (PROJECTION, POLICIES):
            found = eventually(lambda p=processor: _assert_dead_then_held(tally_stack, p))
            assert found[0]["reason"] == reason
            assert found[0]["hold_key"] == str(poisoned)
            assert dead_letter_count(processor, reason) == before[processor] + 1

        # Still poison on replay: it stays dead with the new error, the increment stays held.
        assert "failed" in innovnet("deadletters", "replay", CLI_TARGET)
        assert [r["state"] for r in letters(tally_stack, PROJECTION)] == ["dead", "held"]

        # Discarded, it lets the held increment through at the next replay, once.
        for processor in (PROJECTION, POLICIES):
            dead_id = letters(tally_stack, processor)[0]["id"]
            innovnet("deadletters", "discard", CLI_TARGET, str(dead_id), "--processor", processor)
        innovnet("deadletters", "replay", CLI_TARGET)
        innovnet("deadletters", "replay", CLI_TARGET)
        for processor in (PROJECTION, POLICIES):
            assert [r["state"] for r in letters(tally_stack, processor)] == [
                "discarded",
                "replayed",
            ]
        assert tally_stack.projected_totals()[poisoned] == 5
        assert tally_stack.applied_versions()[(poisoned, 2)] == 1

        # The key is free again: the tally's next event is applied as it comes.
        running.application.increment(poisoned, by=1)
        eventually(lambda: _assert_totals(tally_stack, {poisoned: 6, other: 2}), timeout=30)


def test_a_message_a_processor_raises_on_is_dead_and_replay_after_the_fix_applies_it_once(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALLY_POISON_BY", "666")
    before = {p: dead_letter_count(p, "failed") for p in (PROJECTION, POLICIES)}
    with tally_stack.in_process("all") as running:
        poisoned, other = open_tally(running), open_tally(running)
        running.application.increment(poisoned, by=666)  # the processors raise on this one
        running.application.increment(poisoned, by=1)  # held behind it
        for _ in range(3):
            running.application.increment(other, by=2)

        eventually(lambda: _assert_totals(tally_stack, {poisoned: 0, other: 6}), timeout=60)
        for processor in (PROJECTION, POLICIES):
            found = eventually(lambda p=processor: _assert_dead_then_held(tally_stack, p))
            assert found[0]["reason"] == "failed"
            assert "tally refuses an increment by 666" in found[0]["error"]
            assert found[1]["held_behind"] == found[0]["id"]
            assert dead_letter_count(processor, "failed") == before[processor] + 1
        held = dead_letter_count(PROJECTION, "held")
        until(lambda: open_gauge(PROJECTION, "dead") == 1, timeout=30, what="the open-letter gauge")

        # A later event of the held tally, arriving while it is held, is held too.
        running.application.increment(poisoned, by=100)
        until(lambda: dead_letter_count(PROJECTION, "held") == held + 1, what="held on arrival")
        for processor in (PROJECTION, POLICIES):
            until(
                lambda p=processor: (
                    [r["state"] for r in letters(tally_stack, p)] == ["dead", "held", "held"]
                ),
                what=f"{processor} holds the later increment",
            )

        listed = [
            line.split("\t") for line in innovnet("deadletters", "list", CLI_TARGET).splitlines()
        ]
        assert sorted((row[1], row[2]) for row in listed) == sorted(
            [(p, "dead") for p in (PROJECTION, POLICIES)]
            + [(p, "held") for p in (PROJECTION, POLICIES)] * 2
        )

        # The fix is deployed (the command runs without the poison): replay applies each once.
        first = innovnet("deadletters", "replay", CLI_TARGET)
        assert first.count("\treplayed") == 6, first
        second = innovnet("deadletters", "replay", CLI_TARGET)
        assert "replayed" not in second, second
        assert tally_stack.projected_totals()[poisoned] == 767
        versions = tally_stack.applied_versions()
        assert [versions[(poisoned, v)] for v in (2, 3, 4)] == [1, 1, 1]
        for processor in (PROJECTION, POLICIES):
            assert {r["state"] for r in letters(tally_stack, processor)} == {"replayed"}
        until(lambda: open_gauge(PROJECTION, "dead") == 0, timeout=30, what="the gauge at 0")

        # The live projection sees the key free and applies the tally's next event itself.
        monkeypatch.delenv("TALLY_POISON_BY")
        running.application.increment(poisoned, by=1)
        eventually(lambda: _assert_totals(tally_stack, {poisoned: 768, other: 6}), timeout=30)


def test_a_reaction_replayed_from_a_dead_letter_stores_its_events_once(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def receipts() -> list[object]:
        return [e for e in tally_stack.source_events() if "Receipt" in e[2]]

    monkeypatch.setenv("TALLY_POISON_OPENED", "1")
    with tally_stack.in_process("all") as running:
        poisoned = open_tally(running)
        running.application.increment(poisoned, by=1)
        eventually(lambda: _assert_dead_then_held(tally_stack, POLICIES), timeout=60)
        assert receipts() == []

        first = innovnet("deadletters", "replay", CLI_TARGET, "--processor", "policies")
        assert first.count("\treplayed") == 2, first
        innovnet("deadletters", "replay", CLI_TARGET, "--processor", "policies")
        assert len(receipts()) == 1
        assert {r["state"] for r in letters(tally_stack, POLICIES)} == {"replayed"}


def test_nul_bytes_in_the_key_headers_and_value_are_kept_in_the_dead_letter(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.in_process("all") as running:
        other = open_tally(running)
        partition = partition_of(tally_stack, other)
        headers = [("ce_type", b"gr.innovnet.\x00"), ("ce_\x00", b"\x00")]
        producer = Producer({"bootstrap.servers": kafka_bootstrap_servers()})
        producer.produce(
            tally_stack.topic, b"\x00", b"k\x00y", partition=partition, headers=headers
        )
        assert producer.flush(30) == 0
        running.application.increment(other, by=3)

        eventually(lambda: _assert_totals(tally_stack, {other: 3}), timeout=30)
        (letter,) = eventually(lambda: _one_letter(tally_stack))
        assert (letter["hold_key"], letter["reason"]) == ("k\\x00y", "malformed")
        assert bytes(letter["value"]) == b"\x00"


def _one_letter(stack: TallyStack) -> list[dict[str, Any]]:
    found = stack.query(
        f"SELECT hold_key, reason, value FROM {stack.projection_schema()}.dead_letters"
    )
    assert len(found) == 1, found
    return found


def test_a_rebuild_meets_the_same_poison_and_holds_the_same_keys(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALLY_POISON_BY", "666")
    with tally_stack.in_process("all") as running:
        poisoned, other = open_tally(running), open_tally(running)
        running.application.increment(poisoned, by=666)
        running.application.increment(poisoned, by=1)
        partition = partition_of(tally_stack, other)
        produce(tally_stack, partition, uuid.uuid4(), [], b"not an event")
        running.application.increment(other, by=2)
        eventually(lambda: _assert_totals(tally_stack, {poisoned: 0, other: 2}), timeout=60)
        live = eventually(lambda: _assert_dead_then_held(tally_stack, PROJECTION, dead=2))
        live_totals = tally_stack.projected_totals()

        rebuild_projection(tally.definition(), tally.TallyTotals, tally_stack.settings())

        assert tally_stack.projection_schema() == f"{PROJECTION}_g2"
        assert tally_stack.projected_totals() == live_totals
        rebuilt = letters(tally_stack, PROJECTION)
        assert sorted(
            (r["partition"], r["offset"], r["state"], r["reason"]) for r in rebuilt
        ) == sorted((r["partition"], r["offset"], r["state"], r["reason"]) for r in live)


def _assert_totals(stack: TallyStack, expected: dict[UUID, int]) -> None:
    totals = stack.projected_totals()
    assert {t: totals.get(t) for t in expected} == expected


def _assert_dead_then_held(
    stack: TallyStack, processor: str, dead: int = 1
) -> list[dict[str, Any]]:
    found = letters(stack, processor)
    states = sorted(r["state"] for r in found)
    assert states == sorted(["dead"] * dead + ["held"]), found
    return sorted(found, key=lambda r: (r["state"] != "dead", r["offset"]))


def test_a_message_to_hold_behind_a_letter_settled_meanwhile_is_reacted_to_not_kept(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The policies read which keys are held once a batch, outside the transactions that then
    # hold or react: a replay may settle the head in between.
    tally_id = uuid.uuid4()
    raws = tally.consumed(
        tally_stack.topic, tally_id, [tally.TallyIncremented(tally_id=tally_id, by=1)] * 2
    )
    with tally_stack.in_process("api") as running:
        policies = tally.definition().policy_processor(running.application)
        assert policies is not None
        policies.dead_letter(raws[0], "failed", "boom")
        (head,) = letters_of(policies)
        discard(policies, [head.id])
        stale = deadletters.held
        monkeypatch.setattr(deadletters, "held", lambda *args: list(args[3]))
        try:
            policies.process([parse_delivery(raws[1], policies.event_types)])
        finally:
            monkeypatch.setattr(deadletters, "held", stale)

        assert [(r["offset"], r["state"]) for r in letters(tally_stack, POLICIES)] == [
            (0, "discarded")
        ]
        key = (tally_stack.topic, 0)
        assert policies.stored_offsets([key]) == {key: 1}, "reacted to, with its tracking"
        with policies.dead_letter_cursor() as (curs, table), pytest.raises(deadletters.NotHeld):
            deadletters.record(curs, table, policies.name, raws[1], deadletters.HELD, "held")


def test_a_replay_that_fails_again_with_nul_in_its_error_keeps_the_error(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    tally_id = uuid.uuid4()
    raws = tally.consumed(
        tally_stack.topic, tally_id, [tally.TallyIncremented(tally_id=tally_id, by=1)]
    )
    with tally_stack.in_process("api") as running:
        policies = tally.definition().policy_processor(running.application)
        assert policies is not None
        policies.dead_letter(raws[0], "failed", "boom")

        def fails_with_nul(*_: object) -> None:
            raise ValueError("bad\x00byte")

        monkeypatch.setattr(policies, "replay", fails_with_nul)
        (outcome,) = replay(policies)
        assert outcome.result == "failed: ValueError: bad\\x00byte"
        (letter,) = letters(tally_stack, POLICIES)
        assert (letter["state"], letter["error"]) == ("dead", "ValueError: bad\\x00byte")
