"""The innovation unit's newsletter pages: the subscribers (counts by state and language, the
addresses on hold with a Release button each) and the issues (list, write and edit in Greek
and English Markdown, the service's sanitised preview, a test copy to oneself, schedule or
send now after a check page, and the progress of the sending).

Every call carries the member of staff's `admin` token. An edit names the version the form
was opened on: an issue changed meanwhile (409 `issue_changed`) is never overwritten unseen.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway import unit_newsletter_calls as calls
from services.gateway.calls import refusal_detail
from services.gateway.i18n import N_, language_of, translate
from services.gateway.pages import render
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, message_for
from services.gateway.sessions import Staff
from services.gateway.unit_views import PAGE_SIZE
from services.runtime.paging import MAX_PAGE
from services.runtime.timezone import ATHENS

router = APIRouter(include_in_schema=False)

BASE: Final = "/unit/newsletter"
ISSUES: Final = f"{BASE}/issues"
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
FIELDS: Final = ("el_subject", "el_markdown", "en_subject", "en_markdown")
LONGEST: Final = {
    "el_subject": 200,
    "en_subject": 200,
    "el_markdown": 50_000,
    "en_markdown": 50_000,
}
STATE_NAMES: Final = {
    "pending": N_("Awaiting confirmation"),
    "confirmed": N_("Confirmed"),
    "held": N_("On hold"),
    "unsubscribed": N_("Unsubscribed"),
    "expired": N_("Expired unconfirmed"),
}
LANGUAGE_NAMES: Final = {"el": N_("Greek"), "en": N_("English")}
ISSUE_STATUS_NAMES: Final = {
    "draft": N_("Draft"),
    "scheduled": N_("Scheduled"),
    "published": N_("Sent"),
}
HOLD_REASONS: Final = {
    "hard_bounce": N_("The address does not exist (a hard bounce)"),
    "soft_bounces": N_("Repeated temporary failures (soft bounces)"),
}
CHANGED_MEANWHILE: Final = N_(
    "The issue changed meanwhile (someone else edited, scheduled or sent it), so nothing was "
    "saved. Its page shows it as it is now."
)
NEEDED: Final = {
    "el_subject": N_("Enter the Greek subject"),
    "el_markdown": N_("Enter the Greek text"),
    "en_subject": N_("Enter the English subject, or leave the English text empty too"),
    "en_markdown": N_("Enter the English text, or leave the English subject empty too"),
}
TOO_LONG: Final = N_("The text is too long: at most %(max)s characters")
WHEN_NEEDED: Final = N_("Enter the day and time to send it, like 15/3/2027 and 09:30")
WHEN_PAST: Final = N_("Enter a moment still to come")


async def posted(request: Request) -> dict[str, str]:
    """The form's texts, NFC, with one kind of line end, trimmed (a repeated field: the last)."""
    async with request.form() as form:
        values = {}
        for name in form:
            value = form.getlist(name)[-1]
            if isinstance(value, str):
                text = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
                values[name] = text.replace("\r", "\n").strip()
        return values


def issue_path(issue_id: UUID, tail: str = "") -> str:
    return f"{ISSUES}/{issue_id}{tail}"


# Subscribers.


@router.get(BASE, response_class=HTMLResponse)
def subscribers(request: Request, person: Staff, page: PageNumber = 1) -> HTMLResponse:
    """Counts by state and language, and the addresses on hold (paged), newest first."""
    summary: calls.Summary = calls.read(request, person, "/subscribers/summary", calls.Summary)
    held: calls.HeldPage = calls.read(
        request,
        person,
        "/subscribers",
        calls.HeldPage,
        {"state": "held", "page": page, "page_size": PAGE_SIZE},
    )
    if page > 1 and not held.items:
        raise HTTPException(404)
    table = {(c.state, c.language): c.count for c in summary.counts}
    return render(
        request,
        "unit/newsletter/subscribers.html",
        summary=summary,
        table=table,
        states=STATE_NAMES,
        languages=LANGUAGE_NAMES,
        held=held,
        hold_reasons=HOLD_REASONS,
        page=page,
        size=PAGE_SIZE,
        released=request.query_params.get("released") == "1",
    )


@router.post(f"{BASE}/held/{{subscriber_id}}/release", dependencies=[SubmitLimit])
def release(request: Request, subscriber_id: UUID, person: Staff) -> Response:
    """Release an address on hold: it receives the next issue."""
    calls.change(request, person, "POST", f"/subscribers/{subscriber_id}/release")
    return RedirectResponse(f"{BASE}?released=1", 303)


# Issues: the list, writing and editing.


@router.get(ISSUES, response_class=HTMLResponse)
def issues(request: Request, person: Staff, page: PageNumber = 1) -> HTMLResponse:
    listed: calls.IssuePage = calls.read(
        request, person, "/issues", calls.IssuePage, {"page": page, "page_size": PAGE_SIZE}
    )
    if page > 1 and not listed.items:
        raise HTTPException(404)
    return render(
        request,
        "unit/newsletter/issues.html",
        listed=listed,
        page=page,
        size=PAGE_SIZE,
        status_names=ISSUE_STATUS_NAMES,
    )


