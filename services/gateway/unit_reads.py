"""The innovation unit's reads from the services, with the signed-in member of staff's token.

A service's 404 is the 404 page, its 403 the 403 page; any other answer that is not the one
asked for is the 503 page (a service away or out of step with this gateway).
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from fastapi import HTTPException, Request
from pydantic import BaseModel

from services.gateway.calls import Service, calls_of, read_as, service_unavailable
from services.gateway.form_fields import registration_form
from services.gateway.i18n import language_of
from services.gateway.sessions import SignedIn
from services.gateway.unit_views import PAGE_SIZE, Listing, Total, UnitRegistration

Answer = TypeVar("Answer", bound=BaseModel)


def read(
    request: Request,
    person: SignedIn,
    service: Service,
    path: str,
    model: type[Answer],
    params: dict[str, Any] | None = None,
) -> Answer:
    """`GET path` of `service`, read as `model`."""
    kept = {name: value for name, value in (params or {}).items() if value not in (None, "")}
    response = calls_of(request).get(service, path, person, params=kept)
    if response.status_code in (403, 404):
        raise HTTPException(response.status_code)
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, model)


def page_of(
    request: Request,
    person: SignedIn,
    service: Service,
    path: str,
    item: type[Answer],
    page: int,
    params: dict[str, Any] | None = None,
) -> Listing[Answer]:
    """One page (of `PAGE_SIZE`) of a service's list."""
    paged = {**(params or {}), "page": page, "page_size": PAGE_SIZE}
    return read(request, person, service, path, Listing[item], paged)  # type: ignore[valid-type]


def count(
    request: Request, person: SignedIn, service: Service, path: str, params: dict[str, Any]
) -> int:
    """How many a service's list holds (its `total`, from a page of one)."""
    return read(request, person, service, path, Total, {**params, "page_size": 1}).total


def registration(request: Request, person: SignedIn, registration_id: UUID) -> UnitRegistration:
    """A registration as the unit reads it: personal data, the fingerprint, the history."""
    return read(
        request, person, "registration", f"/registrations/{registration_id}", UnitRegistration
    )


def level_names(request: Request) -> dict[str, str]:
    """Each level of government in the reader's words, as the registration form names them."""
    described = registration_form(request).field("body.level")
    return dict(described.options(language_of(request))) if described else {}
