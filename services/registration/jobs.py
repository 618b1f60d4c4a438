"""The periodic checks: a due day that ended with no designation is recorded, once; a
registration left without one is warned a week before its lapse day, then lapses."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter

from services.registration.calendar import WorkingCalendar
from services.registration.lapses import LapseStep
from services.registration.projections import RegistrationIndex
from services.runtime.jobs import PeriodicJob

log = logging.getLogger(__name__)

DESIGNATIONS_OVERDUE = Counter(
    "innovnet_designations_overdue_total",
    "Registrations whose designation due day ended without a designation (recorded once each).",
)
OVERDUE_NOT_RECORDED = Counter(
    "innovnet_designations_overdue_failures_total",
    "Registrations the overdue check could not record (logged; tried again next run).",
)
LAPSE_STEPS = Counter(
    "innovnet_registration_lapse_steps_total",
    "Lapse warnings and lapses recorded for registrations left without a designation.",
    ["step"],
)
LAPSE_NOT_RECORDED = Counter(
    "innovnet_registration_lapse_failures_total",
    "Registrations the lapse check could not record (logged; tried again next run).",
)

CHECK_EVERY_SECONDS = 60.0


def record_overdue_designations(stores: Any, now: datetime | None = None) -> int:
    """Record overdue designations for every registration whose due day has ended."""
    now = now or datetime.now(UTC)
    index: RegistrationIndex = stores.projections[RegistrationIndex.name]
    recorded = 0
    for registration_id in index.overdue_candidates(WorkingCalendar.submission_day(now)):
        try:
            recorded += stores.application.record_overdue(registration_id, now)
        except Exception:
            # One registration that conflicts or fails must not stop the check for the others.
            OVERDUE_NOT_RECORDED.inc()
            log.exception("registration %s: overdue not recorded; the others are", registration_id)
    DESIGNATIONS_OVERDUE.inc(recorded)
    if recorded:
        log.info("recorded %s overdue designations", recorded)
    return recorded


OVERDUE_CHECK = PeriodicJob(
    "registration-overdue", CHECK_EVERY_SECONDS, record_overdue_designations
)


def record_lapse_steps(stores: Any, now: datetime | None = None) -> int:
    """Warn the registrations a week from lapsing, lapse those whose lapse day has ended."""
    now = now or datetime.now(UTC)
    index: RegistrationIndex = stores.projections[RegistrationIndex.name]
    recorded = 0
    for registration_id in index.lapse_candidates(WorkingCalendar.submission_day(now)):
        try:
            step: LapseStep | None = stores.application.record_lapse_step(registration_id, now)
        except Exception:
            # As with the overdue check: one failure must not stop the check for the others.
            LAPSE_NOT_RECORDED.inc()
            log.exception("registration %s: lapse not recorded; the others are", registration_id)
            continue
        if step is not None:
            LAPSE_STEPS.labels(step.value).inc()
            log.info("registration %s: %s", registration_id, step.value)
            recorded += 1
    return recorded


LAPSE_CHECK = PeriodicJob("registration-lapse", CHECK_EVERY_SECONDS, record_lapse_steps)
