"""The practices' desk: every practice's status, for the body's lists and the unit's queue.

A fold of the observatory's own topic, one row per practice, keyed by its id (versions already
applied are skipped by the runtime, so a rebuild gives the same rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL

from contracts import observatory as contract
from contracts.observatory import PracticeStatus
from contracts.registration import Language, Level
from contracts.topics import topic_of
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection

WHERE = SQL(
    "WHERE (%(status)s::text IS NULL OR status = %(status)s)"
    " AND (%(body_id)s::text IS NULL OR body_id = %(body_id)s)"
)
COUNT = SQL("SELECT count(*) AS n FROM practices {}").format(WHERE)
PAGE = "SELECT * FROM practices {} ORDER BY {} LIMIT %(limit)s OFFSET %(offset)s"
OLDEST_SUBMITTED_FIRST = SQL(PAGE).format(WHERE, SQL("submitted_at, practice_id"))
NEWEST_FIRST = SQL(PAGE).format(WHERE, SQL("updated_at DESC, practice_id"))


@dataclass(frozen=True)
class PracticeRow:
    """A practice on the desk."""

    practice_id: UUID
    body_id: str
    body_name: str
    level: Level
    status: PracticeStatus
    title: str
    languages: list[Language]
    updated_at: datetime
    submitted_at: datetime | None


class Desk(Projection):
    """Every practice: its body, status, title, languages, when it changed and was submitted."""

    name = "desk"
    topics: ClassVar = (topic_of("observatory").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS practices ("
            " practice_id uuid PRIMARY KEY, body_id text NOT NULL, body_name text NOT NULL,"
            " level text NOT NULL, status text NOT NULL, title text NOT NULL,"
            " languages text[] NOT NULL, updated_at timestamptz NOT NULL,"
            " submitted_at timestamptz)"
        )
        curs.execute(
            "CREATE INDEX IF NOT EXISTS practices_status ON practices (status, submitted_at)"
        )
        curs.execute("CREATE INDEX IF NOT EXISTS practices_body ON practices (body_id)")

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case contract.PracticeDrafted() as e:
                curs.execute(
                    "INSERT INTO practices VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL)"
                    " ON CONFLICT (practice_id) DO NOTHING",
                    (
                        e.practice_id,
                        e.body_id,
                        e.body_name or "",
                        e.level.value,
                        PracticeStatus.DRAFT.value,
                        e.title,
                        [language.value for language in e.languages],
                        e.drafted_at,
                    ),
                )
            case contract.PracticeEdited() as e:
                curs.execute(
                    "UPDATE practices SET title = %s, languages = %s, updated_at = %s"
                    " WHERE practice_id = %s",
                    (e.title, [x.value for x in e.languages], e.edited_at, e.practice_id),
                )
            case contract.PracticeSubmitted() as e:
                curs.execute(
                    "UPDATE practices SET status = %s, title = %s, languages = %s,"
                    " submitted_at = %s, updated_at = %s WHERE practice_id = %s",
                    (
                        PracticeStatus.SUBMITTED.value,
                        e.title,
                        [x.value for x in e.languages],
                        e.submitted_at,
                        e.submitted_at,
                        e.practice_id,
                    ),
                )
            case contract.PracticePublished() as e:
                record = e.practice
                curs.execute(
                    "UPDATE practices SET status = %s, body_name = %s, title = %s,"
                    " updated_at = %s WHERE practice_id = %s",
                    (
                        PracticeStatus.PUBLISHED.value,
                        record.body_name,
                        record.texts[record.languages[0]].title,
                        record.published_at,
                        e.practice_id,
                    ),
                )
            case contract.PracticeChangesRequested() as e:
                self._moved(curs, e, PracticeStatus.CHANGES_REQUESTED, e.requested_at)
            case contract.PracticeRejected() as e:
                self._moved(curs, e, PracticeStatus.REJECTED, e.rejected_at)
            case contract.PracticeArchived() as e:
                self._moved(curs, e, PracticeStatus.ARCHIVED, e.archived_at)
            case contract.PracticeWithdrawn() as e:
                self._moved(curs, e, PracticeStatus.WITHDRAWN, e.withdrawn_at)

    @staticmethod
    def _moved(
        curs: Cursor[DictRow],
        e: contract.ObservatoryEvent,
        status: PracticeStatus,
        at: datetime,
    ) -> None:
        curs.execute(
            "UPDATE practices SET status = %s, updated_at = %s WHERE practice_id = %s",
            (status.value, at, e.practice_id),
        )

    # Queries.

    def practices(
        self, *, status: PracticeStatus | None, body_id: str | None, page: Page
    ) -> Listed[PracticeRow]:
        """A page of practices of a status and a body (any for None): the submitted ones
        oldest submitted first (the unit's queue), the others last changed first."""
        rows = OLDEST_SUBMITTED_FIRST if status is PracticeStatus.SUBMITTED else NEWEST_FIRST
        parameters = {"status": status.value if status else None, "body_id": body_id}
        return self.page_of(COUNT, rows, parameters, page).map(practice_row)


def practice_row(row: DictRow) -> PracticeRow:
    """A `practices` row as a record."""
    return PracticeRow(
        practice_id=row["practice_id"],
        body_id=row["body_id"],
        body_name=row["body_name"],
        level=Level(row["level"]),
        status=PracticeStatus(row["status"]),
        title=row["title"],
        languages=[Language(language) for language in row["languages"]],
        updated_at=row["updated_at"],
        submitted_at=row["submitted_at"],
    )
