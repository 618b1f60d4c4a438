"""The gateway's clean-up job: what the privacy notice says goes, goes, every few minutes.

It deletes the sign-in requests that were used or have expired (each holds an address), the
sessions that ended by idling or by age (each holds an address and maybe a form's draft), and
the rate counters of windows that are over (their keys hold a client's IP address or an
address's blind index). A session ended by signing out, or by its representative leaving, is
deleted at once where that happens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from services.gateway.application import GatewayApplication
from services.gateway.signin import remove_spent_requests
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

CLEAN_UP_EVERY_SECONDS: Final = 300
"""How often the job runs: the privacy notice says how long what it deletes may linger."""


@dataclass(frozen=True)
class Removed:
    """How many rows of each kind a clean-up deleted."""

    sign_in_requests: int
    sessions: int
    rate_counters: int


def clean_up(stores: Any, now: datetime | None = None) -> Removed:
    """Delete the spent sign-in requests, the ended sessions and the past rate windows."""
    now = now or datetime.now(UTC)
    application: GatewayApplication = stores.application
    removed = Removed(
        sign_in_requests=remove_spent_requests(application, now),
        sessions=application.sessions.remove_ended(now),
        rate_counters=application.rate_limits.remove_past_windows(now),
    )
    if removed != Removed(0, 0, 0):
        log.info("clean-up deleted %s", removed)
    return removed


CLEAN_UP = PeriodicJob("gateway-clean-up", CLEAN_UP_EVERY_SECONDS, clean_up)
