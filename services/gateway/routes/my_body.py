"""The "my body" pages: a representative's page of their body's registration, the upload of
the designation (the acknowledgement email's link) and the withdrawal, each calling the
registration service with the representative's own token (the alternate added later and a
representative replaced are `nominations`).

Only the body's representatives see these pages (another body's registration is the 404 page,
as a registration that does not exist); staff may read any registration's page and upload its
designation. The service checks roles itself: these pages are not the only guard.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Final
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.body_registration import (
    STATUS_OK,
    BeingPrepared,
    own_registration,
    registration_of,
    unavailable,
)
from services.gateway.body_view import RegistrationRead, history
from services.gateway.calls import calls_of, refusal_detail
from services.gateway.i18n import N_, Language, language_of, translate
from services.gateway.pages import render
from services.gateway.posted import clean_text
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, field_errors, message_for
from services.gateway.registration_draft import Draft
from services.gateway.sessions import NotForYou, Representative, SignedIn, require_kind, visitor_of

router = APIRouter(include_in_schema=False)

PREPARED_WITHIN: Final = timedelta(minutes=10)
"""How long after sending the form an applicant is told their body's page is being prepared."""
_signed_in = require_kind("applicant", "representative", "staff")


def just_sent(request: Request) -> bool:
    """Whether the signed-in person sent a registration form a moment ago (from this session)."""
    sent = Draft.of(visitor_of(request)).sent or {}
    try:
        moment = datetime.fromisoformat(str(sent.get("sent_at")))
    except ValueError:
        return False
    return moment.tzinfo is not None and datetime.now(UTC) - moment < PREPARED_WITHIN


def reader(request: Request) -> SignedIn:
    """A representative or staff; an applicant who has just sent the form waits a moment.

    Until the directory has read the registration just sent, its main representative is still
    an applicant: rather than the 403 page, they are asked to try again in a moment.
    """
    person = _signed_in(request)
    if person.kind == "applicant":
        if just_sent(request):
            raise BeingPrepared()
        raise NotForYou(person.kind)
    return person


Reader = Annotated[SignedIn, Depends(reader)]
"""Who may read a registration's page and upload its designation."""

DESIGNATION_FIELDS: Final = ("signed_by_name", "signed_by_title", "file")
DESIGNATION_FIELD_MAP: Final = {name: name for name in DESIGNATION_FIELDS}
DESIGNATION_MISSING: Final = {
    "signed_by_name": N_("Enter the full name of the person who signed the designation"),
    "signed_by_title": N_("Enter the position of the person who signed the designation"),
    "file": N_("Choose the PDF file of the signed designation"),
}
WITHDRAW_FIELDS: Final = ("reason", "confirm")
CONFIRM_WITHDRAWAL: Final = N_("Tick the box to confirm that your body withdraws")


# The body's page.


@router.get("/my-body", response_class=HTMLResponse)
def my_body(request: Request, person: Reader, registration: UUID | None = None) -> HTMLResponse:
    """The body's registration: status, due and lapse days, representatives, history, actions.

    Staff name the registration (`?registration=`); a representative sees their own.
    """
    if person.kind == "staff":
        if registration is None:
            raise HTTPException(404)
        read = registration_of(request, person, registration)
    else:
        read = own_registration(request, person)
    return render(
        request,
        "my_body/overview.html",
        registration=read,
        steps=history(read),
        manage=person.kind == "representative",
    )


# The designation.


@router.get("/registrations/{registration_id}/designation", response_class=HTMLResponse)
def designation_page(request: Request, registration_id: UUID, person: Reader) -> HTMLResponse:
    """The upload page: what the designation must contain, its signer, the PDF."""
    registration = registration_of(request, person, registration_id)
    return designation_form(request, registration, {}, None)


def designation_form(
    request: Request,
    registration: RegistrationRead,
    values: dict[str, str],
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "my_body/designation.html",
        status_code=status_code,
        registration=registration,
        waiting=registration.waiting(),
        values=values,
        errors=errors,
    )


