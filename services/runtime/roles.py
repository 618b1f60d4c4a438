"""A running service: its application, relay and consumers, in the threads its role asks for."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from services.runtime.application import ServiceApplication
from services.runtime.consumer import ConsumerLoop, Processor
from services.runtime.erasure import publishing_erasures
from services.runtime.eventstore import open_application
from services.runtime.jobs import run_job
from services.runtime.leadership import exclusively
from services.runtime.policy import PolicyProcessor
from services.runtime.projection import Projection
from services.runtime.relay import OutboxRelay
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings

log = logging.getLogger(__name__)

ROLES = ("api", "relay", "worker", "all")

STOP_TIMEOUT_SECONDS = 15.0


@dataclass
class RunningService:
    """The parts of a service one process runs, and the threads that run them."""

    definition: ServiceDefinition
    settings: ServiceSettings
    vault: KeyVault
    application: ServiceApplication
    projections: dict[str, Projection]
    relay: OutboxRelay | None = None
    consumers: list[ConsumerLoop] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def background_alive(self) -> dict[str, bool]:
        """Each background thread by name: still running?"""
        return {thread.name: thread.is_alive() for thread in self.threads}

    def stop(self) -> None:
        """Stop the threads, then close the stores."""
        self.stop_event.set()
        for thread in self.threads:
            thread.join(STOP_TIMEOUT_SECONDS)
        for projection in self.projections.values():
            projection.close()
        self.application.close()
        self.vault.close()


def start_service(
    definition: ServiceDefinition, settings: ServiceSettings, role: str
) -> RunningService:
    """Open the service's stores and start the relay and consumers its `role` includes."""
    vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
    vault.create_table()
    sealer = Sealer(vault)
    # Tables are created at start: processes of one service starting together take turns.
    with exclusively(settings.database_url, "schema"):
        application = open_application(definition.application_class, settings)
        application.sealer = sealer
        application.on_start(settings)
        projections = {p.name: p(settings.database_url) for p in definition.projections}
    for projection in projections.values():
        projection.sealer = sealer
        projection.application = application
    running = RunningService(definition, settings, vault, application, projections)
    if role in ("relay", "all") and definition.to_contract is not None:
        running.relay = definition.relay_class(
            application,
            settings.database_url,
            definition.published_topic(settings.topic_prefix),
            publishing_erasures(definition.to_contract, definition.erased_event),
            settings.kafka_bootstrap_servers,
        )
        _start(running, "relay", running.relay.run)
    if role in ("worker", "all"):
        processors: list[Processor] = [*projections.values()]
        if definition.reacts_to:
            processors.append(PolicyProcessor(application, definition.reacts_to))
        for processor in processors:
            group = f"{settings.consumer_group_prefix}{definition.name}.{processor.name}"
            loop = ConsumerLoop(
                processor, settings.kafka_bootstrap_servers, group, settings.topic_prefix
            )
            running.consumers.append(loop)
            _start(running, f"consumer:{processor.name}", loop.run)
        for job in definition.jobs:
            _start(
                running, f"job:{job.name}", partial(run_job, job, running, settings.database_url)
            )
    return running


def _start(running: RunningService, name: str, target: Callable[[threading.Event], None]) -> None:
    def guarded() -> None:
        try:
            target(running.stop_event)
        except Exception:
            log.exception("%s stopped on an error", name)
            raise

    thread = threading.Thread(target=guarded, name=name, daemon=True)
    thread.start()
    running.threads.append(thread)
