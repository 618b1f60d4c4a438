"""How far the sending of a newsletter issue has got, for the innovation unit's progress page."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from contracts.errors import ErrorCode
from services.notifications.application import NotificationsApplication
from services.notifications.projections.audience import Audience
from services.runtime.auth import AdminPrincipal
from services.runtime.dependencies import projection, service_application
from services.runtime.errors import NotFound

router = APIRouter(tags=["newsletter"])

App = Annotated[NotificationsApplication, Depends(service_application)]
Audiences = Annotated[Audience, Depends(projection(Audience.name))]


class IssueProgress(BaseModel):
    """An issue's copies: all of them, and how many are sent, failed, still to send, skipped."""

    total: int
    sent: int
    failed: int
    pending: int
    """Waiting, retrying later, or being sent right now."""
    skipped: int
    """Their subscriber stopped receiving (or was erased) before the copy's turn."""


@router.get("/newsletter/issues/{issue_id}/progress")
def issue_progress(
    issue_id: UUID, app: App, audience: Audiences, principal: AdminPrincipal
) -> IssueProgress:
    """The copies of a published issue by status; all zero until the sender expands it."""
    counts = app.newsletter_copies.progress(issue_id)
    if counts is None:
        if not audience.has_issue(issue_id):
            raise NotFound(ErrorCode.ISSUE_NOT_FOUND, "No published issue with that id.")
        counts = {}
    pending = counts.get("pending", 0) + counts.get("sending", 0)
    sent, failed, skipped = (counts.get(s, 0) for s in ("sent", "failed", "skipped"))
    return IssueProgress(
        total=pending + sent + failed + skipped,
        sent=sent,
        failed=failed,
        pending=pending,
        skipped=skipped,
    )
