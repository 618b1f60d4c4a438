"""The delivery log for the innovation unit (what was sent to whom, retrying a failure), and the
internal endpoint through which the gateway has sign-in emails sent."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from contracts.personal import Sealed
from services.notifications.application import NotificationsApplication
from services.notifications.domain import EmailStatus
from services.notifications.models import (
    Filter,
    MessageList,
    MessagePublic,
    RetryAccepted,
    SignInLinkAccepted,
    SignInLinkRequest,
)
from services.runtime.auth import AdminPrincipal, ServicePrincipal
from services.runtime.dependencies import service_application
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Listed, Page, Paging
from services.runtime.sealing import Sealer

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
    """The delivery log, newest first, by recipient, template and status.

    Addresses are sealed, so a search by address reads the newest `SCAN_LIMIT` emails only, and
    its `total` counts the matches among them.
    """
    subject = _as_uuid(recipient)
    by_address = recipient is not None and subject is None
    listed = app.delivery_log.search(
        template=template,
        status=status_,
        recipient_id=subject,
        page=Page(number=1, size=SCAN_LIMIT) if by_address else paging,
    )
    shown = _Addresses(app.sealer)
    if by_address:
        wanted = (recipient or "").strip().lower()
        rows = [r for r in listed.rows if (shown.address(r["address"]) or "").lower() == wanted]
        listed = Listed(rows=rows[paging.offset : paging.offset + paging.limit], total=len(rows))
    return MessageList.of(listed, paging, shown.message)


@router.post("/messages/{message_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_message(message_id: UUID, app: App, principal: AdminPrincipal) -> RetryAccepted:
    """Send a failed or dead-lettered email again."""
    app.retry(message_id)
    app.delivery_log.catch_up(app)
    return RetryAccepted(id=message_id, status=app.message(message_id).status)


@router.post("/internal/sign-in-links", status_code=status.HTTP_202_ACCEPTED, tags=["internal"])
def send_sign_in_link(
    request: SignInLinkRequest, app: App, principal: ServicePrincipal
) -> SignInLinkAccepted:
    """Send a sign-in email (the gateway's); the same `request_id` again sends nothing more.

    The link is held only until the email is sent, given up or expired; it never enters an
    event, Kafka or a log line. It must start with the public address (`INNOVNET_PUBLIC_URL`).
    """
    app.send_sign_in_link(request)
    return SignInLinkAccepted(request_id=request.request_id)


class _Addresses:
    """The log's rows as shown: one person's messages share one sealed address, unsealed once."""

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer
        self._unsealed: dict[str, str | None] = {}

    def address(self, stored: dict[str, Any] | str) -> str | None:
        """An office address as it is, a person's unsealed (None once they were erased)."""
        if not isinstance(stored, dict):
            return str(stored)
        sealed = Sealed.model_validate(stored)
        if sealed.ciphertext not in self._unsealed:
            self._unsealed[sealed.ciphertext] = self._sealer.unseal(sealed)
        return self._unsealed[sealed.ciphertext]

    def message(self, row: dict[str, Any]) -> MessagePublic:
        shown = self.address(row["address"])
        return MessagePublic.model_validate(
            {**row, "recipient": shown, "recipient_erased": shown is None}
        )


def _as_uuid(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None
