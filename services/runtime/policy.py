"""Policies: a service's application reacting to consumed events, exactly once."""

from __future__ import annotations

from collections.abc import Sequence

from services.runtime.application import ServiceApplication
from services.runtime.deliveries import Delivery, tracking_name


class PolicyProcessor:
    """Feeds deliveries to `application.process_event`: new events and tracking in one commit.

    eventsourcing's process recorder inserts the tracking record in the transaction that stores
    the reaction's events; a redelivered offset violates it and nothing is stored twice.
    """

    def __init__(self, application: ServiceApplication, topics: Sequence[str]) -> None:
        self._application = application
        self.topics: Sequence[str] = tuple(topics)
        self.name = f"policies.{application.service_name}"

    def stored_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """The last processed offset of each partition that has one."""
        found = {}
        for topic, partition in partitions:
            offset = self._application.recorder.max_tracking_id(tracking_name(topic, partition))
            if offset is not None:
                found[(topic, partition)] = offset
        return found

    def process(self, batch: Sequence[Delivery]) -> None:
        """React to each delivery in its own transaction, in order."""
        for delivery in batch:
            self._application.process_event(delivery, delivery.tracking)  # type: ignore[arg-type]
