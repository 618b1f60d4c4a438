"""One registration as the innovation unit sees it, its designation's file, and the unit's
decisions on it: verify the designation, reject it with a reason, give more time before the
lapse (staff only).

Each decision goes question page → check your answers → confirmation (verifying asks nothing:
its page is the check). GET pages change nothing; the POST that decides calls the registration
service with the member of staff's admin token, which records them as who decided. A refusal
(409: decided already; 422: a field) is shown on the page the POST came from.

A decision is about the designation the member of staff read: its page carries that
designation's id (the rejection's draft keeps it) and the service refuses it (409
`designation_not_latest`) if another one is waiting by then, so a designation sent meanwhile is
never decided on unseen; the page shows the newer one and says so.
"""

from __future__ import annotations

from datetime import date
from typing import Final
from uuid import UUID

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contracts.errors import ErrorCode
from services.gateway.calls import calls_of, refusal_detail, service_unavailable
from services.gateway.i18n import N_, format_date, language_of, translate
from services.gateway.pages import render
from services.gateway.posted import Posted
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, message_for
from services.gateway.sessions import SignedIn, Staff, visitor_of
from services.gateway.unit_dates import as_parts, typed_day, typed_parts
from services.gateway.unit_forms import UnitDraft, has_field_error, refusal_errors
from services.gateway.unit_reads import level_names, registration
from services.gateway.unit_views import UnitRegistration

router = APIRouter(include_in_schema=False)

BASE: Final = "/unit/registrations/{id}"
STATUS_OK: Final = (200, 201)
REFUSED: Final = (409, 422)
FIELD_MAP: Final = {"reason": "reason", "lapses_on": "lapses_on"}

REASON_REQUIRED: Final = N_("Enter the reason the designation is rejected")
DAY_REQUIRED: Final = N_("Enter the new day the registration lapses on")
EXTENSION_REASON_REQUIRED: Final = N_("Enter why the registration is given more time")
NOT_LATER: Final = N_("Enter a day later than %(day)s, the day the registration lapses on now")
VERIFY_TITLE: Final = N_("Verify the designation")
REJECT_TITLE: Final = N_("Reject the designation")
EXTENSION_TITLE: Final = N_("Give the registration more time")
NOT_EXTENDABLE: Final = N_(
    "Only a registration waiting for its designation past its due day can be given more time."
)


def path_of(registration_id: UUID, tail: str = "") -> str:
    return BASE.format(id=registration_id) + tail


def decide(
    request: Request, person: SignedIn, registration_id: UUID, action: str, body: object = None
) -> httpx.Response:
    """POST a decision to the registration service; its 404 is the 404 page."""
    response = calls_of(request).post(
        "registration", f"/registrations/{registration_id}/{action}", person, json=body
    )
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code not in (*STATUS_OK, *REFUSED):
        raise service_unavailable()
    return response


def is_refusal(response: httpx.Response, code: ErrorCode) -> bool:
    """Whether the service refused with `code`."""
    return any(item.get("type") == code.value for item in refusal_detail(response))


def refusal_of(request: Request, code: ErrorCode) -> FormErrors:
    """A refusal of the whole form, `code` in the reader's words."""
    errors = FormErrors()
    errors.add("", message_for(code, None, language_of(request)))
    return errors


def shown_designation(found: UnitRegistration) -> str:
    """The id of the designation waiting for a decision, as a page carries it ("" if none)."""
    return str(found.designation.id) if found.designation and found.designation_pending() else ""


def refused(request: Request, response: httpx.Response) -> FormErrors:
    """A service's refusal in the reader's words, at the fields it names."""
    errors = refusal_errors(refusal_detail(response), FIELD_MAP, language_of(request))
    if not errors:
        raise service_unavailable()
    return errors


# The registration's page and its designation.


@router.get("/unit/registrations/{registration_id}", response_class=HTMLResponse)
def registration_page(request: Request, registration_id: UUID, person: Staff) -> HTMLResponse:
    """The body, its representatives, the designation, the history and the decisions open."""
    found = registration(request, person, registration_id)
    return render(
        request,
        "unit/registrations/page.html",
        registration=found,
        levels=level_names(request),
    )


