"""A service's reactions to consumed events: one function per contract event class.

The service's `policies.py` registers them (`@REACTIONS.to(registration.DesignationVerified)`)
and the runtime hands the registry to the application when it builds it, so the application
never imports its policies; the topics a service consumes follow from the events it reacts to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from eventsourcing.domain import Aggregate

from contracts.events import ContractEvent
from services.runtime.deliveries import Delivery

A = TypeVar("A")
E = TypeVar("E", bound=ContractEvent)

Reaction = Callable[[A, E, Delivery], Sequence[Aggregate]]
"""What `(application, event, delivery)` changes. Use `delivery.event.time`, not the clock, so a
replay from offset 0 does exactly what the first run did; `delivery.event.id` names the cause."""


class Reactions(Generic[A]):
    """Contract event class → the reaction of the application `A` to it."""

    def __init__(self) -> None:
        self._by_class: dict[type[ContractEvent], Reaction[A, Any]] = {}

    def to(self, event_class: type[E]) -> Callable[[Reaction[A, E]], Reaction[A, E]]:
        """Register the reaction to `event_class` (one per class)."""

        def register(reaction: Reaction[A, E]) -> Reaction[A, E]:
            if event_class in self._by_class:
                raise ValueError(f"a second reaction to {event_class.__name__}")
            self._by_class[event_class] = reaction
            return reaction

        return register

    def __call__(self, application: A, delivery: Delivery) -> Sequence[Aggregate]:
        """The aggregates changed in reaction to `delivery`, each once; none if not reacted to."""
        event = delivery.model
        reaction = self._by_class.get(type(event)) if event is not None else None
        if reaction is None:
            return ()
        changed = reaction(application, event, delivery)
        return list({id(aggregate): aggregate for aggregate in changed}.values())

    def event_classes(self) -> frozenset[type[ContractEvent]]:
        """The contract events reacted to."""
        return frozenset(self._by_class)
