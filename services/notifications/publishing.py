"""The notifications service's domain events as the contract events of its topic."""

from __future__ import annotations

from contracts import notifications as contract
from services.notifications.domain import Message
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""NotificationSent and NotificationFailed; the rest (recording, attempts) stays inside."""

to_contract.copies(
    (Message.Sent, contract.NotificationSent),
    (Message.Failed, contract.NotificationFailed),
    id_as="message_id",
)
