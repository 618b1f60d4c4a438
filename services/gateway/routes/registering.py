"""The registration journey: the form's fields to read, the start page, the question pages,
check your answers, the submission to the registration service and what happens next.

start (/register) → who fills it in (/register/role) → the body → the main representative →
whether there is an alternate (asked of the main) → the alternate → check your answers →
submit → done. Every page works without JavaScript: a page's answers are posted, kept in the
session's draft and the browser is sent on (303) to the next page, or back to the same one
with its errors. The rules are the registration service's: the required fields come from its
form, everything else from its 422 at submit, put back on the page and field it names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final
from uuid import UUID

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway.calls import calls_of, json_object, refusal_detail, service_unavailable
from services.gateway.form_fields import RegistrationForm, registration_form
from services.gateway.i18n import N_, Language, language_of, translate
from services.gateway.pages import render
from services.gateway.posted import Posted, PostedTexts
from services.gateway.rate_limits import SubmitLimit
from services.gateway.registration_draft import (
    CONSENT,
    HAS_ALTERNATE,
    PAGE,
    PAGES,
    SUBMITTED_BY,
    Draft,
    QuestionPage,
)
from services.gateway.registration_views import (
    all_problems,
    check_sections,
    field_view,
    page_fields,
    summary,
    texts,
)
from services.gateway.sessions import Applicant, SignedIn, Visitor, visitor_of

router = APIRouter(include_in_schema=False)

START: Final = "/register"


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# The form's fields, before filling it in.


@router.get("/registration-form", response_class=HTMLResponse)
def form_fields_page(request: Request) -> HTMLResponse:
    """Every field of the form with its help, to read (and download) before filling it in."""
    return render(request, "registration_form.html", form=registration_form(request))


@router.get("/registration-form.pdf")
def form_sheet(request: Request) -> Response:
    """The service's printable sheet of the form's fields."""
    response = calls_of(request).get("registration", "/registration-form.pdf", None)
    if response.status_code != 200:
        raise service_unavailable()
    disposition = 'inline; filename="innovnet-registration-form.pdf"'
    return Response(
        response.content,
        media_type="application/pdf",
        headers={"Content-Disposition": response.headers.get("content-disposition", disposition)},
    )


# The start page.


@router.get(START, response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    """What the form needs; a sign-in with the email to register with, when signed out."""
    visitor = visitor_of(request)
    continue_path = None
    if visitor.person is not None:
        draft = Draft.of(visitor)
        if not draft.is_empty:
            continue_path = resume_path(draft, registration_form(request))
    return render(request, "register/start.html", continue_path=continue_path)


def resume_path(draft: Draft, form: RegistrationForm) -> str:
    """Where a person who left the form part-way goes on: the first page not done."""
    for page in draft.needed_pages():
        if page.key == "check":
            break
        if draft.page_errors(page) or draft.missing(page, form):
            return page.path
    return PAGE["check"].path


@router.post("/register/restart")
def start_again(request: Request, person: Applicant) -> RedirectResponse:
    """Throw the draft away and start with an empty form."""
    visitor = visitor_of(request)
    draft = Draft.of(visitor)
    draft.start_again()
    draft.save(visitor)
    return see_other(PAGE["role"].path)


# The question pages.

PAGE_TITLES: Final = {
    "body": "body",
    "main": "main",
    "alternate_details": "alternate",
}
"""The question pages titled by a section of the service's form."""

INTROS: Final = {
    ("body", False): N_("The public body that the representatives belong to."),
    ("main", True): N_("Your details, as the body's main representative."),
    ("main", False): N_("The details of the body's main representative."),
    ("alternate_details", True): N_("Your details, as the body's alternate representative."),
    ("alternate_details", False): N_("The details of the body's alternate representative."),
}
"""A page's opening line, by its key and whether it asks about the signed-in person."""
ABOUT: Final = {"main": "main", "alternate_details": "alternate"}
"""The representative a page asks about."""


def intro_of(page: QuestionPage, draft: Draft, language: Language) -> str | None:
    """The page's opening line, about the signed-in person or the other representative."""
    intro = INTROS.get((page.key, draft.role is not None and ABOUT.get(page.key) == draft.role))
    return translate(language, intro) if intro else None


def page_title(page: QuestionPage, form: RegistrationForm, language: Language) -> str:
    """A section's title, or a one-question page's question."""
    section = PAGE_TITLES.get(page.key)
    if section is not None:
        return next((s.title(language) for s in form.sections if s.key == section), "")
    question = SUBMITTED_BY if page.key == "role" else HAS_ALTERNATE
    return texts(question, form, language)[0]


def previous_path(draft: Draft, page: QuestionPage) -> str:
    """The page before this one in the journey (the start page before the first)."""
    needed = draft.needed_pages()
    earlier = [p for p in needed if PAGES.index(p) < PAGES.index(page)]
    return earlier[-1].path if earlier else START


def out_of_turn(draft: Draft, page: QuestionPage) -> str | None:
    """Where to go instead of a page the answers make moot (an alternate when there is none)."""
    if page in draft.needed_pages():
        return None
    if page.key == "alternate":
        return PAGE["alternate_details"].path  # the alternate fills the form in
    return PAGE["alternate"].path if draft.role != "alternate" else PAGE["check"].path


