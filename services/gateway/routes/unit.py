"""The innovation unit's home and its lists of registrations: the designations to check, and
those awaiting a designation, overdue, waiting for a new one after a rejection or about to
lapse (staff only).

Every count and list is the registration service's (or for activities the membership
service's) list endpoint, read with the member of staff's own admin token.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Final

import httpx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from services.gateway.i18n import N_
from services.gateway.pages import render
from services.gateway.sessions import SignedIn, Staff
from services.gateway.unit_reads import count, level_names, page_of, read, registration
from services.gateway.unit_views import (
    ActivityLine,
    DesignationLine,
    Listing,
    RegistrationLine,
    lapsing_before,
)
from services.runtime.paging import MAX_PAGE, MAX_PAGE_SIZE

router = APIRouter(include_in_schema=False)

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]

WAITING_VIEWS: Final = {
    "awaiting": N_("Awaiting a designation"),
    "overdue": N_("Overdue"),
    "rejected": N_("Rejected, awaiting a new one"),
    "lapsing": N_("About to lapse"),
}
"""The tabs of the waiting list: query value → title msgid."""
ACTIVITY_PAGES_READ: Final = 5
"""The most pages of activities the home page reads back from the last to count coming ones."""


def waiting_filter(view: str, now: datetime) -> dict[str, str]:
    """The registration service's filter of one tab."""
    if view == "awaiting":
        return {"status": "awaiting_designation"}
    if view in ("overdue", "rejected"):
        return {"status": "overdue" if view == "overdue" else "designation_rejected"}
    return {"lapses_before": lapsing_before(now).isoformat()}


def upcoming_activities(request: Request, person: SignedIn, now: datetime) -> int:
    """Activities scheduled to start from now on.

    The membership service lists every activity soonest first, without a filter of time: the
    coming ones are at the end, so the last pages are read backwards until a past one shows.
    """
    total = count(request, person, "membership", "/activities", {})
    coming = 0
    last_page = max(1, math.ceil(total / MAX_PAGE_SIZE))
    for number in range(last_page, max(0, last_page - ACTIVITY_PAGES_READ), -1):
        listed = read(
            request,
            person,
            "membership",
            "/activities",
            Listing[ActivityLine],
            {"page": number, "page_size": MAX_PAGE_SIZE},
        )
        future = [a for a in listed.items if a.starts_at > now]
        coming += sum(1 for a in future if a.status != "cancelled")
        if len(future) < len(listed.items):
            break
    return coming


def practices_to_review(request: Request, person: SignedIn) -> int | None:
    """The observatory's review queue; None when it does not answer (the rest still shows)."""
    try:
        return count(request, person, "observatory", "/practices", {"status": "submitted"})
    except (httpx.TransportError, HTTPException):
        return None


@router.get("/unit", response_class=HTMLResponse)
def home(request: Request, person: Staff) -> HTMLResponse:
    """What waits for the unit: each count links to its list."""
    now = datetime.now(UTC)

    def registrations(**params: str) -> int:
        return count(request, person, "registration", "/registrations", params)

    counts = {
        "designations": registrations(status="designation_received"),
        "awaiting": registrations(**waiting_filter("awaiting", now)),
        "overdue": registrations(**waiting_filter("overdue", now)),
        "lapsing": registrations(**waiting_filter("lapsing", now)),
        "activities": upcoming_activities(request, person, now),
        "practices": practices_to_review(request, person),
    }
    return render(request, "unit/home.html", counts=counts, lapsing_until=lapsing_before(now))


@router.get("/unit/designations", response_class=HTMLResponse)
def designations(request: Request, person: Staff, page: PageNumber = 1) -> HTMLResponse:
    """The registrations whose designation waits for the unit's check, newest first."""
    listed = page_of(
        request,
        person,
        "registration",
        "/registrations",
        RegistrationLine,
        page,
        {"status": "designation_received"},
    )
    # The list's lines carry no designation: each is read (a page holds few of them).
    rows = [
        DesignationLine(line=line, designation=registration(request, person, line.id).designation)
        for line in listed.items
    ]
    return render(
        request,
        "unit/designations.html",
        listed=listed,
        rows=rows,
        page=page,
        levels=level_names(request),
    )


@router.get("/unit/waiting", response_class=HTMLResponse)
def waiting(
    request: Request, person: Staff, view: str = "awaiting", page: PageNumber = 1
) -> HTMLResponse:
    """One tab of the registrations waiting for a designation: due day and lapse day."""
    if view not in WAITING_VIEWS:
        raise HTTPException(404)
    now = datetime.now(UTC)
    listed = page_of(
        request,
        person,
        "registration",
        "/registrations",
        RegistrationLine,
        page,
        waiting_filter(view, now),
    )
    return render(
        request,
        "unit/waiting.html",
        listed=listed,
        page=page,
        view=view,
        views=WAITING_VIEWS,
        lapsing_until=lapsing_before(now),
    )
