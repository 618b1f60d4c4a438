"""Signing in without a password, and signing out."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.gateway.pages import render
from services.gateway.routes.public import same_site_path
from services.gateway.sessions import CurrentVisitor, clear_session_cookie

router = APIRouter(include_in_schema=False)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request,
    next: str | None = None,
    purpose: Literal["sign-in", "register"] = "sign-in",
) -> HTMLResponse:
    """Ask for the organisation email the link goes to."""
    return render(
        request,
        "sign_in.html",
        next_path=same_site_path(next),
        purpose=purpose,
        values={"email": ""},
        errors=None,
    )


@router.post("/sign-out")
def sign_out(request: Request, visitor: CurrentVisitor) -> RedirectResponse:
    """End the session here and now."""
    visitor.sign_out()
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response
