"""The members' activity pages: the activities the body is invited to, one activity with the
body's invitations, and the signed-in representative's answer to their own.

Each page calls the membership service with the representative's `member` token: the service
shows a member only the activities their body is invited to (another one is the 404 page) and
refuses an answer to anyone else's invitation (the 403 page). An answer goes POST → 303 → a
page saying in words where the representative stands; a GET never answers.
"""

from __future__ import annotations

from typing import Annotated, Final
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.i18n import language_of
from services.gateway.member_activities import (
    PAGE_SIZE,
    ActivityRead,
    activities_of,
    activity_of,
    body_roster,
    names_of,
    send_answer,
)
from services.gateway.pages import render
from services.gateway.posted import clean_text
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors
from services.gateway.sessions import Representative, SignedIn

router = APIRouter(include_in_schema=False)

ANSWERS: Final = ("accepted", "declined")


@router.get("/activities", response_class=HTMLResponse)
def activities(
    request: Request, person: Representative, page: Annotated[int, Query(ge=1)] = 1
) -> HTMLResponse:
    """The activities the body is invited to, soonest first, and where each invitee stands."""
    listed = activities_of(request, person, page)
    if page > 1 and not listed.items:
        raise HTTPException(404)  # past the last page
    # The list gives no invitations: each activity of the page is read for the body's own.
    shown = [activity_of(request, person, line.id) for line in listed.items]
    return render(
        request,
        "activities/list.html",
        activities=shown,
        names=names_of(body_roster(request, person)),
        page=listed.page,
        total=listed.total,
        page_size=PAGE_SIZE,
    )


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
def activity_page(request: Request, activity_id: UUID, person: Representative) -> HTMLResponse:
    """One activity: when and where, seats left, the body's invitations, and one's own answer."""
    return activity_view(request, person, activity_of(request, person, activity_id))


def activity_view(
    request: Request,
    person: SignedIn,
    activity: ActivityRead,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "activities/detail.html",
        status_code=status_code,
        activity=activity,
        own=activity.invitation_of(person.representative_id),
        names=names_of(body_roster(request, person)),
        errors=errors,
    )


@router.post("/activities/{activity_id}/answer", dependencies=[SubmitLimit])
def answer(
    request: Request,
    activity_id: UUID,
    person: Representative,
    answer: Annotated[str, Form()] = "",
    invitation: Annotated[str, Form()] = "",
) -> Response:
    """Accept or decline an invitation (one's own: the service refuses anyone else's)."""
    chosen, _ = clean_text("answer", answer)
    if chosen not in ANSWERS:
        raise HTTPException(400)  # the page's buttons send one of them: the form was not ours
    whose = invitee(invitation, person)
    sent = send_answer(request, person, activity_id, whose, chosen, language_of(request))
    if isinstance(sent, FormErrors):
        activity = activity_of(request, person, activity_id)
        return activity_view(request, person, activity, sent, status_code=409)
    return RedirectResponse(f"/activities/{activity_id}/answered", status_code=303)


def invitee(posted: str, person: SignedIn) -> UUID:
    """The invitation a form answers: the one it names, else the signed-in representative's."""
    text, problem = clean_text("invitation", posted)
    if not text and person.representative_id is not None:
        return person.representative_id
    try:
        if problem is None:
            return UUID(text)
    except ValueError:
        pass
    raise HTTPException(404)


@router.get("/activities/{activity_id}/answered", response_class=HTMLResponse)
def answered(request: Request, activity_id: UUID, person: Representative) -> Response:
    """Where the representative stands after answering: a seat, the waiting list, declined."""
    activity = activity_of(request, person, activity_id)
    own = activity.invitation_of(person.representative_id)
    if own is None:
        raise HTTPException(404)
    if own.standing == "invited":  # nothing answered yet: the activity's page asks
        return RedirectResponse(f"/activities/{activity_id}", status_code=303)
    return render(request, "activities/answered.html", activity=activity, own=own)
