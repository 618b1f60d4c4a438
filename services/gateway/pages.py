"""The pages' Jinja2 environment and `render`, the one way a route answers with a page."""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.gateway import i18n
from services.gateway.sections import (
    MEMBER_SECTIONS,
    PUBLIC_SECTIONS,
    STAFF_SECTIONS,
    current_section,
)
from services.gateway.security import carries_token, csrf_token_of
from services.gateway.sessions import visitor_of
from services.gateway.staff import decider_name

TEMPLATES: Final = Path(__file__).parent / "templates"


@cache
def environment() -> Environment:
    """Templates under `templates/`, autoescaped, with gettext and the reader's formats."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt variable fails the page (and its test) loudly
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Globals read the page being rendered from a context variable, so imported macros work
    # without `with context`.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        csrf_token=lambda: i18n.reading().csrf_token,
        format_date=i18n.format_date,
        format_datetime=i18n.format_datetime,
        format_number=i18n.format_number,
        language_names=i18n.LANGUAGE_NAMES,
        member_sections=MEMBER_SECTIONS,
        public_sections=PUBLIC_SECTIONS,
        staff_sections=STAFF_SECTIONS,
        current_section=current_section,
    )
    return env


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page `template` in the reader's language, with what every page needs in `context`.

    Every page gets `lang`, `path` (the page's own path and query, where the language switch
    comes back to; a page whose query holds a secret passes its `path` without it), `person`
    (the signed-in `SignedIn`, or None) and `settings` (the gateway's settings).
    """
    language = i18n.language_of(request)
    visitor = visitor_of(request)
    settings = request.app.state.application.gateway
    page: dict[str, Any] = {
        "request": request,
        "lang": language,
        "path": _own_path(request),
        "person": visitor.person,
        "settings": settings,
        # Who made a decision, by the subject id a service recorded (for the unit's pages).
        "decided_by_name": partial(decider_name, settings.staff_members, language=language),
        **context,
    }
    token = i18n.set_reading(i18n.Reading(language, csrf_token_of(request)))
    try:
        html = environment().get_template(template).render(page)
    finally:
        i18n.reset_reading(token)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def _own_path(request: Request) -> str:
    query = request.url.query
    if carries_token(request):
        # The language switch, and any page built from the path, never carries the secret on.
        return request.url.path
    return f"{request.url.path}?{query}" if query else request.url.path
