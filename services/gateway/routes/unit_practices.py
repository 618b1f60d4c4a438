"""The innovation unit's practice pages: the review queue (practices sent, oldest first) and
every practice by status, a practice in full (both languages, attachments, history: who
decided), and the unit's four decisions on it (request changes, publish, reject, archive).

A decision is asked (its comment, which the body's representatives read), checked, then
confirmed, as the unit's other decisions; it names the version the member of staff read, so a
practice withdrawn or changed meanwhile is never decided on unseen. The confirming POST takes
the answers out of the session before it calls the observatory (`practice_calls.Kept`): the
check page sent twice decides once. Every call carries the member of staff's `admin` token,
which the observatory records as who decided.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, NamedTuple
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway import activity_forms
from services.gateway.i18n import N_, language_of, translate
from services.gateway.practice_calls import (
    STATUS_OK,
    Kept,
    practice_errors,
    practice_of,
    refusal_codes,
    render_practice,
    send,
)
from services.gateway.practice_views import PracticeLine, PracticeView, content_parts
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, message_for
from services.gateway.routes.my_practices import attachment_download
from services.gateway.sessions import Staff, visitor_of
from services.gateway.unit_reads import page_of
from services.runtime.paging import MAX_PAGE

router = APIRouter(include_in_schema=False)

BASE: Final = "/unit/practices"
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


class Decision(NamedTuple):
    """One of the unit's decisions: the observatory's action, the states it is taken in, and
    its words (msgids)."""

    action: str
    open_in: frozenset[str]
    title: str
    label: str
    hint: str
    button: str
    note: str
    done: str
    warning: bool = False


DECISIONS: Final[dict[str, Decision]] = {
    "request-changes": Decision(
        "request-changes",
        frozenset({"submitted"}),
        N_("Request changes"),
        N_("What should the body change?"),
        N_("The body's representatives read this and change the practice, then send it again."),
        N_("Return it for changes"),
        N_("The body's representatives get an email with your comment and can edit it again."),
        N_("The practice is returned to the body with your comment"),
    ),
    "publish": Decision(
        "publish",
        frozenset({"submitted"}),
        N_("Publish the practice"),
        N_("A comment for the body"),
        N_("The body's representatives read this with the news that it is published."),
        N_("Publish it"),
        N_(
            "It goes into the observatory's public catalogue under CC BY 4.0, and the body's "
            "representatives get an email with your comment."
        ),
        N_("The practice is published"),
    ),
    "reject": Decision(
        "reject",
        frozenset({"submitted"}),
        N_("Decline to publish the practice"),
        N_("Why is it not published?"),
        N_("The body's representatives read this. Say why it is not a practice to publish."),
        N_("Decline to publish it"),
        N_("The body's representatives get an email with your reason. It cannot be sent again."),
        N_("The practice is not published"),
        warning=True,
    ),
    "archive": Decision(
        "archive",
        frozenset({"published"}),
        N_("Take the practice out of the catalogue"),
        N_("Why is it taken out?"),
        N_("Kept in the practice's history for the body and the unit."),
        N_("Take it out of the catalogue"),
        N_("It leaves the public catalogue; its history stays."),
        N_("The practice is out of the catalogue"),
        warning=True,
    ),
}
TABS: Final = (
    "submitted",
    "changes_requested",
    "published",
    "rejected",
    "archived",
    "withdrawn",
)
"""The lists of the unit's practice page: the review queue first."""
TAB_NAMES: Final = {
    "submitted": N_("To review"),
    "changes_requested": N_("Returned to the bodies"),
    "published": N_("Published in the catalogue"),
    "rejected": N_("Declined by the unit"),
    "archived": N_("Taken out of the catalogue"),
    "withdrawn": N_("Withdrawn by the bodies"),
}
COMMENT_REQUIRED: Final = N_("Enter a comment: the body's representatives read it")
DECIDED_MEANWHILE: Final = N_(
    "The practice changed after you opened its page (it was withdrawn or decided on), so "
    "nothing was decided. Its page shows it as it is now."
)
KEPT: Final = Kept("unit_practice_decision")

Posted = Annotated[
    tuple[dict[str, Any], dict[str, dict[str, Any]]], Depends(activity_forms.posted_form)
]


def path_of(practice_id: UUID, tail: str = "") -> str:
    return f"{BASE}/{practice_id}{tail}"


def decision_of(name: str) -> Decision:
    decision = DECISIONS.get(name)
    if decision is None:
        raise HTTPException(404)
    return decision


@router.get(BASE, response_class=HTMLResponse)
def queue(
    request: Request, person: Staff, status: str = "submitted", page: PageNumber = 1
) -> HTMLResponse:
    """One tab of the practices: to review (oldest sent first), returned, published, …"""
    if status not in TABS:
        raise HTTPException(404)
    listed = page_of(
        request, person, "observatory", "/practices", PracticeLine, page, {"status": status}
    )
    if page > 1 and not listed.items:
        raise HTTPException(404)
    return render_practice(
        request,
        "unit/practices/list.html",
        listed=listed,
        page=page,
        status=status,
        tabs=[(tab, TAB_NAMES[tab]) for tab in TABS],
    )


def unit_practice(
    request: Request, person: Staff, practice_id: UUID, errors: FormErrors | None = None
) -> HTMLResponse:
    practice = practice_of(request, person, practice_id)
    language = language_of(request)
    return render_practice(
        request,
        "unit/practices/page.html",
        status_code=409 if errors else 200,
        practice=practice,
        parts_of_it=content_parts(practice.draft, language),
        decisions=[(name, d) for name, d in DECISIONS.items() if practice.status in d.open_in],
        errors=errors,
    )


