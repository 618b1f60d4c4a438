"""A running service: its application, relay, consumers, jobs and own parts, supervised in the
threads its role asks for, and the checker that tells readiness and lag."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import partial

from services.runtime.application import ServiceApplication
from services.runtime.batches import Processor
from services.runtime.consumer import ConsumerLoop
from services.runtime.erasure import publishing_erasures
from services.runtime.jobs import run_job
from services.runtime.projection import Projection
from services.runtime.readiness import ConsumedTopics, ReadinessChecker
from services.runtime.relay import OutboxRelay
from services.runtime.sealing import KeyVault
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from services.runtime.startup import Stores, open_stores
from services.runtime.supervision import Health, Supervisor

log = logging.getLogger(__name__)

PROCESS_ROLES = ("api", "relay", "worker", "all")
"""What one process of a service runs (`--role`): its HTTP API, its relay, its workers, or all."""

STOP_TIMEOUT_SECONDS = 15.0


@dataclass
class RunningService:
    """The parts of a service one process runs, the threads that run them, and its checker."""

    definition: ServiceDefinition
    settings: ServiceSettings
    stores: Stores
    supervisor: Supervisor
    readiness: ReadinessChecker
    relay: OutboxRelay | None

    @property
    def application(self) -> ServiceApplication:
        return self.stores.application

    @property
    def projections(self) -> dict[str, Projection]:
        return self.stores.projections

    @property
    def vault(self) -> KeyVault:
        return self.stores.vault

    def stop(self) -> None:
        """Stop the parts and the checker, then close the stores."""
        self.supervisor.stop_event.set()
        self.supervisor.join(STOP_TIMEOUT_SECONDS)
        self.readiness.join(STOP_TIMEOUT_SECONDS)
        self.stores.close()


def start_service(
    definition: ServiceDefinition, settings: ServiceSettings, role: str
) -> RunningService:
    """Open the service's stores and start the relay, consumers and jobs its `role` includes."""
    stores = open_stores(definition, settings)  # waits, saying why, while a database fails
    supervisor = Supervisor(definition.name, threading.Event())
    relay = None
    if role in ("relay", "all") and definition.to_contract is not None:
        relay = definition.relay_class(
            stores.application,
            settings.database_url,
            definition.published_topic(settings.topic_prefix),
            publishing_erasures(definition.to_contract, definition.erased_event),
            settings.kafka_bootstrap_servers,
        )
        supervisor.start("relay", relay.run, relay.health)
    consumed: list[ConsumedTopics] = []
    if role in ("worker", "all"):
        processors: list[Processor] = [*stores.projections.values()]
        policies = definition.policy_processor(stores.application)
        if policies is not None:
            processors.append(policies)
        for processor in processors:
            consumed.append(
                ConsumedTopics(processor, [f"{settings.topic_prefix}{t}" for t in processor.topics])
            )
            health = Health()
            supervisor.start(
                f"consumer:{processor.name}",
                partial(_consume, definition.name, settings, processor, health),
                health,
            )
        for job in definition.jobs:
            supervisor.start(
                f"job:{job.name}", partial(run_job, job, stores, settings.database_url)
            )
        for part in definition.parts:
            supervisor.start(part.name, partial(part.run, stores))
    readiness = readiness_checker(definition, settings, stores, supervisor, consumed)
    readiness.start(supervisor.stop_event)
    return RunningService(definition, settings, stores, supervisor, readiness, relay)


def readiness_checker(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    stores: Stores,
    supervisor: Supervisor,
    consumed: list[ConsumedTopics],
) -> ReadinessChecker:
    """The checker of the running parts, the stores and the broker, with the service's lag."""
    topic = definition.probed_topic(settings.topic_prefix)
    events_table = stores.application.recorder.events_table_name  # type: ignore[attr-defined]
    return ReadinessChecker(
        definition.name,
        settings.database_url,
        settings.kafka_bootstrap_servers,
        topic,
        supervisor.states,
        relay_source=(topic, events_table) if definition.to_contract is not None else None,
        consumed=consumed,
    )


def _consume(
    service: str,
    settings: ServiceSettings,
    processor: Processor,
    health: Health,
    stop: threading.Event,
) -> None:
    """Run a fresh consumer loop of `processor` (a failed loop's consumer is closed for good).

    Its waits for the database show in `health`, the supervisor's view of the part.
    """
    group = f"{settings.consumer_group_prefix}{service}.{processor.name}"
    loop = ConsumerLoop(
        processor,
        settings.kafka_bootstrap_servers,
        group,
        settings.topic_prefix,
        health=health,
    )
    loop.run(stop)
