"""Fixed-window counters in the gateway's database, shared by every process that counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from services.gateway import rate_limits
from services.gateway.database import GatewayDatabase
from services.gateway.rate_limits import RateLimited, RateLimits
from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import (
    BASE_URL,
    STAFF,
    SignInLinks,
    ask_for_link,
    csrf_token,
    use_link,
)

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


def test_staff_are_counted_by_their_own_address_with_a_limit_of_their_own(
    gateway_env: pytest.MonkeyPatch, sign_in_links: SignInLinks
) -> None:
    """The unit decides from one office address: the per-client limit is not theirs."""
    gateway_env.setenv("GATEWAY_SUBMIT_PER_CLIENT", "1")
    gateway_env.setenv("GATEWAY_STAFF_SUBMIT_PER_ADDRESS", "3")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as unit:
        ask_for_link(unit, STAFF)
        assert use_link(unit, sign_in_links.token()).status_code == 303
        token = csrf_token(unit.get("/unit/closures/new").text)
        closure = {"csrf_token": token, "day": "", "reason": ""}
        answers = [unit.post("/unit/closures/new", data=closure).status_code for _ in range(4)]
    assert answers[:3] == [422, 422, 422], "refused in words, never limited by the client's count"
    assert answers[3] == 429
