"""A consumer that the group leaves without partitions gives up, so a fresh member rejoins."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from services.runtime import consumer
from services.runtime.consumer import ConsumerLoop, RejoinStalled


def a_loop() -> ConsumerLoop:
    processor: Any = SimpleNamespace(name="rejoin_test", topics=["test.rejoin"])
    # No call reaches a broker: the loop is built, never run.
    return ConsumerLoop(processor, "127.0.0.1:9", "rejoin-test")


def test_a_member_without_an_assignment_for_too_long_gives_up() -> None:
    loop = a_loop()
    loop._unassigned_since = time.monotonic() - consumer.REJOIN_GIVE_UP_SECONDS - 1
    with pytest.raises(RejoinStalled, match="rejoin_test has had no assignment"):
        loop._check_assignment_arrives()


def test_a_member_with_an_assignment_or_a_recent_revoke_waits() -> None:
    loop = a_loop()
    loop._unassigned_since = None
    loop._check_assignment_arrives()
    loop._unassigned_since = time.monotonic() - 1
    loop._check_assignment_arrives()
