"""The public pages: the network's page, the language switch, accessibility and privacy."""

from __future__ import annotations

import math
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.gateway.housekeeping import CLEAN_UP_EVERY_SECONDS
from services.gateway.i18n import LANGUAGE_COOKIE
from services.gateway.pages import render

router = APIRouter(include_in_schema=False)

YEAR_SECONDS = 365 * 24 * 3600
NEXT_MAX_LENGTH = 1000
"""Longer than any address of ours: a longer `next` is not a page we sent anyone from."""


def same_site_path(target: str | None) -> str:
    """`target` if it is a path of this site, else `/`: the switch never sends anyone away.

    Control and other unprintable characters (NUL, line breaks, bidi controls) and over-long
    values are refused too: the path is stored with a sign-in request and put in a header.
    """
    if (
        not target
        or len(target) > NEXT_MAX_LENGTH
        or not target.isprintable()
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    return target


@router.get("/", response_class=HTMLResponse)
def network_page(request: Request) -> HTMLResponse:
    """The network: its purpose, what members do, how to join."""
    return render(request, "index.html")


@router.get("/language/{language}")
def switch_language(
    request: Request, language: Literal["el", "en"], next: str | None = None
) -> RedirectResponse:
    """Read the site in `language` from now on, back on the page the reader was on."""
    response = RedirectResponse(same_site_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=YEAR_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility_statement(request: Request) -> HTMLResponse:
    """The accessibility statement (Directive (EU) 2016/2102, Greek law 4591/2019)."""
    return render(request, "accessibility.html")


@router.get("/privacy", response_class=HTMLResponse)
def privacy_notice(request: Request) -> HTMLResponse:
    """The privacy notice of the registration form and sign-in (GDPR Art. 13).

    Its times are the running settings' and the clean-up job's, so it says what the code does.
    """
    window = request.app.state.application.gateway.rate_window_seconds
    return render(
        request,
        "privacy.html",
        window_minutes=math.ceil(window / 60),
        clean_up_minutes=math.ceil(CLEAN_UP_EVERY_SECONDS / 60),
    )