@router.get(f"{BASE}/{{practice_id}}", response_class=HTMLResponse)
def practice_page(request: Request, practice_id: UUID, person: Staff) -> HTMLResponse:
    """The practice in full, in each of its languages, its attachments and its history."""
    return unit_practice(request, person, practice_id)


@router.get(f"{BASE}/{{practice_id}}/attachments/{{sha256}}")
def attachment(request: Request, practice_id: UUID, sha256: str, person: Staff) -> Response:
    return attachment_download(request, person, practice_id, sha256)


# A decision: its comment, check, confirm.


def question_page(
    request: Request,
    practice: PracticeView,
    name: str,
    comment: str,
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_practice(
        request,
        "unit/practices/decide.html",
        status_code=status_code,
        practice=practice,
        name=name,
        decision=DECISIONS[name],
        comment=comment,
        errors=errors,
    )


def open_practice(request: Request, person: Staff, practice_id: UUID, name: str) -> PracticeView:
    """The practice, if the decision is open on it now; else its page says why (409)."""
    practice = practice_of(request, person, practice_id)
    if practice.status not in decision_of(name).open_in:
        errors = FormErrors()
        errors.add("", translate(language_of(request), DECIDED_MEANWHILE))
        raise _Shown(unit_practice(request, person, practice_id, errors))
    return practice


class _Shown(Exception):
    def __init__(self, page: HTMLResponse) -> None:
        super().__init__("shown")
        self.page = page


@router.get(f"{BASE}/{{practice_id}}/{{name}}", response_class=HTMLResponse)
def question(request: Request, practice_id: UUID, name: str, person: Staff) -> HTMLResponse:
    """The decision's comment (kept if typed before)."""
    decision_of(name)
    try:
        practice = open_practice(request, person, practice_id, name)
    except _Shown as shown:
        return shown.page
    kept = KEPT.read(visitor_of(request), practice_id=str(practice_id), decision=name) or {}
    return question_page(request, practice, name, str(kept.get("comment", "")), None)


@router.post(
    f"{BASE}/{{practice_id}}/{{name}}", response_class=HTMLResponse, dependencies=[SubmitLimit]
)
def answered(
    request: Request, practice_id: UUID, name: str, person: Staff, posted: Posted
) -> Response:
    """Keep the comment, with the version of the practice read now, and go to check it."""
    decision_of(name)
    values, refused = posted
    comment = activity_forms.as_text(values.get("comment"))
    try:
        practice = open_practice(request, person, practice_id, name)
    except _Shown as shown:
        return shown.page
    language = language_of(request)
    errors = FormErrors()
    if "comment" in refused:
        problem = refused["comment"]
        errors.add("comment", message_for(problem["type"], problem["ctx"], language))
    elif not comment:
        errors.add("comment", translate(language, COMMENT_REQUIRED))
    if errors:
        return question_page(request, practice, name, comment, errors, 422)
    KEPT.keep(
        visitor_of(request),
        {
            "practice_id": str(practice_id),
            "decision": name,
            "comment": comment,
            "version": practice.version,
        },
    )
    return RedirectResponse(path_of(practice_id, f"/{name}/check"), 303)


def check_page(
    request: Request,
    practice: PracticeView,
    name: str,
    comment: str,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_practice(
        request,
        "unit/practices/decide_check.html",
        status_code=status_code,
        practice=practice,
        name=name,
        decision=DECISIONS[name],
        comment=comment,
        errors=errors,
    )


@router.get(f"{BASE}/{{practice_id}}/{{name}}/check", response_class=HTMLResponse)
def check(request: Request, practice_id: UUID, name: str, person: Staff) -> Response:
    decision_of(name)
    kept = KEPT.read(visitor_of(request), practice_id=str(practice_id), decision=name)
    if kept is None:
        return RedirectResponse(path_of(practice_id, f"/{name}"), 303)
    practice = practice_of(request, person, practice_id)
    return check_page(request, practice, name, str(kept.get("comment", "")))


@router.post(
    f"{BASE}/{{practice_id}}/{{name}}/check",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def decide(request: Request, practice_id: UUID, name: str, person: Staff) -> Response:
    """Send the decision checked, once: a second send finds nothing kept and shows the page."""
    decision = decision_of(name)
    visitor = visitor_of(request)
    kept = KEPT.claim(visitor, practice_id=str(practice_id), decision=name)
    if kept is None:
        return RedirectResponse(path_of(practice_id), 303)
    comment = str(kept.get("comment", ""))
    body = {"comment": comment, "version": int(kept.get("version", 0))}
    response = send(
        request, person, "POST", f"/practices/{practice_id}/{decision.action}", json=body
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(practice_id, f"/{name}/done"), 303)
    language = language_of(request)
    codes = refusal_codes(response)
    if codes & {"practice_wrong_status", "practice_changed"}:
        errors = FormErrors()
        errors.add("", translate(language, DECIDED_MEANWHILE))
        return unit_practice(request, person, practice_id, errors)
    KEPT.keep(visitor, kept)  # put back, for the page showing the refusal
    errors = practice_errors(response, language)
    practice = practice_of(request, person, practice_id)
    if errors.get("comment") is not None:
        return question_page(request, practice, name, comment, errors, 422)
    return check_page(request, practice, name, comment, errors, response.status_code)


@router.get(f"{BASE}/{{practice_id}}/{{name}}/done", response_class=HTMLResponse)
def decided(request: Request, practice_id: UUID, name: str, person: Staff) -> HTMLResponse:
    decision = decision_of(name)
    practice = practice_of(request, person, practice_id)
    return render_practice(
        request, "unit/practices/decided.html", practice=practice, decision=decision
    )
