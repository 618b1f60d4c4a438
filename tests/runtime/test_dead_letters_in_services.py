"""Poison on a real service's topic: the membership service, fed by registration's topic."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from confluent_kafka import Producer

from contracts.topics import topic_of
from tests.membership.conftest import MembershipStack, roster
from tests.membership.conftest import membership_stack as membership_stack  # the fixture
from tests.support.polling import eventually
from tests.support.processes import REPO_ROOT
from tests.support.servers import kafka_bootstrap_servers


def test_poison_on_registration_s_topic_is_a_dead_letter_of_each_membership_processor(
    membership_stack: MembershipStack,
) -> None:
    topic = f"{membership_stack.topic_prefix}{topic_of('registration').name}"
    producer = Producer({"bootstrap.servers": kafka_bootstrap_servers()})
    for partition in range(topic_of("registration").partitions):
        producer.produce(topic, b"not an event", b"someone", partition=partition)
    assert producer.flush(30) == 0

    membership_stack.publish_verified_bodies(2)
    with membership_stack.client() as client:
        eventually(lambda: _assert_members(client, 2), timeout=60)

    def listed() -> list[tuple[str, str, str]]:
        done = subprocess.run(
            [sys.executable, "-m", "services.runtime.cli", "deadletters", "list", "membership"],
            cwd=REPO_ROOT,
            env={**os.environ, **membership_stack.env},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        rows = [line.split("\t") for line in done.stdout.splitlines()]
        found = sorted((row[1], row[2], row[6]) for row in rows)
        assert len(found) == 2 * topic_of("registration").partitions, done.stdout
        return found

    expected = [("policies.membership", "dead", "malformed")] * 3 + [
        ("roster", "dead", "malformed")
    ] * 3
    assert eventually(listed, timeout=30) == expected


def _assert_members(client: httpx.Client, total: int) -> None:
    assert roster(client, status="active")["total"] == total
