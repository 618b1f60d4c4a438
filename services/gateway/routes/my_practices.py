"""The members' practice pages: their body's good practices for the observatory, by status, a
new one, its form (OPSI's case form), its attachments, check your answers and sending it to
the innovation unit, the history with the unit's comments, and withdrawing it.

Every call goes to the observatory with the representative's own `member` token: the
observatory decides who may do what (only the active representatives of an active member
edit, send and withdraw; the body's other representative co-edits) and these pages say what
it answered. An edit carries the version its form was opened at: if the other representative
saved in between, nothing is overwritten unseen (409 `practice_changed`), the page says so and
shows what they saved.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.gateway import activity_forms
from services.gateway.calls import calls_of, read_items, service_unavailable
from services.gateway.i18n import N_, language_of, translate
from services.gateway.observatory_views import attachment_key
from services.gateway.posted import clean_text
from services.gateway.practice_calls import (
    STATUS_OK,
    Kept,
    attachment_response,
    practice_errors,
    practice_of,
    refusal_codes,
    render_practice,
    send,
)
from services.gateway.practice_form import (
    FACET_HINTS,
    FORM_FIELDS,
    HINTS,
    LANGUAGES,
    TEXTS,
    at_field,
    draft_request,
    form_values,
    parse_version,
    shown_languages,
)
from services.gateway.practice_labels import (
    FACET_NAMES,
    PRACTICE_LANGUAGE_NAMES,
    SECTOR_NAMES,
    STAGE_NAMES,
    choices,
)
from services.gateway.practice_views import PracticeLine, PracticeView, content_parts
from services.gateway.rate_limits import SubmitLimit
from services.gateway.refusals import FormErrors, message_for
from services.gateway.sessions import Representative, SignedIn, visitor_of

router = APIRouter(include_in_schema=False)

BASE: Final = "/my-body/practices"
LIST_SIZE: Final = 100
"""A body's practices on its list page, at most (a body shares a handful)."""
GROUPS: Final = (
    ("draft", N_("Drafts")),
    ("changes_requested", N_("Returned to you with the innovation unit's comments")),
    ("submitted", N_("Sent for review, waiting for the unit")),
    ("published", N_("Published in the catalogue")),
    ("rejected", N_("Declined by the innovation unit")),
    ("withdrawn", N_("Withdrawn by your body")),
    ("archived", N_("Taken out of the catalogue")),
)
SUBMISSION: Final = Kept("practice_submission")
WITHDRAWAL: Final = Kept("practice_withdrawal")
REASON_REQUIRED: Final = N_("Enter why your body withdraws the practice")
CHANGED_MEANWHILE: Final = N_(
    "Your body's other representative saved the practice after you opened this page, so your "
    "changes were not saved. Below the form is the practice as they saved it (version "
    "%(version)s); the form keeps what you typed. Check it against theirs and save again."
)
CHANGED_BEFORE_SENDING: Final = N_(
    "The practice was changed after you opened this page, so it was not sent. Check it as it "
    "is now and send it again."
)
NOT_EDITABLE: Final = N_(
    "The practice can be changed only while it is a draft or returned to you for changes."
)
NO_LONGER_YOURS: Final = N_(
    "You can no longer edit or send this practice: only the current representatives of an "
    "active member body do."
)
"""A representative who left, or whose body is no longer an active member (403)."""
NOT_MEMBER_NOW: Final = N_(
    "Only the representatives of an active member body share practices, and your body is not "
    "one now, so the practice was not saved."
)
NOTHING_SAVED: Final = N_("Nothing was saved: what you typed is below, so you can copy it.")
FORM_UNREAD: Final = N_(
    "The form could not be read, so your changes were not saved. The form below keeps what you "
    "typed, with the practice as it is now: save it again."
)
"""A form whose version is not one a page of the gateway wrote (tampered with)."""
FILE_REQUIRED: Final = N_("Choose an image (PNG, JPEG, WebP) or a PDF file")
NOT_A_FILE_TAKEN: Final = N_("The file must be an image (PNG, JPEG, WebP) or a PDF")


