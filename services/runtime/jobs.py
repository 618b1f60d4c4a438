"""Periodic jobs (the overdue check, reminders): one instance at a time, state in the database.

A job keeps nothing in memory between runs: what it must do is read from the service's own
tables each time, so a restart loses nothing and a job that crashed mid-run simply runs again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from services.runtime.leadership import leadership
from services.runtime.supervision import backoff_seconds

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0


@dataclass(frozen=True)
class PeriodicJob:
    """Run `work` every `every_seconds` on whichever process holds the job's lock."""

    name: str
    every_seconds: float
    work: Callable[[Any], object]
    """Called with the service's `Stores` (its application and projections); it must be safe
    to run again after a crash."""


def run_job(job: PeriodicJob, stores: Any, database_url: str, stop: threading.Event) -> None:
    """Hold the job's lock and run it on schedule until `stop`; survive database outages."""
    outages = 0
    while not stop.is_set():
        try:
            with leadership(database_url, f"job:{job.name}", stop) as conn:
                outages = 0
                while conn is not None and not stop.is_set():
                    try:
                        job.work(stores)
                    except Exception:
                        log.exception(
                            "job %s failed; it runs again in %ss", job.name, job.every_seconds
                        )
                    stop.wait(job.every_seconds)
                    conn.execute("SELECT 1")  # still holding the lock?
        except psycopg.OperationalError as error:
            outages += 1
            wait = backoff_seconds(outages, FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS)
            log.warning("job %s lost its database: %s; again in %ss", job.name, error, wait)
            stop.wait(wait)
