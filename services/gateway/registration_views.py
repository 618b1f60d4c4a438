"""What the registration pages show: each field of a question page and each row of the check page,
in the reader's language, with the texts of the service's form and the draft's answers and errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import LANGUAGE_NAMES, N_, Language, translate
from services.gateway.refusals import message_for
from services.gateway.registration_draft import (
    CONSENT,
    GENERAL,
    HAS_ALTERNATE,
    MISSING,
    NO,
    PAGE,
    SUBMITTED_BY,
    YES,
    Draft,
    PageKey,
    QuestionPage,
    field_id,
)

Kind = Literal["text", "email", "tel", "url", "textarea", "radios", "checkbox", "fixed"]

AUTOCOMPLETE: Final = {
    "body.name": "organization",
    "body.website": "url",
    "full_name": "name",
    "position_title": "organization-title",
    "email": "email",
    "phone": "tel",
}
"""The HTML autocomplete token of a field (by its name, or its last part for a representative)."""

OWN_FIELDS: Final = {
    "language": (
        N_("Language of the network's emails"),
        N_("The network writes to this representative in this language."),
    ),
    HAS_ALTERNATE: (
        N_("Does the body appoint an alternate representative now?"),
        N_(
            "The alternate stands in for the main representative. You can also add the "
            "alternate later, from your body's page."
        ),
    ),
}
"""The texts of the questions the service's form does not describe (label, hint)."""

QUESTIONS: Final = {
    SUBMITTED_BY: N_("Are you the main or the alternate representative?"),
}
"""The gateway's own wording of a question the service's form labels as a statement."""

SHORT_KEYS: Final = {
    SUBMITTED_BY: N_("You are"),
    HAS_ALTERNATE: N_("Appointed now"),
}
"""What check your answers calls a question, where the question itself is long."""

MISSING_BY_NAME: Final = {
    SUBMITTED_BY: N_("Choose whether you are the main or the alternate representative"),
    HAS_ALTERNATE: N_("Choose whether the body appoints an alternate representative now"),
    "language": N_("Choose the language of the network's emails"),
}
"""The texts of a required answer left out, for the gateway's own questions."""

MISSING_TEXT: Final = {
    "radios": N_("Choose an answer for “%(label)s”"),
    "checkbox": N_("Tick the box to confirm and agree"),
}
MISSING_TEXT_DEFAULT: Final = N_("Fill in “%(label)s”")


@dataclass(frozen=True)
class FieldView:
    """One field of a question page, ready for the form macros."""

    name: str
    kind: Kind
    label: str
    hint: str = ""
    value: str = ""
    error: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    autocomplete: str | None = None
    width: int | None = None
    spellcheck: bool | None = None

    @property
    def id(self) -> str:
        return field_id(self.name)


def _kind(name: str, form: RegistrationForm) -> Kind:
    part = name.rsplit(".", 1)[-1]
    if part == "language" or name in (HAS_ALTERNATE, SUBMITTED_BY):
        return "radios"
    if name == CONSENT:
        return "checkbox"
    described = form.field(name)
    if described is None:
        return "text"
    if described.type == "choice":
        return "radios"
    if described.multiline:
        return "textarea"
    if described.type in ("email", "tel", "url"):
        return described.type  # type: ignore[return-value]
    return "text"


def texts(name: str, form: RegistrationForm, language: Language) -> tuple[str, str]:
    """A field's label and hint: the service's form's, else the gateway's own."""
    described = form.field(name)
    if described is not None:
        label, hint = described.label(language), described.help(language)
    else:
        own = OWN_FIELDS.get(name.rsplit(".", 1)[-1], OWN_FIELDS.get(name, (name, "")))
        label, hint = translate(language, own[0]), translate(language, own[1])
    if name in QUESTIONS:
        label = translate(language, QUESTIONS[name])
    return label, hint


def options(name: str, form: RegistrationForm, language: Language) -> list[tuple[str, str]]:
    """A closed question's choices as (value, label)."""
    described = form.field(name)
    if described is not None and described.choices:
        return described.options(language)
    if name.endswith(".language"):
        return list(LANGUAGE_NAMES.items())  # each language named in itself
    if name == HAS_ALTERNATE:
        return [(YES, translate(language, N_("Yes"))), (NO, translate(language, N_("No")))]
    return []


def error_text(name: str, error: dict[str, Any], form: RegistrationForm, language: Language) -> str:
    """A refusal kept in the draft, as the page says it in `language`."""
    code = str(error.get("type", ""))
    if code == MISSING and name:
        specific = MISSING_BY_NAME.get(name, MISSING_BY_NAME.get(name.rsplit(".", 1)[-1]))
        if specific is not None:
            return translate(language, specific)
        label, _hint = texts(name, form, language)
        template = MISSING_TEXT.get(_kind(name, form), MISSING_TEXT_DEFAULT)
        return translate(language, template, label=label)
    return message_for(code, error.get("ctx"), language)


