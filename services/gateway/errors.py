"""Error pages in the reader's language: 400, 403, 404, 405, 429, 500, 503, never JSON."""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from services.gateway.body_registration import BeingPrepared, preparing_page
from services.gateway.i18n import N_
from services.gateway.pages import render
from services.gateway.rate_limits import RateLimited
from services.gateway.sessions import NotForYou, SignInRequired, Visitor
from services.runtime.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from services.runtime.failures import describe

log = logging.getLogger(__name__)

TITLES: Final[dict[int, tuple[str, str]]] = {
    400: (N_("The form could not be read"), N_("Go back to the page, and send it again.")),
    403: (
        N_("You cannot do this here"),
        N_(
            "The page is not yours to see, or the form had expired. "
            "Go back, reload the page and try again."
        ),
    ),
    404: (
        N_("Page not found"),
        N_(
            "If you typed the web address, check it is correct. If you pasted it, check you "
            "copied the entire address."
        ),
    ),
    405: (N_("Page not found"), N_("This page cannot be reached this way.")),
    413: (N_("The file is too large"), N_("Send a file of up to 10 MB.")),
    429: (
        N_("Too many attempts"),
        N_("You have tried this too many times. Wait a few minutes and try again."),
    ),
    500: (
        N_("Sorry, there is a problem with the service"),
        N_("Try again later. What you sent was not saved."),
    ),
    503: (
        N_("Sorry, the service is unavailable"),
        N_("Try again in a few minutes. What you sent was not saved."),
    ),
}


async def error_page(
    request: Request, status: int, headers: dict[str, str] | None = None
) -> Response:
    """The page of `status`; a 5xx page shows nobody as signed in (the database may be away)."""
    if status >= 500:
        request.state.visitor = Visitor(None)
    title, advice = TITLES.get(status, TITLES[500 if status >= 500 else 400])
    return render(
        request, "error.html", status_code=status, headers=headers, title=title, advice=advice
    )


def answer_with_pages(app: FastAPI) -> None:
    """Every refusal of the gateway's routes as a page (replacing the runtime's JSON answers)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers) if error.headers else None
        return await error_page(request, error.status_code, headers)

    @app.exception_handler(RequestValidationError)
    async def unreadable(request: Request, error: RequestValidationError) -> Response:
        # A malformed id in the path is a page that does not exist; anything else a bad form.
        in_path = any(part.get("loc", ("",))[0] == "path" for part in error.errors())
        return await error_page(request, 404 if in_path else 400)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, error: SignInRequired) -> Response:
        query = {"next": error.next_path}
        if error.purpose != "sign-in":
            query["purpose"] = error.purpose
        return RedirectResponse(f"/sign-in?{urlencode(query)}", status_code=303)

    @app.exception_handler(NotForYou)
    async def not_for_you(request: Request, error: NotForYou) -> Response:
        return await error_page(request, 403)

    @app.exception_handler(BeingPrepared)
    async def being_prepared(request: Request, error: BeingPrepared) -> Response:
        return preparing_page(request)

    @app.exception_handler(RateLimited)
    async def too_many(request: Request, error: RateLimited) -> Response:
        return await error_page(request, 429, {"Retry-After": str(error.retry_after)})

    @app.exception_handler(httpx.TransportError)
    async def service_away(request: Request, error: httpx.TransportError) -> Response:
        log.warning("%s %s: a service did not answer (%r)", request.method, request.url.path, error)
        return await error_page(request, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    async def database_unavailable(request: Request, error: Exception) -> Response:
        log.warning(
            "%s %s: database unavailable (%s)",
            request.method,
            request.url.path,
            describe(error, first_line=True),
        )
        return await error_page(request, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    for error_class in DATABASE_UNAVAILABLE:
        app.add_exception_handler(error_class, database_unavailable)