def form_values(issue: calls.IssueView) -> dict[str, str]:
    values = {}
    for language in ("el", "en"):
        text = issue.texts.get(language)
        values[f"{language}_subject"] = text.subject if text else ""
        values[f"{language}_markdown"] = text.markdown if text else ""
    return values


def compose_page(
    request: Request,
    values: dict[str, str],
    issue: calls.IssueView | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/newsletter/compose.html",
        status_code=status_code,
        values={**dict.fromkeys(FIELDS, ""), **values},
        issue=issue,
        errors=errors,
    )


def checked_texts(values: dict[str, str], language: Any) -> tuple[dict[str, Any], FormErrors]:
    """The texts the service takes, and the form's errors (Greek needed, English both or none)."""
    errors = FormErrors()
    for name in FIELDS:
        if len(values.get(name, "")) > LONGEST[name]:
            errors.add(name, translate(language, TOO_LONG) % {"max": LONGEST[name]})
    for name in ("el_subject", "el_markdown"):
        if not values.get(name):
            errors.add(name, translate(language, NEEDED[name]))
    en_subject, en_markdown = values.get("en_subject", ""), values.get("en_markdown", "")
    if en_subject and not en_markdown:
        errors.add("en_markdown", translate(language, NEEDED["en_markdown"]))
    if en_markdown and not en_subject:
        errors.add("en_subject", translate(language, NEEDED["en_subject"]))
    texts: dict[str, Any] = {
        "el": {"subject": values.get("el_subject", ""), "markdown": values.get("el_markdown", "")}
    }
    if en_subject and en_markdown:
        texts["en"] = {"subject": en_subject, "markdown": en_markdown}
    return texts, errors.ordered(FIELDS)


def service_errors(response: Any, language: Any) -> FormErrors:
    """The service's refusal at the form's fields (`texts.el.subject` → `el_subject`)."""
    errors = FormErrors()
    for item in refusal_detail(response):
        loc = [str(part) for part in item.get("loc", [])]
        parts = [p for p in loc if p in ("el", "en", "subject", "markdown")]
        field = "_".join(parts) if len(parts) == 2 else ""
        errors.add(field, message_for(str(item.get("type", "")), item.get("ctx"), language))
    return errors.ordered(FIELDS)


def is_changed(response: Any) -> bool:
    codes = {str(item.get("type", "")) for item in refusal_detail(response)}
    return response.status_code == 409 or "issue_changed" in codes


@router.get(f"{ISSUES}/new", response_class=HTMLResponse)
def new_issue(request: Request, person: Staff) -> HTMLResponse:
    return compose_page(request, dict.fromkeys(FIELDS, ""))


@router.post(f"{ISSUES}/new", response_class=HTMLResponse, dependencies=[SubmitLimit])
async def drafted(request: Request, person: Staff) -> Response:
    values = await posted(request)
    language = language_of(request)
    texts, errors = checked_texts(values, language)
    if errors:
        return compose_page(request, values, errors=errors, status_code=422)
    response = calls.change(request, person, "POST", "/issues", json={"texts": texts})
    if response.status_code not in calls.DONE:
        return compose_page(
            request, values, errors=service_errors(response, language), status_code=422
        )
    return RedirectResponse(issue_path(UUID(response.json()["issue_id"])), 303)


@router.get(f"{ISSUES}/{{issue_id}}", response_class=HTMLResponse)
def issue_page(
    request: Request, issue_id: UUID, person: Staff, errors: FormErrors | None = None
) -> HTMLResponse:
    """The issue: its state, the preview of each language, and what can be done with it."""
    issue = calls.issue(request, person, issue_id)
    return render(
        request,
        "unit/newsletter/issue.html",
        status_code=409 if errors else 200,
        issue=issue,
        errors=errors,
        status_names=ISSUE_STATUS_NAMES,
        languages=LANGUAGE_NAMES,
        test_sent=request.query_params.get("test") == "sent",
    )


def changed_page(request: Request, issue_id: UUID, person: Staff) -> HTMLResponse:
    errors = FormErrors()
    errors.add("", translate(language_of(request), CHANGED_MEANWHILE))
    return issue_page(request, issue_id, person, errors)


@router.get(f"{ISSUES}/{{issue_id}}/edit", response_class=HTMLResponse)
def edit_issue(request: Request, issue_id: UUID, person: Staff) -> Response:
    issue = calls.issue(request, person, issue_id)
    if issue.status != "draft":
        return RedirectResponse(issue_path(issue_id), 303)
    return compose_page(request, {**form_values(issue), "version": str(issue.version)}, issue)


