"""Secret links waiting for their email: kept outside every event, and only until it is done.

A sign-in link carries a token that lets whoever holds it in, so it must not be in the email's
events (the event store keeps them for ever, and the outcome is published on Kafka). It waits
here, keyed by the email's id, and is deleted once the email was sent, given up or cancelled,
and in any case once the link expired (what a crash between two steps might leave behind).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID

from services.runtime.connections import connection_pool
from services.runtime.leadership import lock_key

TABLE_LOCK: Final = "held-link-table"
"""Held while the table is created: processes starting together would race on the DDL."""

_DDL: Final = (
    """CREATE TABLE IF NOT EXISTS held_link (
        message_id uuid PRIMARY KEY,
        url text NOT NULL,
        expires_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS held_link_expiry ON held_link (expires_at)",
)


class LinkGone(Exception):
    """The email's link is no longer held (sent already, or expired): it cannot be sent."""


class HeldLinks:
    """The table of links waiting for their email, in the service's database."""

    def __init__(self, database_url: str) -> None:
        self._pool = connection_pool(database_url, name="held-links", max_size=2)
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(TABLE_LOCK),))
            for statement in _DDL:
                conn.execute(statement)

    def hold(self, message_id: UUID, url: str, expires_at: datetime) -> None:
        """Keep the link of the email `message_id` until it is sent; the first one stays."""
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO held_link VALUES (%s, %s, %s) ON CONFLICT (message_id) DO NOTHING",
                (message_id, url, expires_at),
            )

    def link(self, message_id: UUID) -> str:
        """The link of the email `message_id`, or LinkGone."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT url FROM held_link WHERE message_id = %s", (message_id,)
            ).fetchone()
        if row is None:
            raise LinkGone(str(message_id))
        return str(row[0])

    def forget(self, message_id: UUID) -> None:
        """Delete the link of the email `message_id` (nothing if there is none)."""
        with self._pool.connection() as conn:
            conn.execute("DELETE FROM held_link WHERE message_id = %s", (message_id,))

    def forget_expired(self, now: datetime) -> int:
        """Delete every link expired at `now`; how many."""
        with self._pool.connection() as conn:
            return conn.execute("DELETE FROM held_link WHERE expires_at <= %s", (now,)).rowcount

    def close(self) -> None:
        self._pool.close()
