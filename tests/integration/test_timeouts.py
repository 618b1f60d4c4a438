"""Blocked statements time out and answer 503 with Retry-After; every session has keepalives.

The lock is held by the test on a plain psycopg connection, as a long transaction, a migration
or a stuck session elsewhere would hold it; the service is a real process on the real servers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from psycopg.rows import tuple_row

from services.notifications.log import MessageLog
from services.registration.application import RegistrationApplication
from services.registration.designations import DesignationFiles
from services.runtime.connections import (
    TRANSIENT_ERRORS,
    DatabaseTimedOut,
    TimedDatastore,
    connection_options,
)
from services.runtime.errors import DATABASE_UNAVAILABLE
from services.runtime.eventstore import open_application
from services.runtime.leadership import leadership
from services.runtime.projection import datastore_for
from services.runtime.readiness import PostgresProbe
from services.runtime.relay import OUTAGES
from services.runtime.sealing import MASTER_KEY_BYTES, KeyVault
from services.runtime.settings import ServiceSettings
from services.runtime.startup import PASSING_FAILURES
from tests.registration.conftest import (
    ADMIN,
    TAX_IDS,
    RegistrationStack,
    form,
    running_registration,
)
from tests.support.polling import eventually
from tests.support.servers import fresh_database
from tests.support.tokens import applicant_for

LOCK_TIMEOUT_SECONDS = 1
STATEMENT_TIMEOUT_SECONDS = 2
CLIENT_TIMEOUT_SECONDS = 20.0
"""Far above the service's time-outs: a request still waiting then has not timed out at all."""

EVENTS_TABLE = f"{RegistrationApplication.name.lower()}_events"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RegistrationStack]:
    """The registration service with short statement and lock time-outs."""
    timeouts = {
        "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        "POSTGRES_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT_SECONDS),
    }
    with running_registration(tmp_path, timeouts) as running:
        yield running


def client(stack: RegistrationStack) -> httpx.Client:
    return httpx.Client(base_url=stack.url, timeout=CLIENT_TIMEOUT_SECONDS)


def submit(http: httpx.Client, tax_id: str) -> httpx.Response:
    """The form of the body `tax_id`, sent by the applicant who proved the filler's email."""
    filled = form(tax_id)
    return http.post("/registrations", json=filled, headers=applicant_for(filled))


def assert_busy(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["detail"][0]["type"] == "unavailable"
    # The database's own message stays in the log.
    assert "lock" not in response.text.lower()


def test_a_registration_blocked_on_the_event_table_answers_503_then_goes_through(
    stack: RegistrationStack,
) -> None:
    with client(stack) as http:
        assert submit(http, TAX_IDS[0]).status_code == 201
        with psycopg.connect(stack.database_url) as holder:
            # The lock every insert into the event store takes, held as a long writer would.
            holder.execute(
                sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(sql.Identifier(EVENTS_TABLE))
            )
            assert_busy(submit(http, TAX_IDS[1]))
            holder.rollback()
        # Released: the same form goes through, so nothing of the refused attempt was kept.
        assert submit(http, TAX_IDS[1]).status_code == 201
    assert "database unavailable (DatabaseTimedOut" in stack.service.log()


def test_a_list_blocked_on_its_projection_answers_503_then_answers_again(
    stack: RegistrationStack,
) -> None:
    with client(stack) as http:
        assert submit(http, TAX_IDS[2]).status_code == 201

        def listed() -> None:
            response = http.get("/registrations", headers=ADMIN)
            assert response.status_code == 200, response.text
            assert response.json()["items"], "the registration reached the list"

        eventually(listed, timeout=60)
        with psycopg.connect(stack.database_url) as holder:
            # What a migration or a rebuild's DDL takes: even readers wait behind it.
            holder.execute("LOCK TABLE registrations_g1.registrations IN ACCESS EXCLUSIVE MODE")
            assert_busy(http.get("/registrations", headers=ADMIN))
            holder.rollback()
        listed()


def session_settings(connection: psycopg.Connection[Any]) -> dict[str, str]:
    """What the server says of a session's time-outs, and what libpq says of its keepalives."""
    cursor = connection.cursor(row_factory=tuple_row)
    found = {
        name: str(cursor.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
        for name in ("statement_timeout", "lock_timeout")
    }
    parameters = connection.info.get_parameters()
    found.update({key: parameters.get(key, "") for key in ("keepalives", "keepalives_idle")})
    return found


BOUNDED = {"statement_timeout": "2s", "lock_timeout": "1s", "keepalives": "1"}
UNBOUNDED = {"statement_timeout": "0", "lock_timeout": "0", "keepalives": "1"}


def assert_has(found: dict[str, str], expected: dict[str, str]) -> None:
    assert {key: found[key] for key in expected} == expected, found
    assert int(found["keepalives_idle"]) > 0, found


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_LOCK_TIMEOUT", str(LOCK_TIMEOUT_SECONDS))
    monkeypatch.setenv("POSTGRES_STATEMENT_TIMEOUT", str(STATEMENT_TIMEOUT_SECONDS))


@pytest.mark.usefixtures("short_timeouts")
def test_request_path_sessions_have_keepalives_and_time_outs() -> None:
    with fresh_database("sessions") as url:
        settings = ServiceSettings(service="registration", database_url=url)
        application = open_application(RegistrationApplication, settings)
        try:
            datastore = application.factory.datastore  # type: ignore[attr-defined]
            assert isinstance(datastore, TimedDatastore)
            with datastore.get_connection() as connection:
                assert_has(session_settings(connection), BOUNDED)
        finally:
            application.close()
        projection_store = datastore_for(url, "public")
        try:
            with projection_store.get_connection() as connection:
                assert_has(session_settings(connection), BOUNDED)
        finally:
            projection_store.close()
        with (
            KeyVault(url, bytes(range(MASTER_KEY_BYTES))) as vault,
            vault._pool.connection() as connection,
        ):
            assert_has(session_settings(connection), BOUNDED)
        with psycopg.connect(url, **connection_options()) as connection:
            assert_has(session_settings(connection), BOUNDED)
        for pool in (DesignationFiles(url)._pool, MessageLog(url)._pool):
            with pool, pool.connection() as connection:
                assert_has(session_settings(connection), BOUNDED)


def test_the_readiness_probe_has_keepalives_and_time_outs_of_its_own() -> None:
    with fresh_database("sessions") as url:
        probe = PostgresProbe(url)
        try:
            found = session_settings(probe.connection())
        finally:
            probe.close()
    assert_has(found, {"statement_timeout": "2s", "lock_timeout": "2s", "keepalives": "1"})


@pytest.mark.usefixtures("short_timeouts")
def test_lock_waiting_sessions_have_keepalives_and_no_time_outs() -> None:
    # `exclusively` opens its session the same way; leadership's is the one it hands out.
    with fresh_database("sessions") as url, leadership(url, "a-lock", threading.Event()) as conn:
        assert conn is not None
        assert_has(session_settings(conn), UNBOUNDED)


def test_a_time_out_is_a_passing_failure_wherever_the_runtime_waits_one_out() -> None:
    # Consumers wait passing failures out instead of dead-lettering the message, the relay
    # instead of dying, start-up instead of exiting, the API answers 503.
    for waited_out in (TRANSIENT_ERRORS, OUTAGES, PASSING_FAILURES, DATABASE_UNAVAILABLE):
        assert issubclass(DatabaseTimedOut, waited_out)
