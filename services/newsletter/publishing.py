"""The newsletter's domain events as the contract events of its topic.

Events without a mapping stay inside the service (the relay publishes nothing for them, and
moves on): a subscriber's start, a member's link to an address, and asking again on the form
while subscribed already. What they change is seen in the published events that follow.
"""

from __future__ import annotations

from contracts import newsletter as contract
from services.newsletter.domain import Subscriber
from services.newsletter.issue_publishing import map_issue_events
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


# Copied field by field, the subscriber's id as `subscriber_id`.
to_contract.copies(
    (Subscriber.Requested, contract.SubscriptionRequested),
    (Subscriber.Confirmed, contract.SubscriptionConfirmed),
    (Subscriber.LanguageChanged, contract.SubscriptionLanguageChanged),
    (Subscriber.Expired, contract.SubscriptionExpired),
    (Subscriber.Unsubscribed, contract.Unsubscribed),
    (Subscriber.BounceRecorded, contract.BounceRecorded),
    (Subscriber.Held, contract.SubscriptionHeld),
    (Subscriber.Released, contract.SubscriptionReleased),
    id_as="subscriber_id",
)

# A test copy and a sent issue; drafts, edits and schedules stay inside.
map_issue_events(to_contract)
