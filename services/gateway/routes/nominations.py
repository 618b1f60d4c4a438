"""The alternate added later and a representative replaced, from "my body": each a question
page (the registration form's fields and the nominee's language), check your answers, and a
page saying what happens next, for the body's own representatives only.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.body_registration import own_registration, unavailable
from services.gateway.body_view import RegistrationRead, RepresentativePart
from services.gateway.i18n import N_, language_of, translate
from services.gateway.nominee_pages import (
    nominee_check,
    nominee_done,
    nominee_page,
    send_nominee,
    take_nominee,
)
from services.gateway.posted import Posted
from services.gateway.rate_limits import SubmitLimit
from services.gateway.sessions import CurrentVisitor, Representative, SignedIn

router = APIRouter(include_in_schema=False)


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
def alternate_answers(
    request: Request, person: Representative, visitor: CurrentVisitor, posted: Posted
) -> Response:
    """Keep the answers; on to check them, or back to the fields left empty."""
    draft = take_nominee(request, visitor, ALTERNATE, posted)
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
def replace_answers(
    request: Request,
    representative_id: UUID,
    person: Representative,
    visitor: CurrentVisitor,
    posted: Posted,
) -> Response:
    """Keep the answers; on to check them, or back to the fields left empty."""
    purpose = f"replace:{representative_id}"
    draft = take_nominee(request, visitor, purpose, posted)
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
