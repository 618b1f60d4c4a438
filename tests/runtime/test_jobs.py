"""A periodic job that cannot reach its database waits longer after each failed attempt."""

from __future__ import annotations

import threading

from services.runtime.jobs import FIRST_RETRY_SECONDS, PeriodicJob, run_job

UNREACHABLE = "postgresql://postgres:postgres@127.0.0.1:1/postgres"
"""Nothing listens on port 1: every connection is refused at once."""


class StopAfterWaits(threading.Event):
    """A stop signal that notes each wait and is set after `limit` of them."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.limit:
            self.set()
        return self.is_set()


def test_a_job_whose_database_is_away_backs_off_between_attempts() -> None:
    stop = StopAfterWaits(3)
    ran: list[object] = []
    run_job(PeriodicJob("unreachable", 60.0, ran.append), None, UNREACHABLE, stop)
    assert stop.waits == [FIRST_RETRY_SECONDS, 2 * FIRST_RETRY_SECONDS, 4 * FIRST_RETRY_SECONDS]
    assert ran == []
