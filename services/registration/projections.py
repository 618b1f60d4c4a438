"""The innovation unit's list of registrations, and what the overdue and lapse checks read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from contracts.registration import Level
from contracts.topics import topic_of
from services.registration.domain import Registration
from services.registration.nominations import RegistrationStatus
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection


@dataclass(frozen=True)
class RegistrationLine:
    """One registration in the innovation unit's list."""

    id: UUID
    body_name: str
    tax_id: str
    level: Level
    status: RegistrationStatus
    designation_due: date
    next_due: date | None
    lapses_on: date | None
    submitted_at: datetime

    def __post_init__(self) -> None:
        # A row gives the enums back as their string values.
        object.__setattr__(self, "level", Level(self.level))
        object.__setattr__(self, "status", RegistrationStatus(self.status))


# `%(s)s IS NULL OR status = %(s)s`: one statement whether a status is asked for or not. Only
# a registration on the lapse clock has a `lapses_on`, so a lapse day asked for leaves out the
# lapsed, withdrawn and active ones.
WANTED = SQL(
    "WHERE (%(s)s::text IS NULL OR status = %(s)s)"
    " AND (%(before)s::date IS NULL OR lapses_on <= %(before)s)"
)
COUNT_OF_WANTED = SQL("SELECT count(*) FROM registrations {}").format(WANTED)
PAGE_OF_WANTED = SQL(
    "SELECT {} FROM registrations {} ORDER BY"
    " CASE WHEN %(before)s::date IS NULL THEN NULL ELSE lapses_on END,"
    " submitted_at DESC, id LIMIT %(limit)s OFFSET %(offset)s"
).format(SQL(", ").join(Identifier(f.name) for f in fields(RegistrationLine)), WANTED)
"""A line's columns are named: a column added to the table later stays out of the line. Asked
by lapse day, the soonest to lapse come first."""


class RegistrationIndex(Projection):
    """One row per registration: body, status, due days; rebuilt from the service's own topic.

    A row is written from the registration's current state in the event store, so the status
    rules live in the domain alone.
    """

    name = "registrations"
    topics: ClassVar = (topic_of("registration").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS registrations ("
            " id uuid PRIMARY KEY, body_name text NOT NULL, tax_id text NOT NULL,"
            " level text NOT NULL, status text NOT NULL, designation_due date NOT NULL,"
            " next_due date, submitted_at timestamptz NOT NULL)"
        )
        # Added after the first release: a table made before gets them (filled by a rebuild).
        curs.execute(
            "ALTER TABLE registrations ADD COLUMN IF NOT EXISTS lapses_on date,"
            " ADD COLUMN IF NOT EXISTS next_lapse_step date"
        )
        curs.execute("CREATE INDEX IF NOT EXISTS registrations_status ON registrations (status)")
        curs.execute(
            "CREATE INDEX IF NOT EXISTS registrations_next_due ON registrations (next_due)"
            " WHERE next_due IS NOT NULL"
        )
        curs.execute(
            "CREATE INDEX IF NOT EXISTS registrations_lapses_on ON registrations (lapses_on)"
            " WHERE lapses_on IS NOT NULL"
        )
        curs.execute(
            "CREATE INDEX IF NOT EXISTS registrations_next_lapse_step"
            " ON registrations (next_lapse_step) WHERE next_lapse_step IS NOT NULL"
        )

    def apply_all(self, curs: Cursor[DictRow], deliveries: Sequence[Delivery]) -> None:
        """Each registration once a batch: its row is its current state, whatever the events."""
        newest = {d.event.aggregate_id: d for d in deliveries}
        for delivery in newest.values():
            self.apply(curs, delivery)

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        found: object = self.application.repository.get(delivery.event.aggregate_id)
        if not isinstance(found, Registration):
            return  # an erasure: this index keeps no personal data
        curs.execute(
            "INSERT INTO registrations (id, body_name, tax_id, level, status, designation_due,"
            " next_due, submitted_at, lapses_on, next_lapse_step)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET body_name = EXCLUDED.body_name,"
            " status = EXCLUDED.status, next_due = EXCLUDED.next_due,"
            " lapses_on = EXCLUDED.lapses_on, next_lapse_step = EXCLUDED.next_lapse_step",
            (
                found.id,
                found.body.name,
                found.body.tax_id,
                found.body.level.value,
                found.status.value,
                found.designation_due,
                found.next_due(),
                found.submitted_at,
                found.lapses_on,
                found.next_lapse_step(),
            ),
        )

    # Queries.

    def registrations(
        self, status: RegistrationStatus | None, page: Page, lapses_before: date | None = None
    ) -> Listed[RegistrationLine]:
        """The list, newest first, of one status or of all; given `lapses_before`, those that
        lapse on that day or earlier unless a designation comes, the soonest first."""
        wanted = {"s": status.value if status else None, "before": lapses_before}
        listed = self.page_of(COUNT_OF_WANTED, PAGE_OF_WANTED, wanted, page)
        return listed.map(lambda row: RegistrationLine(**row))

    def overdue_candidates(self, today: date) -> list[UUID]:
        """The registrations not withdrawn with a representative's due day ended before `today`."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT id FROM registrations WHERE next_due < %s AND status <> %s",
                (today, RegistrationStatus.WITHDRAWN.value),
            ).fetchall()
        return [row["id"] for row in rows]

    def lapse_candidates(self, today: date) -> list[UUID]:
        """The registrations whose next lapse step (warning or lapse) is on a day before `today`."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT id FROM registrations WHERE next_lapse_step < %s", (today,)
            ).fetchall()
        return [row["id"] for row in rows]
