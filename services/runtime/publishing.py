"""A service's mapping of its domain events to contract events, one function per event class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts.events import ContractEvent

Mapping = Callable[[Any], ContractEvent]


class ContractMappings:
    """Domain event class, by its qualified name (`Registration.Submitted`), → contract event.

    Keyed by name because eventsourcing makes an aggregate's event classes at run time, out of
    sight of the type checker. Events without a mapping stay inside the service.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, Mapping] = {}

    def maps(self, event_name: str) -> Callable[[Mapping], Mapping]:
        """Register the mapping of the domain event class named `event_name`."""

        def register(mapping: Mapping) -> Mapping:
            self._by_name[event_name] = mapping
            return mapping

        return register

    def __call__(self, domain_event: Any) -> ContractEvent | None:
        """The contract event of `domain_event`, or None when it is not published."""
        mapping = self._by_name.get(type(domain_event).__qualname__)
        return mapping(domain_event) if mapping else None

    def event_names(self) -> frozenset[str]:
        """The domain event classes that are published."""
        return frozenset(self._by_name)
