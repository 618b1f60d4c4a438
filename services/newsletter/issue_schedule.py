"""The scheduler: a scheduled issue is sent when its moment comes, once.

Safe to run again after a crash: a sent issue is no longer scheduled, and the archive's
counter gives each issue one number (`issue_commands.send`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Final

from prometheus_client import Counter

from services.newsletter import issue_commands
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS: Final = 30.0

SCHEDULED_SENT = Counter(
    "innovnet_newsletter_scheduled_issues_sent_total",
    "Scheduled issues the scheduler sent when their moment came.",
)


def send_due_issues(stores: Any, now: datetime | None = None) -> list[int]:
    """Send every scheduled issue whose moment has come; the numbers given (tests pass `now`)."""
    numbers = issue_commands.publish_due(stores.application, now)
    SCHEDULED_SENT.inc(len(numbers))
    if numbers:
        log.info("sent scheduled issues %s", numbers)
    return numbers


ISSUE_SCHEDULER = PeriodicJob("newsletter-issue-scheduler", CHECK_EVERY_SECONDS, send_due_issues)