def path_of(practice_id: UUID, tail: str = "") -> str:
    return f"{BASE}/{practice_id}{tail}"


def _form_context(request: Request) -> dict[str, Any]:
    language = language_of(request)
    return {
        "texts": TEXTS,
        "hints": HINTS,
        "language_choices": choices(language, PRACTICE_LANGUAGE_NAMES),
        "stage_choices": choices(language, STAGE_NAMES),
        "facet_choices": [
            (value, name, translate(language, FACET_HINTS[value]))
            for value, name in choices(language, FACET_NAMES)
        ],
        "sector_choices": choices(language, SECTOR_NAMES),
    }


def form_page(
    request: Request,
    practice: PracticeView | None,
    values: dict[str, Any],
    errors: FormErrors | None,
    status_code: int = 200,
    *,
    version: int | None = None,
    theirs: PracticeView | None = None,
    saved: bool = False,
) -> HTMLResponse:
    """The practice's form: new (`practice` None) or the practice's, with what was typed."""
    language = language_of(request)
    # A refused value (a NUL, a bidirectional control) is posted back as nothing at all.
    values = {
        **{name: value for name, value in values.items() if value is not None},
        "languages": activity_forms.as_list(values.get("languages")),
        "facets": activity_forms.as_list(values.get("facets")),
    }
    return render_practice(
        request,
        "practices/form.html",
        status_code=status_code,
        practice=practice,
        values=values,
        errors=errors,
        shown=shown_languages(values),
        version=version if version is not None else (practice.version if practice else 0),
        theirs_parts=content_parts(theirs.draft, language) if theirs else None,
        saved=saved,
        **_form_context(request),
    )


def not_editable(request: Request, practice: PracticeView) -> HTMLResponse:
    """The practice's page, saying it can no longer be changed: by anyone in its status (409),
    or by this representative, who left or whose body is no longer a member (403)."""
    errors = FormErrors()
    if practice.editable and not practice.can_edit:
        errors.add("", translate(language_of(request), NO_LONGER_YOURS))
        return practice_page(request, practice, errors, 403)
    errors.add("", translate(language_of(request), NOT_EDITABLE))
    return practice_page(request, practice, errors, 409)


def no_longer_yours(
    request: Request, practice: PracticeView | None, values: dict[str, Any]
) -> HTMLResponse:
    """The form again with what was typed (403), saying the representative may not save it:
    nothing typed is lost on a refusal."""
    language = language_of(request)
    errors = FormErrors()
    errors.add("", translate(language, NO_LONGER_YOURS if practice else NOT_MEMBER_NOW))
    errors.add("", translate(language, NOTHING_SAVED))
    return form_page(request, practice, values, errors, 403)


def is_member(request: Request, person: SignedIn) -> bool:
    """Whether the observatory takes `person` as an active member's representative now (it
    answers the body's list; 403 `not_active_member` otherwise)."""
    response = calls_of(request).get("observatory", "/practices", person, params={"page_size": 1})
    if response.status_code == 403:
        return False
    if response.status_code != 200:
        raise service_unavailable()
    return True


def not_member_page(request: Request) -> HTMLResponse:
    """Only active members share practices: what to do instead (403)."""
    return render_practice(request, "practices/not_member.html", status_code=403)


# The list.


@router.get(BASE, response_class=HTMLResponse)
def practices(request: Request, person: Representative) -> HTMLResponse:
    """The body's practices, grouped by status; the unit's comments on those returned."""
    response = calls_of(request).get(
        "observatory", "/practices", person, params={"page_size": LIST_SIZE}
    )
    if response.status_code == 403:
        return not_member_page(request)
    if response.status_code != 200:
        raise service_unavailable()
    lines, total = read_items(response, PracticeLine)
    grouped = {status: [line for line in lines if line.status == status] for status, _ in GROUPS}
    # The changes asked for are in each practice's history (a body has few returned at once).
    comments = {
        line.practice_id: practice_of(request, person, line.practice_id).latest_comment()
        for line in grouped["changes_requested"]
    }
    return render_practice(
        request,
        "practices/list.html",
        groups=[(status, title, grouped[status]) for status, title in GROUPS],
        total=total,
        comments=comments,
    )


