"""PostgreSQL restarted, or the broker restarted, while forms stream in: nothing is lost.

Every form answered 201 ends up on the topic and in the innovation unit's list; every thread
of the service comes back by itself; `/ready` is 503 during the outage and 200 after. These
tests restart the stack's private servers, so they skip when the servers are external.
"""

from __future__ import annotations

import os
import random
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from confluent_kafka import KafkaException
from psycopg.conninfo import conninfo_to_dict
from stdnum.gr import vat

from contracts.registration import RegistrationSubmitted
from contracts.topics import topic_of
from services.runtime.settings import server_url
from services.runtime.topics import create_topics
from tests.registration.conftest import ADMIN, form, registration_env
from tests.support.kafka import delete_topics, read_topic
from tests.support.polling import eventually, until
from tests.support.processes import REPO_ROOT, RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers
from tests.support.tokens import applicant_for


def servers_are_the_private_ones() -> bool:
    """The servers are those `deploy/` runs (so they may be restarted), not external ones."""
    postgres = conninfo_to_dict(server_url())
    kafka_port = os.environ.get("KAFKA_PORT", "9092")
    return (
        postgres.get("host") in ("127.0.0.1", "localhost")
        and str(postgres.get("port")) == os.environ.get("PGPORT_LOCAL", "5433")
        and kafka_bootstrap_servers() in (f"localhost:{kafka_port}", f"127.0.0.1:{kafka_port}")
    )


pytestmark = [
    pytest.mark.skipif(
        not servers_are_the_private_ones(),
        reason="restarts only the stack's private PostgreSQL and broker, never external servers",
    ),
    pytest.mark.serial,  # every other test's servers go down too: run alone
]

FORMS_AFTER_RECOVERY = 5


def server(script: str, command: str) -> None:
    """Run `deploy/<script> <command>` (stop or start of a private server).

    Both are idempotent, so a start that met a concurrent one (another test of the same
    machine starting the server) is simply run again.
    """
    outputs = []
    for _ in range(2 if command == "start" else 1):
        done = subprocess.run(
            ["bash", str(REPO_ROOT / "deploy" / script), command],
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
        outputs.append(done.stdout + done.stderr)
        if done.returncode == 0:
            return
    raise AssertionError(f"{script} {command} failed:\n" + "\n".join(outputs))


def unique_tax_id() -> str:
    """A random Greek tax number with a valid check digit."""
    digits = f"{random.randrange(10_000_000, 99_999_999):08d}"
    return digits + vat.calc_check_digit(digits)


@dataclass
class FormStream:
    """Sends forms one after another from a thread, keeping the ids of those answered 201."""

    base_url: str
    accepted: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    _going: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._going.set()
        self._thread = threading.Thread(target=self._send, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._going.clear()
        if self._thread is not None:
            self._thread.join(60)

    def _send(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while self._going.is_set():
                try:
                    filled = form(tax_id=unique_tax_id())
                    response = client.post(
                        "/registrations", json=filled, headers=applicant_for(filled)
                    )
                except httpx.HTTPError as error:
                    self.answers[type(error).__name__] += 1
                    continue
                self.answers[str(response.status_code)] += 1
                if response.status_code == 201:
                    self.accepted.append(response.json()["id"])


@dataclass
class Stack:
    service: RunningService
    topic: str

    def ready(self) -> httpx.Response:
        return httpx.get(f"{self.service.base_url}/ready", timeout=10)

    def published_submissions(self) -> set[str]:
        messages = read_topic(self.topic, topic_of("registration").partitions)
        return {
            str(event.aggregate_id)
            for _, _, event, _ in messages
            if event.type == RegistrationSubmitted.ce_type()
        }

    def listed(self) -> set[str]:
        found: set[str] = set()
        page = 1
        with httpx.Client(base_url=self.service.base_url, timeout=10, headers=ADMIN) as client:
            while True:
                answer = client.get("/registrations", params={"page": page, "page_size": 200})
                answer.raise_for_status()
                items = answer.json()["items"]
                found |= {item["id"] for item in items}
                if len(items) < 200:
                    return found
                page += 1


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    run_id = uuid.uuid4().hex[:10]
    with fresh_database("registration") as url:
        env = registration_env(url, run_id)
        prefix = env["KAFKA_TOPIC_PREFIX"]
        create_topics(kafka_bootstrap_servers(), prefix=prefix)
        try:
            with service_process("registration", env, tmp_path) as service:
                yield Stack(service, f"{prefix}{topic_of('registration').name}")
        finally:
            delete_topics(prefix)


def through_an_outage(
    stack: Stack, stop: Callable[[], None], start: Callable[[], None], check: str
) -> FormStream:
    """Stream forms, stop a server until `/ready` says so naming `check`, start it again."""
    eventually(lambda: stack.ready().raise_for_status(), timeout=60)
    stream = FormStream(stack.service.base_url)
    stream.start()
    try:
        until(lambda: len(stream.accepted) >= FORMS_AFTER_RECOVERY, timeout=60, what="forms")
        stop()
        try:

            def reports_outage() -> None:
                response = stack.ready()
                assert response.status_code == 503
                assert response.json()["checks"][check].startswith(("unreachable since", "no "))

            eventually(reports_outage, timeout=60)
        finally:
            start()
        accepted_before = len(stream.accepted)
        until(
            lambda: len(stream.accepted) >= accepted_before + FORMS_AFTER_RECOVERY,
            timeout=120,
            what="forms accepted after the restart",
        )
    finally:
        stream.stop()

    def every_part_back() -> None:
        response = stack.ready()
        assert response.status_code == 200, response.text

    eventually(every_part_back, timeout=120)
    return stream


def assert_nothing_lost(stack: Stack, stream: FormStream) -> None:
    accepted = set(stream.accepted)
    assert len(accepted) == len(stream.accepted)

    def all_published() -> None:
        try:
            published = stack.published_submissions()
        except KafkaException as error:  # a restarted broker still electing a partition's leader
            raise AssertionError(f"the topic cannot be read yet: {error}") from error
        missing = accepted - published
        assert not missing, f"{len(missing)} accepted forms not on the topic"

    def all_listed() -> None:
        missing = accepted - stack.listed()
        assert not missing, f"{len(missing)} accepted forms not in the list"

    eventually(all_published, timeout=120, interval=1)
    eventually(all_listed, timeout=120, interval=1)
    print(f"answers while the server restarted: {dict(stream.answers)}")


def test_postgres_restarted_while_forms_stream_in_loses_nothing(stack: Stack) -> None:
    stream = through_an_outage(
        stack,
        lambda: server("postgres/postgres.sh", "stop"),
        lambda: server("postgres/postgres.sh", "start"),
        "postgres",
    )
    assert_nothing_lost(stack, stream)
    assert stack.service.process.poll() is None


def test_the_broker_restarted_while_forms_stream_in_loses_nothing(stack: Stack) -> None:
    stream = through_an_outage(
        stack,
        lambda: server("kafka/kafka.sh", "stop"),
        lambda: server("kafka/kafka.sh", "start"),
        "kafka",
    )
    assert_nothing_lost(stack, stream)
    assert stack.service.process.poll() is None
