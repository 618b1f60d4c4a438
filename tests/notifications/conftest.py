"""The notifications service on the real stack, with a real SMTP server the test runs."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.runtime.topics import create_topics
from tests.registration.conftest import ADMIN
from tests.support.kafka import delete_topics
from tests.support.processes import RunningService, free_port, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers


@dataclass
class Received:
    """One email as the SMTP server got it."""

    to: list[str]
    message: EmailMessage

    @property
    def template(self) -> str:
        return str(self.message["X-Innovnet-Template"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())  # type: ignore[attr-defined]


@dataclass
class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free port that keeps what it accepts."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    on_data: Callable[[Received], None] | None = None
    """Runs before the server answers: a test can crash the sender right there."""
    answer: str = "250 OK"
    """What the server says to each email; a 5xx refuses it (and keeps nothing)."""
    _controller: Controller | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        parsed = email.message_from_bytes(
            envelope.original_content or b"", policy=email.policy.default
        )
        got = Received(list(envelope.rcpt_tos), parsed)  # type: ignore[arg-type]
        if not self.answer.startswith("2"):
            return self.answer
        with self._lock:
            self.received.append(got)
        if self.on_data is not None:
            self.on_data(got)
        return self.answer

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def emails(self) -> list[Received]:
        with self._lock:
            return list(self.received)


@dataclass
class NotificationsStack:
    """Registration and notifications as processes on one topic prefix, and the SMTP server."""

    smtp: SmtpServer
    registration: RunningService
    registration_database: str
    notifications_database: str
    env: dict[str, str]
    tmp_path: Path
    notifications: RunningService | None = None

    def registration_client(self) -> httpx.Client:
        return httpx.Client(base_url=self.registration.base_url, timeout=30)

    def notifications_client(self) -> httpx.Client:
        assert self.notifications is not None
        return httpx.Client(base_url=self.notifications.base_url, timeout=30, headers=ADMIN)

    def kill_notifications(self) -> None:
        assert self.notifications is not None
        os.kill(self.notifications.process.pid, signal.SIGKILL)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def notifications_stack(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[NotificationsStack]:
    run_id = uuid.uuid4().hex[:10]
    prefix = f"test-{run_id}."
    with (
        fresh_database("registration") as registration_url,
        fresh_database("notifications") as notifications_url,
    ):
        env = {
            "REGISTRATION_DATABASE_URL": registration_url,
            "NOTIFICATIONS_DATABASE_URL": notifications_url,
            "KAFKA_TOPIC_PREFIX": prefix,
            "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
            "NOTIFICATIONS_SMTP_PORT": str(smtp_server.port),
            "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
            "NOTIFICATIONS_RETRY_MAX_SECONDS": "8",
            "NOTIFICATIONS_MAX_ATTEMPTS": "30",
            "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
        }
        create_topics(kafka_bootstrap_servers(), prefix=prefix)
        try:
            with service_process("registration", env, tmp_path) as registration:
                stack = NotificationsStack(
                    smtp_server, registration, registration_url, notifications_url, env, tmp_path
                )
                with service_process("notifications", env, tmp_path) as notifications:
                    stack.notifications = notifications
                    yield stack
        finally:
            delete_topics(prefix)


def restart_notifications(stack: NotificationsStack) -> Any:
    """A context manager that runs a new notifications process on the same database and groups."""
    return service_process("notifications", stack.env, stack.tmp_path)
