"""Several services as processes on one topic prefix, each with a fresh database of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

THREE_SERVICES = ("registration", "membership", "notifications")
"""The services of a body's journey: registration feeds membership, both feed notifications."""


@dataclass(frozen=True)
class ServiceStack:
    """The running services by name, and the topic prefix they share."""

    services: dict[str, RunningService]
    prefix: str


@contextmanager
def service_stack(
    tmp_path: Path, env: dict[str, str], names: Sequence[str] = THREE_SERVICES
) -> Iterator[ServiceStack]:
    """Start `names` (each answering `/health`) with `env` added; stop them, drop it all after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            full_env = {
                **env,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
            }
            for name in names:
                url = running.enter_context(fresh_database(name))
                full_env[f"{name.upper()}_DATABASE_URL"] = url
            services = {
                name: running.enter_context(service_process(name, full_env, tmp_path))
                for name in names
            }
            yield ServiceStack(services, prefix)
    finally:
        delete_topics(prefix)
