"""Who receives the newsletter, and the issues sent: a fold of the newsletter's topic.

A subscriber receives from `SubscriptionConfirmed` (or `SubscriptionReleased`) until
`Unsubscribed`, `SubscriptionHeld` or `SubscriptionExpired`; the address stays sealed as the
event carried it. The topic has one partition, so an issue's row is written after every
subscription change made before it was sent: the sender's copies are expanded from this.
"""

from __future__ import annotations

import json
from typing import ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow

from contracts import newsletter
from contracts.topics import topic_of
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection

_STOPS_RECEIVING = (
    newsletter.Unsubscribed,
    newsletter.SubscriptionHeld,
    newsletter.SubscriptionExpired,
)


class Audience(Projection):
    """`subscribers` (sealed email, language, receives) and `issues` (number, texts)."""

    name = "audience"
    topics: ClassVar = (topic_of("newsletter").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS subscribers ("
            " subscriber_id uuid PRIMARY KEY, email jsonb NOT NULL, language text NOT NULL,"
            " receives boolean NOT NULL)"
        )
        curs.execute(
            "CREATE TABLE IF NOT EXISTS issues ("
            " issue_id uuid PRIMARY KEY, number integer NOT NULL, texts jsonb NOT NULL,"
            " published_at timestamptz NOT NULL)"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case newsletter.SubscriptionConfirmed() as e:
                curs.execute(
                    "INSERT INTO subscribers VALUES (%s, %s, %s, true)"
                    " ON CONFLICT (subscriber_id) DO UPDATE SET email = EXCLUDED.email,"
                    " language = EXCLUDED.language, receives = true",
                    (e.subscriber_id, e.email.model_dump_json(), e.language.value),
                )
            case newsletter.SubscriptionReleased() as e:
                curs.execute(
                    "UPDATE subscribers SET receives = true WHERE subscriber_id = %s",
                    (e.subscriber_id,),
                )
            case newsletter.SubscriptionLanguageChanged() as e:
                curs.execute(
                    "UPDATE subscribers SET language = %s WHERE subscriber_id = %s",
                    (e.language.value, e.subscriber_id),
                )
            case newsletter.SubscriberEvent() as e if isinstance(e, _STOPS_RECEIVING):
                curs.execute(
                    "UPDATE subscribers SET receives = false WHERE subscriber_id = %s",
                    (e.subscriber_id,),
                )
            case newsletter.IssuePublished() as e:
                texts = {lang.value: t.model_dump(mode="json") for lang, t in e.texts.items()}
                curs.execute(
                    "INSERT INTO issues VALUES (%s, %s, %s, %s) ON CONFLICT (issue_id) DO NOTHING",
                    (e.issue_id, e.number, json.dumps(texts), e.published_at),
                )

    # Queries.

    def has_issue(self, issue_id: UUID) -> bool:
        """Whether the issue was published (as far as the fold has read)."""
        with self.reading() as curs:
            row = curs.execute("SELECT 1 FROM issues WHERE issue_id = %s", (issue_id,)).fetchone()
        return row is not None

    def receiving(self) -> int:
        """How many subscribers receive the next issue."""
        with self.reading() as curs:
            row = curs.execute("SELECT count(*) AS n FROM subscribers WHERE receives").fetchone()
        return int(row["n"]) if row else 0
