"""Where an invitation email's Accept and Decline links land: `/invitations/answer?token=…`.

The link itself proves the representative (a token the notifications service signed with the
deployment's secret, `services.runtime.invitation_links`), signed in or not. Mail scanners
open links, so the GET never answers: it shows the activity and one button to confirm, in a
form carrying the token; only the POST answers, calling the membership service as that
representative (a `member` token of their body, found in the directory while they are still
a current representative).

The token is a password until it expires: it is only ever in the form's hidden field, never
in a link of the page nor in the language switch's address (the access log redacts `token=`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Final
from uuid import UUID

import jwt
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from services.gateway.directory import Directory
from services.gateway.i18n import language_of
from services.gateway.member_activities import activity_of, body_roster, names_of, send_answer
from services.gateway.pages import render
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors
from services.gateway.sessions import SignedIn
from services.runtime.invitation_links import read_invitation_answer

router = APIRouter(include_in_schema=False)

PATH: Final = "/invitations/answer"
MAX_TOKEN: Final = 2000
"""Longer than any link the notifications service signs; anything longer is not one."""
ANSWERS: Final = ("accepted", "declined")


@dataclass(frozen=True)
class LinkAnswer:
    """What a valid link says: whose invitation, to what, which answer; and who they are now."""

    activity_id: UUID
    representative_id: UUID
    answer: str
    person: SignedIn


class NotValid(Exception):
    """The link is forged, expired or not complete."""


class NoLongerCurrent(Exception):
    """The link's representative is no longer one of their body's representatives."""


def read_link(request: Request, token: str) -> LinkAnswer:
    """The link's answer, as the representative it was sent to (as they are now)."""
    if not token or len(token) > MAX_TOKEN:
        raise NotValid()
    secret = request.app.state.application.jwt_secret
    try:
        activity_id, representative_id, answer = read_invitation_answer(secret, token)
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise NotValid() from None
    if answer not in ANSWERS:
        raise NotValid()
    directory: Directory = request.app.state.running.projections["directory"]
    current = directory.current_by_id(representative_id)
    if current is None:
        raise NoLongerCurrent()
    # As the gateway calls for them when signed in, but known by the link, not a session: the
    # services need no email of theirs.
    person = SignedIn(
        "representative",
        "",
        current.body_id,
        current.registration_id,
        current.representative_id,
        current.role,
    )
    return LinkAnswer(activity_id, representative_id, answer, person)


def refused_link(request: Request, problem: Exception) -> HTMLResponse:
    """The page of a link that cannot answer: not valid any more, or no longer theirs."""
    if isinstance(problem, NoLongerCurrent):
        return render(request, "invitations/not_current.html", status_code=403, path=PATH)
    return render(request, "invitations/invalid.html", status_code=400, path=PATH)


def confirm_page(
    request: Request,
    token: str,
    link: LinkAnswer,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    activity = activity_of(request, link.person, link.activity_id)
    return render(
        request,
        "invitations/confirm.html",
        status_code=status_code,
        path=PATH,  # the language switch comes back without the token
        token=token,
        answer=link.answer,
        activity=activity,
        own=activity.invitation_of(link.representative_id),
        names=names_of(body_roster(request, link.person)),
        errors=errors,
    )


@router.get(PATH, response_class=HTMLResponse)
def confirm(request: Request, token: str = "") -> HTMLResponse:
    """The activity and one button confirming the link's answer; nothing is answered yet."""
    try:
        link = read_link(request, token)
    except (NotValid, NoLongerCurrent) as problem:
        return refused_link(request, problem)
    return confirm_page(request, token, link)


@router.post(PATH, response_class=HTMLResponse, dependencies=[SubmitLimit])
def answer(
    request: Request, token: Annotated[str, Form(max_length=MAX_TOKEN)] = ""
) -> HTMLResponse:
    """Answer as the link says, as the representative it was sent to; where they stand now."""
    try:
        link = read_link(request, token)
    except (NotValid, NoLongerCurrent) as problem:
        return refused_link(request, problem)
    person = link.person
    sent = send_answer(
        request,
        person,
        link.activity_id,
        link.representative_id,
        link.answer,
        language_of(request),
    )
    if isinstance(sent, FormErrors):
        return confirm_page(request, token, link, sent, status_code=409)
    activity = activity_of(request, person, link.activity_id)
    return render(request, "invitations/done.html", path=PATH, activity=activity, own=sent)
