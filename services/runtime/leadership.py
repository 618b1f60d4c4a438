"""One process at a time: a PostgreSQL advisory lock held on a connection of its own.

The lock goes with the connection: when the holder dies, PostgreSQL ends its session and the
next waiter takes over. Work done under the lock that must be fenced (the relay's position)
is written on that same connection, so a holder that lost its connection cannot write it.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

WAIT_SECONDS = 1.0


def lock_key(name: str) -> int:
    """A stable 32-bit key for a named lock."""
    return zlib.crc32(f"innovnet:{name}".encode())


@contextmanager
def leadership(
    database_url: str, name: str, stop: threading.Event
) -> Iterator[psycopg.Connection[Any] | None]:
    """Wait for the lock `name`; yield its connection, or None if `stop` came first."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.is_set():
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()
            if row and row[0]:
                yield conn
                return
            stop.wait(WAIT_SECONDS)
        yield None
