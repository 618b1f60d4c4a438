"""The innovation unit's activity pages: the list, scheduling one, an activity's page, and its
decisions (reschedule, cancel, invite, record attendance), each a question page, check your
answers, then a confirmation that says what changed.

Every call goes to the membership service with the staff member's own `admin` token, so the
service records who decided; its refusals are shown in words at the field they name. The
answers wait in the session's draft (`activity_forms`) between the question and the check.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway import activity_forms as forms
from services.gateway.activity_views import (
    KIND_NAMES,
    LANGUAGE_NAMES,
    LEVEL_NAMES,
    ActivityLine,
    ActivityRead,
)
from services.gateway.calls import calls_of, json_object, read_as, read_items, refusal_detail
from services.gateway.calls import service_unavailable as unavailable
from services.gateway.i18n import N_, Language, language_of, translate
from services.gateway.pages import render
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, field_errors, message_for
from services.gateway.seat_holders import seat_holders
from services.gateway.sessions import SignedIn, Staff, Visitor, visitor_of

router = APIRouter(include_in_schema=False)

PAGE_SIZE: Final = 20
ROSTER_PAGE_SIZE: Final = 25
STATUS_OK: Final = (200, 201, 202)
REFUSED: Final = (409, 422)

Form = Annotated[tuple[dict[str, Any], dict[str, dict[str, Any]]], Depends(forms.posted_form)]
"""The posted form: its values (a repeated field as a list) and the text rules' refusals."""

WHOM: Final = ("all", "level", "bodies")
INVITE_FIELDS: Final = ("whom", "level", "body_ids", "tax_ids")
CHOOSE_WHOM: Final = N_("Choose whom to invite")
CHOOSE_LEVEL: Final = N_("Choose the level of government")
CHOOSE_BODIES: Final = N_("Tick the bodies to invite or type their tax numbers")
TAX_ID_FORM: Final = N_("Type each tax number (ΑΦΜ) as 9 digits, separated by spaces or commas")
NOBODY_WITH_A_SEAT: Final = N_("Nobody has a seat: there is no attendance to record")


def base(activity_id: UUID) -> str:
    return f"/unit/activities/{activity_id}"


def activity_of(request: Request, person: SignedIn, activity_id: UUID) -> ActivityRead:
    """The activity from the membership service; the 404 page if there is none."""
    response = calls_of(request).get("membership", f"/activities/{activity_id}", person)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code != 200:
        raise unavailable()
    return read_as(response, ActivityRead)


def problems_as_errors(
    problems: dict[str, str], refused: dict[str, dict[str, Any]], language: Language
) -> FormErrors:
    """The gateway's own problems (msgids) and the text rules' refusals, by field."""
    errors = FormErrors()
    for name, problem in refused.items():
        errors.add(name, message_for(problem["type"], problem["ctx"], language))
    for name, msgid in problems.items():
        errors.add(name, translate(language, msgid))
    return errors


def service_refusal(
    response: httpx.Response, language: Language, fields: tuple[str, ...]
) -> FormErrors:
    """A service's 409 or 422 as the form's errors (the 503 page when it says nothing)."""
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code == 403:
        raise HTTPException(403)
    errors = field_errors(refusal_detail(response), forms.FIELD_OF_LOC, language)
    if not errors:
        raise unavailable()
    return errors.ordered(fields)


def claim_form(visitor: Visitor, purpose: str) -> bool:
    """Take the answers kept for `purpose` out of the session before sending them, so a form
    sent twice (a double click) is sent once: False when another request took them first."""
    return forms.stored_form(visitor, purpose) is not None and visitor.take_draft_part(
        forms.DRAFT_KEY
    )


def choices(names: dict[str, str], language: Language) -> list[tuple[str, str]]:
    return [(value, translate(language, msgid)) for value, msgid in names.items()]


# The list.


