"""The delivery log: one row per email, folded from the service's own notification log.

The rows follow the event store the way the relay does: from the last position recorded here,
each new notification's aggregate is read and its row written, and the position moves in the
same transaction. The delivery job brings the log up to date before it picks what to send, and
the innovation unit's `GET /messages` reads it. Addresses are kept sealed: the API unseals them
when it answers, so once a person is erased the log shows nothing of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from eventsourcing.application import Application
from psycopg.sql import SQL, Literal

from services.notifications.domain import DUE_STATUSES, EmailStatus, Message
from services.runtime.connections import connection_pool
from services.runtime.leadership import lock_key
from services.runtime.paging import Listed, Page

BATCH: Final = 500

TABLE_LOCK: Final = "message-log-table"
"""Held while the tables are created: processes starting together would race on the DDL."""

_DDL: Final = (
    """CREATE TABLE IF NOT EXISTS message_log (
        id uuid PRIMARY KEY,
        template text NOT NULL,
        caused_by uuid NOT NULL,
        recipient_id uuid NULL,
        address jsonb NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        last_error text NULL,
        recorded_at timestamptz NOT NULL,
        sent_at timestamptz NULL,
        version bigint NOT NULL)""",
    SQL(
        "CREATE INDEX IF NOT EXISTS message_log_due ON message_log (next_attempt_at)"
        " WHERE status IN ({})"
    ).format(SQL(", ").join(Literal(status.value) for status in DUE_STATUSES)),
    "CREATE TABLE IF NOT EXISTS message_log_position"
    " (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)",
    "INSERT INTO message_log_position VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
)

_UPSERT: Final = """
INSERT INTO message_log AS m VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
    next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error,
    sent_at = EXCLUDED.sent_at, version = EXCLUDED.version
WHERE m.version < EXCLUDED.version
"""


class MessageLog:
    """The delivery log's table in the service's database."""

    def __init__(self, database_url: str) -> None:
        self._pool = connection_pool(database_url, name="message-log", max_size=4, dict_rows=True)
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(TABLE_LOCK),))
            for statement in _DDL:
                conn.execute(statement)

    def catch_up(self, application: Application[UUID]) -> int:
        """Write the rows of emails changed since the last call; how many notifications it read."""
        read = 0
        while True:
            with self._pool.connection() as conn, conn.transaction():
                row = conn.execute(
                    "SELECT position FROM message_log_position WHERE id = 1 FOR UPDATE"
                ).fetchone()
                position = int(row["position"]) if row else 0
                notifications = application.recorder.select_notifications(
                    start=position + 1, limit=BATCH
                )
                if not notifications:
                    return read
                for originator in dict.fromkeys(n.originator_id for n in notifications):
                    found: Any = application.repository.get(UUID(str(originator)))
                    if isinstance(found, Message):
                        conn.execute(_UPSERT, _row(found))
                conn.execute(
                    "UPDATE message_log_position SET position = %s WHERE id = 1",
                    (notifications[-1].id,),
                )
                read += len(notifications)

    def due(self, now: datetime, limit: int = 100) -> list[UUID]:
        """Emails whose next attempt is due, oldest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT id FROM message_log WHERE status = ANY(%s) AND next_attempt_at <= %s"
                " ORDER BY next_attempt_at LIMIT %s",
                ([status.value for status in DUE_STATUSES], now, limit),
            ).fetchall()
        return [row["id"] for row in rows]

    def search(
        self,
        page: Page,
        template: str | None = None,
        status: EmailStatus | None = None,
        recipient_id: UUID | None = None,
    ) -> Listed[dict[str, Any]]:
        """One page of rows, newest first, filtered by what is given, and how many match."""
        matching = (
            " FROM message_log"
            " WHERE (%(template)s::text IS NULL OR template = %(template)s)"
            " AND (%(status)s::text IS NULL OR status = %(status)s)"
            " AND (%(recipient)s::uuid IS NULL OR recipient_id = %(recipient)s)"
        )
        values = {
            "template": template,
            "status": status.value if status else None,
            "recipient": recipient_id,
            "limit": page.limit,
            "offset": page.offset,
        }
        with self._pool.connection() as conn:
            counted = conn.execute("SELECT count(*) AS n" + matching, values).fetchone()
            rows = conn.execute(
                "SELECT *" + matching + " ORDER BY recorded_at DESC, id"
                " LIMIT %(limit)s OFFSET %(offset)s",
                values,
            ).fetchall()
        return Listed(rows=rows, total=int(counted["n"]) if counted else 0)

    def counts(self) -> dict[EmailStatus, int]:
        """How many emails are in each status."""
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT status, count(*) AS n FROM message_log GROUP BY status")
            return {EmailStatus(row["status"]): int(row["n"]) for row in rows.fetchall()}

    def close(self) -> None:
        self._pool.close()


def _row(message: Message) -> Sequence[Any]:
    address = message.address
    stored = address.model_dump(mode="json") if not isinstance(address, str) else address
    return (
        message.id,
        message.template,
        message.caused_by,
        message.recipient_id,
        json.dumps(stored),
        message.status.value,
        message.attempts,
        message.next_attempt_at,
        message.last_error,
        message.recorded_at,
        message.sent_at,
        message.version,
    )
