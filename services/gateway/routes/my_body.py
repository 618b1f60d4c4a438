"""The "my body" pages: a representative's page of their body's registration, the upload of
the designation (the acknowledgement email's link), the alternate added later, a representative
replaced, and the withdrawal; each calls the registration service with the representative's
own token.

Only the body's representatives see these pages (another body's registration is the 404 page,
as a registration that does not exist); staff may read any registration's page and upload its
designation. The service checks roles itself: these pages are not the only guard.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from services.gateway.body_view import RegistrationRead, RepresentativePart, history
from services.gateway.calls import calls_of
from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import N_, language_of, translate
from services.gateway.nominee import NomineeDraft, check_rows, field_views, summary
from services.gateway.pages import render
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, field_errors
from services.gateway.sessions import (
    CurrentVisitor,
    Representative,
    SignedIn,
    require_kind,
)

router = APIRouter(include_in_schema=False)

Reader = Annotated[SignedIn, Depends(require_kind("representative", "staff"))]
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
STATUS_OK: Final = (200, 201)


# Reading the registration.


def registration_of(request: Request, person: SignedIn, registration_id: UUID) -> RegistrationRead:
    """The registration as `person` may see it; the 404 page if it is not their body's."""
    response = calls_of(request).get("registration", f"/registrations/{registration_id}", person)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code != 200:
        raise HTTPException(503)
    registration = RegistrationRead.model_validate(response.json())
    if person.kind != "staff" and registration.body.tax_id != person.body_id:
        raise HTTPException(404)
    return registration


def own_registration(request: Request, person: SignedIn) -> RegistrationRead:
    """The signed-in representative's registration."""
    if person.registration_id is None:
        raise HTTPException(404)
    return registration_of(request, person, person.registration_id)


def registration_form(request: Request) -> RegistrationForm:
    """The registration service's form: the fields a new representative is asked for."""
    response = calls_of(request).get("registration", "/registration-form", None)
    if response.status_code != 200:
        raise HTTPException(503)
    return RegistrationForm.model_validate(response.json())