@router.get("/unit/activities", response_class=HTMLResponse)
def activities(request: Request, person: Staff, page: int = 1) -> HTMLResponse:
    """Every activity, soonest first, a page at a time."""
    page = max(1, min(page, 10_000))
    response = calls_of(request).get(
        "membership", "/activities", person, params={"page": page, "page_size": PAGE_SIZE}
    )
    if response.status_code != 200:
        raise unavailable()
    items, total = read_items(response, ActivityLine)
    if page > 1 and not items:
        raise HTTPException(404)  # past the last page
    # The list's lines have no seats: each activity's own answer has them (a page is small).
    lines = [activity_of(request, person, item.id) for item in items]
    return render(
        request,
        "unit/activities/list.html",
        lines=lines,
        total=total,
        page=page,
        size=PAGE_SIZE,
        kinds=KIND_NAMES,
    )


# Scheduling an activity.

SCHEDULE: Final = "schedule"


def schedule_form(
    request: Request, values: dict[str, Any], errors: FormErrors | None, status_code: int = 200
) -> HTMLResponse:
    language = language_of(request)
    return render(
        request,
        "unit/activities/new.html",
        status_code=status_code,
        values=values,
        errors=errors,
        kind_choices=choices(KIND_NAMES, language),
        language_choices=choices(LANGUAGE_NAMES, language),
    )


@router.get("/unit/activities/new", response_class=HTMLResponse)
def new_activity(request: Request, person: Staff) -> HTMLResponse:
    """The question page: kind, title, start and end, place, seats, languages."""
    values = forms.stored_form(visitor_of(request), SCHEDULE) or {"languages": ["el"]}
    return schedule_form(request, values, None)


@router.post("/unit/activities/new", dependencies=[SubmitLimit])
def new_activity_answered(request: Request, person: Staff, posted: Form) -> Response:
    """Keep the answers and go to check them; the form again with what is missing."""
    values, refused = posted
    _body, problems = forms.schedule_request(values)
    if problems or refused:
        errors = problems_as_errors(problems, refused, language_of(request))
        return schedule_form(request, values, errors.ordered(forms.SCHEDULE_FIELDS), 422)
    forms.keep_form(visitor_of(request), SCHEDULE, values)
    return RedirectResponse("/unit/activities/new/check", status_code=303)


def schedule_rows(values: dict[str, Any], language: Language) -> list[dict[str, Any]]:
    """Check your answers: one row per question, each with its change link."""
    body, _problems = forms.schedule_request(values)
    return [
        *_rows(
            language,
            "/unit/activities/new",
            (
                (
                    "kind",
                    N_("Kind"),
                    translate(language, KIND_NAMES.get(body["kind"], body["kind"])),
                ),
                ("title", N_("Title"), body["title"]),
            ),
        ),
        *place_rows(body, language, "/unit/activities/new"),
        *_rows(
            language,
            "/unit/activities/new",
            (
                ("capacity", N_("Seats"), str(body.get("capacity", ""))),
                (
                    "languages",
                    N_("Languages"),
                    [
                        translate(language, LANGUAGE_NAMES.get(code, code))
                        for code in body["languages"]
                    ],
                ),
            ),
        ),
    ]


def place_rows(body: dict[str, Any], language: Language, href: str) -> list[dict[str, Any]]:
    """The rows of the time and place (the moments in Athens time, as the reader writes them)."""
    starts = forms.written_moment(body.get("starts_at"), language)
    ends = forms.written_moment(body.get("ends_at"), language)
    return _rows(
        language,
        href,
        (
            ("starts-on", N_("Starts"), starts),
            ("ends-on", N_("Ends"), ends),
            ("location", N_("Location"), body.get("location") or ""),
            ("online-url", N_("Online link"), body.get("online_url") or ""),
        ),
    )


def _rows(
    language: Language, href: str, rows: tuple[tuple[str, str, Any], ...]
) -> list[dict[str, Any]]:
    return [
        {
            "key": translate(language, key),
            "value": value,
            "href": f"{href}#{anchor}",
            "change": translate(language, key).lower(),
        }
        for anchor, key, value in rows
    ]


@router.get("/unit/activities/new/check", response_class=HTMLResponse)
def check_new_activity(request: Request, person: Staff) -> Response:
    """Check your answers before the activity is scheduled."""
    values = forms.stored_form(visitor_of(request), SCHEDULE)
    if values is None:
        return RedirectResponse("/unit/activities/new", status_code=303)
    return render(
        request,
        "unit/activities/check.html",
        heading=N_("Check the activity before you schedule it"),
        caption=translate(language_of(request), N_("Schedule an activity")),
        rows=schedule_rows(values, language_of(request)),
        action="/unit/activities/new/check",
        button=N_("Schedule the activity"),
        back="/unit/activities/new",
        errors=None,
        notes=[N_("Nobody is invited yet: you invite bodies from the activity's page.")],
    )


