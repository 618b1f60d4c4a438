"""Subscribers as the innovation unit sees them: state, language, origin, and the held list.

A fold of the newsletter's own topic, one row per subscriber. The address stays sealed in the
row (the unit's held list unseals it when read), so erasing the person's key empties it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from contracts import newsletter as contract
from contracts.newsletter import HoldReason, SubscriptionOrigin
from contracts.personal import Sealed
from contracts.registration import Language
from contracts.topics import topic_of
from services.newsletter.domain import SubscriberState
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection

HELD_COUNT = "SELECT count(*) AS n FROM subscribers WHERE state = 'held'"
HELD_PAGE = (
    "SELECT * FROM subscribers WHERE state = 'held'"
    " ORDER BY since DESC, subscriber_id LIMIT %(limit)s OFFSET %(offset)s"
)


@dataclass(frozen=True)
class SubscriberRow:
    """A subscriber as the read model keeps it."""

    subscriber_id: UUID
    state: SubscriberState
    language: Language
    origin: SubscriptionOrigin | None
    email: Sealed
    hold_reason: HoldReason | None
    since: datetime


@dataclass(frozen=True)
class Count:
    """How many subscribers are in a state and a language."""

    state: SubscriberState
    language: Language
    count: int


class Subscribers(Projection):
    """Every subscriber's state, language, origin, sealed address, hold and expiry."""

    name = "subscribers"
    topics: ClassVar = (topic_of("newsletter").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS subscribers ("
            " subscriber_id uuid PRIMARY KEY, state text NOT NULL, language text NOT NULL,"
            " origin text, email jsonb NOT NULL, hold_reason text, soft_bounces integer NOT NULL,"
            " since timestamptz NOT NULL, expires_at timestamptz)"
        )
        curs.execute(
            "CREATE INDEX IF NOT EXISTS subscribers_pending ON subscribers (expires_at)"
            " WHERE state = 'pending'"
        )
        curs.execute("CREATE INDEX IF NOT EXISTS subscribers_state ON subscribers (state, since)")

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case contract.SubscriptionRequested() as e:
                curs.execute(
                    "INSERT INTO subscribers VALUES (%s, 'pending', %s, NULL, %s, NULL, 0, %s, %s)"
                    " ON CONFLICT (subscriber_id) DO UPDATE SET state = 'pending',"
                    " language = EXCLUDED.language, email = EXCLUDED.email, origin = NULL,"
                    " hold_reason = NULL, since = EXCLUDED.since,"
                    " expires_at = EXCLUDED.expires_at",
                    (
                        e.subscriber_id,
                        e.language.value,
                        _sealed(e.email),
                        e.requested_at,
                        e.expires_at,
                    ),
                )
            case contract.SubscriptionConfirmed() as e:
                curs.execute(
                    "INSERT INTO subscribers VALUES"
                    " (%s, 'confirmed', %s, %s, %s, NULL, 0, %s, NULL)"
                    " ON CONFLICT (subscriber_id) DO UPDATE SET state = 'confirmed',"
                    " language = EXCLUDED.language, origin = EXCLUDED.origin,"
                    " email = EXCLUDED.email, hold_reason = NULL, soft_bounces = 0,"
                    " since = EXCLUDED.since, expires_at = NULL",
                    (
                        e.subscriber_id,
                        e.language.value,
                        e.origin.value,
                        _sealed(e.email),
                        e.confirmed_at,
                    ),
                )
            case contract.SubscriptionLanguageChanged() as e:
                curs.execute(
                    "UPDATE subscribers SET language = %s WHERE subscriber_id = %s",
                    (e.language.value, e.subscriber_id),
                )
            case contract.SubscriptionExpired() as e:
                self._moved(curs, e.subscriber_id, SubscriberState.EXPIRED, e.expired_at)
            case contract.Unsubscribed() as e:
                self._moved(curs, e.subscriber_id, SubscriberState.UNSUBSCRIBED, e.unsubscribed_at)
            case contract.BounceRecorded() as e:
                curs.execute(
                    "UPDATE subscribers SET soft_bounces = %s WHERE subscriber_id = %s",
                    (e.soft_bounces, e.subscriber_id),
                )
            case contract.SubscriptionHeld() as e:
                curs.execute(
                    "UPDATE subscribers SET state = 'held', hold_reason = %s, since = %s"
                    " WHERE subscriber_id = %s",
                    (e.reason.value, e.held_at, e.subscriber_id),
                )
            case contract.SubscriptionReleased() as e:
                curs.execute(
                    "UPDATE subscribers SET state = 'confirmed', hold_reason = NULL,"
                    " soft_bounces = 0, since = %s WHERE subscriber_id = %s",
                    (e.released_at, e.subscriber_id),
                )

    @staticmethod
    def _moved(
        curs: Cursor[DictRow], subscriber: UUID, state: SubscriberState, at: datetime
    ) -> None:
        curs.execute(
            "UPDATE subscribers SET state = %s, hold_reason = NULL, expires_at = NULL,"
            " since = %s WHERE subscriber_id = %s",
            (state.value, at, subscriber),
        )

    # Queries.

    def counts(self) -> list[Count]:
        """How many subscribers there are in each state and language (none: not listed)."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT state, language, count(*) AS n FROM subscribers"
                " GROUP BY state, language ORDER BY state, language"
            ).fetchall()
        return [
            Count(SubscriberState(row["state"]), Language(row["language"]), int(row["n"]))
            for row in rows
        ]

    def held(self, page: Page) -> Listed[SubscriberRow]:
        """A page of the addresses on hold, the latest held first."""
        return self.page_of(HELD_COUNT, HELD_PAGE, {}, page).map(subscriber_row)

    def lapsing(self, now: datetime, limit: int = 500) -> list[UUID]:
        """Pending subscribers whose request expired by `now`, the oldest first."""
        with self.reading() as curs:
            rows = curs.execute(
                "SELECT subscriber_id FROM subscribers WHERE state = 'pending'"
                " AND expires_at <= %s ORDER BY expires_at LIMIT %s",
                (now, limit),
            ).fetchall()
        return [row["subscriber_id"] for row in rows]

    def state_of(self, subscriber: UUID) -> SubscriberState | None:
        """The subscriber's state as the read model has it (None: not seen yet)."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT state FROM subscribers WHERE subscriber_id = %s", (subscriber,)
            ).fetchone()
        return SubscriberState(row["state"]) if row else None


def _sealed(email: Sealed) -> Jsonb:
    return Jsonb(email.model_dump(mode="json"))


def subscriber_row(row: DictRow) -> SubscriberRow:
    """A `subscribers` row as a record."""
    return SubscriberRow(
        subscriber_id=row["subscriber_id"],
        state=SubscriberState(row["state"]),
        language=Language(row["language"]),
        origin=SubscriptionOrigin(row["origin"]) if row["origin"] else None,
        email=Sealed.model_validate(row["email"]),
        hold_reason=HoldReason(row["hold_reason"]) if row["hold_reason"] else None,
        since=row["since"],
    )
