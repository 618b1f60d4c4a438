"""The gateway's own tables (sessions, sign-in requests, rate counters) and their pool."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from psycopg import Connection
from psycopg.rows import DictRow

from services.runtime.connections import connection_pool
from services.runtime.leadership import lock_key

TABLE_LOCK: Final = "gateway-tables"
"""Held while the tables are created: processes starting together would race on the DDL."""

DDL: Final = (
    # Only the SHA-256 of a session id is kept: a copy of the table opens no session.
    """CREATE TABLE IF NOT EXISTS public.sessions (
        id_hash bytea PRIMARY KEY,
        purpose text NOT NULL,
        email text NOT NULL,
        blind_index bytea NOT NULL,
        draft jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS sessions_blind_index ON public.sessions (blind_index)",
    # Only the SHA-256 of a link's token; the clean-up job deletes the row once used or expired.
    """CREATE TABLE IF NOT EXISTS public.sign_in_requests (
        id uuid PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE,
        purpose text NOT NULL,
        email text NOT NULL,
        blind_index bytea NOT NULL,
        next_path text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL)""",
    # A database made before the column existed gets it too.
    "ALTER TABLE public.sign_in_requests ADD COLUMN IF NOT EXISTS next_path text NOT NULL"
    " DEFAULT '/'",
    """CREATE TABLE IF NOT EXISTS public.rate_counters (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (key, window_start))""",
)


class GatewayDatabase:
    """A pool on the gateway's database, its tables created at start."""

    def __init__(self, database_url: str) -> None:
        self._pool = connection_pool(database_url, name="gateway", max_size=8, dict_rows=True)
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(TABLE_LOCK),))
            for statement in DDL:
                conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Connection[DictRow]]:
        """A pooled connection in one transaction, committed when the block ends."""
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def execute(self, statement: str, params: Any = None) -> list[DictRow]:
        """Run one statement in its own transaction; its rows (none for a plain write)."""
        with self.transaction() as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self._pool.close()
