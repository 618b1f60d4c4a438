"""A consumed Kafka message, as processors see it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from eventsourcing.persistence import Tracking

from contracts.envelope import ReceivedEvent
from contracts.events import ContractEvent


def tracking_name(topic: str, partition: int) -> str:
    """The tracking record's application name for one topic-partition."""
    return f"{topic}:{partition}"


@dataclass(frozen=True)
class Delivery:
    """A message at its (topic, partition, offset), with the event it carries."""

    topic: str
    partition: int
    offset: int
    event: ReceivedEvent

    @property
    def tracking(self) -> Tracking:
        """The tracking record to store in the same transaction as this message's effect."""
        return Tracking(tracking_name(self.topic, self.partition), self.offset)

    @cached_property
    def model(self) -> ContractEvent | None:
        """The contract event, or None for a type this service does not know (tolerant reader)."""
        return self.event.parse_event()