def field_view(
    name: str, draft: Draft, form: RegistrationForm, language: Language, email: str
) -> FieldView:
    """One field as its page shows it: the answer kept, or the proved email for one's own."""
    label, hint = texts(name, form, language)
    error = draft.errors.get(name)
    kind = _kind(name, form)
    value = draft.answers.get(name, "")
    if name == draft.fixed_email():
        kind, value = "fixed", email
    elif kind == "radios" and name.endswith(".language") and not value:
        value = language  # the language the form is filled in, unless they choose another
    if name == SUBMITTED_BY:
        mine = N_("The email you signed in with, %(email)s, is that representative's email.")
        hint = f"{hint} {translate(language, mine, email=email)}".strip()
    part = name.rsplit(".", 1)[-1]
    return FieldView(
        name=name,
        kind=kind,
        label=label,
        hint=hint,
        value=value,
        error=error_text(name, error, form, language) if error else None,
        options=options(name, form, language) if kind == "radios" else [],
        autocomplete=AUTOCOMPLETE.get(name, AUTOCOMPLETE.get(part)),
        width=10 if name == "body.tax_id" else None,
        spellcheck=False if kind in ("email", "url") or name == "body.tax_id" else None,
    )


def page_fields(
    page: QuestionPage, draft: Draft, form: RegistrationForm, language: Language, email: str
) -> list[FieldView]:
    """Every field of the page, in order."""
    return [field_view(name, draft, form, language, email) for name in page.fields]


def summary(fields: Iterable[FieldView]) -> list[tuple[str, str]]:
    """A page's errors for the error summary: (field name, message)."""
    return [(f.name, f.error) for f in fields if f.error]


@dataclass(frozen=True)
class Row:
    """One row of check your answers."""

    key: str
    value: str | list[str]
    href: str | None = None
    change: str = ""


def shown_value(view: FieldView) -> str:
    """An answer as check your answers shows it: a choice by its label."""
    if view.kind == "radios":
        return dict(view.options).get(view.value, view.value)
    return view.value


def page_rows(
    page: QuestionPage, draft: Draft, form: RegistrationForm, language: Language, email: str
) -> list[Row]:
    """The answers of one page, each with a link back to its field."""
    rows = []
    for view in page_fields(page, draft, form, language, email):
        if view.kind == "fixed":
            note = translate(language, N_("the email you signed in with"))
            rows.append(Row(view.label, [view.value, f"({note})"]))
            continue
        if view.name.endswith(".seniority_justification") and not view.value:
            continue  # asked only for an equivalent level
        key = translate(language, SHORT_KEYS[view.name]) if view.name in SHORT_KEYS else view.label
        rows.append(Row(key, shown_value(view), f"{page.path}#{view.id}", view.label))
    return rows


@dataclass(frozen=True)
class CheckSection:
    """A heading of check your answers and its rows."""

    title: str
    rows: list[Row]


def check_sections(
    draft: Draft, form: RegistrationForm, language: Language, email: str
) -> list[CheckSection]:
    """Everything answered, page by page, in the journey's order."""
    titles = {section.key: section.title(language) for section in form.sections}

    def rows(key: PageKey) -> list[Row]:
        return page_rows(PAGE[key], draft, form, language, email)

    sections = [
        CheckSection(translate(language, N_("Who fills in the form")), rows("role")),
        CheckSection(titles.get("body", ""), rows("body")),
        CheckSection(titles.get("main", ""), rows("main")),
    ]
    alternate: list[Row] = []
    if draft.role != "alternate":
        alternate += rows("alternate")  # whether there is one: asked of the main only
    if draft.with_alternate:
        alternate += rows("alternate_details")
    sections.append(CheckSection(titles.get("alternate", ""), alternate))
    return sections


@dataclass(frozen=True)
class Problem:
    """An error of the whole form, for the check page's summary: where to fix it."""

    message: str
    href: str | None


def all_problems(draft: Draft, form: RegistrationForm, language: Language) -> list[Problem]:
    """Every refusal waiting in the draft, with a link to its page and field."""
    problems = []
    for page in draft.needed_pages():
        for name, error in draft.page_errors(page):
            href = f"#{field_id(name)}" if page.key == "check" else f"{page.path}#{field_id(name)}"
            problems.append(Problem(error_text(name, error, form, language), href))
    general = draft.errors.get(GENERAL)
    if general:
        problems.insert(0, Problem(error_text("", general, form, language), None))
    return problems
