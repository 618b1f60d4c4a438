"""What the gateway's app has beside its routers: static files, security middleware, error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware

from services.gateway.errors import answer_with_pages, error_page
from services.gateway.redaction import redact_access_log
from services.gateway.security import CsrfMiddleware, SecurityHeadersMiddleware, csrf_key

STATIC: Final = Path(__file__).parent / "static"


def configure(app: FastAPI) -> None:
    """Called by the runtime's app factory once its own parts are in place."""
    settings = app.state.settings
    app.state.csrf_key = csrf_key(settings.jwt_secret)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    redact_access_log()
    answer_with_pages(app)
    # Innermost, inside the runtime's body limit: the body it reads for the token is bounded.
    app.user_middleware.append(
        Middleware(CsrfMiddleware, key=app.state.csrf_key, refuse=error_page)
    )
    # Outermost: every answer carries the headers, the body limit's 413 too.
    app.add_middleware(
        SecurityHeadersMiddleware,
        page=error_page,
        https=settings.public_url.startswith("https://"),
    )
