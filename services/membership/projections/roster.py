"""The roster of the network: every representative who has been a member, and their bodies.

A body's status and since-when are derived from its members' rows when read, so the rows are a
plain fold of the events whatever the order in which partitions interleave.

The search by name ignores case and accents ("δημος" finds "Δήμος"): each row keeps its body's
name folded by `folded` (`body_name_folded`), computed here rather than with PostgreSQL's
`unaccent`, an extension not every database lets a service install.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL
from psycopg.types.json import Jsonb

from contracts import membership, registration
from contracts.personal import Sealed
from contracts.registration import Level, Role
from contracts.topics import topic_of
from services.membership.domain import BodyStatus, Invitee, MemberState
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection

# A body's name, level, status and since-when, from its representatives' rows. A body is a
# member while a main representative is; it has been one since its current registration's
# first main was activated, and it stopped being one when its last main was deactivated.
BODIES_SQL = """
WITH current_registrations AS (
    SELECT DISTINCT body_id, registration_id FROM members
    WHERE role = %(main)s::text AND status = %(member_active)s::text
), active_since AS (
    SELECT m.body_id, min(m.activated_at) AS since
    FROM members m JOIN current_registrations USING (body_id, registration_id)
    WHERE m.role = %(main)s::text GROUP BY m.body_id
), bodies AS (
    SELECT body_id,
        (array_agg(body_name ORDER BY activated_at DESC))[1] AS name,
        (array_agg(level ORDER BY activated_at DESC))[1] AS level,
        (array_agg(body_name_folded ORDER BY activated_at DESC))[1] AS name_folded,
        CASE WHEN bool_or(role = %(main)s::text AND status = %(member_active)s::text)
            THEN %(body_active)s::text ELSE %(body_inactive)s::text
        END AS status,
        coalesce(max(deactivated_at) FILTER (WHERE role = %(main)s::text), min(activated_at))
            AS inactive_since
    FROM members GROUP BY body_id
)
SELECT b.body_id, b.name, b.level, b.status,
    CASE WHEN b.status = %(body_active)s::text THEN a.since ELSE b.inactive_since END AS since
FROM bodies b LEFT JOIN active_since a USING (body_id)
WHERE (%(level)s::text IS NULL OR b.level = %(level)s)
    AND (%(status)s::text IS NULL OR b.status = %(status)s)
    AND (%(q)s::text IS NULL OR b.name_folded LIKE '%%' || %(q)s || '%%')
    AND (%(body_id)s::text IS NULL OR b.body_id = %(body_id)s)
"""
STATES = {
    "main": Role.MAIN.value,
    "member_active": MemberState.ACTIVE.value,
    "body_active": BodyStatus.ACTIVE.value,
    "body_inactive": BodyStatus.INACTIVE.value,
}
"""The states BODIES_SQL compares with, as parameters."""

COUNT_BODIES = SQL("SELECT count(*) AS n FROM ({}) b").format(SQL(BODIES_SQL))
PAGE_OF_BODIES = SQL("{} ORDER BY b.name, b.body_id LIMIT %(limit)s OFFSET %(offset)s").format(
    SQL(BODIES_SQL)
)


@dataclass(frozen=True)
class RepresentativeRecord:
    """A representative's row on the roster; name and email as kept, sealed (None if erased)."""

    representative_id: UUID
    role: Role
    state: MemberState
    activated_at: datetime
    deactivated_at: datetime | None
    deactivation_reason: str | None
    position_title: str
    full_name: Sealed | None
    email: Sealed | None


@dataclass(frozen=True)
class BodyRecord:
    """A body of the network with every representative it has had, in order of activation."""

    body_id: str
    name: str
    level: Level
    status: BodyStatus
    since: datetime
    representatives: list[RepresentativeRecord]


