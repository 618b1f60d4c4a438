"""A service's mapping of its domain events to contract events, one function per event class."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from eventsourcing.domain import DomainEvent

from contracts.events import ContractEvent
from services.runtime.fields import copy_fields

D = TypeVar("D", bound=DomainEvent)
C = TypeVar("C", bound=ContractEvent)

Mapping = Callable[[D], ContractEvent]


class ContractMappings:
    """Domain event class (`Registration.Submitted`, declared explicitly) → contract event.

    Events without a mapping stay inside the service.
    """

    def __init__(self) -> None:
        self._by_class: dict[type[DomainEvent], Callable[[Any], ContractEvent]] = {}

    def maps(self, event_class: type[D]) -> Callable[[Mapping[D]], Mapping[D]]:
        """Register the mapping of `event_class` (one per class)."""

        def register(mapping: Mapping[D]) -> Mapping[D]:
            if event_class in self._by_class:
                raise ValueError(f"a second mapping of {event_class.__qualname__}")
            self._by_class[event_class] = mapping
            return mapping

        return register

    def copies(self, *pairs: tuple[type[DomainEvent], type[ContractEvent]], id_as: str) -> None:
        """Map each (domain event, contract event) pair field by field, the aggregate's id
        as `id_as`."""
        for event_class, contract_class in pairs:
            self.maps(event_class)(partial(_copied, contract_class, id_as))

    def __call__(self, domain_event: DomainEvent) -> ContractEvent | None:
        """The contract event of `domain_event`, or None when it is not published."""
        mapping = self._by_class.get(type(domain_event))
        return mapping(domain_event) if mapping else None

    def event_names(self) -> frozenset[str]:
        """The qualified names (`Registration.Submitted`) of the published domain events."""
        return frozenset(c.__qualname__ for c in self._by_class)


def _copied(contract_class: type[C], id_as: str, e: DomainEvent) -> C:
    return copy_fields(contract_class, e, **{id_as: e.originator_id})
