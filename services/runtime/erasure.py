"""Erasing a person: destroy their key, then record the fact so every projection forgets them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from contracts.events import ContractEvent
from contracts.personal import PersonalDataErased
from services.runtime.relay import ToContract


class PersonalDataErasure(Aggregate):
    """The one-time fact that a data subject's key was destroyed in this service."""

    class Erased(Aggregate.Created):
        """The subject's key is gone."""

        subject_id: UUID
        erased_at: datetime

    @staticmethod
    def create_id(subject_id: UUID, erased_at: datetime) -> UUID:
        """One erasure per subject: its id is derived from the subject's."""
        return erasure_id(subject_id)

    @event(Erased)
    def __init__(self, subject_id: UUID, erased_at: datetime) -> None:
        self.subject_id = subject_id
        self.erased_at = erased_at


def erasure_id(subject_id: UUID) -> UUID:
    """The id of a subject's erasure aggregate."""
    return uuid5(NAMESPACE_URL, f"innovnet:erasure:{subject_id}")


def publishing_erasures(
    to_contract: ToContract, erased_event: type[PersonalDataErased] | None
) -> ToContract:
    """`to_contract`, also mapping the runtime's erasure events to the service's contract event."""
    if erased_event is None:
        return to_contract

    def mapped(domain_event: Any) -> ContractEvent | None:
        if isinstance(domain_event, PersonalDataErasure.Erased):
            return erased_event(
                subject_id=domain_event.subject_id, erased_at=domain_event.erased_at
            )
        return to_contract(domain_event)

    return mapped
