"""The expiry job: a request not confirmed within `CONFIRMATION_DAYS` lapses, once.

The candidates come from the `Subscribers` read model; the aggregate decides (a request made
again meanwhile has a later expiry and stays). Tests call `expire_requests` with their own
`now`, as registration's overdue check is driven.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter

from services.newsletter.projections import Subscribers
from services.newsletter.settings import NewsletterSettings
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

REQUESTS_EXPIRED = Counter(
    "innovnet_newsletter_requests_expired_total",
    "Subscription requests that lapsed unconfirmed.",
)
NOT_EXPIRED = Counter(
    "innovnet_newsletter_expiry_failures_total",
    "Subscribers the expiry job could not record (logged; tried again next run).",
)


def expire_requests(stores: Any, now: datetime | None = None) -> int:
    """Lapse every pending request whose expiry passed by `now`; how many lapsed."""
    now = now or datetime.now(UTC)
    subscribers: Subscribers = stores.projections[Subscribers.name]
    expired = 0
    for subscriber_id in subscribers.lapsing(now):
        try:
            expired += stores.application.expire(subscriber_id, now)
        except Exception:
            # One subscriber that fails must not stop the job for the others.
            NOT_EXPIRED.inc()
            log.exception("subscriber %s: expiry not recorded; the others are", subscriber_id)
    REQUESTS_EXPIRED.inc(expired)
    if expired:
        log.info("%s subscription requests expired", expired)
    return expired


EXPIRY = PeriodicJob("newsletter-expiry", NewsletterSettings().expiry_every, expire_requests)
