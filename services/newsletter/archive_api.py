"""The public archive: the sent issues, one issue by its number, and the Atom feed.

No token: a sent issue is public. `/archive/feed.atom` is declared before
`/archive/{number}`, whose number is an integer, so neither shadows the other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from contracts.errors import ErrorCode
from contracts.newsletter import IssueText
from contracts.registration import Language
from services.newsletter.archive_feed import FEED_SIZE, atom_feed
from services.newsletter.projections.issues import ArchivedIssue, Issues
from services.runtime.dependencies import projection
from services.runtime.errors import NotFound
from services.runtime.paging import Page, PageOf, Paging

router = APIRouter(tags=["archive"])

ArchiveIndex = Annotated[Issues, Depends(projection("issues"))]


class ArchiveItem(BaseModel):
    """A sent issue in the archive's list: its number, when, and each language's subject."""

    number: int
    issue_id: UUID
    subjects: dict[Language, str]
    published_at: datetime


class ArchivedIssueView(BaseModel):
    """A sent issue with its texts (the sanitised HTML, the plain text, the Markdown)."""

    number: int
    issue_id: UUID
    texts: dict[Language, IssueText]
    published_at: datetime


class ArchivePage(PageOf[ArchiveItem]):
    """A page of the archive, the newest first."""


def archive_item(issue: ArchivedIssue) -> ArchiveItem:
    return ArchiveItem(
        number=issue.number,
        issue_id=issue.issue_id,
        subjects={language: text.subject for language, text in issue.texts.items()},
        published_at=issue.published_at,
    )


@router.get("/archive")
def list_archive(archive: ArchiveIndex, paging: Paging) -> ArchivePage:
    """The sent issues, the newest first."""
    return ArchivePage.of(archive.archive(paging), paging, archive_item)


@router.get("/archive/feed.atom", response_class=Response)
def archive_feed(archive: ArchiveIndex, request: Request) -> Response:
    """The newest sent issues as an Atom 1.0 feed."""
    newest = archive.archive(Page(1, FEED_SIZE)).rows
    body = atom_feed(newest, request.app.state.settings.public_url)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/archive/{number}")
def get_archived(
    number: Annotated[int, Path(ge=1, le=2_000_000_000)], archive: ArchiveIndex
) -> ArchivedIssueView:
    """One sent issue by its number in the archive."""
    found = archive.numbered(number)
    if found is None:
        raise NotFound(ErrorCode.ISSUE_NOT_FOUND, "No issue of that number in the archive.")
    return ArchivedIssueView(
        number=found.number,
        issue_id=found.issue_id,
        texts=found.texts,
        published_at=found.published_at,
    )
