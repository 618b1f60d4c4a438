"""The delivery log for the innovation unit: what was sent to whom, and retrying a failure."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from contracts.personal import Sealed
from services.notifications.application import NotificationsApplication
from services.notifications.domain import EmailStatus
from services.notifications.models import Filter, MessageList, MessagePublic, RetryAccepted
from services.runtime.auth import AdminPrincipal
from services.runtime.dependencies import service_application
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Page, Paging

router = APIRouter(tags=["messages"])

SCAN_LIMIT = 5000
"""Rows read at most to find a recipient by address (addresses are sealed, not indexed)."""


App = Annotated[NotificationsApplication, Depends(service_application)]


@router.get(
    "/messages",
    responses=linked_response(
        status.HTTP_200_OK,
        Retry=link("POST", "/messages/{message_id}/retry", message_id="$response.body#/items/0/id"),
    ),
)
def list_messages(
    app: App,
    principal: AdminPrincipal,
    paging: Paging,
    recipient: Annotated[
        Filter | None, Query(description="an email address or a subject id")
    ] = None,
    template: Annotated[Filter | None, Query()] = None,
    status_: Annotated[EmailStatus | None, Query(alias="status")] = None,
) -> MessageList:
    """The delivery log, newest first, by recipient, template and status."""
    subject = _as_uuid(recipient)
    by_address = recipient is not None and subject is None
    rows = app.delivery_log.search(
        template=template,
        status=status_,
        recipient_id=subject,
        page=Page(number=1, size=SCAN_LIMIT) if by_address else paging,
    )
    unsealed: dict[str, str | None] = {}  # one person's messages share one sealed address
    items = [_public(app, row, unsealed) for row in rows]
    if by_address:
        wanted = (recipient or "").strip().lower()
        matching = [i for i in items if (i.recipient or "").lower() == wanted]
        items = matching[paging.offset : paging.offset + paging.limit]
    return MessageList(items=items, page=paging.number, page_size=paging.size)


@router.post("/messages/{message_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_message(message_id: UUID, app: App, principal: AdminPrincipal) -> RetryAccepted:
    """Send a failed or dead-lettered email again."""
    app.retry(message_id)
    app.delivery_log.catch_up(app)
    return RetryAccepted(id=message_id, status=app.message(message_id).status)


def _public(
    app: NotificationsApplication, row: dict[str, Any], unsealed: dict[str, str | None]
) -> MessagePublic:
    address = row["address"]
    erased = False
    if isinstance(address, dict):
        sealed = Sealed.model_validate(address)
        if sealed.ciphertext not in unsealed:
            unsealed[sealed.ciphertext] = app.sealer.unseal(sealed)
        shown = unsealed[sealed.ciphertext]
        erased = shown is None
    else:
        shown = str(address)
    return MessagePublic(
        id=row["id"],
        template=row["template"],
        caused_by=row["caused_by"],
        recipient_id=row["recipient_id"],
        recipient=shown,
        recipient_erased=erased,
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        recorded_at=row["recorded_at"],
        sent_at=row["sent_at"],
    )


def _as_uuid(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None