@router.post(f"{ISSUES}/{{issue_id}}/edit", response_class=HTMLResponse, dependencies=[SubmitLimit])
async def edited(request: Request, issue_id: UUID, person: Staff) -> Response:
    values = await posted(request)
    language = language_of(request)
    issue = calls.issue(request, person, issue_id)
    texts, errors = checked_texts(values, language)
    if errors:
        return compose_page(request, values, issue, errors, 422)
    version = int(values["version"]) if values.get("version", "").isdigit() else 0
    response = calls.change(
        request, person, "PUT", f"/issues/{issue_id}", json={"version": version, "texts": texts}
    )
    if response.status_code in calls.DONE:
        return RedirectResponse(issue_path(issue_id), 303)
    if is_changed(response):
        return changed_page(request, issue_id, person)
    return compose_page(request, values, issue, service_errors(response, language), 422)


@router.post(f"{ISSUES}/{{issue_id}}/test-copy", dependencies=[SubmitLimit])
def test_copy(request: Request, issue_id: UUID, person: Staff) -> Response:
    """A copy to the member of staff's own address, in the language of the page."""
    response = calls.change(
        request,
        person,
        "POST",
        f"/issues/{issue_id}/test-copy",
        json={"language": str(language_of(request))},
    )
    if response.status_code not in calls.DONE:
        return changed_page(request, issue_id, person)
    return RedirectResponse(issue_path(issue_id, "?test=sent"), 303)


# Sending: schedule or now, after a check page; the progress.


def schedule_page(
    request: Request,
    issue: calls.IssueView,
    values: dict[str, str],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/newsletter/send.html",
        status_code=status_code,
        issue=issue,
        values=values,
        errors=errors,
    )


def open_draft(request: Request, issue_id: UUID, person: Staff) -> calls.IssueView:
    issue = calls.issue(request, person, issue_id)
    if issue.status == "published":
        raise HTTPException(409)
    return issue


@router.get(f"{ISSUES}/{{issue_id}}/send", response_class=HTMLResponse)
def send_question(request: Request, issue_id: UUID, person: Staff) -> Response:
    """When to send it: now, or a day and time in Athens."""
    issue = calls.issue(request, person, issue_id)
    if issue.status == "published":
        return RedirectResponse(issue_path(issue_id, "/progress"), 303)
    return schedule_page(request, issue, {"when": "now"})


def typed_moment(values: dict[str, str]) -> datetime | None:
    """The day (d/m/yyyy) and time (hh:mm) typed, in Athens time; None if not a moment."""
    try:
        day, month, year = (int(p) for p in values.get("send_on", "").replace("-", "/").split("/"))
        hour, minute = (int(p) for p in values.get("send_time", "").replace(".", ":").split(":"))
        return datetime.combine(date(year, month, day), time(hour, minute), tzinfo=ATHENS)
    except ValueError:
        return None


@router.post(f"{ISSUES}/{{issue_id}}/send", response_class=HTMLResponse, dependencies=[SubmitLimit])
async def send_answered(request: Request, issue_id: UUID, person: Staff) -> Response:
    """Check what was asked, then show the check page (nothing is sent yet)."""
    values = await posted(request)
    issue = calls.issue(request, person, issue_id)
    language = language_of(request)
    when = "later" if values.get("when") == "later" else "now"
    errors = FormErrors()
    moment = None
    if when == "later":
        moment = typed_moment(values)
        if moment is None:
            errors.add("send_on", translate(language, WHEN_NEEDED))
        elif moment <= datetime.now(ATHENS):
            errors.add("send_on", translate(language, WHEN_PAST))
    if errors:
        return schedule_page(request, issue, {**values, "when": when}, errors, 422)
    return render(
        request,
        "unit/newsletter/send_check.html",
        issue=issue,
        when=when,
        moment=moment,
        summary=calls.read(request, person, "/subscribers/summary", calls.Summary),
    )


@router.post(f"{ISSUES}/{{issue_id}}/send/confirm", dependencies=[SubmitLimit])
async def send_confirmed(request: Request, issue_id: UUID, person: Staff) -> Response:
    """Schedule or send, as the check page said: a second send is refused by the service."""
    values = await posted(request)
    if values.get("send_at"):
        try:
            moment = datetime.fromisoformat(values["send_at"])
        except ValueError:
            raise HTTPException(400) from None
        response = calls.change(
            request,
            person,
            "POST",
            f"/issues/{issue_id}/schedule",
            json={"send_at": moment.isoformat()},
        )
        target = issue_path(issue_id)
    else:
        response = calls.change(request, person, "POST", f"/issues/{issue_id}/send")
        target = issue_path(issue_id, "/progress")
    if response.status_code not in calls.DONE:
        return changed_page(request, issue_id, person)
    return RedirectResponse(target, 303)


@router.get(f"{ISSUES}/{{issue_id}}/progress", response_class=HTMLResponse)
def progress(request: Request, issue_id: UUID, person: Staff) -> HTMLResponse:
    """Sent, failed and total; the page reloads itself while copies are still to go."""
    issue = calls.issue(request, person, issue_id)
    counts = calls.progress(request, person, issue_id)
    running = issue.status == "published" and (
        counts is None or counts.pending > 0 or counts.total == 0
    )
    return render(
        request,
        "unit/newsletter/progress.html",
        issue=issue,
        progress=counts,
        running=running,
        refreshing=running and request.query_params.get("refresh") != "off",
        done=counts.sent + counts.failed + counts.skipped if counts else 0,
    )
