"""The base of every service's eventsourcing Application: commands and reactions, one store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Recording
from eventsourcing.projection import EventSourcedProjection

from services.runtime.deliveries import Delivery
from services.runtime.erasure import PersonalDataErasure, erasure_id
from services.runtime.metrics import EVENTS_APPENDED
from services.runtime.sealing import Sealer
from services.runtime.settings import ServiceSettings
from services.runtime.transcodings import register_innovnet_transcodings


class ServiceApplication(EventSourcedProjection[UUID]):
    """A service's application: commands from its API, reactions to other services' events.

    It records with eventsourcing's process recorder, so the events a reaction causes are
    stored in one transaction with the Kafka position (topic:partition, offset) that caused
    them: a redelivered message finds its tracking record and has no second effect.
    """

    service_name: ClassVar[str] = "service"
    sealer: Sealer
    """Seals personal data with its subject's key; set when the service starts."""

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """eventsourcing's transcodings, and the project's (sealed values, dates)."""
        super().register_transcodings(transcoder)
        register_innovnet_transcodings(transcoder)

    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Collect what `react` decides for a consumed delivery."""
        processing_event.collect_events(*self.react(domain_event))

    def on_start(self, settings: ServiceSettings) -> None:
        """Open what the service needs besides its event store; nothing by default."""

    def react(self, delivery: Delivery) -> Sequence[Aggregate]:
        """The aggregates changed in reaction to `delivery`; none unless a service says so."""
        return ()

    def erase_personal_data(self, subject_id: UUID) -> bool:
        """Destroy the subject's key and record the erasure once; False if already erased."""
        self.sealer.vault.erase(subject_id)
        if erasure_id(subject_id) in self.repository:
            return False
        self.save(PersonalDataErasure(subject_id, datetime.now(UTC)))
        return True

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        EVENTS_APPENDED.labels(self.service_name).inc(len(recordings))
