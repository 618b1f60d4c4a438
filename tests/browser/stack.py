"""The gateway and the services behind it as processes, the way `make up` runs them.

One stack serves the whole browser run (starting it takes seconds): registration, membership,
the observatory, notifications and the gateway on one fresh topic prefix, each on a fresh
database, and a real SMTP server the notifications service sends to. Every link in an email
starts with `http://localhost:<gateway port>`: the session cookie is Secure, and browsers keep
Secure cookies over plain http for localhost only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from services.runtime.topics import create_topics
from tests.notifications.conftest import SmtpServer
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.processes import RunningService, free_port, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

SERVICES = ("registration", "membership", "observatory", "notifications", "newsletter", "gateway")
"""What a person's way through the pages reaches: the gateway calls the first five."""

CALLED_BY_THE_GATEWAY = ("registration", "membership", "observatory", "notifications", "newsletter")

LIMITS_FOR_ONE_CLIENT = {
    "GATEWAY_SIGN_IN_PER_ADDRESS": "50",
    "GATEWAY_SIGN_IN_PER_CLIENT": "500",
    "GATEWAY_SUBMIT_PER_CLIENT": "500",
    "GATEWAY_SUBMIT_PER_ADDRESS": "500",
}
"""Every browser test comes from 127.0.0.1: the limits of one client would stop the run.

tests/gateway checks the limits themselves.
"""


@dataclass(frozen=True)
class GatewayStack:
    """The running services, the SMTP server, and the address a browser opens."""

    services: dict[str, RunningService]
    smtp: SmtpServer
    public_url: str
    prefix: str = ""
    """The topic prefix the services share (to produce events onto their topics)."""

    def api(self, service: str, headers: dict[str, str] | None = None) -> httpx.Client:
        """A JSON client of one service's API (a token in `headers`, if any)."""
        return httpx.Client(
            base_url=self.services[service].base_url, timeout=30, headers=headers or {}
        )

    def logs(self) -> str:
        """The end of each service's log, for a failure's report."""
        return "\n".join(
            f"--- {name} ---\n{service.log()[-4000:]}" for name, service in self.services.items()
        )


def _ready(service: RunningService) -> None:
    """`/ready` answers 200: the database and the broker reachable, the consumers running."""
    assert service.ready(), f"{service.name} is not ready"


@contextmanager
def gateway_stack(tmp_path: Path) -> Iterator[GatewayStack]:
    """Start the services together, wait until each is ready; stop and drop it all after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    ports = {name: free_port() for name in SERVICES}
    public_url = f"http://localhost:{ports['gateway']}"
    smtp = SmtpServer()
    smtp.start()
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            env: dict[str, Any] = {
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "INNOVNET_PUBLIC_URL": public_url,
                "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
                "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
                "NEWSLETTER_BOUNCE_PORT": "0",  # the browser's pages need no bounce receiver
                **LIMITS_FOR_ONE_CLIENT,
            }
            for name in CALLED_BY_THE_GATEWAY:
                env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
            for name in SERVICES:
                env[f"{name.upper()}_DATABASE_URL"] = running.enter_context(fresh_database(name))
            services = {
                name: running.enter_context(
                    service_process(name, env, tmp_path, wait=False, port=ports[name])
                )
                for name in SERVICES
            }
            for service in services.values():
                eventually(partial(_ready, service), timeout=60, interval=0.2)
            yield GatewayStack(services, smtp, public_url, prefix)
    finally:
        smtp.stop()
        delete_topics(prefix)
