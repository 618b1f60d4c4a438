"""The parked-events table is created once however many relays and releases start together."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg

from services.runtime.connections import connection_options
from services.runtime.parking import create_parked_table, parked_events
from tests.support.servers import fresh_database

CREATORS = 8
ROUNDS = 5


def test_creators_at_the_same_instant_take_turns_creating_the_parked_table() -> None:
    for _ in range(ROUNDS):
        with fresh_database("parking") as url:
            together = threading.Barrier(CREATORS)
            with ThreadPoolExecutor(CREATORS) as pool:
                created = [pool.submit(create_at, together, url) for _ in range(CREATORS)]
                for outcome in created:
                    outcome.result()  # UniqueViolation on pg_type if they raced
            with psycopg.connect(url, autocommit=True) as conn:
                assert parked_events(conn, "any") == []


def create_at(moment: threading.Barrier, url: str) -> None:
    """Create the table as soon as every other creator is ready to as well."""
    with psycopg.connect(url, autocommit=True, **connection_options(waits_for_locks=True)) as conn:
        moment.wait()
        create_parked_table(conn)
