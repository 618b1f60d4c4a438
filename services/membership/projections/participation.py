"""Activities and their invitations: who was invited, accepted and attended, and the counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL

from contracts import membership
from contracts.membership import ActivityKind, Answer, Seat
from contracts.registration import Level
from contracts.topics import topic_of
from services.membership.domain import ActivityState
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection
from services.runtime.timezone import ATHENS_NAME

# A member sees an activity when any representative of their body is invited to it.
VISIBLE_ACTIVITIES = """
FROM activities a WHERE %(body)s::text IS NULL OR EXISTS (
    SELECT 1 FROM invitations i WHERE i.activity_id = a.activity_id AND i.body_id = %(body)s)
"""
COUNT_ACTIVITIES = SQL("SELECT count(*) AS n {}").format(SQL(VISIBLE_ACTIVITIES))
PAGE_OF_ACTIVITIES = SQL(
    "SELECT a.* {} ORDER BY a.starts_at, a.activity_id LIMIT %(limit)s OFFSET %(offset)s"
).format(SQL(VISIBLE_ACTIVITIES))

# Per body, for the activities not cancelled that start (in Athens) within the period.
PER_BODY = """
SELECT i.body_id, (array_agg(i.body_name ORDER BY i.activity_id))[1] AS body_name,
    (array_agg(i.level ORDER BY i.activity_id))[1] AS level,
    count(*) AS invited,
    count(*) FILTER (WHERE i.answer = %(accepted)s) AS accepted,
    count(*) FILTER (WHERE i.answer = %(accepted)s AND i.seat = %(confirmed)s) AS confirmed,
    count(*) FILTER (WHERE i.attended) AS attended
FROM invitations i JOIN activities a USING (activity_id)
WHERE NOT a.cancelled
    AND (%(level)s::text IS NULL OR i.level = %(level)s)
    AND (%(body)s::text IS NULL OR i.body_id = %(body)s)
    AND (%(from)s::date IS NULL OR (a.starts_at AT TIME ZONE %(zone)s)::date >= %(from)s)
    AND (%(to)s::date IS NULL OR (a.starts_at AT TIME ZONE %(zone)s)::date <= %(to)s)
GROUP BY i.body_id ORDER BY i.body_id
"""


@dataclass(frozen=True)
class ActivityRecord:
    """An activity in a list."""

    id: UUID
    kind: ActivityKind
    title: str
    state: ActivityState
    starts_at: datetime
    ends_at: datetime
    capacity: int


@dataclass(frozen=True)
class Counts:
    """Invitations, acceptances (still standing), confirmed seats and attendances."""

    invited: int
    accepted: int
    confirmed: int
    attended: int


@dataclass(frozen=True)
class BodyCounts(Counts):
    """One body's counts."""

    body_id: str
    body_name: str
    level: Level


@dataclass(frozen=True)
class LevelCounts(Counts):
    """One level of government's counts."""

    level: Level