@router.get("/unit/registrations/{registration_id}/designation.pdf")
def designation_file(request: Request, registration_id: UUID, person: Staff) -> Response:
    """The latest designation, to save and open outside the browser's page of ours."""
    response = calls_of(request).get(
        "registration", f"/registrations/{registration_id}/designation.pdf", person
    )
    if response.status_code in (403, 404):
        raise HTTPException(response.status_code)
    if response.status_code != 200:
        raise service_unavailable()
    # A file a body uploaded is never rendered in our origin: an attachment, never sniffed,
    # and sandboxed should a browser show it anyway.
    return Response(
        response.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="designation-{registration_id}.pdf"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "no-store",
        },
    )


# Verify.


def not_open(request: Request, found: UnitRegistration, title: str, reason: str) -> HTMLResponse:
    """A decision the registration does not allow now, and why (409)."""
    language = language_of(request)
    return render(
        request,
        "unit/registrations/not_open.html",
        status_code=409,
        registration=found,
        title=translate(language, title),
        reason=reason,
    )


def nothing_to_check(request: Request, found: UnitRegistration, title: str) -> HTMLResponse:
    reason = message_for(ErrorCode.NOTHING_TO_CHECK, None, language_of(request))
    return not_open(request, found, title, reason)


def verify_page(
    request: Request, found: UnitRegistration, errors: FormErrors | None, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "unit/registrations/verify.html",
        status_code=status_code,
        registration=found,
        errors=errors,
    )


@router.get("/unit/registrations/{registration_id}/verify", response_class=HTMLResponse)
def verify_check(request: Request, registration_id: UUID, person: Staff) -> HTMLResponse:
    """What verifying does, the designation it verifies, and the button."""
    found = registration(request, person, registration_id)
    if not found.designation_pending():
        return nothing_to_check(request, found, VERIFY_TITLE)
    return verify_page(request, found, None)


@router.post(
    "/unit/registrations/{registration_id}/verify",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def verify(request: Request, registration_id: UUID, person: Staff, posted: Posted) -> Response:
    """Verify the designation the page showed, through the registration service."""
    seen = posted.values.get("designation_id", "")
    if not seen:  # a form that named no designation: nothing verified, the one waiting shown
        found = registration(request, person, registration_id)
        code = ErrorCode.DESIGNATION_NOT_LATEST
        if not found.designation_pending():
            code = ErrorCode.NOTHING_TO_CHECK
        return verify_page(request, found, refusal_of(request, code), 409)
    body = {"designation_id": seen}
    response = decide(request, person, registration_id, "designation/verify", body)
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(registration_id, "/verify/done"), 303)
    errors = refused(request, response)
    found = registration(request, person, registration_id)
    return verify_page(request, found, errors, response.status_code)


@router.get("/unit/registrations/{registration_id}/verify/done", response_class=HTMLResponse)
def verify_done(request: Request, registration_id: UUID, person: Staff) -> Response:
    """The confirmation: the designation is verified, the representatives are members."""
    found = registration(request, person, registration_id)
    if found.designation is None or found.designation.state != "verified":
        return RedirectResponse(path_of(registration_id), 303)
    return render(request, "unit/registrations/verify_done.html", registration=found)


# Reject.

REJECT_FIELDS: Final = ("reason",)


def reject_form(registration_id: UUID) -> str:
    return f"reject:{registration_id}"


def reject_question(
    request: Request,
    found: UnitRegistration,
    values: dict[str, str],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/registrations/reject.html",
        status_code=status_code,
        registration=found,
        values=values,
        errors=errors,
    )


@router.get("/unit/registrations/{registration_id}/reject", response_class=HTMLResponse)
def reject_page(request: Request, registration_id: UUID, person: Staff) -> HTMLResponse:
    """Why the designation is rejected: the reason the body's representatives will read."""
    found = registration(request, person, registration_id)
    if not found.designation_pending():
        return nothing_to_check(request, found, REJECT_TITLE)
    draft = UnitDraft.of(visitor_of(request), reject_form(registration_id))
    # The reason typed is kept; the designation is the one waiting as this page is opened.
    values = {**draft.values, "designation_id": shown_designation(found)}
    return reject_question(request, found, values, None)


