"""What membership's events cause: a member's address subscribed, and unsubscribed on leaving.

Each reaction runs inside the transaction that stores the Kafka position of its event and uses
the event's own time, so a replay from offset 0 does what the first run did.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.domain import Aggregate

from contracts import membership
from contracts.registration import Language
from services.newsletter.application import NewsletterApplication
from services.runtime.deliveries import Delivery
from services.runtime.reactions import Reactions

REACTIONS = Reactions[NewsletterApplication]()
"""The reaction to each contract event; other events cause nothing (tolerant reader)."""


@REACTIONS.to(membership.MemberActivated)
def subscribe_the_member(
    app: NewsletterApplication, e: membership.MemberActivated, delivery: Delivery
) -> Sequence[Aggregate]:
    """In the language the gateway's form recorded; Greek when the event has none."""
    language = e.language or Language.GREEK
    return app.member_activated(e.representative_id, e.email, language, delivery.event.time)


@REACTIONS.to(membership.MemberDeactivated)
def unsubscribe_the_member(
    app: NewsletterApplication, e: membership.MemberDeactivated, delivery: Delivery
) -> Sequence[Aggregate]:
    """Unless they had subscribed on the form themselves."""
    return app.member_deactivated(e.representative_id, delivery.event.time)
