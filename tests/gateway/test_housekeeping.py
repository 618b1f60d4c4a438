"""The clean-up job deletes what has ended, and only that, from the gateway's database."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from services.gateway.housekeeping import CLEAN_UP, Removed, clean_up
from services.gateway.service import SERVICE
from tests.gateway.conftest import NOW, sql

MINUTE = timedelta(minutes=1)


def a_sign_in_request(
    client: TestClient, email: str, expires_at: datetime, used_at: datetime | None = None
) -> None:
    sql(
        client,
        "INSERT INTO sign_in_requests"
        " (id, token_hash, purpose, email, blind_index, next_path, created_at, expires_at, used_at)"
        " VALUES (%s, %s, 'sign-in', %s, %s, '/', %s, %s, %s)",
        (
            uuid.uuid4(),
            hashlib.sha256(email.encode()).digest(),
            email,
            b"index",
            expires_at - 15 * MINUTE,
            expires_at,
            used_at,
        ),
    )


def a_session(client: TestClient, email: str, created_at: datetime, last_seen_at: datetime) -> None:
    sql(
        client,
        "INSERT INTO sessions VALUES (%s, 'sign-in', %s, %s, '{}', %s, %s)",
        (hashlib.sha256(email.encode()).digest(), email, b"index", created_at, last_seen_at),
    )


def emails(client: TestClient, table: str) -> list[Any]:
    return [row[0] for row in sql(client, f"SELECT email FROM {table} ORDER BY email")]


def test_the_job_deletes_spent_requests_ended_sessions_and_past_windows(
    gateway: TestClient,
) -> None:
    a_sign_in_request(gateway, "expired@example.gov.gr", NOW - MINUTE)
    a_sign_in_request(gateway, "used@example.gov.gr", NOW + 10 * MINUTE, used_at=NOW - MINUTE)
    a_sign_in_request(gateway, "waiting@example.gov.gr", NOW + MINUTE)
    a_session(gateway, "idle@example.gov.gr", NOW - 60 * MINUTE, NOW - 31 * MINUTE)
    a_session(gateway, "old@example.gov.gr", NOW - 12 * 60 * MINUTE - MINUTE, NOW - MINUTE)
    a_session(gateway, "current@example.gov.gr", NOW - 11 * 60 * MINUTE, NOW - 29 * MINUTE)
    limits = gateway.app.state.application.rate_limits  # type: ignore[attr-defined]
    limits.hit("sign-in:client:203.0.113.7", 5, NOW - MINUTE)  # the window before NOW's
    limits.hit("sign-in:client:203.0.113.8", 5, NOW)
    stores = gateway.app.state.running.stores  # type: ignore[attr-defined]

    assert clean_up(stores, NOW) == Removed(sign_in_requests=2, sessions=2, rate_counters=1)
    assert emails(gateway, "sign_in_requests") == ["waiting@example.gov.gr"]
    assert emails(gateway, "sessions") == ["current@example.gov.gr"]
    assert sql(gateway, "SELECT key FROM rate_counters") == [("sign-in:client:203.0.113.8",)]
    assert clean_up(stores, NOW) == Removed(0, 0, 0), "run again, it finds nothing more"


def test_the_job_runs_in_the_gateways_workers() -> None:
    assert CLEAN_UP in SERVICE.jobs
    assert CLEAN_UP.work is clean_up
    assert CLEAN_UP.every_seconds <= 5 * 60, "the privacy notice says within 5 minutes"
