"""Events the relay could not map or validate, and the later events of their aggregates.

The `relay_parked` table lives in the service's own database. The relay writes it on its lock
connection in the transaction that moves its position, so a parked event is never also
"published" and never forgotten. While an aggregate has a parked event, its later events are
parked behind it: per-aggregate order holds on the topic. `innovnet relay release` publishes
them after a fix and deletes their rows.

Both the relay (for each batch) and a release (for its whole run) hold the parking lock, so a
release never interleaves with a batch that is deciding what to park.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg

from services.runtime.leadership import lock_key

REASON_MAX_LENGTH = 2000

PARKED_DDL = (
    "CREATE TABLE IF NOT EXISTS relay_parked ("
    " topic text NOT NULL,"
    " notification_id bigint NOT NULL,"
    " aggregate_id uuid NOT NULL,"
    " aggregate_version bigint NOT NULL,"
    " event_type text NOT NULL,"
    " reason text NOT NULL,"
    " parked_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (topic, notification_id))"
)


@dataclass(frozen=True)
class ParkedEvent:
    """One stored event the relay holds back, and why."""

    notification_id: int
    aggregate_id: UUID
    aggregate_version: int
    event_type: str
    reason: str
    parked_at: datetime | None = None


def parking_lock_key(topic: str) -> int:
    """The advisory lock a relay batch and a release of `topic` both hold."""
    return lock_key(f"relay-parking:{topic}")


def create_parked_table(conn: psycopg.Connection[Any]) -> None:
    """Create the table if it is missing, taking turns with any relay or release doing so."""
    # Two `CREATE TABLE IF NOT EXISTS` at once can both go ahead and one fail on pg_type.
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key("relay-parked-table"),))
        conn.execute(PARKED_DDL)


def parked_aggregates(conn: psycopg.Connection[Any], topic: str) -> set[UUID]:
    """The aggregates with an event parked now."""
    rows = conn.execute(
        "SELECT DISTINCT aggregate_id FROM relay_parked WHERE topic = %s", (topic,)
    ).fetchall()
    return {row[0] for row in rows}


def parked_events(conn: psycopg.Connection[Any], topic: str) -> list[ParkedEvent]:
    """Every parked event of `topic`, in notification order."""
    rows = conn.execute(
        "SELECT notification_id, aggregate_id, aggregate_version, event_type, reason, parked_at"
        " FROM relay_parked WHERE topic = %s ORDER BY notification_id",
        (topic,),
    ).fetchall()
    return [ParkedEvent(*row) for row in rows]


def park(conn: psycopg.Connection[Any], topic: str, events: Sequence[ParkedEvent]) -> None:
    """Add parked events (inside the caller's transaction); a repeat of one is ignored."""
    if not events:
        return
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO relay_parked"
            " (topic, notification_id, aggregate_id, aggregate_version, event_type, reason)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [
                (
                    topic,
                    e.notification_id,
                    e.aggregate_id,
                    e.aggregate_version,
                    e.event_type,
                    e.reason[:REASON_MAX_LENGTH],
                )
                for e in events
            ],
        )


def unpark(conn: psycopg.Connection[Any], topic: str, notification_ids: Sequence[int]) -> None:
    """Remove released events."""
    conn.execute(
        "DELETE FROM relay_parked WHERE topic = %s AND notification_id = ANY(%s)",
        (topic, list(notification_ids)),
    )


def note_reason(
    conn: psycopg.Connection[Any], topic: str, notification_id: int, reason: str
) -> None:
    """Record why a parked event still fails."""
    conn.execute(
        "UPDATE relay_parked SET reason = %s WHERE topic = %s AND notification_id = %s",
        (reason[:REASON_MAX_LENGTH], topic, notification_id),
    )


@contextmanager
def parking_lock(conn: psycopg.Connection[Any], topic: str) -> Iterator[None]:
    """Hold the parking lock of `topic` on `conn` for the block, waiting for it if need be."""
    key = parking_lock_key(topic)
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
