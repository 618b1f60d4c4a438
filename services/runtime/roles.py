"""A running service: its application, relay, consumers and jobs, supervised in the threads its
role asks for, and the checker that tells readiness and lag."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import partial

from services.runtime.application import ServiceApplication
from services.runtime.consumer import ConsumerLoop, Processor
from services.runtime.erasure import publishing_erasures
from services.runtime.jobs import run_job
from services.runtime.projection import Projection
from services.runtime.readiness import ConsumedTopics, ReadinessChecker
from services.runtime.relay import OutboxRelay
from services.runtime.sealing import KeyVault
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from services.runtime.startup import open_stores
from services.runtime.supervision import Health, Supervisor

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
    consumed: list[ConsumedTopics] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    supervisor: Supervisor = field(init=False)
    readiness: ReadinessChecker = field(init=False)

    def __post_init__(self) -> None:
        self.supervisor = Supervisor(self.definition.name, self.stop_event)

    def stop(self) -> None:
        """Stop the parts and the checker, then close the stores."""
        self.stop_event.set()
        self.supervisor.join(STOP_TIMEOUT_SECONDS)
        self.readiness.join(STOP_TIMEOUT_SECONDS)
        for projection in self.projections.values():
            projection.close()
        self.application.close()
        self.vault.close()


def start_service(
    definition: ServiceDefinition, settings: ServiceSettings, role: str
) -> RunningService:
    """Open the service's stores and start the relay and consumers its `role` includes."""
    stores = open_stores(definition, settings)  # waits, saying why, while a database fails
    vault, application, projections = stores.vault, stores.application, stores.projections
    running = RunningService(definition, settings, vault, application, projections)
    if role in ("relay", "all") and definition.to_contract is not None:
        running.relay = definition.relay_class(
            application,
            settings.database_url,
            definition.published_topic(settings.topic_prefix),
            publishing_erasures(definition.to_contract, definition.erased_event),
            settings.kafka_bootstrap_servers,
        )
        running.supervisor.start("relay", running.relay.run, running.relay.health)
    if role in ("worker", "all"):
        processors: list[Processor] = [*projections.values()]
        policies = definition.policy_processor(application)
        if policies is not None:
            processors.append(policies)
        for processor in processors:
            running.consumed.append(
                ConsumedTopics(processor, [f"{settings.topic_prefix}{t}" for t in processor.topics])
            )
            health = Health()
            running.supervisor.start(
                f"consumer:{processor.name}", partial(_consume, running, processor, health), health
            )
        for job in definition.jobs:
            running.supervisor.start(
                f"job:{job.name}", partial(run_job, job, running, settings.database_url)
            )
    running.readiness = readiness_checker(running)
    running.readiness.start(running.stop_event)
    return running


def readiness_checker(running: RunningService) -> ReadinessChecker:
    """The checker of the running parts, the stores and the broker, with the service's lag."""
    definition, settings = running.definition, running.settings
    topic = definition.published_topic(settings.topic_prefix).name
    events_table = running.application.recorder.events_table_name  # type: ignore[attr-defined]
    return ReadinessChecker(
        definition.name,
        settings.database_url,
        settings.kafka_bootstrap_servers,
        topic,
        running.supervisor.states,
        relay_source=(topic, events_table) if definition.to_contract is not None else None,
        consumed=running.consumed,
    )


def _consume(
    running: RunningService, processor: Processor, health: Health, stop: threading.Event
) -> None:
    """Run a fresh consumer loop of `processor` (a failed loop's consumer is closed for good).

    Its waits for the database show in `health`, the supervisor's view of the part.
    """
    settings = running.settings
    group = f"{settings.consumer_group_prefix}{running.definition.name}.{processor.name}"
    loop = ConsumerLoop(
        processor,
        settings.kafka_bootstrap_servers,
        group,
        settings.topic_prefix,
        health=health,
    )
    loop.run(stop)
