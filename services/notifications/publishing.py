"""The notifications service's domain events as the contract events of its topic."""

from __future__ import annotations

from contracts import notifications as contract
from services.notifications.domain import Message
from services.runtime.publishing import ContractMappings, copy_fields

to_contract = ContractMappings()
"""NotificationSent and NotificationFailed; the rest (recording, attempts) stays inside."""


@to_contract.maps(Message.Sent)
def _(e: Message.Sent) -> contract.NotificationSent:
    return copy_fields(contract.NotificationSent, e, message_id=e.originator_id)


@to_contract.maps(Message.Failed)
def _(e: Message.Failed) -> contract.NotificationFailed:
    return copy_fields(contract.NotificationFailed, e, message_id=e.originator_id)
