"""The innovation unit's office closures: the list, and a new closure through question page →
check (the due days it would move, from the registration service) → confirmation (staff only).

A closure moves the designation due day of forms submitted from then on; the check page says
which submission days it moves, or that it moves none (a weekend, a holiday, a closure already).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.errors import ErrorCode
from services.gateway.calls import calls_of, refusal_detail, service_unavailable
from services.gateway.i18n import N_, language_of, translate
from services.gateway.pages import render
from services.gateway.posted import Posted
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, message_for
from services.gateway.sessions import Staff, visitor_of
from services.gateway.unit_dates import as_parts, typed_day, typed_parts
from services.gateway.unit_forms import UnitDraft, has_field_error, refusal_errors
from services.gateway.unit_reads import page_of, read
from services.gateway.unit_views import ClosureEffectRead, ClosureRead
from services.runtime.paging import MAX_PAGE

router = APIRouter(include_in_schema=False)

NEW: Final = "/unit/closures/new"
DRAFT: Final = "closure"
ADDED: Final = "closure-added"
"""The draft entry the confirmation reads: the closure just added, for whoever added it."""
FIELDS: Final = ("date", "reason")
FIELD_MAP: Final = {"date": "date", "reason": "reason"}
DAY_REQUIRED: Final = N_("Enter the day the office is closed")
REASON_REQUIRED: Final = N_("Enter why the office is closed, like a local holiday")


@router.get("/unit/closures", response_class=HTMLResponse)
def closures(
    request: Request, person: Staff, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> HTMLResponse:
    """The days the office is closed, by day: why, who added each and when."""
    listed = page_of(request, person, "registration", "/calendar/closures", ClosureRead, page)
    return render(request, "unit/closures/list.html", listed=listed, page=page)


def question(
    request: Request, values: dict[str, str], errors: FormErrors | None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request, "unit/closures/new.html", status_code=status_code, values=values, errors=errors
    )


@router.get(NEW, response_class=HTMLResponse)
def new_closure(request: Request, person: Staff) -> HTMLResponse:
    """The day and the reason."""
    return question(request, UnitDraft.of(visitor_of(request), DRAFT).values, None)


@router.post(NEW, response_class=HTMLResponse, dependencies=[SubmitLimit])
def take_closure(request: Request, person: Staff, posted: Posted) -> Response:
    """Keep the day and the reason and go to check them; the page again with any error."""
    language = language_of(request)
    values = {**typed_parts(posted.values, "date"), "reason": posted.values.get("reason", "")}
    errors = FormErrors()
    day, problem = typed_day(values, "date")
    if problem is ErrorCode.MISSING:
        errors.add("date", translate(language, DAY_REQUIRED))
    elif problem is not None:
        errors.add("date", message_for(problem, None, language))
    if "reason" in posted.refused:
        refused = posted.refused["reason"]
        errors.add("reason", message_for(refused["type"], refused["ctx"], language))
    elif not values["reason"]:
        errors.add("reason", translate(language, REASON_REQUIRED))
    if errors or day is None:
        return question(request, values, errors, 422)
    kept = {**as_parts("date", day), "date": day.isoformat(), "reason": values["reason"]}
    UnitDraft(DRAFT, kept).save(visitor_of(request))
    return RedirectResponse(f"{NEW}/check", 303)


def kept_closure(request: Request) -> tuple[UnitDraft, date] | None:
    draft = UnitDraft.of(visitor_of(request), DRAFT)
    try:
        day = date.fromisoformat(draft.values.get("date", ""))
    except ValueError:
        return None
    return (draft, day) if draft.values.get("reason") else None


def check_page(
    request: Request,
    person: Staff,
    draft: UnitDraft,
    day: date,
    errors: FormErrors | None,
    status_code: int,
) -> HTMLResponse:
    effect = read(
        request,
        person,
        "registration",
        "/calendar/closures/effect",
        ClosureEffectRead,
        {"date": day.isoformat()},
    )
    return render(
        request,
        "unit/closures/check.html",
        status_code=status_code,
        day=day,
        reason=draft.values["reason"],
        effect=effect,
        errors=errors,
    )


@router.get(f"{NEW}/check", response_class=HTMLResponse)
def check_closure(request: Request, person: Staff) -> Response:
    """The closure to add and the due days it would move."""
    kept = kept_closure(request)
    if kept is None:
        return RedirectResponse(NEW, 303)
    draft, day = kept
    return check_page(request, person, draft, day, None, 200)


@router.post(f"{NEW}/check", response_class=HTMLResponse, dependencies=[SubmitLimit])
def add_closure(request: Request, person: Staff) -> Response:
    """Add the closure through the registration service; a day closed already is refused."""
    kept = kept_closure(request)
    if kept is None:
        return RedirectResponse(NEW, 303)
    draft, day = kept
    visitor = visitor_of(request)
    body = {"date": day.isoformat(), "reason": draft.values["reason"]}
    response = calls_of(request).post("registration", "/calendar/closures", person, json=body)
    if response.status_code in (200, 201):
        draft.clear(visitor)
        UnitDraft(ADDED, body).save(visitor)
        return RedirectResponse(f"{NEW}/done", 303)
    if response.status_code not in (409, 422):
        raise service_unavailable()
    errors = refusal_errors(refusal_detail(response), FIELD_MAP, language_of(request))
    if not errors:
        raise service_unavailable()
    if has_field_error(errors):  # a day closed already too: another day is typed there
        return question(request, draft.values, errors.ordered(FIELDS), response.status_code)
    return check_page(request, person, draft, day, errors, response.status_code)


@router.get(f"{NEW}/done", response_class=HTMLResponse)
def closure_added(request: Request, person: Staff) -> Response:
    """The confirmation, for whoever added the closure (from their session)."""
    added = UnitDraft.of(visitor_of(request), ADDED).values
    try:
        day = date.fromisoformat(added.get("date", ""))
    except ValueError:
        return RedirectResponse("/unit/closures", 303)
    return render(request, "unit/closures/done.html", day=day, reason=added.get("reason", ""))
