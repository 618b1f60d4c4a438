"""A body's registration as the "my body" pages read it from the registration service, with
the signed-in person's own token: another body's registration is the 404 page, as one that does
not exist (staff may read any).
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from services.gateway.body_view import RegistrationRead
from services.gateway.calls import calls_of, read_as, service_unavailable
from services.gateway.i18n import language_of, translate
from services.gateway.pages import render
from services.gateway.sessions import SignedIn

STATUS_OK: Final = (200, 201)
PREPARING_RETRY_SECONDS: Final = 2


class BeingPrepared(Exception):
    """An applicant who has just sent the form asks for their body's page before it is ready."""


def preparing_page(request: Request) -> HTMLResponse:
    """The body's page is being prepared: try again in a moment (503, with `Retry-After`)."""
    return render(
        request,
        "my_body/preparing.html",
        status_code=503,
        headers={"Retry-After": str(PREPARING_RETRY_SECONDS)},
    )


def registration_of(request: Request, person: SignedIn, registration_id: UUID) -> RegistrationRead:
    """The registration as `person` may see it; the 404 page if it is not their body's."""
    response = calls_of(request).get("registration", f"/registrations/{registration_id}", person)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code != 200:
        raise service_unavailable()
    registration = read_as(response, RegistrationRead)
    if person.kind != "staff" and registration.body.tax_id != person.body_id:
        raise HTTPException(404)
    return registration


def own_registration(request: Request, person: SignedIn) -> RegistrationRead:
    """The signed-in representative's registration."""
    if person.registration_id is None:
        raise HTTPException(404)
    return registration_of(request, person, person.registration_id)


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