class Participation(Projection):
    """Activities and their invitations: who was invited, accepted and attended."""

    name = "participation"
    topics: ClassVar = (topic_of("membership").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS activities ("
            " activity_id uuid PRIMARY KEY, kind text NOT NULL, title text NOT NULL,"
            " starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL,"
            " capacity integer NOT NULL, cancelled boolean NOT NULL DEFAULT false)"
        )
        curs.execute(
            "CREATE TABLE IF NOT EXISTS invitations ("
            " activity_id uuid NOT NULL, representative_id uuid NOT NULL,"
            " body_id text NOT NULL, body_name text NOT NULL, level text NOT NULL,"
            " answer text, seat text, attended boolean,"
            " PRIMARY KEY (activity_id, representative_id))"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case membership.ActivityScheduled() as e:
                curs.execute(
                    "INSERT INTO activities VALUES (%s, %s, %s, %s, %s, %s, false)"
                    " ON CONFLICT (activity_id) DO NOTHING",
                    (e.activity_id, e.kind.value, e.title, e.starts_at, e.ends_at, e.capacity),
                )
            case membership.ActivityRescheduled() as e:
                curs.execute(
                    "UPDATE activities SET starts_at = %s, ends_at = %s WHERE activity_id = %s",
                    (e.starts_at, e.ends_at, e.activity_id),
                )
            case membership.ActivityCancelled() as e:
                curs.execute(
                    "UPDATE activities SET cancelled = true WHERE activity_id = %s",
                    (e.activity_id,),
                )
            case membership.InvitationSent() as e:
                curs.execute(
                    "INSERT INTO invitations VALUES (%s, %s, %s, %s, %s, NULL, NULL, NULL)"
                    " ON CONFLICT DO NOTHING",
                    (e.activity_id, e.representative_id, e.body_id, e.body_name, e.level.value),
                )
            case membership.InvitationAnswered() as e:
                curs.execute(
                    "UPDATE invitations SET answer = %s, seat = %s"
                    " WHERE activity_id = %s AND representative_id = %s",
                    (
                        e.answer.value,
                        e.seat.value if e.seat else None,
                        e.activity_id,
                        e.representative_id,
                    ),
                )
            case membership.WaitingListMoved() as e:
                curs.execute(
                    "UPDATE invitations SET seat = %s"
                    " WHERE activity_id = %s AND representative_id = %s",
                    (Seat.CONFIRMED.value, e.activity_id, e.representative_id),
                )
            case membership.AttendanceRecorded() as e:
                curs.execute(
                    "UPDATE invitations SET attended = %s"
                    " WHERE activity_id = %s AND representative_id = %s",
                    (e.attended, e.activity_id, e.representative_id),
                )

    # Queries.

    def activities(self, *, visible_to: str | None, page: Page) -> Listed[ActivityRecord]:
        """A page of the activities any representative of body `visible_to` is invited to
        (every activity for None), soonest first."""
        listed = self.page_of(COUNT_ACTIVITIES, PAGE_OF_ACTIVITIES, {"body": visible_to}, page)
        return listed.map(activity_record)

    def by_body(
        self,
        *,
        level: Level | None = None,
        body: str | None = None,
        from_: date | None = None,
        to: date | None = None,
    ) -> list[BodyCounts]:
        """Each body's counts (of `level`, or only `body`'s), for the activities not cancelled
        that start within `from_`–`to`, days in Athens; by tax number."""
        with self.reading() as curs:
            rows = curs.execute(
                PER_BODY,
                {
                    "level": level.value if level else None,
                    "body": body,
                    "from": from_,
                    "to": to,
                    "zone": ATHENS_NAME,
                    "accepted": Answer.ACCEPTED.value,
                    "confirmed": Seat.CONFIRMED.value,
                },
            ).fetchall()
        return [
            BodyCounts(
                body_id=row["body_id"],
                body_name=row["body_name"],
                level=Level(row["level"]),
                invited=row["invited"],
                accepted=row["accepted"],
                confirmed=row["confirmed"],
                attended=row["attended"],
            )
            for row in rows
        ]

    @staticmethod
    def by_level(bodies: Sequence[BodyCounts]) -> list[LevelCounts]:
        """The bodies' counts summed per level of government, in the order of the levels."""
        totals: dict[Level, LevelCounts] = {}
        for body in bodies:
            before = totals.get(body.level, LevelCounts(0, 0, 0, 0, level=body.level))
            totals[body.level] = LevelCounts(
                invited=before.invited + body.invited,
                accepted=before.accepted + body.accepted,
                confirmed=before.confirmed + body.confirmed,
                attended=before.attended + body.attended,
                level=body.level,
            )
        return [totals[level] for level in sorted(totals)]


def activity_record(row: DictRow) -> ActivityRecord:
    """An `activities` row as a record."""
    return ActivityRecord(
        id=row["activity_id"],
        kind=ActivityKind(row["kind"]),
        title=row["title"],
        state=ActivityState.CANCELLED if row["cancelled"] else ActivityState.SCHEDULED,
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        capacity=row["capacity"],
    )
