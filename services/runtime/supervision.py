"""One supervisor for a process's background parts (relay, consumers, jobs): restart with backoff.

A part is a loop `target(stop)` run in a thread of its own. When it raises, or returns while
nobody asked it to stop, the supervisor logs why, marks it failing (since when, with the
error's class) and runs it again after an exponential backoff, capped. A part may also say
itself that it is in trouble while it keeps running (the relay waiting out a database outage)
through its `Health`, and that it is well again. Readiness and the lag metrics read the states.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from services.runtime.metrics import PART_RESTARTS

log = logging.getLogger(__name__)

FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
STABLE_AFTER_SECONDS = 15.0
"""A part that last reported trouble this long ago, and runs, counts as well again.

Longer than the relay's own longest retry wait, so an outage it keeps retrying stays visible.
"""

Target = Callable[[threading.Event], None]


class PartReturned(RuntimeError):
    """A part's loop returned although the process is not stopping."""


def utc_now() -> datetime:
    """Now, in UTC, to the second (what readiness shows)."""
    return datetime.now(UTC).replace(microsecond=0)


def backoff_seconds(consecutive_failures: int, first: float, cap: float) -> float:
    """The wait before restart number `consecutive_failures` (1, 2, …): doubling, capped."""
    return float(min(first * 2 ** max(consecutive_failures - 1, 0), cap))


class Health:
    """What a part says about itself: well, or failing since when and with which error class."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failing_since: datetime | None = None
        self._error: str | None = None
        self._last_trouble = 0.0

    def trouble(self, error: BaseException) -> None:
        """Note a failure; the first one since the part was last well sets 'since'."""
        with self._lock:
            if self._failing_since is None:
                self._failing_since = utc_now()
            self._error = type(error).__name__
            self._last_trouble = time.monotonic()

    def ok(self) -> None:
        """The part works again."""
        with self._lock:
            self._failing_since = None
            self._error = None

    def failing(self, running: bool) -> tuple[datetime, str] | None:
        """(since, error class) while failing; a running part quiet for a while is well again."""
        with self._lock:
            if self._failing_since is None or self._error is None:
                return None
            if running and time.monotonic() - self._last_trouble >= STABLE_AFTER_SECONDS:
                self._failing_since = None
                self._error = None
                return None
            return self._failing_since, self._error


@dataclass(frozen=True)
class PartState:
    """One part as readiness shows it."""

    name: str
    running: bool
    failing_since: datetime | None
    error: str | None
    restarts: int

    @property
    def ok(self) -> bool:
        """Running and not failing."""
        return self.running and self.failing_since is None

    def describe(self) -> str:
        """'ok', or since when and with what it fails (the class only: details are logged)."""
        if self.ok:
            return "ok"
        since = self.failing_since.isoformat() if self.failing_since else "start"
        state = "failing" if self.running else "down"
        return f"{state} since {since} ({self.error}), restarted {self.restarts} times"


class Part:
    """A supervised loop: its thread, its health and how often it was restarted."""

    def __init__(self, name: str, target: Target, health: Health) -> None:
        self.name = name
        self.target = target
        self.health = health
        self.restarts = 0
        self.running = False
        self.thread: threading.Thread | None = None

    def state(self) -> PartState:
        """A snapshot for readiness."""
        failing = self.health.failing(self.running)
        return PartState(
            self.name,
            self.running,
            failing[0] if failing else None,
            failing[1] if failing else None,
            self.restarts,
        )


class Supervisor:
    """Runs each part in a daemon thread and restarts it when it fails, until `stop` is set."""

    def __init__(
        self,
        service: str,
        stop: threading.Event,
        first_backoff: float = FIRST_BACKOFF_SECONDS,
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ) -> None:
        self._service = service
        self.stop_event = stop
        """Set to stop every part (and whatever else runs beside them)."""
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self.parts: list[Part] = []

    def start(self, name: str, target: Target, health: Health | None = None) -> Part:
        """Start supervising `target` as the part `name`."""
        part = Part(name, target, health or Health())
        part.thread = threading.Thread(target=self._supervise, args=(part,), name=name, daemon=True)
        self.parts.append(part)
        part.thread.start()
        return part

    def states(self) -> list[PartState]:
        """Every part's state, in start order."""
        return [part.state() for part in self.parts]

    def join(self, timeout: float) -> None:
        """Wait for the parts to end after `stop` was set, `timeout` seconds at most each."""
        for part in self.parts:
            if part.thread is not None:
                part.thread.join(timeout)

    def _supervise(self, part: Part) -> None:
        consecutive = 0
        while not self.stop_event.is_set():
            started = time.monotonic()
            part.running = True
            try:
                part.target(self.stop_event)
                if self.stop_event.is_set():
                    return
                error: Exception = PartReturned(f"{part.name} returned")
            except Exception as raised:
                error = raised
            finally:
                part.running = False
            consecutive = (
                1 if time.monotonic() - started >= STABLE_AFTER_SECONDS else consecutive + 1
            )
            part.health.trouble(error)
            wait = backoff_seconds(consecutive, self._first_backoff, self._max_backoff)
            log.error("%s failed; restarting it in %.1f s", part.name, wait, exc_info=error)
            if self.stop_event.wait(wait):
                return
            part.restarts += 1
            PART_RESTARTS.labels(self._service, part.name).inc()