# A new practice, and its form.


@router.get(f"{BASE}/new", response_class=HTMLResponse)
def new_practice(request: Request, person: Representative) -> HTMLResponse:
    """The form, empty, in Greek to start with; for an active member's representative only."""
    if not is_member(request, person):
        return not_member_page(request)
    return form_page(request, None, {"languages": ["el"]}, None)


Posted = Annotated[
    tuple[dict[str, Any], dict[str, dict[str, Any]]], Depends(activity_forms.posted_form)
]
"""The posted form: its values (a repeated field as a list) and the text rules' refusals."""


def typed_errors(
    request: Request, problems: dict[str, str], refused: dict[str, dict[str, Any]]
) -> FormErrors:
    """The gateway's own problems (msgids) and the text rules' refusals, in the form's order."""
    language = language_of(request)
    errors = FormErrors()
    for name, problem in refused.items():
        message = message_for(problem["type"], problem["ctx"], language)
        errors.add(name, at_field(name, message, language))
    for name, msgid in problems.items():
        errors.add(name, at_field(name, translate(language, msgid), language))
    return errors.ordered(FORM_FIELDS)


@router.post(f"{BASE}/new", response_class=HTMLResponse, dependencies=[SubmitLimit])
def create_practice(request: Request, person: Representative, posted: Posted) -> Response:
    """Start the practice with what the form holds: a draft, saved in the observatory."""
    values, refused = posted
    body, problems = draft_request(values)
    if problems or refused:
        return form_page(request, None, values, typed_errors(request, problems, refused), 422)
    response = send(request, person, "POST", "/practices", json=body)
    if response.status_code == 403:
        return no_longer_yours(request, None, values)
    if response.status_code in STATUS_OK:
        created = response.json()
        practice_id = UUID(str(created.get("practice_id")))
        then = "/check" if values.get("action") == "check" else "/edit?saved=1"
        return RedirectResponse(path_of(practice_id, then), 303)
    errors = practice_errors(response, language_of(request))
    return form_page(request, None, values, errors, 422)


@router.get(f"{BASE}/{{practice_id}}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, practice_id: UUID, person: Representative, saved: bool = False
) -> HTMLResponse:
    """The form with the practice as saved."""
    practice = practice_of(request, person, practice_id)
    if not practice.can_edit:
        return not_editable(request, practice)
    values = form_values(practice.draft.model_dump())
    return form_page(request, practice, values, None, saved=saved)


@router.post(
    f"{BASE}/{{practice_id}}/edit", response_class=HTMLResponse, dependencies=[SubmitLimit]
)
def save_practice(
    request: Request, practice_id: UUID, person: Representative, posted: Posted
) -> Response:
    """Save the draft at the version the form was opened at; then the form or the check."""
    values, refused = posted
    practice = practice_of(request, person, practice_id)
    version = parse_version(values.get("version"))
    body, problems = draft_request(values)
    if version is None:
        errors = typed_errors(request, problems, refused)
        errors.add("", translate(language_of(request), FORM_UNREAD))
        return form_page(request, practice, values, errors.ordered(FORM_FIELDS), 422)
    if problems or refused:
        errors = typed_errors(request, problems, refused)
        return form_page(request, practice, values, errors, 422, version=version)
    response = send(
        request, person, "PUT", f"/practices/{practice_id}", json={**body, "version": version}
    )
    if response.status_code == 403:
        return no_longer_yours(request, practice, values)
    if response.status_code in STATUS_OK:
        then = "/check" if values.get("action") == "check" else "/edit?saved=1"
        return RedirectResponse(path_of(practice_id, then), 303)
    codes = refusal_codes(response)
    language = language_of(request)
    if "practice_changed" in codes:
        current = practice_of(request, person, practice_id)
        errors = FormErrors()
        errors.add("", translate(language, CHANGED_MEANWHILE, version=current.version))
        return form_page(
            request, current, values, errors, 409, version=current.version, theirs=current
        )
    if "practice_not_editable" in codes:
        return not_editable(request, practice_of(request, person, practice_id))
    errors = practice_errors(response, language)
    return form_page(request, practice, values, errors, 422, version=version)