@router.post("/unit/activities/new/check", dependencies=[SubmitLimit])
def schedule_activity(request: Request, person: Staff) -> Response:
    """Schedule it through the membership service; its refusals back on the question page."""
    visitor = visitor_of(request)
    values = forms.stored_form(visitor, SCHEDULE)
    if values is None:  # sent already (the same page sent twice): the list shows it
        return RedirectResponse("/unit/activities", status_code=303)
    body, problems = forms.schedule_request(values)
    language = language_of(request)
    if problems:
        errors = problems_as_errors(problems, {}, language)
        return schedule_form(request, values, errors.ordered(forms.SCHEDULE_FIELDS), 422)
    if not claim_form(visitor, SCHEDULE):  # the same page being sent by another request
        return RedirectResponse("/unit/activities", status_code=303)
    response = calls_of(request).post("membership", "/activities", person, json=body)
    if response.status_code in STATUS_OK:
        created = json_object(response).get("id")
        return RedirectResponse(f"/unit/activities/{created}/scheduled", status_code=303)
    errors = service_refusal(response, language, forms.SCHEDULE_FIELDS)
    forms.keep_form(visitor, SCHEDULE, values)  # refused, so nothing was scheduled: fix it
    return schedule_form(request, values, errors, 422)


@router.get("/unit/activities/{activity_id}/scheduled", response_class=HTMLResponse)
def activity_scheduled(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    """The confirmation: the activity is scheduled, with the link to its page."""
    activity = activity_of(request, person, activity_id)
    return render(
        request,
        "unit/activities/done.html",
        activity=activity,
        heading=N_("Activity scheduled"),
        lines=[N_("The activity is on the network's calendar. Invite bodies from its page.")],
    )


# An activity's page.


@router.get("/unit/activities/{activity_id}", response_class=HTMLResponse)
def activity_page(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    """Details, seats, who has a seat, the waiting list, the declined, the history."""
    activity = activity_of(request, person, activity_id)
    queued = [*activity.confirmed_list(), *activity.waiting_list()]
    return render(
        request,
        "unit/activities/activity.html",
        activity=activity,
        holders=seat_holders(request, person, queued),  # names those with a seat or waiting
        kinds=KIND_NAMES,
        activity_languages=LANGUAGE_NAMES,  # not `language_names`: the header's switch reads that
        level_names=LEVEL_NAMES,
    )


# Reschedule.


def reschedule_form(
    request: Request,
    activity: ActivityRead,
    values: dict[str, Any],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/activities/reschedule.html",
        status_code=status_code,
        activity=activity,
        values=values,
        errors=errors,
    )


@router.get("/unit/activities/{activity_id}/reschedule", response_class=HTMLResponse)
def reschedule_page(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    """The new time and place, filled with the present ones."""
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"reschedule:{activity_id}")
    if values is None:
        starts_on, starts_time = forms.form_values(activity.starts_at)
        ends_on, ends_time = forms.form_values(activity.ends_at)
        values = {
            "starts_on": starts_on,
            "starts_time": starts_time,
            "ends_on": ends_on,
            "ends_time": ends_time,
            "location": activity.location or "",
            "online_url": activity.online_url or "",
        }
    return reschedule_form(request, activity, values, None)


@router.post("/unit/activities/{activity_id}/reschedule", dependencies=[SubmitLimit])
def reschedule_answered(
    request: Request, activity_id: UUID, person: Staff, posted: Form
) -> Response:
    activity = activity_of(request, person, activity_id)
    values, refused = posted
    _body, problems = forms.reschedule_request(values)
    if problems or refused:
        errors = problems_as_errors(problems, refused, language_of(request))
        return reschedule_form(request, activity, values, errors.ordered(forms.PLACE_FIELDS), 422)
    forms.keep_form(visitor_of(request), f"reschedule:{activity_id}", values)
    return RedirectResponse(f"{base(activity_id)}/reschedule/check", status_code=303)


@router.get("/unit/activities/{activity_id}/reschedule/check", response_class=HTMLResponse)
def check_reschedule(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"reschedule:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/reschedule", status_code=303)
    body, _problems = forms.reschedule_request(values)
    language = language_of(request)
    return render(
        request,
        "unit/activities/check.html",
        activity=activity,
        heading=N_("Check the new time and place"),
        caption=activity.title,
        rows=place_rows(body, language, f"{base(activity_id)}/reschedule"),
        action=f"{base(activity_id)}/reschedule/check",
        button=N_("Reschedule the activity"),
        back=f"{base(activity_id)}/reschedule",
        errors=None,
        notes=[N_("Everyone invited gets an email with the new time and place.")],
    )


@router.post("/unit/activities/{activity_id}/reschedule/check", dependencies=[SubmitLimit])
def reschedule(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    visitor = visitor_of(request)
    purpose = f"reschedule:{activity_id}"
    values = forms.stored_form(visitor, purpose)
    # Sent already, or being sent by another request (the same page sent twice): its page.
    if values is None or not claim_form(visitor, purpose):
        return RedirectResponse(base(activity_id), status_code=303)
    body, _problems = forms.reschedule_request(values)
    response = calls_of(request).post(
        "membership", f"/activities/{activity_id}/reschedule", person, json=body
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(f"{base(activity_id)}/reschedule/done", status_code=303)
    errors = service_refusal(response, language_of(request), forms.PLACE_FIELDS)
    forms.keep_form(visitor, purpose, values)  # refused, so nothing changed: fix it
    return reschedule_form(request, activity, values, errors, 422)


@router.get("/unit/activities/{activity_id}/reschedule/done", response_class=HTMLResponse)
def rescheduled(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    activity = activity_of(request, person, activity_id)
    return render(
        request,
        "unit/activities/done.html",
        activity=activity,
        heading=N_("Activity rescheduled"),
        lines=[N_("Everyone invited gets an email with the new time and place.")],
    )


# Cancel.


def cancel_form(
    request: Request,
    activity: ActivityRead,
    values: dict[str, Any],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/activities/cancel.html",
        status_code=status_code,
        activity=activity,
        values=values,
        errors=errors,
    )


@router.get("/unit/activities/{activity_id}/cancel", response_class=HTMLResponse)
def cancel_page(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    """Why the activity is cancelled (optional: it goes to those invited)."""
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"cancel:{activity_id}") or {}
    return cancel_form(request, activity, values, None)


@router.post("/unit/activities/{activity_id}/cancel", dependencies=[SubmitLimit])
def cancel_answered(request: Request, activity_id: UUID, person: Staff, posted: Form) -> Response:
    activity = activity_of(request, person, activity_id)
    values, refused = posted
    kept = {"reason": forms.as_text(values.get("reason"))}
    if refused:
        errors = problems_as_errors({}, refused, language_of(request))
        return cancel_form(request, activity, kept, errors, 422)
    forms.keep_form(visitor_of(request), f"cancel:{activity_id}", kept)
    return RedirectResponse(f"{base(activity_id)}/cancel/check", status_code=303)


@router.get("/unit/activities/{activity_id}/cancel/check", response_class=HTMLResponse)
def check_cancel(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"cancel:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/cancel", status_code=303)
    return cancel_check(request, activity, values, None)


def cancel_check(
    request: Request,
    activity: ActivityRead,
    values: dict[str, Any],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    key = translate(language, N_("Reason"))
    return render(
        request,
        "unit/activities/check.html",
        status_code=status_code,
        activity=activity,
        heading=N_("Check before you cancel the activity"),
        caption=activity.title,
        rows=[
            {
                "key": key,
                "value": values.get("reason") or "",
                "href": f"{base(activity.id)}/cancel#reason",
                "change": key.lower(),
            }
        ],
        action=f"{base(activity.id)}/cancel/check",
        button=N_("Cancel the activity"),
        warning=True,
        back=f"{base(activity.id)}/cancel",
        errors=errors,
        notes=[
            N_("Everyone invited gets an email that the activity is cancelled, with the reason."),
            N_("A cancelled activity cannot be scheduled again."),
        ],
    )


@router.post("/unit/activities/{activity_id}/cancel/check", dependencies=[SubmitLimit])
def cancel(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    visitor = visitor_of(request)
    values = forms.stored_form(visitor, f"cancel:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/cancel", status_code=303)
    response = calls_of(request).post(
        "membership",
        f"/activities/{activity_id}/cancel",
        person,
        json={"reason": values.get("reason") or None},
    )
    if response.status_code in STATUS_OK:
        forms.drop_form(visitor)
        return RedirectResponse(f"{base(activity_id)}/cancel/done", status_code=303)
    errors = service_refusal(response, language_of(request), ("reason",))
    return cancel_check(request, activity, values, errors, response.status_code)


@router.get("/unit/activities/{activity_id}/cancel/done", response_class=HTMLResponse)
def cancelled(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    activity = activity_of(request, person, activity_id)
    return render(
        request,
        "unit/activities/done.html",
        activity=activity,
        heading=N_("Activity cancelled"),
        lines=[N_("Everyone invited gets an email that the activity is cancelled.")],
    )


# Invite.


def roster_page(
    request: Request, person: SignedIn, q: str, page: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the roster's active bodies (matching `q`), and how many match in all."""
    params: dict[str, Any] = {"status": "active", "page": page, "page_size": ROSTER_PAGE_SIZE}
    if q:
        params["q"] = q
    response = calls_of(request).get("membership", "/members", person, params=params)
    if response.status_code == 422:
        return [], 0
    if response.status_code != 200:
        raise unavailable()
    answer = json_object(response)
    items = answer.get("items")
    if not isinstance(items, list):
        raise unavailable()
    return [item for item in items if isinstance(item, dict)], int(answer.get("total", 0))


def active_bodies(request: Request, person: SignedIn, level: str | None) -> int | None:
    """How many bodies are active members (of `level`), or None when the service cannot say."""
    params: dict[str, Any] = {"status": "active", "page_size": 1}
    if level:
        params["level"] = level
    response = calls_of(request).get("membership", "/members", person, params=params)
    if response.status_code != 200:
        return None
    total = json_object(response).get("total")
    return total if isinstance(total, int) else None


def invite_form(
    request: Request,
    person: SignedIn,
    activity: ActivityRead,
    values: dict[str, Any],
    errors: FormErrors | None,
    q: str = "",
    page: int = 1,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    page = max(1, min(page, 10_000))
    bodies, total = roster_page(request, person, q, page)
    invited = {str(i.body_id) for i in activity.invitations}
    return render(
        request,
        "unit/activities/invite.html",
        status_code=status_code,
        activity=activity,
        values=values,
        errors=errors,
        q=q,
        page=page,
        size=ROSTER_PAGE_SIZE,
        total=total,
        bodies=bodies,
        invited_bodies=invited,
        level_choices=choices(LEVEL_NAMES, language),
        level_names=LEVEL_NAMES,
    )


@router.get("/unit/activities/{activity_id}/invite", response_class=HTMLResponse)
def invite_page(
    request: Request, activity_id: UUID, person: Staff, q: str = "", page: int = 1
) -> HTMLResponse:
    """Whom to invite: every active member, one level, or bodies chosen from the roster."""
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"invite:{activity_id}") or {}
    if q:
        values = {**values, "whom": "bodies"}
    return invite_form(request, person, activity, values, None, q[:200], page)


TAX_ID_SPLIT: Final = re.compile(r"[\s,;]+")


def invitees(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The `POST /activities/{id}/invitations` body, and the gateway's own problems."""
    whom = forms.as_text(values.get("whom"))
    if whom not in WHOM:
        return {}, {"whom": CHOOSE_WHOM}
    if whom == "all":
        return {}, {}
    if whom == "level":
        level = forms.as_text(values.get("level"))
        if level not in LEVEL_NAMES:
            return {}, {"level": CHOOSE_LEVEL}
        return {"level": level}, {}
    typed = [t for t in TAX_ID_SPLIT.split(forms.as_text(values.get("tax_ids"))) if t]
    if any(not (len(t) == 9 and t.isdigit()) for t in typed):
        return {}, {"tax_ids": TAX_ID_FORM}
    chosen = list(dict.fromkeys([*forms.as_list(values.get("body_ids")), *typed]))
    if not chosen:
        return {}, {"body_ids": CHOOSE_BODIES}
    return {"body_ids": chosen}, {}


@router.post("/unit/activities/{activity_id}/invite", dependencies=[SubmitLimit])
def invite_answered(request: Request, activity_id: UUID, person: Staff, posted: Form) -> Response:
    activity = activity_of(request, person, activity_id)
    values, refused = posted
    kept = {
        "whom": forms.as_text(values.get("whom")),
        "level": forms.as_text(values.get("level")),
        "body_ids": forms.as_list(values.get("body_ids")),
        "tax_ids": forms.as_text(values.get("tax_ids")),
    }
    _body, problems = invitees(kept)
    if problems or refused:
        errors = problems_as_errors(problems, refused, language_of(request))
        return invite_form(request, person, activity, kept, errors, status_code=422)
    forms.keep_form(visitor_of(request), f"invite:{activity_id}", kept)
    return RedirectResponse(f"{base(activity_id)}/invite/check", status_code=303)


def invite_check(
    request: Request,
    person: SignedIn,
    activity: ActivityRead,
    values: dict[str, Any],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    body, _problems = invitees(values)
    whom_key = translate(language, N_("Whom"))
    if "body_ids" in body:
        whom = [translate(language, N_("These bodies (by tax number):")), *body["body_ids"]]
        count: int | None = len(body["body_ids"])
    elif "level" in body:
        level_name = translate(language, LEVEL_NAMES[body["level"]])
        whom = [
            translate(language, N_("The active members of one level: %(level)s"), level=level_name)
        ]
        count = active_bodies(request, person, body["level"])
    else:
        whom = [translate(language, N_("Every active member of the network"))]
        count = active_bodies(request, person, None)
    return render(
        request,
        "unit/activities/invite_check.html",
        status_code=status_code,
        activity=activity,
        rows=[
            {
                "key": whom_key,
                "value": whom,
                "href": f"{base(activity.id)}/invite",
                "change": whom_key.lower(),
            }
        ],
        count=count,
        errors=errors,
    )


@router.get("/unit/activities/{activity_id}/invite/check", response_class=HTMLResponse)
def check_invite(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"invite:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/invite", status_code=303)
    return invite_check(request, person, activity, values, None)


@router.post("/unit/activities/{activity_id}/invite/check", dependencies=[SubmitLimit])
def invite(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    visitor = visitor_of(request)
    values = forms.stored_form(visitor, f"invite:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/invite", status_code=303)
    body, _problems = invitees(values)
    response = calls_of(request).post(
        "membership", f"/activities/{activity_id}/invitations", person, json=body
    )
    if response.status_code in STATUS_OK:
        invited = json_object(response).get("invited")
        count = len(invited) if isinstance(invited, list) else 0
        forms.keep_form(visitor, f"invited:{activity_id}", {"count": count})
        return RedirectResponse(f"{base(activity_id)}/invite/done", status_code=303)
    errors = service_refusal(response, language_of(request), INVITE_FIELDS)
    if response.status_code == 422:
        # A tax number the service refuses (its check digit): back at the field it was typed in.
        return invite_form(request, person, activity, values, errors, status_code=422)
    return invite_check(request, person, activity, values, errors, response.status_code)


@router.get("/unit/activities/{activity_id}/invite/done", response_class=HTMLResponse)
def invited(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    kept = forms.stored_form(visitor_of(request), f"invited:{activity_id}")
    if kept is None:
        return RedirectResponse(base(activity_id), status_code=303)
    return render(
        request, "unit/activities/invite_done.html", activity=activity, count=int(kept["count"])
    )


# Attendance.


def attendance_form(
    request: Request,
    person: SignedIn,
    activity: ActivityRead,
    values: dict[str, Any] | None,
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    seated = activity.confirmed_list()
    if values is None:
        values = {"attended": [str(i.representative_id) for i in seated if i.attended]}
    return render(
        request,
        "unit/activities/attendance.html",
        status_code=status_code,
        activity=activity,
        values=values,
        errors=errors,
        holders=seat_holders(request, person, seated),
    )


@router.get("/unit/activities/{activity_id}/attendance", response_class=HTMLResponse)
def attendance_page(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    """A box for each representative with a seat, by name and role: ticked, they attended."""
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"attendance:{activity_id}")
    return attendance_form(request, person, activity, values, None)


@router.post("/unit/activities/{activity_id}/attendance", dependencies=[SubmitLimit])
def attendance_answered(
    request: Request, activity_id: UUID, person: Staff, posted: Form
) -> Response:
    activity = activity_of(request, person, activity_id)
    values, _refused = posted
    seated = {str(i.representative_id) for i in activity.confirmed_list()}
    if not seated:
        errors = FormErrors()
        errors.add("", translate(language_of(request), NOBODY_WITH_A_SEAT))
        return attendance_form(request, person, activity, {"attended": []}, errors, 409)
    ticked = [rid for rid in forms.as_list(values.get("attended")) if rid in seated]
    forms.keep_form(visitor_of(request), f"attendance:{activity_id}", {"attended": ticked})
    return RedirectResponse(f"{base(activity_id)}/attendance/check", status_code=303)


def attendance_check(
    request: Request,
    person: SignedIn,
    activity: ActivityRead,
    ticked: list[str],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    seated = activity.confirmed_list()
    return render(
        request,
        "unit/activities/attendance_check.html",
        status_code=status_code,
        activity=activity,
        attended=[i for i in seated if str(i.representative_id) in ticked],
        absent=[i for i in seated if str(i.representative_id) not in ticked],
        holders=seat_holders(request, person, seated),
        errors=errors,
    )


@router.get("/unit/activities/{activity_id}/attendance/check", response_class=HTMLResponse)
def check_attendance(request: Request, activity_id: UUID, person: Staff) -> Response:
    activity = activity_of(request, person, activity_id)
    values = forms.stored_form(visitor_of(request), f"attendance:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/attendance", status_code=303)
    ticked = forms.as_list(values.get("attended"))
    return attendance_check(request, person, activity, ticked, None)


@router.post("/unit/activities/{activity_id}/attendance/check", dependencies=[SubmitLimit])
def record_attendance(request: Request, activity_id: UUID, person: Staff, posted: Form) -> Response:
    """Who attended and who did not, as ticked, of those the check page showed (it carries
    their ids): one seated since is not recorded absent unseen. Refused before the start."""
    activity = activity_of(request, person, activity_id)
    visitor = visitor_of(request)
    values = forms.stored_form(visitor, f"attendance:{activity_id}")
    if values is None:
        return RedirectResponse(f"{base(activity_id)}/attendance", status_code=303)
    shown = set(forms.as_list(posted[0].get("shown")))
    if not shown:  # a check page that named nobody: show it again, with who is seated now
        return RedirectResponse(f"{base(activity_id)}/attendance/check", status_code=303)
    ticked = forms.as_list(values.get("attended"))
    # Those shown who still have a seat (one who gave it up since has no attendance).
    seated = [rid for i in activity.confirmed_list() if (rid := str(i.representative_id)) in shown]
    for attended, ids in (
        (True, [rid for rid in seated if rid in ticked]),
        (False, [rid for rid in seated if rid not in ticked]),
    ):
        if not ids:
            continue
        response = calls_of(request).post(
            "membership",
            f"/activities/{activity_id}/attendance",
            person,
            json={"representative_ids": ids, "attended": attended},
        )
        if response.status_code not in STATUS_OK:
            errors = service_refusal(response, language_of(request), ())
            return attendance_check(request, person, activity, ticked, errors, response.status_code)
    forms.drop_form(visitor)
    return RedirectResponse(f"{base(activity_id)}/attendance/done", status_code=303)


@router.get("/unit/activities/{activity_id}/attendance/done", response_class=HTMLResponse)
def attendance_recorded(request: Request, activity_id: UUID, person: Staff) -> HTMLResponse:
    activity = activity_of(request, person, activity_id)
    return render(
        request,
        "unit/activities/done.html",
        activity=activity,
        heading=N_("Attendance recorded"),
        lines=[
            N_("%(n)s of %(seats)s representatives with a seat attended."),
        ],
        line_params={"n": activity.attended_count(), "seats": len(activity.confirmed_list())},
    )
