"""The unit's newsletter pages' calls: the newsletter service (subscribers, issues) and the
notifications service (an issue's sending progress), each with the member of staff's token.

A 404 is the 404 page; an answer neither done nor a refusal the page can word (409, 422) is
the 503 page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from uuid import UUID

import httpx
from fastapi import HTTPException, Request
from pydantic import BaseModel

from services.gateway.calls import Service, calls_of, read_as, service_unavailable
from services.gateway.sessions import SignedIn

DONE: Final = (200, 201, 202, 204)
REFUSED: Final = (409, 422)


class Count(BaseModel):
    state: str
    language: str
    count: int


class Summary(BaseModel):
    counts: list[Count]
    total: int


class HeldSubscriber(BaseModel):
    subscriber_id: UUID
    email: str
    reason: str | None
    since: datetime


class HeldPage(BaseModel):
    items: list[HeldSubscriber]
    total: int


class IssueText(BaseModel):
    subject: str
    markdown: str = ""
    html: str = ""


class IssueView(BaseModel):
    issue_id: UUID
    status: str
    version: int
    texts: dict[str, IssueText]
    send_at: datetime | None = None
    number: int | None = None
    updated_at: datetime | None = None
    published_at: datetime | None = None


class IssueSummary(BaseModel):
    issue_id: UUID
    status: str
    version: int
    subject: str
    languages: list[str]
    send_at: datetime | None = None
    number: int | None = None
    updated_at: datetime


class IssuePage(BaseModel):
    items: list[IssueSummary]
    total: int


class Progress(BaseModel):
    total: int = 0
    sent: int = 0
    failed: int = 0
    pending: int = 0
    skipped: int = 0


def read(
    request: Request,
    person: SignedIn,
    path: str,
    model: type[Any],
    params: dict[str, Any] | None = None,
    service: Service = "newsletter",
) -> Any:
    """`GET path` read as `model`."""
    response = calls_of(request).get(service, path, person, params=params or {})
    if response.status_code in (403, 404):
        raise HTTPException(response.status_code)
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, model)


def change(
    request: Request, person: SignedIn, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """A change sent to the newsletter service: its answer when done or refused."""
    response = calls_of(request).request("newsletter", method, path, person, **kwargs)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code not in (*DONE, *REFUSED):
        raise service_unavailable()
    return response


def issue(request: Request, person: SignedIn, issue_id: UUID) -> IssueView:
    result: IssueView = read(request, person, f"/issues/{issue_id}", IssueView)
    return result


def progress(request: Request, person: SignedIn, issue_id: UUID) -> Progress | None:
    """How far the sending of a published issue is (none expanded yet: all zero); None when
    the notifications service cannot say now (the page says so and tries again)."""
    try:
        response = calls_of(request).get(
            "notifications", f"/newsletter/issues/{issue_id}/progress", person
        )
    except httpx.TransportError:
        return None
    if response.status_code == 404:
        return Progress()
    if response.status_code != 200:
        return None
    try:
        return Progress.model_validate(response.json())
    except ValueError:
        return None
