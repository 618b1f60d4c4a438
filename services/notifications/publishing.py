"""The notifications service's domain events as the contract events of its topic."""

from __future__ import annotations

from typing import Any

from contracts import notifications as contract
from contracts.events import ContractEvent
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""NotificationSent and NotificationFailed; the rest (recording, attempts) stays inside."""


@to_contract.maps("Message.Sent")
def _(domain_event: Any) -> ContractEvent:
    return contract.NotificationSent(
        message_id=domain_event.originator_id,
        template=domain_event.template,
        caused_by=domain_event.caused_by,
        recipient_id=domain_event.recipient_id,
        recipient=domain_event.recipient,
        attempts=domain_event.attempts,
        sent_at=domain_event.sent_at,
    )


@to_contract.maps("Message.Failed")
def _(domain_event: Any) -> ContractEvent:
    return contract.NotificationFailed(
        message_id=domain_event.originator_id,
        template=domain_event.template,
        caused_by=domain_event.caused_by,
        recipient_id=domain_event.recipient_id,
        recipient=domain_event.recipient,
        attempts=domain_event.attempts,
        error=domain_event.error,
        dead=domain_event.dead,
        failed_at=domain_event.failed_at,
    )
