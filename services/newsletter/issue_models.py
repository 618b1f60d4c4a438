"""The request and response bodies of the unit's issue routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.newsletter import IssueText
from contracts.registration import Language
from services.newsletter.issue_commands import Written
from services.newsletter.issues import Issue, IssueStatus
from services.runtime.body_limit import KIB
from services.runtime.paging import PageOf
from services.runtime.text import CleanText

ISSUE_JSON_LIMIT: Final = 640 * KIB
"""An issue's Greek and English Markdown at their limit (50,000 characters each), every Greek
letter sent as a `\\uXXXX` escape (six bytes), is some 600 KB of JSON."""

Subject = Annotated[str, CleanText(max_length=150)]
Markdown = Annotated[str, CleanText(max_length=50_000, multiline=True)]


class Strict(BaseModel):
    """A request body: a field it does not know is refused, naming it."""

    model_config = ConfigDict(extra="forbid")


class WrittenText(Strict):
    """One language's version as the unit writes it."""

    subject: Subject
    markdown: Markdown


class IssueTexts(Strict):
    """Greek required, English optional."""

    el: WrittenText
    en: WrittenText | None = None

    def written(self) -> Written:
        texts = {Language.GREEK: (self.el.subject, self.el.markdown)}
        if self.en is not None:
            texts[Language.ENGLISH] = (self.en.subject, self.en.markdown)
        return texts


class IssueDraft(Strict):
    texts: IssueTexts


class IssueEdit(Strict):
    version: Annotated[int, Field(ge=1, le=1_000_000)]
    """The version the edit was made on (a stale one is a 409 `issue_changed`)."""
    texts: IssueTexts


class ScheduleRequest(Strict):
    send_at: AwareDatetime
    """When to send it: a moment still to come, with its time zone."""


class TestCopyRequest(Strict):
    language: Language = Language.GREEK
    """The version to send (Greek when the issue has no such version)."""


class Drafted(BaseModel):
    issue_id: UUID
    version: int


class Versioned(BaseModel):
    version: int


class TestCopyRequested(BaseModel):
    request_id: UUID
    version: int


class Sent(BaseModel):
    number: int
    """The issue's number in the archive."""


class IssueView(BaseModel):
    """An issue with its texts: the Markdown, and the sanitised HTML that is the preview."""

    issue_id: UUID
    status: IssueStatus
    version: int
    texts: dict[Language, IssueText]
    send_at: datetime | None
    number: int | None
    drafted_at: datetime
    updated_at: datetime
    published_at: datetime | None


class IssueSummary(BaseModel):
    """An issue in the unit's list."""

    issue_id: UUID
    status: IssueStatus
    version: int
    subject: str
    """The Greek subject."""
    languages: list[Language]
    send_at: datetime | None
    number: int | None
    updated_at: datetime


class IssuePage(PageOf[IssueSummary]):
    """A page of issues, the last changed first."""


def issue_view(issue: Issue) -> IssueView:
    return IssueView(
        issue_id=issue.id,
        status=issue.status,
        version=issue.version,
        texts=issue.contract_texts(),
        send_at=issue.send_at,
        number=issue.number,
        drafted_at=issue.drafted_at,
        updated_at=issue.updated_at,
        published_at=issue.published_at,
    )


def issue_summary(issue: Issue) -> IssueSummary:
    texts = issue.contract_texts()
    return IssueSummary(
        issue_id=issue.id,
        status=issue.status,
        version=issue.version,
        subject=texts[Language.GREEK].subject,
        languages=list(texts),
        send_at=issue.send_at,
        number=issue.number,
        updated_at=issue.updated_at,
    )
