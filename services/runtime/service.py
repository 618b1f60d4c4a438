"""What a service package declares about itself, so the runtime can run it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import APIRouter, FastAPI

from contracts.personal import PersonalDataErased
from contracts.topics import TOPICS, Topic, topic_of
from services.runtime.application import ServiceApplication
from services.runtime.body_limit import JSON_LIMIT
from services.runtime.deliveries import event_types_of
from services.runtime.jobs import PeriodicJob
from services.runtime.policy import PolicyProcessor
from services.runtime.projection import Projection
from services.runtime.reactions import Reactions
from services.runtime.relay import OutboxRelay, ToContract


@dataclass(frozen=True)
class ServicePart:
    """A loop of the service's own that the worker role supervises beside its consumers and jobs
    (the newsletter's SMTP bounce receiver): shown in `/ready`, restarted when it fails."""

    name: str
    run: Callable[[Any, threading.Event], None]
    """Called with the service's `Stores` and the stop event; runs until the event is set, and
    raises when it cannot go on (a port it cannot bind)."""


@dataclass(frozen=True)
class ServiceDefinition:
    """A service: its application, what it publishes, what it builds and reacts to, its API."""

    name: str
    application_class: type[ServiceApplication] = ServiceApplication
    to_contract: ToContract | None = None
    """Maps the service's domain events to contract events; None when it publishes nothing."""
    routers: Sequence[APIRouter] = field(default_factory=tuple)
    projections: Sequence[type[Projection]] = field(default_factory=tuple)
    reactions: Reactions[Any] | None = None
    """What the application does on consumed events (its policies); None when nothing."""
    topic: Topic | None = None
    """Where it publishes: its topic in the registry unless given (tests give their own)."""
    relay_class: type[OutboxRelay] = OutboxRelay
    jobs: Sequence[PeriodicJob] = field(default_factory=tuple)
    """Periodic work, run by the worker role on one instance at a time."""
    parts: Sequence[ServicePart] = field(default_factory=tuple)
    """Other loops of its own the worker role runs, on every instance."""
    erased_event: type[PersonalDataErased] | None = None
    """The service's own `PersonalDataErased` contract event, if it holds personal data."""
    configure_app: Callable[[FastAPI], None] | None = None
    """Adds what the app needs beside its routers (the gateway's static files, middleware and
    HTML error pages); called once the runtime's own parts are in place."""
    json_body_limit: int = JSON_LIMIT
    """The largest JSON body it reads, refused with 413 before a byte is parsed."""
    serves_api_docs: bool = True
    """Whether it answers `/openapi.json`, `/docs` and `/redoc`: False for one with no JSON API
    for others to call (the gateway's pages)."""

    def published_topic(self, prefix: str = "") -> Topic:
        """The topic the relay publishes to, named with the deployment's topic prefix."""
        topic = self.topic or topic_of(self.name)
        return replace(topic, name=f"{prefix}{topic.name}")

    def probed_topic(self, prefix: str = "") -> str:
        """The topic readiness asks the broker about: the one it publishes to, else one it reads.

        The gateway publishes nothing; the topics of its projections tell the broker answers.
        """
        try:
            return self.published_topic(prefix).name
        except KeyError:
            read = [topic for projection in self.projections for topic in projection.topics]
            if not read:
                raise
            return f"{prefix}{read[0]}"

    def reacted_topics(self) -> tuple[str, ...]:
        """The topics carrying the events the service reacts to (its own topic among them).

        A service may react to its own events, so its own topic counts beside the registry's.
        """
        if self.reactions is None:
            return ()
        wanted = self.reactions.event_classes()
        topics = (*TOPICS, self.published_topic())
        return tuple(sorted({t.name for t in topics if wanted.intersection(t.events)}))

    def policy_processor(self, application: ServiceApplication) -> PolicyProcessor | None:
        """The processor of the service's policies, or None when it reacts to nothing."""
        topics = self.reacted_topics()
        if not topics:
            return None
        event_types = event_types_of(topics, also=(self.published_topic(),))
        return PolicyProcessor(application, topics, event_types)
