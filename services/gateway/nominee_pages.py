"""The pages of a new representative named from "my body" (the alternate, or a successor):
the question page, check your answers, the request to the registration service with the
representative's own token, and the page after it. `routes.nominations` gives each its paths
and texts.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.body_registration import STATUS_OK
from services.gateway.body_view import RegistrationRead, RepresentativePart
from services.gateway.calls import calls_of, json_object, refusal_detail
from services.gateway.form_fields import registration_form
from services.gateway.i18n import language_of
from services.gateway.nominee import NomineeDraft, check_rows, field_views
from services.gateway.pages import render
from services.gateway.posted import PostedTexts
from services.gateway.registration_views import summary
from services.gateway.sessions import SignedIn, Visitor


def nominee_page(
    request: Request,
    visitor: Visitor,
    registration: RegistrationRead,
    purpose: str,
    title: str,
    intro: str,
    action: str,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    draft = NomineeDraft.of(visitor, purpose)
    views = field_views(draft, registration_form(request), language)
    return render(
        request,
        "my_body/nominee.html",
        status_code=status_code,
        registration=registration,
        title=title,
        intro=intro,
        action=action,
        fields=views,
        summary=summary(views),
    )


def take_nominee(
    request: Request, visitor: Visitor, purpose: str, posted: PostedTexts
) -> NomineeDraft:
    """Keep the question page's answers (the draft picks its own fields of the form posted)."""
    draft = NomineeDraft.of(visitor, purpose)
    draft.take(posted.values, registration_form(request), posted.refused)
    draft.save(visitor)
    return draft


def nominee_check(
    request: Request,
    visitor: Visitor,
    registration: RegistrationRead,
    purpose: str,
    title: str,
    question_path: str,
    send_text: str,
) -> Response:
    language = language_of(request)
    draft = NomineeDraft.of(visitor, purpose)
    if not draft.answers or any(part for part in draft.errors if part):
        return RedirectResponse(question_path, 303)
    form = registration_form(request)
    return render(
        request,
        "my_body/nominee_check.html",
        registration=registration,
        title=title,
        rows=check_rows(draft, form, language, question_path),
        action=f"{question_path}/check",
        back=question_path,
        problem=draft.general_error(form, language),
        send_text=send_text,
    )


def send_nominee(
    request: Request,
    visitor: Visitor,
    person: SignedIn,
    purpose: str,
    service_path: str,
    question_path: str,
    done_path: str,
) -> Response:
    """Send the draft; its refusals back on the question page (a field's) or check page."""
    draft = NomineeDraft.of(visitor, purpose)
    if not draft.answers:
        return RedirectResponse(question_path, 303)
    response = calls_of(request).post(
        "registration", service_path, person, json=draft.request_body()
    )
    if response.status_code in STATUS_OK:
        draft.clear(visitor)
        representative_id = json_object(response).get("id", "")
        return RedirectResponse(f"{done_path}?representative={representative_id}", 303)
    if response.status_code == 404:
        raise HTTPException(404)
    draft.errors = {}
    draft.place(refusal_detail(response) or [{"type": "unavailable"}])
    draft.save(visitor)
    field_refused = any(part for part in draft.errors if part)
    return RedirectResponse(question_path if field_refused else f"{question_path}/check", 303)


def nominee_done(
    request: Request,
    registration: RegistrationRead,
    title: str,
    representative: UUID | None,
    replaced: RepresentativePart | None = None,
) -> HTMLResponse:
    nominee = registration.representative(representative) if representative else None
    return render(
        request,
        "my_body/nominee_done.html",
        registration=registration,
        title=title,
        nominee=nominee,
        replaced=replaced,
    )
