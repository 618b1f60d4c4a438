"""The innovation unit's issues: write, list, preview, test copy, schedule, send.

Every route is the unit's (`admin`). The preview is the issue itself: `GET /issues/{id}`
gives each language's sanitised HTML as the emails and the archive will show it.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, status

from services.newsletter import issue_commands
from services.newsletter.issue_models import (
    Drafted,
    IssueDraft,
    IssueEdit,
    IssuePage,
    IssueView,
    ScheduleRequest,
    Sent,
    TestCopyRequest,
    TestCopyRequested,
    Versioned,
    issue_summary,
    issue_view,
)
from services.newsletter.issues import IssueStatus
from services.runtime.application import ServiceApplication
from services.runtime.auth import AdminPrincipal
from services.runtime.dependencies import service_application
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging

router = APIRouter(tags=["issues"])

App = Annotated[ServiceApplication, Depends(service_application)]
ONE_ISSUE = "/issues/{issue_id}"


def issue_links(issue_id: str) -> dict[str, dict[str, Any]]:
    """Links to what can be done with the issue whose id the expression gives."""
    return {
        "GetIssue": link("GET", ONE_ISSUE, issue_id=issue_id),
        "EditIssue": link("PUT", ONE_ISSUE, issue_id=issue_id),
        "TestCopy": link("POST", f"{ONE_ISSUE}/test-copy", issue_id=issue_id),
        "Schedule": link("POST", f"{ONE_ISSUE}/schedule", issue_id=issue_id),
        "Unschedule": link("POST", f"{ONE_ISSUE}/unschedule", issue_id=issue_id),
        "Send": link("POST", f"{ONE_ISSUE}/send", issue_id=issue_id),
    }


@router.post(
    "/issues",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **issue_links("$response.body#/issue_id")),
)
def draft_issue(draft: IssueDraft, app: App, principal: AdminPrincipal) -> Drafted:
    """Start an issue: Greek subject and Markdown required, English optional."""
    issue = issue_commands.draft(app, draft.texts.written(), principal.subject)
    return Drafted(issue_id=issue.id, version=issue.version)


@router.get("/issues")
def list_issues(
    app: App, principal: AdminPrincipal, paging: Paging, status: IssueStatus | None = None
) -> IssuePage:
    """The issues (of one status, or all), the last changed first."""
    return IssuePage.of(issue_commands.issues(app, paging, status), paging, issue_summary)


@router.get(ONE_ISSUE)
def get_issue(issue_id: UUID, app: App, principal: AdminPrincipal) -> IssueView:
    """The issue with each language's Markdown and its sanitised HTML (the preview)."""
    return issue_view(issue_commands.issue(app, issue_id))


@router.put(ONE_ISSUE)
def edit_issue(issue_id: UUID, edit: IssueEdit, app: App, principal: AdminPrincipal) -> Versioned:
    """Replace the texts, on the version read (a stale one is a 409 `issue_changed`)."""
    version = issue_commands.edit(
        app, issue_id, edit.texts.written(), edit.version, principal.subject
    )
    return Versioned(version=version)


@router.post(f"{ONE_ISSUE}/test-copy", status_code=status.HTTP_202_ACCEPTED)
def test_copy(
    issue_id: UUID, request: TestCopyRequest, app: App, principal: AdminPrincipal
) -> TestCopyRequested:
    """A copy to the asking staff member's own address (the `email` of their sign-in)."""
    request_id = issue_commands.request_test_copy(app, issue_id, principal.email, request.language)
    return TestCopyRequested(
        request_id=request_id, version=issue_commands.issue(app, issue_id).version
    )


@router.post(f"{ONE_ISSUE}/schedule")
def schedule_issue(
    issue_id: UUID, request: ScheduleRequest, app: App, principal: AdminPrincipal
) -> Versioned:
    """Send it at `send_at`, a moment to come (422 `issue_send_at_past` otherwise)."""
    return Versioned(
        version=issue_commands.schedule(app, issue_id, request.send_at, principal.subject)
    )


@router.post(f"{ONE_ISSUE}/unschedule")
def unschedule_issue(issue_id: UUID, app: App, principal: AdminPrincipal) -> Versioned:
    """Back to a draft: the scheduler will not send it."""
    return Versioned(version=issue_commands.unschedule(app, issue_id, principal.subject))


@router.post(f"{ONE_ISSUE}/send")
def send_issue(issue_id: UUID, app: App, principal: AdminPrincipal) -> Sent:
    """Send it now: `IssuePublished` with the archive's next number (409 once sent)."""
    return Sent(number=issue_commands.send(app, issue_id, principal.subject))
