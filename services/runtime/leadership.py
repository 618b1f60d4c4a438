"""One process at a time: a PostgreSQL advisory lock held on a connection of its own.

The lock goes with the connection: when the holder dies, PostgreSQL ends its session and the
next waiter takes over. Work done under the lock that must be fenced (the relay's position)
is written on that same connection, so a holder that lost its connection cannot write it.
These sessions have keepalives but no statement or lock time-out: waiting is what they are for.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from services.runtime.connections import connection_options

WAIT_SECONDS = 1.0


def lock_key(name: str) -> int:
    """A stable 32-bit key for a named lock."""
    return zlib.crc32(f"innovnet:{name}".encode())


@contextmanager
def leadership(
    database_url: str, name: str, stop: threading.Event
) -> Iterator[psycopg.Connection[Any] | None]:
    """Wait for the lock `name`; yield its connection, or None if `stop` came first."""
    with psycopg.connect(
        database_url, autocommit=True, **connection_options(waits_for_locks=True)
    ) as conn:
        while not stop.is_set():
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()
            if row and row[0]:
                yield conn
                return
            stop.wait(WAIT_SECONDS)
        yield None


@contextmanager
def exclusively(database_url: str, name: str) -> Iterator[None]:
    """Hold the lock `name` for the block, waiting for it as long as it takes.

    For setup that processes starting together would race on: PostgreSQL's `CREATE ... IF NOT
    EXISTS` is not safe against a concurrent twin ("tuple concurrently updated").
    """
    key = lock_key(name)
    with psycopg.connect(
        database_url, autocommit=True, **connection_options(waits_for_locks=True)
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