def question_page(request: Request, person: SignedIn, page: QuestionPage) -> Response:
    """A question page with the answers kept and the refusals waiting on its fields."""
    visitor = visitor_of(request)
    draft = Draft.of(visitor)
    elsewhere = out_of_turn(draft, page)
    if elsewhere is not None:
        return see_other(elsewhere)
    form = registration_form(request)
    language = language_of(request)
    fields = page_fields(page, draft, form, language, person.email)
    return render(
        request,
        "register/question.html",
        page=page,
        fields=fields,
        summary=summary(fields),
        title=page_title(page, form, language),
        intro=intro_of(page, draft, language),
        back=previous_path(draft, page),
        single=len(page.fields) == 1,
    )


def take_answers(
    request: Request, person: SignedIn, page: QuestionPage, posted: PostedTexts
) -> RedirectResponse:
    """Keep the page's answers; on to the next page, or back with what is missing or refused."""
    visitor = visitor_of(request)
    draft = Draft.of(visitor)
    form = registration_form(request)
    draft.take(page, posted.values, form, posted.refused)
    draft.save(visitor)
    return see_other(draft.next_path(page, form))


def _question_routes(page: QuestionPage) -> None:
    """The GET and POST routes of one question page."""

    def show(request: Request, person: Applicant) -> Response:
        return question_page(request, person, page)

    def take(request: Request, person: Applicant, posted: Posted) -> RedirectResponse:
        return take_answers(request, person, page, posted)

    show.__doc__ = f"The question page {page.path}."
    take.__doc__ = f"Keep the answers of {page.path}."
    router.add_api_route(page.path, show, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(page.path, take, methods=["POST"], response_class=RedirectResponse)


for _page in PAGES:
    if _page.key != "check":
        _question_routes(_page)


# Check your answers, and send.


@router.get("/register/check", response_class=HTMLResponse)
def check_page(request: Request, person: Applicant) -> Response:
    """Every answer with a link to change it, the declaration, and the button that sends."""
    visitor = visitor_of(request)
    draft = Draft.of(visitor)
    if draft.is_empty:
        return see_other(START)
    if not draft.reached_check:
        draft.reached_check = True
        draft.save(visitor)
    form = registration_form(request)
    language = language_of(request)
    needed = draft.needed_pages()
    return render(
        request,
        "register/check.html",
        sections=check_sections(draft, form, language, person.email),
        problems=all_problems(draft, form, language),
        consent=field_view(CONSENT, draft, form, language, person.email),
        back=needed[-2].path if len(needed) > 1 else START,
    )


@router.post("/register/submit", dependencies=[SubmitLimit])
def submit(request: Request, person: Applicant, posted: Posted) -> Response:
    """Send the form to the registration service as the person who proved their email."""
    visitor = visitor_of(request)
    draft = Draft.of(visitor)
    if draft.is_empty:
        return see_other(START)
    form = registration_form(request)
    draft.take(PAGE["check"], posted.values, form, posted.refused)
    if draft.errors.get(CONSENT):
        draft.save(visitor)
        return see_other(PAGE["check"].path)
    # Whatever else the person is (a representative of another body, staff), the form is sent
    # by the applicant who proved this email: the service checks it is the filler's.
    applicant = SignedIn("applicant", person.email)
    response = calls_of(request).post(
        "registration", "/registrations", applicant, json=draft.request_body(person.email)
    )
    return answered(request, visitor, draft, response)


def answered(
    request: Request, visitor: Visitor, draft: Draft, response: httpx.Response
) -> Response:
    """The service's answer as the next page: done, a refusal back on its page, or a conflict."""
    if response.status_code == 201:
        created = json_object(response)
        if not isinstance(created.get("id"), str):
            raise service_unavailable()
        draft.start_again(sent=sent_summary(created["id"], draft))
        draft.save(visitor)
        return see_other(f"/register/done/{created['id']}")
    detail = refusal_detail(response)
    if response.status_code == 409 and any(
        problem.get("type") == "tax_id_registered" for problem in detail
    ):
        return render(
            request,
            "register/taken.html",
            status_code=409,
            tax_id=draft.answers.get("body.tax_id", ""),
        )
    if response.status_code in (403, 409, 422):
        draft.place(detail)
        draft.save(visitor)
        return see_other(draft.first_page_with_errors().path)
    raise service_unavailable()


def sent_summary(registration_id: str, draft: Draft) -> dict[str, Any]:
    """What the done page says of the registration just sent: who the designation names."""
    return {
        "registration_id": registration_id,
        "sent_at": datetime.now(UTC).isoformat(),
        "main": draft.answers.get("main.full_name") or None,
        "alternate": draft.answers.get("alternate.full_name") if draft.with_alternate else None,
    }


def due_day(value: Any) -> date:
    """The service's due day; the 503 page when it sent something else."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise service_unavailable()


@router.get("/register/done/{registration_id}", response_class=HTMLResponse)
def done_page(request: Request, registration_id: UUID, person: Applicant) -> HTMLResponse:
    """The form is sent: the day the designation is due, what it must say, where to upload it."""
    sent = Draft.of(visitor_of(request)).sent or {}
    ours = sent.get("registration_id") == str(registration_id)
    # Only for the one who sent it, the body's representatives and staff: anyone else's is 404.
    if not (ours or person.kind == "staff" or person.registration_id == registration_id):
        raise HTTPException(404)
    response = calls_of(request).get("registration", f"/registrations/{registration_id}", person)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code != 200:
        raise service_unavailable()
    registration = json_object(response)
    body = registration.get("body")
    return render(
        request,
        "register/done.html",
        registration_id=registration_id,
        due=due_day(registration.get("designation_due")),
        body_name=body.get("name") if isinstance(body, dict) else None,
        main_name=sent.get("main") if ours else None,
        alternate_name=sent.get("alternate") if ours else None,
    )
