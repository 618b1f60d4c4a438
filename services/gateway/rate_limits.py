"""Rate limits in the gateway's database: fixed windows, one UPSERT a hit, shared by processes.

A key ("sign-in:client:203.0.113.7") counts its hits in the current window; past the limit the
request is the 429 page with `Retry-After` (seconds to the window's end). The counters are
rows, so every API process and a restart see the same counts; the gateway's clean-up job
deletes the windows that are over (`remove_past_windows`).

On a form's POST route, the registration's or an upload's:

    @router.post("/register/submit", dependencies=[SubmitLimit])
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Final

from fastapi import Depends, Request

from services.gateway.database import GatewayDatabase
from services.gateway.sessions import visitor_of

_UPSERT: Final = """
INSERT INTO public.rate_counters AS c VALUES (%s, %s, 1)
ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1
RETURNING count
"""


def current_time() -> datetime:
    """The time a hit is counted at (the gateway's tests fix it, in `tests/gateway/conftest.py`:
    the real clock could end a window in the middle of a test)."""
    return datetime.now(UTC)


class RateLimited(Exception):
    """Too many hits: answer the 429 page, telling when to try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class RateLimits:
    """Fixed-window counters of the gateway's table."""

    def __init__(self, database: GatewayDatabase, window_seconds: int) -> None:
        self._db = database
        self.window = window_seconds

    def _start_of_window(self, now: datetime) -> datetime:
        start_seconds = math.floor(now.timestamp() / self.window) * self.window
        return datetime.fromtimestamp(start_seconds, UTC)

    def hit(self, key: str, limit: int, now: datetime | None = None) -> None:
        """Count one hit of `key`; raises `RateLimited` when the window holds more than `limit`."""
        now = now or current_time()
        start = self._start_of_window(now)
        rows = self._db.execute(_UPSERT, (key, start))
        if int(rows[0]["count"]) > limit:
            ends = start + timedelta(seconds=self.window)
            raise RateLimited(max(1, math.ceil((ends - now).total_seconds())))

    def remove_past_windows(self, now: datetime) -> int:
        """Delete the counts of the windows that are over; how many."""
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM public.rate_counters WHERE window_start < %s",
                (self._start_of_window(now),),
            ).rowcount


def rate_limits_of(request: Request) -> RateLimits:
    """The running gateway's counters."""
    limits: RateLimits = request.app.state.application.rate_limits
    return limits


def client_of(request: Request) -> str:
    """The client's address (uvicorn puts a trusted proxy's X-Forwarded-For there)."""
    return request.client.host if request.client else "unknown"


def limit_submissions(request: Request) -> None:
    """Dependency: count a form submission per client and per signed-in address."""
    settings = request.app.state.application.gateway
    limits = rate_limits_of(request)
    visitor = visitor_of(request)
    session = visitor.session
    if visitor.person is not None and visitor.person.kind == "staff" and session is not None:
        # The unit works through lists of decisions, often from one office address: its
        # members are counted by their own address only, with a limit of their own.
        key = f"submit:staff:{session.blind_index.hex()}"
        limits.hit(key, settings.staff_submit_per_address)
        return
    limits.hit(f"submit:client:{client_of(request)}", settings.submit_per_client)
    if session is not None:
        limits.hit(f"submit:address:{session.blind_index.hex()}", settings.submit_per_address)


SubmitLimit = Depends(limit_submissions)
"""`dependencies=[SubmitLimit]` on a POST route limits its submissions."""