@router.post(
    "/unit/registrations/{registration_id}/reject",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def take_reject(request: Request, registration_id: UUID, person: Staff, posted: Posted) -> Response:
    """Keep the reason and go to check it; without one, the page again with the error."""
    language = language_of(request)
    values = {
        "reason": posted.values.get("reason", ""),
        "designation_id": posted.values.get("designation_id", ""),
    }
    errors = FormErrors()
    if "reason" in posted.refused:
        refused = posted.refused["reason"]
        errors.add("reason", message_for(refused["type"], refused["ctx"], language))
    elif not values["reason"]:
        errors.add("reason", translate(language, REASON_REQUIRED))
    if errors:
        found = registration(request, person, registration_id)
        return reject_question(request, found, values, errors, 422)
    draft = UnitDraft(reject_form(registration_id), values)
    draft.save(visitor_of(request))
    return RedirectResponse(path_of(registration_id, "/reject/check"), 303)


def reject_check_page(
    request: Request, found: UnitRegistration, reason: str, errors: FormErrors | None, status: int
) -> HTMLResponse:
    return render(
        request,
        "unit/registrations/reject_check.html",
        status_code=status,
        registration=found,
        reason=reason,
        errors=errors,
    )


def kept_rejection(request: Request, registration_id: UUID) -> UnitDraft | None:
    """The rejection's draft, if it has the reason and the designation it is about."""
    draft = UnitDraft.of(visitor_of(request), reject_form(registration_id))
    complete = draft.values.get("reason") and draft.values.get("designation_id")
    return draft if complete else None


@router.get("/unit/registrations/{registration_id}/reject/check", response_class=HTMLResponse)
def reject_check(request: Request, registration_id: UUID, person: Staff) -> Response:
    """Check the rejection before it is sent."""
    draft = kept_rejection(request, registration_id)
    if draft is None:
        return RedirectResponse(path_of(registration_id, "/reject"), 303)
    found = registration(request, person, registration_id)
    return reject_check_page(request, found, draft.values["reason"], None, 200)


@router.post(
    "/unit/registrations/{registration_id}/reject/check",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def reject(request: Request, registration_id: UUID, person: Staff) -> Response:
    """Reject the designation the pages showed, through the registration service, with the
    reason kept."""
    visitor = visitor_of(request)
    draft = kept_rejection(request, registration_id)
    if draft is None:
        return RedirectResponse(path_of(registration_id, "/reject"), 303)
    reason = draft.values["reason"]
    body = {"reason": reason, "designation_id": draft.values["designation_id"]}
    response = decide(request, person, registration_id, "designation/reject", body)
    if response.status_code in STATUS_OK:
        draft.clear(visitor)
        return RedirectResponse(path_of(registration_id, "/reject/done"), 303)
    errors = refused(request, response)
    found = registration(request, person, registration_id)
    if is_refusal(response, ErrorCode.DESIGNATION_NOT_LATEST):
        # Another designation waits: the question again, about that one, the reason kept.
        values = {"reason": reason, "designation_id": shown_designation(found)}
        return reject_question(request, found, values, errors, response.status_code)
    if has_field_error(errors):
        return reject_question(request, found, draft.values, errors, 422)
    return reject_check_page(request, found, reason, errors, response.status_code)


@router.get("/unit/registrations/{registration_id}/reject/done", response_class=HTMLResponse)
def reject_done(request: Request, registration_id: UUID, person: Staff) -> Response:
    """The confirmation: the designation is rejected, the body is told why."""
    found = registration(request, person, registration_id)
    if found.designation is None or found.designation.state != "rejected":
        return RedirectResponse(path_of(registration_id), 303)
    return render(request, "unit/registrations/reject_done.html", registration=found)


# Extend a lapse.

EXTENSION_FIELDS: Final = ("lapses_on", "reason")


def extension_form(registration_id: UUID) -> str:
    return f"extension:{registration_id}"


def extension_question(
    request: Request,
    found: UnitRegistration,
    values: dict[str, str],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "unit/registrations/extension.html",
        status_code=status_code,
        registration=found,
        values=values,
        errors=errors,
    )


@router.get("/unit/registrations/{registration_id}/extension", response_class=HTMLResponse)
def extension_page(request: Request, registration_id: UUID, person: Staff) -> HTMLResponse:
    """The new lapse day and why it is given."""
    found = registration(request, person, registration_id)
    if not found.can_be_extended():
        reason = translate(language_of(request), NOT_EXTENDABLE)
        return not_open(request, found, EXTENSION_TITLE, reason)
    draft = UnitDraft.of(visitor_of(request), extension_form(registration_id))
    return extension_question(request, found, draft.values, None)


def check_extension(
    values: dict[str, str], posted: Posted, found: UnitRegistration, request: Request
) -> tuple[date | None, FormErrors]:
    """The new day and the reason as typed: the day later than the current lapse day."""
    language = language_of(request)
    errors = FormErrors()
    day, problem = typed_day(values, "lapses_on")
    if problem is ErrorCode.MISSING:
        errors.add("lapses_on", translate(language, DAY_REQUIRED))
    elif problem is not None:
        errors.add("lapses_on", message_for(problem, None, language))
    elif day is not None and found.lapses_on is not None and day <= found.lapses_on:
        errors.add("lapses_on", translate(language, NOT_LATER, day=format_date(found.lapses_on)))
    if "reason" in posted.refused:
        refused = posted.refused["reason"]
        errors.add("reason", message_for(refused["type"], refused["ctx"], language))
    elif not values["reason"]:
        errors.add("reason", translate(language, EXTENSION_REASON_REQUIRED))
    return day, errors


@router.post(
    "/unit/registrations/{registration_id}/extension",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def take_extension(
    request: Request, registration_id: UUID, person: Staff, posted: Posted
) -> Response:
    """Keep the day and the reason and go to check them; the page again with any error."""
    found = registration(request, person, registration_id)
    values = {**typed_parts(posted.values, "lapses_on"), "reason": posted.values.get("reason", "")}
    day, errors = check_extension(values, posted, found, request)
    if errors or day is None:
        return extension_question(request, found, values, errors.ordered(EXTENSION_FIELDS), 422)
    kept = {**as_parts("lapses_on", day), "lapses_on": day.isoformat(), "reason": values["reason"]}
    UnitDraft(extension_form(registration_id), kept).save(visitor_of(request))
    return RedirectResponse(path_of(registration_id, "/extension/check"), 303)


def extension_check_page(
    request: Request,
    found: UnitRegistration,
    values: dict[str, str],
    errors: FormErrors | None,
    status_code: int,
) -> HTMLResponse:
    return render(
        request,
        "unit/registrations/extension_check.html",
        status_code=status_code,
        registration=found,
        lapses_on=date.fromisoformat(values["lapses_on"]),
        reason=values["reason"],
        errors=errors,
    )


def kept_extension(request: Request, registration_id: UUID) -> UnitDraft | None:
    draft = UnitDraft.of(visitor_of(request), extension_form(registration_id))
    try:
        date.fromisoformat(draft.values.get("lapses_on", ""))
    except ValueError:
        return None
    return draft if draft.values.get("reason") else None


@router.get("/unit/registrations/{registration_id}/extension/check", response_class=HTMLResponse)
def extension_check(request: Request, registration_id: UUID, person: Staff) -> Response:
    """Check the new lapse day and the reason before they are sent."""
    draft = kept_extension(request, registration_id)
    if draft is None:
        return RedirectResponse(path_of(registration_id, "/extension"), 303)
    found = registration(request, person, registration_id)
    return extension_check_page(request, found, draft.values, None, 200)


@router.post(
    "/unit/registrations/{registration_id}/extension/check",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def extend(request: Request, registration_id: UUID, person: Staff) -> Response:
    """Give the registration until the new day, through the registration service."""
    draft = kept_extension(request, registration_id)
    if draft is None:
        return RedirectResponse(path_of(registration_id, "/extension"), 303)
    body = {"lapses_on": draft.values["lapses_on"], "reason": draft.values["reason"]}
    response = decide(request, person, registration_id, "extension", body)
    if response.status_code in STATUS_OK:
        draft.clear(visitor_of(request))
        return RedirectResponse(path_of(registration_id, "/extension/done"), 303)
    errors = refused(request, response)
    found = registration(request, person, registration_id)
    if has_field_error(errors):
        return extension_question(
            request, found, draft.values, errors.ordered(EXTENSION_FIELDS), 422
        )
    return extension_check_page(request, found, draft.values, errors, response.status_code)


@router.get("/unit/registrations/{registration_id}/extension/done", response_class=HTMLResponse)
def extension_done(request: Request, registration_id: UUID, person: Staff) -> HTMLResponse:
    """The confirmation: the day the registration lapses on now."""
    found = registration(request, person, registration_id)
    return render(request, "unit/registrations/extension_done.html", registration=found)
