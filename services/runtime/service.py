"""What a service package declares about itself, so the runtime can run it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from fastapi import APIRouter

from contracts.personal import PersonalDataErased
from contracts.topics import Topic, topic_of
from services.runtime.application import ServiceApplication
from services.runtime.deliveries import event_types_of
from services.runtime.jobs import PeriodicJob
from services.runtime.policy import PolicyProcessor
from services.runtime.projection import Projection
from services.runtime.relay import OutboxRelay, ToContract


@dataclass(frozen=True)
class ServiceDefinition:
    """A service: its application, what it publishes, what it builds and reacts to, its API."""

    name: str
    application_class: type[ServiceApplication] = ServiceApplication
    to_contract: ToContract | None = None
    """Maps the service's domain events to contract events; None when it publishes nothing."""
    routers: Sequence[APIRouter] = field(default_factory=tuple)
    projections: Sequence[type[Projection]] = field(default_factory=tuple)
    reacts_to: Sequence[str] = field(default_factory=tuple)
    """Topics whose events the application's `react` handles (its policies)."""
    topic: Topic | None = None
    """Where it publishes: its topic in the registry unless given (tests give their own)."""
    relay_class: type[OutboxRelay] = OutboxRelay
    jobs: Sequence[PeriodicJob] = field(default_factory=tuple)
    """Periodic work, run by the worker role on one instance at a time."""
    erased_event: type[PersonalDataErased] | None = None
    """The service's own `PersonalDataErased` contract event, if it holds personal data."""

    def published_topic(self, prefix: str = "") -> Topic:
        """The topic the relay publishes to, named with the deployment's topic prefix."""
        topic = self.topic or topic_of(self.name)
        return replace(topic, name=f"{prefix}{topic.name}")

    def policy_processor(self, application: ServiceApplication) -> PolicyProcessor | None:
        """The processor of the service's policies, or None when it reacts to nothing.

        Its own topic's types are accepted too: a service may react to its own events.
        """
        if not self.reacts_to:
            return None
        event_types = event_types_of(self.reacts_to, also=(self.published_topic(),))
        return PolicyProcessor(application, self.reacts_to, event_types)
