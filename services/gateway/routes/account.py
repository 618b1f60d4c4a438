"""Signing in without a password, and signing out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.gateway.directory import blind_index
from services.gateway.i18n import N_, language_of, translate
from services.gateway.pages import render
from services.gateway.rate_limits import client_of, rate_limits_of
from services.gateway.refusals import FormErrors
from services.gateway.routes.public import same_site_path
from services.gateway.security import rotate_csrf_cookie
from services.gateway.sessions import (
    SESSION_COOKIE,
    CurrentVisitor,
    clear_session_cookie,
    session_store,
    set_session_cookie,
)
from services.gateway.signin import Consumed, consume, send_link_if_known
from services.runtime.values import email_address

router = APIRouter(include_in_schema=False)

EMAIL_MAX_LENGTH = 254


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request,
    next: str | None = None,
    purpose: Literal["sign-in", "register"] = "sign-in",
) -> HTMLResponse:
    """Ask for the organisation email the link goes to."""
    return _sign_in_form(request, same_site_path(next), purpose, "", FormErrors())


@router.post("/sign-in", response_model=None)
def ask_for_a_link(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    purpose: Annotated[Literal["sign-in", "register"], Form()] = "sign-in",
) -> HTMLResponse | RedirectResponse:
    """The same answer for every address; the link is sent afterwards, if the address is known."""
    application = request.app.state.application
    settings = application.gateway
    limits = rate_limits_of(request)
    limits.hit(f"sign-in:client:{client_of(request)}", settings.sign_in_per_client)
    next_path = same_site_path(next)
    typed = email.strip()
    try:
        if len(typed) > EMAIL_MAX_LENGTH:
            raise ValueError(typed)
        address = email_address(typed)
    except ValueError:
        errors = FormErrors()
        message = N_("Enter an email address in the right form, like name@example.gov.gr")
        if not typed:
            message = N_("Enter your organisation email")
        errors.add("email", translate(language_of(request), message))
        return _sign_in_form(request, next_path, purpose, typed, errors, status_code=422)
    limits.hit(
        f"sign-in:address:{blind_index(settings.blind_index_key, address).hex()}",
        settings.sign_in_per_address,
    )
    directory = request.app.state.running.projections["directory"]
    background.add_task(
        send_link_if_known,
        application,
        directory,
        address,
        purpose,
        next_path,
        language_of(request),
    )
    return RedirectResponse("/sign-in/sent", status_code=303)


@router.get("/sign-in/sent", response_class=HTMLResponse)
def link_sent(request: Request) -> HTMLResponse:
    """What happens next: the same page whoever asked."""
    return render(request, "sign_in_sent.html")


@router.get("/sign-in/link", response_class=HTMLResponse)
def continue_page(request: Request, token: str = "") -> HTMLResponse:
    """One button that uses the link: a mail scanner that opens links does not use it up.

    The token is in the form only: the page's language switch comes back to the path without
    it, so the token is in no other address (and in no log line of one).
    """
    return render(request, "sign_in_link.html", token=token[:200], path=request.url.path)


@router.post("/sign-in/link", response_model=None)
def use_the_link(
    request: Request,
    visitor: CurrentVisitor,
    token: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse | RedirectResponse:
    """Open a session with a link's token (once, within 15 minutes), and go where it was for."""
    application = request.app.state.application
    consumed = consume(application, token) if token else None
    if consumed is None:
        return render(request, "sign_in_refused.html", status_code=400)
    visitor.sign_out()  # a session from before is not carried over into the new one
    session_id = session_store(request).open(consumed.purpose, consumed.email, consumed.blind_index)
    staff = consumed.email in application.gateway.staff()
    response = RedirectResponse(_landing(consumed, staff), status_code=303)
    set_session_cookie(response, session_id)
    rotate_csrf_cookie(request)  # a CSRF cookie known before the sign-in opens nothing after
    return response


def _landing(consumed: Consumed, staff: bool) -> str:
    """Where the link was asked from, else the registration form, the unit's or a body's page."""
    if consumed.next_path != "/":
        return consumed.next_path
    if consumed.purpose == "register":
        return "/register"
    return "/unit" if staff else "/my-body"


@router.post("/sign-out")
def sign_out(request: Request, visitor: CurrentVisitor) -> RedirectResponse:
    """End the session here and now."""
    visitor.sign_out()
    response = RedirectResponse("/signed-out", status_code=303)
    if SESSION_COOKIE in request.cookies:
        clear_session_cookie(response)
    rotate_csrf_cookie(request)
    return response


@router.get("/signed-out", response_class=HTMLResponse)
def signed_out(request: Request) -> HTMLResponse:
    return render(request, "signed_out.html")


def _sign_in_form(
    request: Request,
    next_path: str,
    purpose: str,
    email: str,
    errors: FormErrors,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "sign_in.html",
        status_code=status_code,
        next_path=next_path,
        purpose=purpose,
        values={"email": email},
        errors=errors,
    )
