"""The base of every service's eventsourcing Application: commands and reactions, one store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording
from eventsourcing.projection import EventSourcedProjection
from eventsourcing.utils import EnvType

from contracts.errors import ErrorCode
from services.runtime.erasure import PersonalDataErasure, erasure_id
from services.runtime.errors import Conflict, DomainError, NotFound
from services.runtime.metrics import EVENTS_APPENDED
from services.runtime.reactions import Reactions
from services.runtime.sealing import Sealer
from services.runtime.settings import ServiceSettings
from services.runtime.transcodings import register_innovnet_transcodings

A = TypeVar("A", bound=Aggregate)


class Closeable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closeable)


class ServiceApplication(EventSourcedProjection[UUID]):
    """A service's application: commands from its API, reactions to other services' events.

    It records with eventsourcing's process recorder, so the events a reaction causes are
    stored in one transaction with the Kafka position (topic:partition, offset) that caused
    them: a redelivered message finds its tracking record and has no second effect.
    """

    service_name: ClassVar[str] = "service"

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        settings: ServiceSettings | None = None,
        sealer: Sealer | None = None,
        reactions: Reactions[Any] | None = None,
    ) -> None:
        """Built by the runtime with its settings; in unit tests in memory, without them."""
        super().__init__(env)
        self._sealer = sealer
        self._reactions = reactions
        self._kept: list[Closeable] = []
        if settings is not None:
            try:
                self.open_resources(settings)
            except BaseException:
                self.close()  # what was opened so far, and the event store's pool
                raise

    @property
    def sealer(self) -> Sealer:
        """Seals personal data with its subject's key."""
        if self._sealer is None:
            raise RuntimeError(f"{type(self).__name__} was built without a sealer")
        return self._sealer

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """eventsourcing's transcodings, and the project's (sealed values, dates)."""
        super().register_transcodings(transcoder)
        register_innovnet_transcodings(transcoder)

    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Collect what the service's reactions change for a consumed delivery."""
        if self._reactions is not None:
            processing_event.collect_events(*self._reactions(self, domain_event))

    @classmethod
    def refuse_unfit_settings(cls, settings: ServiceSettings) -> None:
        """Raise `SettingsRefused`, naming each variable, when the service's own settings cannot
        run in `settings.environment`; the runner calls it before it starts anything."""

    def open_resources(self, settings: ServiceSettings) -> None:
        """Open what the service needs besides its event store (`keeps` each); nothing here."""

    def keeps(self, resource: C) -> C:
        """`resource`, to be closed with the application (the newest first)."""
        self._kept.append(resource)
        return resource

    def close(self) -> None:
        """Close what `open_resources` kept, then the event store."""
        while self._kept:
            self._kept.pop().close()
        super().close()

    def save_or_conflict(self, *aggregates: Aggregate, conflict: DomainError | None = None) -> None:
        """Save; a concurrent change of the same aggregates is a 409 (`conflict`), not a 500."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise conflict or Conflict(
                ErrorCode.CONCURRENT_CHANGE, "It changed meanwhile; try again."
            ) from None

    def get(self, aggregate_id: UUID, kind: type[A], missing: str, code: ErrorCode) -> A:
        """The `kind` aggregate with that id, or NotFound(code, missing): the one find-or-404."""
        found = self.find(aggregate_id, kind)
        if found is None:
            raise NotFound(code, missing)
        return found

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The `kind` aggregate with that id; None when there is none, or it is of another kind."""
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def erase_personal_data(self, subject_id: UUID) -> bool:
        """Destroy the subject's key and record the erasure once; False if already erased."""
        self.sealer.vault.erase(subject_id)
        if erasure_id(subject_id) in self.repository:
            return False
        self.save(PersonalDataErasure(subject_id, datetime.now(UTC)))
        return True

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        EVENTS_APPENDED.labels(self.service_name).inc(len(recordings))
