"""Assertions that retry until a deadline, for anything that happens asynchronously."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import httpx

T = TypeVar("T")


def eventually(probe: Callable[[], T], *, timeout: float = 20.0, interval: float = 0.1) -> T:
    """Call `probe` until it stops failing (assertion, OS or HTTP error); return its value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return probe()
        except (AssertionError, OSError, httpx.HTTPError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(interval)


def until(condition: Callable[[], bool], *, timeout: float = 20.0, what: str = "") -> None:
    """Wait until `condition()` is true; fail the test at the deadline."""

    def holds() -> None:
        assert condition(), f"still not true after {timeout} s: {what or condition}"

    eventually(holds, timeout=timeout)
