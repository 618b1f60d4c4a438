"""Fixed-window counters in the gateway's database, shared by every process that counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway import rate_limits
from services.gateway.database import GatewayDatabase
from services.gateway.rate_limits import RateLimited, RateLimits

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a window boundary for 900-second windows


def test_past_the_limit_a_hit_is_refused_until_the_window_ends(gateway_database: str) -> None:
    database = GatewayDatabase(gateway_database)
    try:
        one, other = RateLimits(database, 900), RateLimits(database, 900)  # two processes
        one.hit("k", 2, START)
        other.hit("k", 2, START + timedelta(seconds=100))
        with pytest.raises(RateLimited) as refused:
            one.hit("k", 2, START + timedelta(seconds=300))
        assert refused.value.retry_after == 600
        other.hit("another key", 2, START + timedelta(seconds=300))
        one.hit("k", 2, START + timedelta(seconds=900))  # a new window starts afresh
    finally:
        database.close()


def test_the_counts_outlive_a_restart(gateway_database: str) -> None:
    first = GatewayDatabase(gateway_database)
    RateLimits(first, 60).hit("k", 1, START)
    first.close()
    again = GatewayDatabase(gateway_database)
    try:
        with pytest.raises(RateLimited):
            RateLimits(again, 60).hit("k", 1, START + timedelta(seconds=1))
    finally:
        again.close()


def test_a_hit_is_counted_at_the_current_time(
    gateway_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rate_limits, "current_time", lambda: START + timedelta(seconds=899))
    database = GatewayDatabase(gateway_database)
    try:
        limits = RateLimits(database, 900)
        limits.hit("k", 1)
        with pytest.raises(RateLimited) as refused:
            limits.hit("k", 1)
        assert refused.value.retry_after == 1, "one second left of the window"
    finally:
        database.close()


def test_the_windows_that_are_over_are_deleted(gateway_database: str) -> None:
    database = GatewayDatabase(gateway_database)
    try:
        limits = RateLimits(database, 900)
        limits.hit("past", 5, START - timedelta(seconds=1))
        limits.hit("current", 5, START)
        assert limits.remove_past_windows(START + timedelta(seconds=899)) == 1
        rows = database.execute("SELECT key FROM public.rate_counters")
        assert [row["key"] for row in rows] == ["current"]
        with pytest.raises(RateLimited):  # the current window's count was kept: 2 > 1
            limits.hit("current", 1, START + timedelta(seconds=899))
    finally:
        database.close()
