"""Who is a member, as the observatory knows it: a fold of membership's topic.

The observatory never calls membership: each representative's row comes from
`MemberActivated` (active, with the body's name and level) and `MemberDeactivated` (no longer
active; the row stays, so a former author is still known).
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow

from contracts import membership
from contracts.registration import Level
from contracts.topics import topic_of
from services.observatory.domain import Representative
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection


class Members(Projection):
    """Every representative who has been a member: body, its name and level, role, active."""

    name = "members"
    topics: ClassVar = (topic_of("membership").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS members ("
            " representative_id uuid PRIMARY KEY, body_id text NOT NULL,"
            " body_name text NOT NULL, level text NOT NULL, role text NOT NULL,"
            " active boolean NOT NULL)"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case membership.MemberActivated() as e:
                curs.execute(
                    "INSERT INTO members VALUES (%s, %s, %s, %s, %s, true)"
                    " ON CONFLICT (representative_id) DO UPDATE SET body_id = EXCLUDED.body_id,"
                    " body_name = EXCLUDED.body_name, level = EXCLUDED.level,"
                    " role = EXCLUDED.role, active = true",
                    (e.representative_id, e.body_id, e.body_name, e.level.value, e.role.value),
                )
            case membership.MemberDeactivated() as e:
                curs.execute(
                    "UPDATE members SET active = false WHERE representative_id = %s",
                    (e.representative_id,),
                )

    # Queries.

    def representative(self, representative_id: UUID) -> Representative | None:
        """The representative with that id, if they have ever been a member."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT * FROM members WHERE representative_id = %s", (representative_id,)
            ).fetchone()
        if row is None:
            return None
        return Representative(
            representative_id=row["representative_id"],
            body_id=row["body_id"],
            body_name=row["body_name"],
            level=Level(row["level"]),
            active=row["active"],
        )