# The practice's page.


def practice_page(
    request: Request,
    practice: PracticeView,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    language = language_of(request)
    return render_practice(
        request,
        "practices/page.html",
        status_code=status_code,
        practice=practice,
        parts_of_it=content_parts(practice.draft, language),
        errors=errors,
    )


@router.get(f"{BASE}/{{practice_id}}", response_class=HTMLResponse)
def practice(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    """The practice as it stands: status, the unit's comments, content, attachments, history."""
    return practice_page(request, practice_of(request, person, practice_id))


# Attachments.


def attachments_page(
    request: Request,
    practice: PracticeView,
    errors: FormErrors | None = None,
    status_code: int = 200,
    caption: str = "",
) -> HTMLResponse:
    return render_practice(
        request,
        "practices/attachments.html",
        status_code=status_code,
        practice=practice,
        errors=errors,
        caption=caption,
    )


@router.get(f"{BASE}/{{practice_id}}/attachments", response_class=HTMLResponse)
def attachments(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    """The practice's images and PDFs, a file to add, and a button to remove each."""
    practice = practice_of(request, person, practice_id)
    return attachments_page(request, practice)


@router.post(
    f"{BASE}/{{practice_id}}/attachments", response_class=HTMLResponse, dependencies=[SubmitLimit]
)
def add_attachment(
    request: Request,
    practice_id: UUID,
    person: Representative,
    caption: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Send the file (and its caption) to the observatory, which checks and cleans it."""
    language = language_of(request)
    practice = practice_of(request, person, practice_id)
    if not practice.can_edit:  # the page again, the caption as typed, saying why
        refused = FormErrors()
        refused.add("", translate(language, NO_LONGER_YOURS if practice.editable else NOT_EDITABLE))
        return attachments_page(
            request, practice, refused, 403 if practice.editable else 409, caption
        )
    caption, problem = clean_text("caption", caption)
    # A plain `def` route runs in the thread pool: the spooled file is read off the event loop.
    content = file.file.read() if file is not None and file.filename else b""
    errors = FormErrors()
    if problem is not None:
        errors.add("caption", message_for(problem["type"], problem["ctx"], language))
    if not content:
        errors.add("file", translate(language, FILE_REQUIRED))
    if errors:
        return attachments_page(
            request, practice, errors.ordered(("file", "caption")), 422, caption
        )
    filename = file.filename if file is not None and file.filename else "attachment"
    media_type = file.content_type if file is not None and file.content_type else None
    response = send(
        request,
        person,
        "POST",
        f"/practices/{practice_id}/attachments",
        data={"caption": caption} if caption else {},
        files={"file": (filename, content, media_type or "application/octet-stream")},
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(practice_id, "/attachments?added=1"), 303)
    if response.status_code == 403:
        found = FormErrors()
        found.add("", translate(language, NO_LONGER_YOURS))
        return attachments_page(request, practice, found, 403, caption)
    refused = practice_errors(response, language, default_field="file")
    found = FormErrors()
    for name, message in refused.summary:
        found.add(name if name == "caption" else "file", message)
    if "unsupported_media_type" in refusal_codes(response):
        # The code's text speaks of a designation: an attachment's own words instead.
        found = FormErrors([(n, m) for n, m in found.summary if n != "file"])
        found.add("file", translate(language, NOT_A_FILE_TAKEN))
    return attachments_page(request, practice, found, 422, caption)


@router.post(
    f"{BASE}/{{practice_id}}/attachments/{{sha256}}/remove",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def remove_attachment(
    request: Request, practice_id: UUID, sha256: str, person: Representative
) -> Response:
    path = f"/practices/{practice_id}/attachments/{attachment_key(sha256)}"
    response = send(request, person, "DELETE", path)
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(practice_id, "/attachments?removed=1"), 303)
    practice = practice_of(request, person, practice_id)
    if response.status_code == 403:
        errors = FormErrors()
        errors.add("", translate(language_of(request), NO_LONGER_YOURS))
        return attachments_page(request, practice, errors, 403)
    return attachments_page(request, practice, practice_errors(response, language_of(request)), 409)


@router.get(f"{BASE}/{{practice_id}}/attachments/{{sha256}}")
def attachment_file(
    request: Request, practice_id: UUID, sha256: str, person: Representative
) -> Response:
    """An attachment's bytes, as a download."""
    return attachment_download(request, person, practice_id, attachment_key(sha256))


def attachment_download(
    request: Request, person: SignedIn, practice_id: UUID, sha256: str
) -> Response:
    practice = practice_of(request, person, practice_id)
    found = next((a for a in practice.attachments if a.sha256 == sha256), None)
    if found is None:
        raise HTTPException(404)
    response = calls_of(request).get(
        "observatory", f"/practices/{practice_id}/attachments/{sha256}", person
    )
    if response.status_code in (403, 404):
        raise HTTPException(404)
    if response.status_code != 200:
        raise service_unavailable()
    return attachment_response(response, found.filename)


# Check your answers, and send it.


def check_page(
    request: Request,
    practice: PracticeView,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The practice's content with a change link at each field; what it still needs; Send."""
    language = language_of(request)
    SUBMISSION.keep(
        visitor_of(request),
        {"practice_id": str(practice.practice_id), "version": practice.version},
    )
    return render_practice(
        request,
        "practices/check.html",
        status_code=status_code,
        practice=practice,
        parts_of_it=content_parts(
            practice.draft, language, change=path_of(practice.practice_id, "/edit")
        ),
        missing=practice.missing_fields(),
        errors=errors,
    )


@router.get(f"{BASE}/{{practice_id}}/check", response_class=HTMLResponse)
def check(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    practice = practice_of(request, person, practice_id)
    if not practice.can_edit:
        return not_editable(request, practice)
    return check_page(request, practice)


@router.post(
    f"{BASE}/{{practice_id}}/check", response_class=HTMLResponse, dependencies=[SubmitLimit]
)
def submit(request: Request, practice_id: UUID, person: Representative) -> Response:
    """Send the practice as the check page showed it (its version) to the innovation unit."""
    visitor = visitor_of(request)
    kept = SUBMISSION.claim(visitor, practice_id=str(practice_id))
    if kept is None:  # sent already by this page (twice), or never checked: its page says
        return RedirectResponse(path_of(practice_id), 303)
    response = send(
        request,
        person,
        "POST",
        f"/practices/{practice_id}/submit",
        json={"version": parse_version(str(kept.get("version"))) or 0},
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(practice_id, "/sent"), 303)
    language = language_of(request)
    codes = refusal_codes(response)
    practice = practice_of(request, person, practice_id)
    if response.status_code == 403:
        errors = FormErrors()
        errors.add("", translate(language, NO_LONGER_YOURS))
        return practice_page(request, practice, errors, 403)
    if "practice_incomplete" in codes:
        # What it still needs, each at its field of the form.
        values = form_values(practice.draft.model_dump())
        return form_page(request, practice, values, practice_errors(response, language), 422)
    if "practice_changed" in codes and practice.can_edit:
        errors = FormErrors()
        errors.add("", translate(language, CHANGED_BEFORE_SENDING))
        return check_page(request, practice, errors, 409)
    return not_editable(request, practice)


@router.get(f"{BASE}/{{practice_id}}/sent", response_class=HTMLResponse)
def sent(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    """The confirmation: the practice is with the innovation unit."""
    return render_practice(
        request, "practices/sent.html", practice=practice_of(request, person, practice_id)
    )


# Withdraw.


def withdraw_question(
    request: Request,
    practice: PracticeView,
    reason: str,
    errors: FormErrors | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_practice(
        request,
        "practices/withdraw.html",
        status_code=status_code,
        practice=practice,
        reason=reason,
        errors=errors,
    )


def withdrawable(request: Request, person: SignedIn, practice_id: UUID) -> PracticeView:
    practice = practice_of(request, person, practice_id)
    if not practice.withdrawable:
        raise HTTPException(404)
    return practice


@router.get(f"{BASE}/{{practice_id}}/withdraw", response_class=HTMLResponse)
def withdraw_page(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    """Why the body withdraws the practice (the innovation unit reads it)."""
    practice = withdrawable(request, person, practice_id)
    kept = WITHDRAWAL.read(visitor_of(request), practice_id=str(practice_id)) or {}
    return withdraw_question(request, practice, str(kept.get("reason", "")), None)


@router.post(
    f"{BASE}/{{practice_id}}/withdraw", response_class=HTMLResponse, dependencies=[SubmitLimit]
)
def take_withdrawal(
    request: Request, practice_id: UUID, person: Representative, posted: Posted
) -> Response:
    values, refused = posted
    reason = activity_forms.as_text(values.get("reason"))
    language = language_of(request)
    errors = FormErrors()
    if "reason" in refused:
        errors.add(
            "reason", message_for(refused["reason"]["type"], refused["reason"]["ctx"], language)
        )
    elif not reason:
        errors.add("reason", translate(language, REASON_REQUIRED))
    if errors:
        practice = withdrawable(request, person, practice_id)
        return withdraw_question(request, practice, reason, errors, 422)
    WITHDRAWAL.keep(visitor_of(request), {"practice_id": str(practice_id), "reason": reason})
    return RedirectResponse(path_of(practice_id, "/withdraw/check"), 303)


def withdraw_check_page(
    request: Request,
    practice: PracticeView,
    reason: str,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render_practice(
        request,
        "practices/withdraw_check.html",
        status_code=status_code,
        practice=practice,
        reason=reason,
        errors=errors,
    )


@router.get(f"{BASE}/{{practice_id}}/withdraw/check", response_class=HTMLResponse)
def withdraw_check(request: Request, practice_id: UUID, person: Representative) -> Response:
    kept = WITHDRAWAL.read(visitor_of(request), practice_id=str(practice_id))
    if kept is None or not kept.get("reason"):
        return RedirectResponse(path_of(practice_id, "/withdraw"), 303)
    practice = withdrawable(request, person, practice_id)
    return withdraw_check_page(request, practice, str(kept["reason"]))


@router.post(
    f"{BASE}/{{practice_id}}/withdraw/check",
    response_class=HTMLResponse,
    dependencies=[SubmitLimit],
)
def withdraw(request: Request, practice_id: UUID, person: Representative) -> Response:
    """Withdraw the practice with the reason checked, once."""
    visitor = visitor_of(request)
    kept = WITHDRAWAL.claim(visitor, practice_id=str(practice_id))
    if kept is None or not kept.get("reason"):
        return RedirectResponse(path_of(practice_id), 303)
    reason = str(kept["reason"])
    response = send(
        request, person, "POST", f"/practices/{practice_id}/withdraw", json={"reason": reason}
    )
    if response.status_code in STATUS_OK:
        return RedirectResponse(path_of(practice_id, "/withdraw/done"), 303)
    WITHDRAWAL.keep(visitor, kept)  # put back, for the page showing the refusal
    practice = practice_of(request, person, practice_id)
    if response.status_code == 403:
        errors = FormErrors()
        errors.add("", translate(language_of(request), NO_LONGER_YOURS))
        return withdraw_check_page(request, practice, reason, errors, 403)
    errors = practice_errors(response, language_of(request), default_field="")
    if errors.get("reason") is not None:
        return withdraw_question(request, practice, reason, errors, 422)
    return withdraw_check_page(request, practice, reason, errors, response.status_code)


@router.get(f"{BASE}/{{practice_id}}/withdraw/done", response_class=HTMLResponse)
def withdrawn(request: Request, practice_id: UUID, person: Representative) -> HTMLResponse:
    practice = practice_of(request, person, practice_id)
    return render_practice(request, "practices/withdrawn.html", practice=practice)


__all__ = ["LANGUAGES", "attachment_download", "router"]
