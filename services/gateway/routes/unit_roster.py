"""The roster of the network for the innovation unit: member bodies filtered by level, status
and a text in the name (a GET form, so a filtered list is a link), and one body with both its
representatives and every representative it has had (staff only).
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from services.gateway.pages import render
from services.gateway.posted import clean_text
from services.gateway.sessions import Staff
from services.gateway.unit_reads import level_names, page_of, read
from services.gateway.unit_views import RosterBody, RosterBodyDetail
from services.runtime.paging import MAX_PAGE

router = APIRouter(include_in_schema=False)

TAX_ID: Final = re.compile(r"^\d{9}$")
STATUSES: Final = ("active", "inactive")
SEARCH_LENGTH: Final = 100
"""The longest text searched for (the membership service's own bound)."""


@router.get("/unit/roster", response_class=HTMLResponse)
def roster(
    request: Request,
    person: Staff,
    level: str = "",
    status: str = "",
    q: str = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    """The bodies of the network, by the filters chosen."""
    levels = level_names(request)
    # A filter the page does not offer is no filter: the list is never a refusal.
    chosen = {
        "level": level if level in levels else "",
        "status": status if status in STATUSES else "",
        "q": clean_text("q", q)[0][:SEARCH_LENGTH],
    }
    listed = page_of(request, person, "membership", "/members", RosterBody, page, chosen)
    return render(
        request,
        "unit/roster/list.html",
        listed=listed,
        page=page,
        chosen=chosen,
        levels=levels,
        statuses=STATUSES,
    )


@router.get("/unit/roster/{tax_id}", response_class=HTMLResponse)
def member_body(request: Request, tax_id: str, person: Staff) -> HTMLResponse:
    """A body: its main and alternate representative, and who represented it before."""
    if not TAX_ID.match(tax_id):
        raise HTTPException(404)
    body = read(request, person, "membership", f"/members/{tax_id}", RosterBodyDetail)
    return render(request, "unit/roster/body.html", body=body, levels=level_names(request))
