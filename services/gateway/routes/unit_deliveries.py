"""The innovation unit's delivery log: the emails the notifications service sent or tried to,
by recipient, template and status, and a retry of one that failed or was given up.

It reads `GET /messages` and posts `POST /messages/{id}/retry` with the staff member's token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from services.gateway.calls import (
    calls_of,
    read_items,
    refusal_detail,
    service_unavailable,
)
from services.gateway.i18n import N_, language_of
from services.gateway.pages import render
from services.gateway.posted import clean_text
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, field_errors
from services.gateway.sessions import Staff

router = APIRouter(include_in_schema=False)

PAGE_SIZE: Final = 25
RETRIABLE: Final = frozenset({"failed", "dead"})
STATUS_NAMES: Final[dict[str, str]] = {
    "pending": N_("Waiting to be sent"),
    "sending": N_("Being sent"),
    "sent": N_("Sent"),
    "failed": N_("Failed, to be tried again"),
    "dead": N_("Given up"),
    "cancelled": N_("Not sent (no longer needed)"),
}
"""The statuses of `services.notifications.domain.EmailStatus`, in words."""


class MessageLine(BaseModel):
    """An email of the log, as the page shows it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    template: str
    recipient: str | None = None
    recipient_erased: bool = False
    status: str
    attempts: int
    last_error: str | None = None
    recorded_at: datetime
    sent_at: datetime | None = None

    @property
    def retriable(self) -> bool:
        return self.status in RETRIABLE


def filters_of(recipient: str, template: str, status: str) -> dict[str, str]:
    """The filters by the text rules; a status the log does not know is left out."""
    kept = {
        name: clean_text(name, value)[0]
        for name, value in (("recipient", recipient), ("template", template))
    }
    kept["status"] = status if status in STATUS_NAMES else ""
    return {name: value[:254] for name, value in kept.items()}


def deliveries_page(
    request: Request,
    person: Staff,
    filters: dict[str, str],
    page: int,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    page = max(1, min(page, 10_000))
    params: dict[str, Any] = {k: v for k, v in filters.items() if v}
    params |= {"page": page, "page_size": PAGE_SIZE}
    response = calls_of(request).get("notifications", "/messages", person, params=params)
    if response.status_code != 200:
        raise service_unavailable()
    lines, total = read_items(response, MessageLine)
    if page > 1 and not lines:
        raise HTTPException(404)  # past the last page
    return render(
        request,
        "unit/deliveries.html",
        status_code=status_code,
        lines=lines,
        total=total,
        page=page,
        size=PAGE_SIZE,
        filters=filters,
        status_names=STATUS_NAMES,
        errors=errors,
    )


@router.get("/unit/deliveries", response_class=HTMLResponse)
def deliveries(
    request: Request,
    person: Staff,
    recipient: str = "",
    template: str = "",
    status: str = "",
    page: int = 1,
) -> HTMLResponse:
    """The delivery log, newest first, a page at a time."""
    return deliveries_page(request, person, filters_of(recipient, template, status), page)


@router.post("/unit/deliveries/{message_id}/retry", dependencies=[SubmitLimit])
def retry(
    request: Request,
    message_id: UUID,
    person: Staff,
) -> Response:
    """Send a failed or given-up email again; the refusal in words when it cannot be."""
    response = calls_of(request).post("notifications", f"/messages/{message_id}/retry", person)
    if response.status_code in (200, 202):
        return RedirectResponse(f"/unit/deliveries/{message_id}/retried", status_code=303)
    if response.status_code == 404:
        raise HTTPException(404)
    errors = field_errors(refusal_detail(response), {}, language_of(request))
    if response.status_code != 409 or not errors:
        raise service_unavailable()
    return deliveries_page(request, person, filters_of("", "", ""), 1, errors, 409)


@router.get("/unit/deliveries/{message_id}/retried", response_class=HTMLResponse)
def retried(request: Request, message_id: UUID, person: Staff) -> HTMLResponse:
    """The confirmation: the email is waiting to be sent again."""
    return render(request, "unit/deliveries_retried.html", message_id=message_id)