def folded(text: str) -> str:
    """`text` as the search compares it: case and accents dropped ("Δήμος" → "δημοσ")."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def like_pattern(text: str | None) -> str | None:
    """`text` folded, with LIKE's wildcards taken literally; None for no text."""
    if not text:
        return None
    return folded(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Roster(Projection):
    """Every representative who has been a member: body, role, state and since when.

    Names and emails are kept as they arrive, sealed with the person's key, and unsealed when
    read for a caller allowed to see them. On registration's `PersonalDataErased` the sealed
    values are dropped as well, though the destroyed key alone makes them unreadable.
    """

    name = "roster"
    topics: ClassVar = (topic_of("membership").name, topic_of("registration").name)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS members ("
            " representative_id uuid PRIMARY KEY, registration_id uuid NOT NULL,"
            " body_id text NOT NULL, body_name text NOT NULL, level text NOT NULL,"
            " role text NOT NULL, status text NOT NULL, position_title text NOT NULL,"
            " full_name jsonb, email jsonb,"
            " activated_at timestamptz NOT NULL, deactivated_at timestamptz,"
            " deactivation_reason text)"
        )
        curs.execute("CREATE INDEX IF NOT EXISTS members_body ON members (body_id)")
        # Added after the first release: a table made before gets it, filled from the names.
        curs.execute("ALTER TABLE members ADD COLUMN IF NOT EXISTS body_name_folded text")
        names = curs.execute(
            "SELECT DISTINCT body_name FROM members WHERE body_name_folded IS NULL"
        ).fetchall()
        for row in names:
            curs.execute(
                "UPDATE members SET body_name_folded = %s"
                " WHERE body_name = %s AND body_name_folded IS NULL",
                (folded(row["body_name"]), row["body_name"]),
            )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case membership.MemberActivated() as e:
                curs.execute(
                    "INSERT INTO members (representative_id, registration_id, body_id,"
                    " body_name, level, role, status, position_title, full_name, email,"
                    " activated_at, body_name_folded)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (representative_id) DO NOTHING",
                    (
                        e.representative_id,
                        e.registration_id,
                        e.body_id,
                        e.body_name,
                        e.level.value,
                        e.role.value,
                        MemberState.ACTIVE.value,
                        e.position_title,
                        Jsonb(e.full_name.model_dump(mode="json")),
                        Jsonb(e.email.model_dump(mode="json")),
                        e.activated_at,
                        folded(e.body_name),
                    ),
                )
            case membership.MemberDeactivated() as e:
                curs.execute(
                    "UPDATE members SET status = %s, deactivated_at = %s,"
                    " deactivation_reason = %s WHERE representative_id = %s",
                    (MemberState.INACTIVE.value, e.deactivated_at, e.reason, e.representative_id),
                )
            case registration.PersonalDataErased() as e:
                curs.execute(
                    "UPDATE members SET full_name = NULL, email = NULL"
                    " WHERE (full_name->>'subject_id')::uuid = %(s)s"
                    " OR (email->>'subject_id')::uuid = %(s)s",
                    {"s": e.subject_id},
                )

    # Queries.

    def bodies(
        self,
        *,
        level: Level | None = None,
        status: BodyStatus | None = None,
        text: str | None = None,
        page: Page,
    ) -> Listed[BodyRecord]:
        """A page of bodies by name, of a level, a status and with `text` in their name."""
        filters = {
            "level": level.value if level else None,
            "status": status.value if status else None,
            "q": like_pattern(text),
            "body_id": None,
        }
        return self._bodies(filters, page)

    def body(self, tax_id: str) -> BodyRecord | None:
        """The body with that tax number, if it has ever had a member."""
        filters = {"level": None, "status": None, "q": None, "body_id": tax_id}
        found = self._bodies(filters, Page(number=1, size=1)).rows
        return found[0] if found else None

    def active_invitees(
        self, body_ids: list[str] | None, level: Level | None = None
    ) -> list[Invitee]:
        """The active members of the bodies named (of every body for None) and of `level`
        (of any for None), by body name."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT representative_id, body_id, body_name, level FROM members"
                " WHERE status = %(active)s AND (%(b)s::text[] IS NULL OR body_id = ANY(%(b)s))"
                " AND (%(level)s::text IS NULL OR level = %(level)s)"
                " ORDER BY body_name, body_id, role DESC",
                {
                    "active": MemberState.ACTIVE.value,
                    "b": body_ids,
                    "level": level.value if level else None,
                },
            ).fetchall()
        return [
            Invitee(r["representative_id"], r["body_id"], r["body_name"], Level(r["level"]))
            for r in rows
        ]

    def _bodies(self, filters: dict[str, Any], page: Page) -> Listed[BodyRecord]:
        parameters = {**filters, **STATES}
        with self.reading() as curs:
            counted = curs.execute(COUNT_BODIES, parameters).fetchone()
            bodies = curs.execute(
                PAGE_OF_BODIES, {**parameters, "limit": page.limit, "offset": page.offset}
            ).fetchall()
            rows = curs.execute(
                "SELECT * FROM members WHERE body_id = ANY(%s) ORDER BY activated_at",
                ([b["body_id"] for b in bodies],),
            ).fetchall()
        by_body: dict[str, list[RepresentativeRecord]] = defaultdict(list)
        for row in rows:
            by_body[row["body_id"]].append(representative_record(row))
        return Listed(
            rows=[
                BodyRecord(
                    body_id=b["body_id"],
                    name=b["name"],
                    level=Level(b["level"]),
                    status=BodyStatus(b["status"]),
                    since=b["since"],
                    representatives=by_body[b["body_id"]],
                )
                for b in bodies
            ],
            total=int(counted["n"]) if counted else 0,
        )


def representative_record(row: DictRow) -> RepresentativeRecord:
    """A `members` row as a record."""
    return RepresentativeRecord(
        representative_id=row["representative_id"],
        role=Role(row["role"]),
        state=MemberState(row["status"]),
        activated_at=row["activated_at"],
        deactivated_at=row["deactivated_at"],
        deactivation_reason=row["deactivation_reason"],
        position_title=row["position_title"],
        full_name=Sealed.model_validate(row["full_name"]) if row["full_name"] else None,
        email=Sealed.model_validate(row["email"]) if row["email"] else None,
    )
