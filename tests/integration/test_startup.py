"""Start-up is safe however many processes start at once, and waits out a missing database.

`make up` starts every service at the same moment on fresh databases and a fresh vault; each
creates its tables and the shared vault's. These tests do that here, on the real servers, with
every service as a process the way the Procfile runs it (`python -m services.<name> --role all`).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from services.runtime.catalog import SERVICE_PORTS
from services.runtime.sealing import MASTER_KEY_BYTES, KeyVault
from services.runtime.settings import server_url
from services.runtime.startup import retrying
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.polling import until
from tests.support.processes import service_process
from tests.support.servers import drop_database, fresh_database, kafka_bootstrap_servers

SERVICES = sorted(SERVICE_PORTS)
"""Every service of the catalogue, as `make up` starts them."""

ROUNDS = 5
READY_SECONDS = 90.0
COULD_NOT_START = "could not start"
"""What a service logs when an attempt at start-up failed and it will try again."""


@contextmanager
def fresh_topics() -> Iterator[str]:
    """Every topic of the registry under a prefix of its own; deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        yield prefix
    finally:
        delete_topics(prefix)


def test_every_service_starting_at_once_on_fresh_databases_comes_up_every_time(
    tmp_path: Path,
) -> None:
    for round_number in range(1, ROUNDS + 1):
        log_dir = tmp_path / f"round-{round_number}"
        log_dir.mkdir()
        with ExitStack() as stack:
            prefix = stack.enter_context(fresh_topics())
            env = {
                "VAULT_DATABASE_URL": stack.enter_context(fresh_database("vault")),
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
            }
            for name in SERVICES:
                env[f"{name.upper()}_DATABASE_URL"] = stack.enter_context(fresh_database(name))
            # Every process is started before any is waited for, as honcho does.
            services = [
                stack.enter_context(service_process(name, env, log_dir, wait=False))
                for name in SERVICES
            ]
            for service in services:
                until(
                    service.ready,
                    timeout=READY_SECONDS,
                    what=f"round {round_number}: {service.name} /ready 200",
                )
            for service in services:
                # Ready at the first attempt: the DDL took turns, no retry papered over a race.
                assert COULD_NOT_START not in service.log(), service.log()


def test_vaults_opened_at_the_same_instant_take_turns_creating_the_shared_table() -> None:
    # The race of services starting together, without the seconds their imports spread it over:
    # every opener reaches the vault's DDL at the same instant, on a fresh vault each time.
    openers = 8
    for _ in range(ROUNDS):
        with fresh_database("vault") as url:
            vaults = [KeyVault(url, os.urandom(MASTER_KEY_BYTES)) for _ in range(openers)]
            try:
                together = threading.Barrier(openers)
                with ThreadPoolExecutor(openers) as pool:
                    for outcome in [pool.submit(create_at, together, vault) for vault in vaults]:
                        outcome.result()  # UniqueViolation on pg_type if they raced
                subject = uuid.uuid4()
                assert vaults[0].key_for(subject) is not None
            finally:
                for vault in vaults:
                    vault.close()


def create_at(moment: threading.Barrier, vault: KeyVault) -> None:
    """Create the vault's table as soon as every other opener is ready to as well."""
    moment.wait()
    vault.create_table()


def test_a_service_whose_database_is_not_there_yet_says_why_and_comes_up_once_it_is(
    tmp_path: Path,
) -> None:
    name = f"registration_{uuid.uuid4().hex[:12]}"
    url = make_conninfo(make_conninfo(**conninfo_to_dict(server_url())), dbname=name)
    with ExitStack() as stack:
        prefix = stack.enter_context(fresh_topics())
        env = {
            "REGISTRATION_DATABASE_URL": url,
            "VAULT_DATABASE_URL": stack.enter_context(fresh_database("vault")),
            "KAFKA_TOPIC_PREFIX": prefix,
            "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
        }
        stack.callback(drop_database, url)
        service = stack.enter_context(service_process("registration", env, tmp_path, wait=False))
        until(
            lambda: COULD_NOT_START in service.log() and "does not exist" in service.log(),
            timeout=READY_SECONDS,
            what="the service says its database does not exist",
        )
        assert service.process.poll() is None, "it waits instead of exiting"
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        until(service.ready, timeout=READY_SECONDS, what="/ready 200 once the database exists")
        reasons = [line for line in service.log().splitlines() if COULD_NOT_START in line]
        assert all("does not exist" in line for line in reasons), reasons


def test_start_up_tries_database_failures_again_with_growing_waits_and_nothing_else() -> None:
    failures: list[Exception | None] = [
        psycopg.OperationalError('database "x" does not exist'),
        psycopg.OperationalError("server closed the connection\nunexpectedly"),
        None,
    ]
    waits: list[float] = []

    def attempt() -> str:
        failure = failures.pop(0)
        if failure is not None:
            raise failure
        return "opened"

    assert retrying("registration", attempt, sleep=waits.append) == "opened"
    assert len(waits) == 2
    assert waits[1] > waits[0], "backs off"

    def refused() -> str:
        raise ValueError("INNOVNET_MASTER_KEY must be standard base64 of 32 random bytes")

    with pytest.raises(ValueError, match="INNOVNET_MASTER_KEY"):
        retrying("registration", refused, sleep=waits.append)
    assert len(waits) == 2, "a refused setting is not waited on"
