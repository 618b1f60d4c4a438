"""The archive: every sent issue by its number, for the public pages and the Atom feed.

A fold of the newsletter's own topic (`IssuePublished`), one row per issue. The number is the
primary key and the issue's id unique: the numbers come from the `ArchiveNumbers` counter,
saved with each issue, so a clash here would be a bug, and it stops the projection (a dead
letter) rather than show two issues under one number.

Drafts and scheduled issues are not on the topic (the contract publishes sent issues and
test copies only); the unit's list of them is read from the event store
(`issue_commands.issues`).
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
from contracts.newsletter import IssueText
from contracts.registration import Language
from contracts.topics import topic_of
from services.runtime.deliveries import Delivery
from services.runtime.paging import Listed, Page
from services.runtime.projection import Projection

COUNT = "SELECT count(*) AS n FROM archive"
NEWEST_FIRST = "SELECT * FROM archive ORDER BY number DESC LIMIT %(limit)s OFFSET %(offset)s"


@dataclass(frozen=True)
class ArchivedIssue:
    """A sent issue as the archive shows it."""

    number: int
    issue_id: UUID
    texts: dict[Language, IssueText]
    published_at: datetime


def archived_issue(row: DictRow) -> ArchivedIssue:
    return ArchivedIssue(
        number=row["number"],
        issue_id=row["issue_id"],
        texts={Language(k): IssueText.model_validate(v) for k, v in row["texts"].items()},
        published_at=row["published_at"],
    )


class Issues(Projection):
    """The sent issues, newest first."""

    name = "issues"
    topics: ClassVar = (topic_of("newsletter").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS archive ("
            " number integer PRIMARY KEY, issue_id uuid NOT NULL UNIQUE,"
            " texts jsonb NOT NULL, published_at timestamptz NOT NULL)"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case contract.IssuePublished() as e:
                texts = {k.value: v.model_dump(mode="json") for k, v in e.texts.items()}
                curs.execute(
                    "INSERT INTO archive VALUES (%s, %s, %s, %s)",
                    (e.number, e.issue_id, Jsonb(texts), e.published_at),
                )

    # Queries.

    def archive(self, page: Page) -> Listed[ArchivedIssue]:
        """A page of the sent issues, the newest first."""
        return self.page_of(COUNT, NEWEST_FIRST, {}, page).map(archived_issue)

    def numbered(self, number: int) -> ArchivedIssue | None:
        """The sent issue of that number, if there is one."""
        with self.reading() as curs:
            row = curs.execute("SELECT * FROM archive WHERE number = %s", (number,)).fetchone()
        return archived_issue(row) if row else None

    def published(self, issue_id: UUID) -> ArchivedIssue | None:
        """The archive's record of an issue, once the topic has brought it here."""
        with self.reading() as curs:
            row = curs.execute("SELECT * FROM archive WHERE issue_id = %s", (issue_id,)).fetchone()
        return archived_issue(row) if row else None