@router.post(
    "/registrations/{registration_id}/designation",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def send_designation(
    request: Request,
    registration_id: UUID,
    person: Reader,
    signed_by_name: Annotated[str, Form()] = "",
    signed_by_title: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Send the signer and the PDF to the registration service; its refusals at their fields."""
    registration = registration_of(request, person, registration_id)
    language = language_of(request)
    values, errors = clean_fields(
        {"signed_by_name": signed_by_name, "signed_by_title": signed_by_title}, language
    )
    # A plain `def` route runs in the thread pool: the spooled file is read off the event loop.
    content = file.file.read() if file is not None and file.filename else b""
    for name, given in (*values.items(), ("file", content)):
        if not given and errors.get(name) is None:
            errors.add(name, translate(language, DESIGNATION_MISSING[name]))
    if errors:
        return designation_form(request, registration, values, errors, 422)
    filename = file.filename if file is not None and file.filename else "designation.pdf"
    response = calls_of(request).post(
        "registration",
        f"/registrations/{registration_id}/designation",
        person,
        data=values,
        files={"file": (filename, content, "application/pdf")},
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(f"/registrations/{registration_id}/designation/sent", 303)
    if response.status_code in (403, 404):
        raise HTTPException(404)
    # 413 and 415 are the file's (too large, not a PDF); a 409 is the registration's state.
    default_field = "file" if response.status_code in (413, 415) else ""
    errors = field_errors(refusal_detail(response), DESIGNATION_FIELD_MAP, language, default_field)
    if not errors:
        raise HTTPException(503)
    return designation_form(request, registration, values, errors.ordered(DESIGNATION_FIELDS), 422)


def clean_fields(typed: dict[str, str], language: Language) -> tuple[dict[str, str], FormErrors]:
    """The typed texts by the gateway's text rules, and the refusal of each that broke one."""
    values: dict[str, str] = {}
    errors = FormErrors()
    for name, value in typed.items():
        values[name], problem = clean_text(name, value)
        if problem is not None:
            errors.add(name, message_for(problem["type"], problem["ctx"], language))
    return values, errors


@router.get("/registrations/{registration_id}/designation/sent", response_class=HTMLResponse)
def designation_sent(request: Request, registration_id: UUID, person: Reader) -> HTMLResponse:
    """The confirmation: the designation is with the innovation unit."""
    registration = registration_of(request, person, registration_id)
    return render(request, "my_body/designation_sent.html", registration=registration)


# Withdrawal.


WITHDRAW_TITLE: Final = N_("Withdraw the registration")
CLOSED: Final = N_("The registration is withdrawn or has lapsed already.")


@router.get("/my-body/withdraw", response_class=HTMLResponse)
def withdraw_page(request: Request, person: Representative) -> Response:
    """Why the body withdraws (optional), and a box to confirm it."""
    registration = own_registration(request, person)
    if not registration.can_withdraw():
        return unavailable(request, WITHDRAW_TITLE, CLOSED)
    return render(
        request, "my_body/withdraw.html", registration=registration, values={}, errors=None
    )


@router.post("/my-body/withdraw", dependencies=[SubmitLimit])
def withdraw(
    request: Request,
    person: Representative,
    reason: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Withdraw through the registration service, once confirmed."""
    registration = own_registration(request, person)
    language = language_of(request)
    values, errors = clean_fields({"reason": reason, "confirm": confirm}, language)
    if values["confirm"] != "yes":
        errors.add("confirm", translate(language, CONFIRM_WITHDRAWAL))
    elif not errors:
        response = calls_of(request).post(
            "registration",
            f"/registrations/{registration.id}/withdraw",
            person,
            json={"reason": values["reason"] or None},
        )
        if response.status_code in STATUS_OK:
            return RedirectResponse("/my-body/withdraw/done", status_code=303)
        errors = field_errors(refusal_detail(response), {"reason": "reason"}, language)
        if not errors:
            raise HTTPException(503)
    return render(
        request,
        "my_body/withdraw.html",
        status_code=422,
        registration=registration,
        values=values,
        errors=errors.ordered(WITHDRAW_FIELDS),
    )


@router.get("/my-body/withdraw/done", response_class=HTMLResponse)
def withdraw_done(request: Request) -> HTMLResponse:
    """The withdrawal's confirmation (the body's sessions end with it: no sign-in needed)."""
    return render(request, "my_body/withdraw_done.html")