def refused(response: httpx.Response) -> list[dict[str, Any]]:
    """The `detail` of a service's refusal (a list, whatever the body was)."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return []
    return detail if isinstance(detail, list) else []


def unavailable(request: Request, title: str, reason: str) -> HTMLResponse:
    """The page saying an action is not open to the registration now (409)."""
    language = language_of(request)
    return render(
        request,
        "my_body/unavailable.html",
        status_code=409,
        title=translate(language, title),
        reason=translate(language, reason),
    )


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
    return render(request, "my_body/overview.html", registration=read, steps=history(read))


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
    waiting = [r for r in registration.current() if r.state in WAITING_STATES]
    return render(
        request,
        "my_body/designation.html",
        status_code=status_code,
        registration=registration,
        waiting=waiting,
        values=values,
        errors=errors,
    )


WAITING_STATES: Final = ("awaiting_designation", "overdue", "designation_rejected")


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
    values = {"signed_by_name": signed_by_name, "signed_by_title": signed_by_title}
    # A plain `def` route runs in the thread pool: the spooled file is read off the event loop.
    content = file.file.read() if file is not None and file.filename else b""
    errors = FormErrors()
    for name, given in (*values.items(), ("file", content)):
        if not given or (isinstance(given, str) and not given.strip()):
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
    errors = field_errors(refused(response), DESIGNATION_FIELD_MAP, language, default_field)
    if not errors:
        raise HTTPException(503)
    return designation_form(request, registration, values, errors.ordered(DESIGNATION_FIELDS), 422)


@router.get("/registrations/{registration_id}/designation/sent", response_class=HTMLResponse)
def designation_sent(request: Request, registration_id: UUID, person: Reader) -> HTMLResponse:
    """The confirmation: the designation is with the innovation unit."""
    registration = registration_of(request, person, registration_id)
    return render(request, "my_body/designation_sent.html", registration=registration)


# A new representative: the alternate, or a successor.


def nominee_page(
    request: Request,
    visitor: CurrentVisitor,
    registration: RegistrationRead,
    purpose: str,
    title: str,
    intro: str,
    action: str,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    draft = NomineeDraft.of(visitor, purpose)
    views = field_views(draft, registration_form(request), language)
    return render(
        request,
        "my_body/nominee.html",
        status_code=status_code,
        registration=registration,
        title=title,
        intro=intro,
        action=action,
        fields=views,
        summary=summary(views),
    )


async def posted_texts(request: Request) -> dict[str, Any]:
    """The text fields of a posted form (whatever fields it has: the draft picks its own)."""
    async with request.form() as posted:
        return {key: value for key, value in posted.items() if isinstance(value, str)}


def take_nominee(
    request: Request, visitor: CurrentVisitor, purpose: str, posted: dict[str, Any]
) -> NomineeDraft:
    draft = NomineeDraft.of(visitor, purpose)
    draft.take(posted, registration_form(request))
    draft.save(visitor)
    return draft


def nominee_check(
    request: Request,
    visitor: CurrentVisitor,
    registration: RegistrationRead,
    purpose: str,
    title: str,
    question_path: str,
    send_text: str,
) -> Response:
    language = language_of(request)
    draft = NomineeDraft.of(visitor, purpose)
    if not draft.answers or any(part for part in draft.errors if part):
        return RedirectResponse(question_path, 303)
    form = registration_form(request)
    return render(
        request,
        "my_body/nominee_check.html",
        registration=registration,
        title=title,
        rows=check_rows(draft, form, language, question_path),
        action=f"{question_path}/check",
        back=question_path,
        problem=draft.general_error(form, language),
        send_text=send_text,
    )


def send_nominee(
    request: Request,
    visitor: CurrentVisitor,
    person: SignedIn,
    purpose: str,
    service_path: str,
    question_path: str,
    done_path: str,
) -> Response:
    """Send the draft; its refusals back on the question page (a field's) or check page."""
    draft = NomineeDraft.of(visitor, purpose)
    if not draft.answers:
        return RedirectResponse(question_path, 303)
    response = calls_of(request).post(
        "registration", service_path, person, json=draft.request_body()
    )
    if response.status_code in STATUS_OK:
        draft.clear(visitor)
        representative_id = response.json().get("id", "")
        return RedirectResponse(f"{done_path}?representative={representative_id}", 303)
    if response.status_code == 404:
        raise HTTPException(404)
    draft.errors = {}
    draft.place(refused(response) or [{"type": "unavailable"}])
    draft.save(visitor)
    field_refused = any(part for part in draft.errors if part)
    return RedirectResponse(question_path if field_refused else f"{question_path}/check", 303)


def nominee_done(
    request: Request,
    registration: RegistrationRead,
    title: str,
    representative: UUID | None,
    replaced: RepresentativePart | None = None,
) -> HTMLResponse:
    nominee = registration.representative(representative) if representative else None
    return render(
        request,
        "my_body/nominee_done.html",
        registration=registration,
        title=title,
        nominee=nominee,
        replaced=replaced,
    )


ALTERNATE: Final = "alternate"
ALTERNATE_PATH: Final = "/my-body/alternate"
ALTERNATE_TITLE: Final = N_("Add the alternate representative")
ALTERNATE_INTRO: Final = N_(
    "The alternate stands in for the main representative. They are a senior executive of "
    "the body, with an organisation email of their own, and are designated by a new "
    "designation within 2 working days."
)
ALTERNATE_SEND: Final = N_(
    "Once sent, both representatives receive an email, and the alternate's designation is "
    "due within 2 working days."
)
NO_ALTERNATE_NOW: Final = N_(
    "Your body has an alternate representative already, or its registration is closed."
)


def alternate_allowed(request: Request, person: SignedIn) -> RegistrationRead | Response:
    registration = own_registration(request, person)
    if not registration.can_add_alternate():
        return unavailable(request, ALTERNATE_TITLE, NO_ALTERNATE_NOW)
    return registration


@router.get(ALTERNATE_PATH, response_class=HTMLResponse)
def alternate_page(request: Request, person: Representative, visitor: CurrentVisitor) -> Response:
    """The alternate's details, as the registration form asks them, and their language."""
    registration = alternate_allowed(request, person)
    if isinstance(registration, Response):
        return registration
    language = language_of(request)
    return nominee_page(
        request,
        visitor,
        registration,
        ALTERNATE,
        translate(language, ALTERNATE_TITLE),
        translate(language, ALTERNATE_INTRO),
        ALTERNATE_PATH,
    )


@router.post(ALTERNATE_PATH, dependencies=[SubmitLimit])
async def alternate_answers(
    request: Request, person: Representative, visitor: CurrentVisitor
) -> Response:
    """Keep the answers; on to check them, or back to the fields left empty."""
    answers = await posted_texts(request)
    draft = await run_in_threadpool(take_nominee, request, visitor, ALTERNATE, answers)
    return RedirectResponse(
        ALTERNATE_PATH if draft.errors else f"{ALTERNATE_PATH}/check", status_code=303
    )


@router.get(f"{ALTERNATE_PATH}/check", response_class=HTMLResponse)
def alternate_check(request: Request, person: Representative, visitor: CurrentVisitor) -> Response:
    """Check your answers about the alternate before they are sent."""
    registration = alternate_allowed(request, person)
    if isinstance(registration, Response):
        return registration
    language = language_of(request)
    return nominee_check(
        request,
        visitor,
        registration,
        ALTERNATE,
        translate(language, ALTERNATE_TITLE),
        ALTERNATE_PATH,
        translate(language, ALTERNATE_SEND),
    )


@router.post(f"{ALTERNATE_PATH}/check", dependencies=[SubmitLimit])
def alternate_send(request: Request, person: Representative, visitor: CurrentVisitor) -> Response:
    """Nominate the alternate through the registration service."""
    registration = own_registration(request, person)
    return send_nominee(
        request,
        visitor,
        person,
        ALTERNATE,
        f"/registrations/{registration.id}/alternate",
        ALTERNATE_PATH,
        f"{ALTERNATE_PATH}/done",
    )


@router.get(f"{ALTERNATE_PATH}/done", response_class=HTMLResponse)
def alternate_done(
    request: Request, person: Representative, representative: UUID | None = None
) -> HTMLResponse:
    """The alternate is nominated: what happens next."""
    registration = own_registration(request, person)
    title = translate(language_of(request), N_("The alternate representative is nominated"))
    return nominee_done(request, registration, title, representative)


REPLACE_TITLE: Final = N_("Replace %(name)s")
REPLACE_INTRO: Final = N_(
    "Name the new %(role)s. %(name)s stays a representative until the innovation unit "
    "verifies the designation of the new one, due within 2 working days."
)
REPLACE_SEND: Final = N_(
    "Once sent, both representatives receive an email, and the new representative's "
    "designation is due within 2 working days."
)
NOT_REPLACEABLE: Final = N_(
    "This person is not a current representative of your body, or a successor is named already."
)
ROLE_IN_SENTENCE: Final = {
    "main": N_("main representative"),
    "alternate": N_("alternate representative"),
}


def replace_path(representative_id: UUID) -> str:
    return f"/my-body/representatives/{representative_id}/replace"


def replaceable(
    request: Request, person: SignedIn, representative_id: UUID
) -> tuple[RegistrationRead, RepresentativePart] | Response:
    registration = own_registration(request, person)
    replaced = registration.representative(representative_id)
    if replaced is None or not registration.can_replace(representative_id):
        title = translate(language_of(request), N_("Replace a representative"))
        return unavailable(request, title, NOT_REPLACEABLE)
    return registration, replaced


def replace_texts(request: Request, replaced: RepresentativePart) -> tuple[str, str]:
    language = language_of(request)
    name = replaced.full_name or ""
    role = translate(language, ROLE_IN_SENTENCE.get(replaced.role, replaced.role))
    return (
        translate(language, REPLACE_TITLE, name=name),
        translate(language, REPLACE_INTRO, name=name, role=role),
    )


@router.get("/my-body/representatives/{representative_id}/replace", response_class=HTMLResponse)
def replace_page(
    request: Request, representative_id: UUID, person: Representative, visitor: CurrentVisitor
) -> Response:
    """The successor's details, as the registration form asks them, and their language."""
    found = replaceable(request, person, representative_id)
    if isinstance(found, Response):
        return found
    registration, replaced = found
    title, intro = replace_texts(request, replaced)
    path = replace_path(representative_id)
    return nominee_page(
        request, visitor, registration, f"replace:{representative_id}", title, intro, path
    )


@router.post("/my-body/representatives/{representative_id}/replace", dependencies=[SubmitLimit])
async def replace_answers(
    request: Request, representative_id: UUID, person: Representative, visitor: CurrentVisitor
) -> Response:
    """Keep the answers; on to check them, or back to the fields left empty."""
    answers = await posted_texts(request)
    purpose = f"replace:{representative_id}"
    draft = await run_in_threadpool(take_nominee, request, visitor, purpose, answers)
    path = replace_path(representative_id)
    return RedirectResponse(path if draft.errors else f"{path}/check", status_code=303)


@router.get(
    "/my-body/representatives/{representative_id}/replace/check", response_class=HTMLResponse
)
def replace_check(
    request: Request, representative_id: UUID, person: Representative, visitor: CurrentVisitor
) -> Response:
    """Check your answers about the successor before they are sent."""
    found = replaceable(request, person, representative_id)
    if isinstance(found, Response):
        return found
    registration, replaced = found
    title, _intro = replace_texts(request, replaced)
    return nominee_check(
        request,
        visitor,
        registration,
        f"replace:{representative_id}",
        title,
        replace_path(representative_id),
        translate(language_of(request), REPLACE_SEND),
    )


@router.post(
    "/my-body/representatives/{representative_id}/replace/check", dependencies=[SubmitLimit]
)
def replace_send(
    request: Request, representative_id: UUID, person: Representative, visitor: CurrentVisitor
) -> Response:
    """Nominate the successor through the registration service."""
    registration = own_registration(request, person)
    path = replace_path(representative_id)
    return send_nominee(
        request,
        visitor,
        person,
        f"replace:{representative_id}",
        f"/registrations/{registration.id}/representatives/{representative_id}/replacement",
        path,
        f"{path}/done",
    )


@router.get(
    "/my-body/representatives/{representative_id}/replace/done", response_class=HTMLResponse
)
def replace_done(
    request: Request,
    representative_id: UUID,
    person: Representative,
    representative: UUID | None = None,
) -> HTMLResponse:
    """The successor is nominated: what happens next."""
    registration = own_registration(request, person)
    title = translate(language_of(request), N_("The new representative is nominated"))
    replaced = registration.representative(representative_id)
    return nominee_done(request, registration, title, representative, replaced)


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
    values = {"reason": reason, "confirm": confirm}
    errors = FormErrors()
    if confirm != "yes":
        errors.add("confirm", translate(language, CONFIRM_WITHDRAWAL))
    else:
        response = calls_of(request).post(
            "registration",
            f"/registrations/{registration.id}/withdraw",
            person,
            json={"reason": reason.strip() or None},
        )
        if response.status_code in STATUS_OK:
            return RedirectResponse("/my-body/withdraw/done", status_code=303)
        errors = field_errors(refused(response), {"reason": "reason"}, language)
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
