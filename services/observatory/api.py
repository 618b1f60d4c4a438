"""The observatory's member and unit API: practices from a draft to a decision.

The public catalogue is `catalogue_api.py`; a practice's attachments `attachments_api.py`.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, status

from contracts.errors import ErrorCode
from contracts.observatory import PracticeStatus
from contracts.registration import TaxId
from services.observatory import views
from services.observatory.access import (
    App,
    CallerRepresentative,
    DeskIndex,
    MemberOrAdmin,
    MembersIndex,
    representative_of,
)
from services.observatory.domain import PracticeIncomplete, check_active_member
from services.observatory.models import (
    Decision,
    Drafted,
    PracticeDraft,
    PracticeEdit,
    PracticePage,
    PracticeView,
    Versioned,
    VersionRead,
    Withdrawal,
)
from services.runtime.auth import AdminPrincipal
from services.runtime.errors import NotFound, refusal_detail
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging

router = APIRouter(tags=["practices"])

# OpenAPI links: where a practice's id leads next (clients and the API fuzz tests follow them).
ONE_PRACTICE = "/practices/{practice_id}"
ONE_ATTACHMENT = f"{ONE_PRACTICE}/attachments/{{sha256}}"


def practice_links(practice_id: str) -> dict[str, dict[str, Any]]:
    """Links to what can be done with the practice whose id the expression gives."""
    return {
        "GetPractice": link("GET", ONE_PRACTICE, practice_id=practice_id),
        "EditPractice": link("PUT", ONE_PRACTICE, practice_id=practice_id),
        "Submit": link("POST", f"{ONE_PRACTICE}/submit", practice_id=practice_id),
        "Withdraw": link("POST", f"{ONE_PRACTICE}/withdraw", practice_id=practice_id),
        "AddAttachment": link("POST", f"{ONE_PRACTICE}/attachments", practice_id=practice_id),
        "RequestChanges": link("POST", f"{ONE_PRACTICE}/request-changes", practice_id=practice_id),
        "Publish": link("POST", f"{ONE_PRACTICE}/publish", practice_id=practice_id),
        "Reject": link("POST", f"{ONE_PRACTICE}/reject", practice_id=practice_id),
        "Archive": link("POST", f"{ONE_PRACTICE}/archive", practice_id=practice_id),
    }


def attachment_links(practice_id: str, sha256: str) -> dict[str, dict[str, Any]]:
    """Links to an attachment of a practice, read back or removed."""
    return {
        "ReadAttachment": link("GET", ONE_ATTACHMENT, practice_id=practice_id, sha256=sha256),
        "RemoveAttachment": link("DELETE", ONE_ATTACHMENT, practice_id=practice_id, sha256=sha256),
    }


# The body's practices.


@router.post(
    "/practices",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(
        status.HTTP_201_CREATED, **practice_links("$response.body#/practice_id")
    ),
)
def draft_practice(draft: PracticeDraft, app: App, caller: CallerRepresentative) -> Drafted:
    """Start a practice of the caller's body; a draft may be partial, with a title."""
    practice = app.draft(caller, draft.content())
    return Drafted(practice_id=practice.id, version=practice.version)


@router.get(
    "/practices",
    responses=linked_response(
        status.HTTP_200_OK, **practice_links("$response.body#/items/0/practice_id")
    ),
)
def list_practices(
    desk: DeskIndex,
    principal: MemberOrAdmin,
    members: MembersIndex,
    paging: Paging,
    status: PracticeStatus | None = None,
    body_id: Annotated[TaxId | None, Query(description="The unit's filter by body")] = None,
) -> PracticePage:
    """The unit's practices (`status=submitted`: its review queue, oldest first); a member's
    body's own, whatever `body_id` says."""
    if not principal.is_admin:
        # The rule of every write route: an active representative of the token's body (a
        # representative who left, or a token naming no member, is 403 not_active_member).
        check_active_member(representative_of(principal, members))
    body = body_id if principal.is_admin else principal.body_id
    found = desk.practices(status=status, body_id=body, page=paging)
    return PracticePage.of(found, paging, views.practice_summary)


@router.get(
    ONE_PRACTICE,
    responses=linked_response(
        status.HTTP_200_OK,
        **practice_links("$response.body#/practice_id"),
        **attachment_links("$response.body#/practice_id", "$response.body#/attachments/0/sha256"),
    ),
)
def get_practice(
    practice_id: UUID, app: App, members: MembersIndex, principal: MemberOrAdmin
) -> PracticeView:
    """A practice with its content, attachments and history, for its body and the unit."""
    practice = app.practice(practice_id)
    caller = representative_of(principal, members)
    if not views.may_read(practice, principal, caller):
        # As if it did not exist: another body learns nothing of it.
        raise NotFound(ErrorCode.PRACTICE_NOT_FOUND, "No practice with that id.")
    return views.practice_view(practice, principal, caller)


@router.put("/practices/{practice_id}")
def edit_practice(
    practice_id: UUID, edit: PracticeEdit, app: App, caller: CallerRepresentative
) -> Versioned:
    """Replace the draft's content, on the version read (a stale one is a 409)."""
    return Versioned(version=app.edit(practice_id, caller, edit.content(), edit.version))


@router.post("/practices/{practice_id}/submit")
def submit_practice(
    practice_id: UUID, read: VersionRead, app: App, caller: CallerRepresentative
) -> Versioned:
    """Send it to the innovation unit; one refusal per field still missing."""
    try:
        return Versioned(version=app.submit(practice_id, caller, read.version))
    except PracticeIncomplete as incomplete:
        detail = [
            found
            for field in incomplete.fields
            for found in refusal_detail(incomplete.code, incomplete.message, field)
        ]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=detail) from None


@router.post("/practices/{practice_id}/withdraw")
def withdraw_practice(
    practice_id: UUID, withdrawal: Withdrawal, app: App, caller: CallerRepresentative
) -> Versioned:
    """The body takes it back; a published one leaves the catalogue."""
    return Versioned(version=app.withdraw(practice_id, caller, withdrawal.reason))


# The innovation unit's decisions.


@router.post("/practices/{practice_id}/request-changes")
def request_changes(
    practice_id: UUID, decision: Decision, app: App, principal: AdminPrincipal
) -> Versioned:
    """Send a submitted practice back to the body, saying what to change."""
    return Versioned(
        version=app.request_changes(
            practice_id, decision.comment, principal.subject, decision.version
        )
    )


@router.post("/practices/{practice_id}/publish")
def publish_practice(
    practice_id: UUID, decision: Decision, app: App, principal: AdminPrincipal
) -> Versioned:
    """Publish a submitted practice in the catalogue."""
    return Versioned(
        version=app.publish(practice_id, decision.comment, principal.subject, decision.version)
    )


@router.post("/practices/{practice_id}/reject")
def reject_practice(
    practice_id: UUID, decision: Decision, app: App, principal: AdminPrincipal
) -> Versioned:
    """Decline to publish a submitted practice."""
    return Versioned(
        version=app.reject(practice_id, decision.comment, principal.subject, decision.version)
    )


@router.post("/practices/{practice_id}/archive")
def archive_practice(
    practice_id: UUID, decision: Decision, app: App, principal: AdminPrincipal
) -> Versioned:
    """Take a published practice out of the catalogue."""
    return Versioned(
        version=app.archive(practice_id, decision.comment, principal.subject, decision.version)
    )
