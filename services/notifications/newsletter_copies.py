"""The newsletter's copies: one row per (issue, subscriber), the sender's own record of work.

These tables live in the service's `public` schema, outside the audience projection's
generations: a rebuild of the projection must never make an issue look unsent. An issue is
expanded once, in one transaction: its row in `newsletter_sends` and a copy for each subscriber
who receives at that moment. A copy is `pending`, `sending` (the relay is being talked to),
`sent`, `failed` (given up) or `skipped` (its subscriber stopped receiving before its turn).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from psycopg import Connection
from psycopg.sql import SQL, Identifier

from contracts.personal import Sealed
from services.runtime.connections import connection_pool
from services.runtime.leadership import lock_key

TABLE_LOCK: Final = "newsletter-copies-table"
"""Held while the tables are created: processes starting together would race on the DDL."""

STATUSES: Final = ("pending", "sending", "sent", "failed", "skipped")

_DDL: Final = (
    "CREATE TABLE IF NOT EXISTS public.newsletter_sends ("
    " issue_id uuid PRIMARY KEY, number integer NOT NULL, total integer NOT NULL,"
    " expanded_at timestamptz NOT NULL)",
    "CREATE TABLE IF NOT EXISTS public.newsletter_copies ("
    " issue_id uuid NOT NULL, subscriber_id uuid NOT NULL, language text NOT NULL,"
    " status text NOT NULL, attempts integer NOT NULL DEFAULT 0,"
    " next_attempt_at timestamptz NOT NULL, last_error text NULL, sent_at timestamptz NULL,"
    " PRIMARY KEY (issue_id, subscriber_id))",
    "CREATE INDEX IF NOT EXISTS newsletter_copies_open ON public.newsletter_copies"
    " (issue_id, subscriber_id) WHERE status IN ('pending', 'sending')",
)


@dataclass(frozen=True)
class Claimed:
    """A copy marked `sending`: to whom, sealed, in which language, on which attempt."""

    issue_id: UUID
    subscriber_id: UUID
    email: Sealed
    language: str
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """What became of a claimed copy: `sent`, `pending` again (at `retry_at`) or `failed`."""

    copy: Claimed
    status: str
    at: datetime
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True)
class UnsentIssue:
    """A published issue with copies still to send, and its texts by language."""

    issue_id: UUID
    number: int
    texts: dict[str, dict[str, Any]]


class NewsletterCopies:
    """The copies' tables; `audience` names the projection schema subscribers are read from."""

    def __init__(self, database_url: str) -> None:
        self._pool = connection_pool(
            database_url, name="newsletter-copies", max_size=3, autocommit=True
        )
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(TABLE_LOCK),))
            for statement in _DDL:
                conn.execute(statement)

    def connection(self) -> Any:
        """A connection of the pool, for one run of the sender (a context manager)."""
        return self._pool.connection()

    def expand(self, conn: Connection[Any], audience: str, now: datetime) -> int:
        """Make the copies of every issue not expanded yet; how many issues were expanded."""
        expanded = 0
        with conn.transaction():
            issues = conn.execute(
                SQL(
                    "SELECT issue_id, number FROM {} i WHERE NOT EXISTS"
                    " (SELECT 1 FROM public.newsletter_sends s WHERE s.issue_id = i.issue_id)"
                    " ORDER BY number"
                ).format(Identifier(audience, "issues"))
            ).fetchall()
            for issue_id, number in issues:
                copies = conn.execute(
                    SQL(
                        "INSERT INTO public.newsletter_copies"
                        " (issue_id, subscriber_id, language, status, next_attempt_at)"
                        " SELECT %s, subscriber_id, language, 'pending', %s FROM {}"
                        " WHERE receives ON CONFLICT DO NOTHING"
                    ).format(Identifier(audience, "subscribers")),
                    (issue_id, now),
                ).rowcount
                conn.execute(
                    "INSERT INTO public.newsletter_sends VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (issue_id) DO NOTHING",
                    (issue_id, number, copies, now),
                )
                expanded += 1
        return expanded

    def unsent_issues(self, conn: Connection[Any], audience: str) -> list[UnsentIssue]:
        """Issues with a copy pending or sending, oldest first, with their texts."""
        with conn.transaction():
            rows = conn.execute(
                SQL(
                    "SELECT s.issue_id, s.number, i.texts FROM public.newsletter_sends s"
                    " JOIN {} i USING (issue_id) WHERE EXISTS (SELECT 1 FROM"
                    " public.newsletter_copies c WHERE c.issue_id = s.issue_id"
                    " AND c.status IN ('pending', 'sending')) ORDER BY s.number"
                ).format(Identifier(audience, "issues"))
            ).fetchall()
        return [UnsentIssue(row[0], row[1], row[2]) for row in rows]

    def left_sending(self, conn: Connection[Any], audience: str, issue: UUID) -> list[Claimed]:
        """Copies found `sending` when a run starts: a process died talking to the relay."""
        with conn.transaction():
            rows = conn.execute(
                SQL(
                    "SELECT c.subscriber_id, s.email, c.language, c.attempts"
                    " FROM public.newsletter_copies c JOIN {} s USING (subscriber_id)"
                    " WHERE c.issue_id = %s AND c.status = 'sending'"
                ).format(Identifier(audience, "subscribers")),
                (issue,),
            ).fetchall()
        return [Claimed(issue, r[0], Sealed.model_validate(r[1]), r[2], r[3]) for r in rows]

    def due(self, conn: Connection[Any], issue: UUID, now: datetime, batch: int) -> Iterator[UUID]:
        """The subscribers of the issue's pending, due copies in order, `batch` rows a query.

        Keyset paging: only ids are held, a batch at a time, however many copies there are.
        """
        after = UUID(int=0)
        while True:
            rows = conn.execute(
                "SELECT subscriber_id FROM public.newsletter_copies WHERE issue_id = %s"
                " AND status = 'pending' AND next_attempt_at <= %s AND subscriber_id > %s"
                " ORDER BY subscriber_id LIMIT %s",
                (issue, now, after, batch),
            ).fetchall()
            if not rows:
                return
            for (subscriber,) in rows:
                yield subscriber
            after = rows[-1][0]

    def settle_and_claim(
        self,
        conn: Connection[Any],
        audience: str,
        outcome: Outcome | None,
        issue: UUID,
        candidates: Iterator[UUID],
    ) -> Claimed | None:
        """Record the last copy's outcome and mark the next one `sending`, in one transaction.

        So at most one copy is ever `sending`. A candidate whose subscriber no longer receives
        is `skipped` on the way. None when no candidate is left.
        """
        claim = SQL(
            "UPDATE public.newsletter_copies c"
            " SET status = CASE WHEN s.receives THEN 'sending' ELSE 'skipped' END,"
            " attempts = c.attempts + CASE WHEN s.receives THEN 1 ELSE 0 END,"
            " language = coalesce(s.language, c.language)"
            " FROM (SELECT %s::uuid AS subscriber_id) wanted LEFT JOIN {} s USING (subscriber_id)"
            " WHERE c.issue_id = %s AND c.subscriber_id = wanted.subscriber_id"
            " AND c.status = 'pending' RETURNING c.status, c.attempts, s.email, c.language"
        ).format(Identifier(audience, "subscribers"))
        # Pipelined: the outcome, the claim and the commit cost two round trips, not four.
        with conn.pipeline(), conn.transaction():
            if outcome is not None:
                self._record(conn, outcome)
            for subscriber in candidates:
                claimed = conn.execute(claim, (subscriber, issue)).fetchone()
                if claimed is not None and claimed[0] == "sending":
                    email = Sealed.model_validate(claimed[2])
                    return Claimed(issue, subscriber, email, claimed[3], claimed[1])
        return None

    def record(self, conn: Connection[Any], outcome: Outcome) -> None:
        """Record one copy's outcome on its own (a re-send after a crash, the last of a run)."""
        with conn.transaction():
            self._record(conn, outcome)

    @staticmethod
    def _record(conn: Connection[Any], outcome: Outcome) -> None:
        copy = outcome.copy
        conn.execute(
            "UPDATE public.newsletter_copies SET status = %s, last_error = %s,"
            " sent_at = CASE WHEN %s = 'sent' THEN %s ELSE sent_at END,"
            " next_attempt_at = coalesce(%s, next_attempt_at)"
            " WHERE issue_id = %s AND subscriber_id = %s",
            (
                outcome.status,
                outcome.error,
                outcome.status,
                outcome.at,
                outcome.retry_at,
                copy.issue_id,
                copy.subscriber_id,
            ),
        )

    # Queries.

    def progress(self, issue: UUID) -> dict[str, int] | None:
        """The issue's copies by status (`sending` counted as pending), or None if unexpanded."""
        with self._pool.connection() as conn:
            sent = conn.execute(
                "SELECT 1 FROM public.newsletter_sends WHERE issue_id = %s", (issue,)
            ).fetchone()
            if sent is None:
                return None
            rows = conn.execute(
                "SELECT status, count(*) FROM public.newsletter_copies WHERE issue_id = %s"
                " GROUP BY status",
                (issue,),
            ).fetchall()
        counts = dict.fromkeys(STATUSES, 0)
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    def counts(self, conn: Connection[Any]) -> dict[str, int]:
        """Every issue's copies by status."""
        with conn.transaction():
            rows = conn.execute(
                "SELECT status, count(*) FROM public.newsletter_copies GROUP BY status"
            ).fetchall()
        counts = dict.fromkeys(STATUSES, 0)
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    def close(self) -> None:
        self._pool.close()
