"""The roster of the network and the participation in its activities, folded from Kafka.

Both are plain folds of the events' data (no look-up in the event store), so a rebuild from
offset 0 gives the same rows as the live projection, whatever the order in which partitions
interleave: a body's status and since-when are derived from its members' rows when read.
"""

from __future__ import annotations

from typing import ClassVar

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from contracts import membership, registration
from contracts.topics import topic_of
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection


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

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case membership.MemberActivated() as e:
                curs.execute(
                    "INSERT INTO members VALUES"
                    " (%s, %s, %s, %s, %s, %s, 'active', %s, %s, %s, %s, NULL, NULL)"
                    " ON CONFLICT (representative_id) DO NOTHING",
                    (
                        e.representative_id,
                        e.registration_id,
                        e.body_id,
                        e.body_name,
                        e.level.value,
                        e.role.value,
                        e.position_title,
                        Jsonb(e.full_name.model_dump(mode="json")),
                        Jsonb(e.email.model_dump(mode="json")),
                        e.activated_at,
                    ),
                )
            case membership.MemberDeactivated() as e:
                curs.execute(
                    "UPDATE members SET status = 'inactive', deactivated_at = %s,"
                    " deactivation_reason = %s WHERE representative_id = %s",
                    (e.deactivated_at, e.reason, e.representative_id),
                )
            case registration.PersonalDataErased() as e:
                curs.execute(
                    "UPDATE members SET full_name = NULL, email = NULL"
                    " WHERE (full_name->>'subject_id')::uuid = %(s)s"
                    " OR (email->>'subject_id')::uuid = %(s)s",
                    {"s": e.subject_id},
                )


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
                    "UPDATE invitations SET seat = 'confirmed'"
                    " WHERE activity_id = %s AND representative_id = %s",
                    (e.activity_id, e.representative_id),
                )
            case membership.AttendanceRecorded() as e:
                curs.execute(
                    "UPDATE invitations SET attended = %s"
                    " WHERE activity_id = %s AND representative_id = %s",
                    (e.attended, e.activity_id, e.representative_id),
                )
