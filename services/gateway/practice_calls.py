"""The practice pages' calls to the observatory, and the answers a decision waits in.

A practice is read with the signed-in person's own token: the observatory answers the body's
representatives and the innovation unit, and anyone else its 404 (another body's practice is
the 404 page, as one that does not exist).

A decision on a practice (sending it, withdrawing it, the unit's four) is asked, checked,
then confirmed. Between those pages its answers wait in the session's draft under a key of
their own (`Kept`); the confirming POST takes them out in one statement
(`Visitor.take_draft_part`) before it calls the observatory, so the check page sent twice acts
once: the second request finds nothing to send. A refusal puts them back, for the page that
shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

import httpx
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.calls import calls_of, read_as, refusal_detail, service_unavailable
from services.gateway.i18n import Language
from services.gateway.pages import render
from services.gateway.practice_form import (
    FORM_FIELDS,
    at_field,
    field_label,
    loc_field,
    needed_message,
)
from services.gateway.practice_views import STATUS_NAMES, PracticeView, step_name
from services.gateway.refusals import FormErrors, message_for
from services.gateway.sessions import SignedIn, Visitor

STATUS_OK: Final = (200, 201, 202, 204)
REFUSED: Final = (403, 409, 422)
ATTACHMENT_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "no-store",
}


def practice_of(request: Request, person: SignedIn, practice_id: UUID) -> PracticeView:
    """The practice as `person` may read it; the 404 page when it is not theirs to read."""
    response = calls_of(request).get("observatory", f"/practices/{practice_id}", person)
    if response.status_code in (403, 404):
        raise HTTPException(404)
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, PracticeView)


def send(
    request: Request, person: SignedIn, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """A change sent to the observatory: its answer when done or refused (403, 409, 422, and
    413 or 415 for a file); its 404 the 404 page, anything else the 503 page.

    A 403 is the caller's page to say in words (a representative who left, a body no longer an
    active member), with what was typed still on it: never the bare 403 page."""
    response = calls_of(request).request("observatory", method, path, person, **kwargs)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code not in (*STATUS_OK, *REFUSED, 413, 415):
        raise service_unavailable()
    return response


def refusal_codes(response: httpx.Response) -> set[str]:
    return {str(item.get("type", "")) for item in refusal_detail(response)}


def practice_errors(
    response: httpx.Response, language: Language, default_field: str = ""
) -> FormErrors:
    """The observatory's refusal at the form's fields, in the form's order; a missing field
    (`practice_incomplete`) is named in words."""
    errors = FormErrors()
    for item in refusal_detail(response):
        field = loc_field(item.get("loc", [])) or default_field
        code = str(item.get("type", ""))
        if code == "practice_incomplete" and field:
            errors.add(field, needed_message(field, language))
        else:
            message = message_for(code, item.get("ctx"), language)
            errors.add(field, at_field(field, message, language))
    if not errors:
        raise service_unavailable()
    return errors.ordered(FORM_FIELDS)


@dataclass(frozen=True)
class Kept:
    """The answers of one kind of decision, kept in the session's draft under `key`."""

    key: str

    def keep(self, visitor: Visitor, values: dict[str, Any]) -> None:
        visitor.save_draft({**visitor.draft, self.key: values})

    def read(self, visitor: Visitor, **about: str) -> dict[str, Any] | None:
        """The answers kept, if they are about `about` (the practice, the decision)."""
        kept = visitor.draft.get(self.key)
        if not isinstance(kept, dict):
            return None
        if any(str(kept.get(name)) != value for name, value in about.items()):
            return None
        return dict(kept)

    def claim(self, visitor: Visitor, **about: str) -> dict[str, Any] | None:
        """Take the answers out before acting on them: None when there are none (or another
        request took them first, a form sent twice)."""
        kept = self.read(visitor, **about)
        if kept is None or not visitor.take_draft_part(self.key):
            return None
        return kept

    def drop(self, visitor: Visitor) -> None:
        draft = visitor.draft
        if draft.pop(self.key, None) is not None:
            visitor.save_draft(draft)


def attachment_response(response: httpx.Response, filename: str) -> Response:
    """An attachment's bytes as a download: never shown inline, sandboxed, not cached."""
    media_type = response.headers.get("content-type", "application/octet-stream")
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    return Response(
        response.content,
        media_type=media_type,
        headers={
            **ATTACHMENT_HEADERS,
            "Content-Disposition": f'attachment; filename="{safe or "attachment"}"',
        },
    )


def render_practice(request: Request, template: str, **context: Any) -> HTMLResponse:
    """`pages.render` with what the practice pages' parts read: the statuses' and the
    history's words."""
    return render(
        request,
        template,
        status_names=STATUS_NAMES,
        step_name=step_name,
        field_label=field_label,
        **context,
    )
