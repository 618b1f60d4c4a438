"""Every service as a process on one topic prefix, a real SMTP server, and a little real data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from services.runtime.catalog import SERVICE_PORTS
from services.runtime.topics import create_topics
from tests.fuzz.seed import Seeded, seed
from tests.notifications.conftest import SmtpServer
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers


@dataclass(frozen=True)
class FuzzStack:
    """The base URL of each running service, and the seeded data."""

    urls: dict[str, str]
    seeded: Seeded


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzStack]:
    logs = tmp_path_factory.mktemp("fuzz")
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    smtp = SmtpServer()
    smtp.start()
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            env = {
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.5",
            }
            for name in SERVICE_PORTS:
                env[f"{name.upper()}_DATABASE_URL"] = running.enter_context(fresh_database(name))
            urls = {
                name: running.enter_context(service_process(name, env, logs)).base_url
                for name in SERVICE_PORTS
            }
            for url in urls.values():
                eventually(lambda url=url: ready(url), timeout=60)
            seeded = seed(urls["registration"], urls["membership"], urls["notifications"])
            yield FuzzStack(urls, seeded)
    finally:
        delete_topics(prefix)
        smtp.stop()


def ready(url: str) -> None:
    response = httpx.get(f"{url}/ready", timeout=5)
    assert response.status_code == 200, response.text
