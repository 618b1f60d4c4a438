"""Every service as a process on one topic prefix, a real SMTP server, and a little real data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from services.runtime.catalog import SERVICE_PORTS
from tests.fuzz.seed import Seeded, seed
from tests.notifications.conftest import SmtpServer
from tests.support.polling import eventually
from tests.support.stacks import service_stack


@dataclass(frozen=True)
class FuzzStack:
    """The base URL of each running service, and the seeded data."""

    urls: dict[str, str]
    seeded: Seeded


API_SERVICES = [name for name in SERVICE_PORTS if name != "gateway"]
"""The services with an OpenAPI document; the gateway's pages have their own hostile-input test."""


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzStack]:
    logs = tmp_path_factory.mktemp("fuzz")
    smtp = SmtpServer()
    smtp.start()
    env = {
        "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
        "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.5",
    }
    try:
        with service_stack(logs, env, API_SERVICES) as stack:
            urls = {name: service.base_url for name, service in stack.services.items()}
            for url in urls.values():
                eventually(lambda url=url: ready(url), timeout=60)
            seeded = seed(
                urls["registration"],
                urls["membership"],
                urls["notifications"],
                urls["observatory"],
            )
            yield FuzzStack(urls, seeded)
    finally:
        smtp.stop()


def ready(url: str) -> None:
    response = httpx.get(f"{url}/ready", timeout=5)
    assert response.status_code == 200, response.text
