"""A body's registration as the "my body" pages read it from the registration service, with
the signed-in person's own token: another body's registration is the 404 page, as one that does
not exist (staff may read any).
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

import httpx
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from services.gateway.body_view import RegistrationRead
from services.gateway.calls import calls_of
from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import language_of, translate
from services.gateway.pages import render
from services.gateway.sessions import SignedIn

STATUS_OK: Final = (200, 201)


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
