"""A new representative named from "my body" (the alternate added later, or a successor): the
question page's answers between its pages, the service's request built from them, and where the
service's refusals go back to.

The fields and their texts are the registration form's (the alternate's section of the
service's `GET /registration-form`), so these pages ask exactly what the form asks. The draft
is kept in the session beside the registration form's, under its own key, as the answers typed
and the refusals as codes (shown in whatever language the reader switches to).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import Language
from services.gateway.registration_draft import MISSING, REPRESENTATIVE_PARTS, field_id, refusal
from services.gateway.registration_views import (
    AUTOCOMPLETE,
    FieldView,
    Row,
    error_text,
    options,
    shown_value,
    texts,
)
from services.gateway.sessions import Visitor

DRAFT_KEY: Final = "my_body"
"""The key of these pages' draft in the session's JSON (the registration form has the rest)."""
GENERAL: Final = ""
"""Where a refusal that names no field goes: the check page's summary."""
LANGUAGE: Final = "language"
ALWAYS_REQUIRED: Final = frozenset({LANGUAGE})
KINDS: Final = {
    "seniority": "radios",
    LANGUAGE: "radios",
    "seniority_justification": "textarea",
    "email": "email",
    "phone": "tel",
}


def described(part: str) -> str:
    """The name the registration form describes a representative's field by."""
    return f"alternate.{part}"


class NomineeDraft:
    """The answers about one new representative, for one purpose (`alternate`, `replace:<id>`)."""

    def __init__(self, purpose: str, stored: Mapping[str, Any] | None = None) -> None:
        stored = stored if stored and stored.get("purpose") == purpose else {}
        self.purpose = purpose
        self.answers: dict[str, str] = dict(stored.get("answers", {}))
        self.errors: dict[str, dict[str, Any]] = dict(stored.get("errors", {}))

    @classmethod
    def of(cls, visitor: Visitor, purpose: str) -> NomineeDraft:
        """The visitor's draft for `purpose` (empty when they last filled another one)."""
        return cls(purpose, visitor.draft.get(DRAFT_KEY))

    def save(self, visitor: Visitor) -> None:
        """Keep the draft in the session, leaving the registration form's draft as it is."""
        kept = {"purpose": self.purpose, "answers": self.answers, "errors": self.errors}
        visitor.save_draft({**visitor.draft, DRAFT_KEY: kept})

    def clear(self, visitor: Visitor) -> None:
        draft = visitor.draft
        draft.pop(DRAFT_KEY, None)
        visitor.save_draft(draft)

    @property
    def is_complete(self) -> bool:
        """Answered, with no refusal waiting: check your answers can be shown."""
        return bool(self.answers) and not self.errors

    def take(
        self,
        posted: Mapping[str, Any],
        form: RegistrationForm,
        refused: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        """Keep what the question page sent, and its own check of the required fields.

        `refused` holds the fields whose text broke the text rules (`posted.PostedTexts`).
        """
        for part in REPRESENTATIVE_PARTS:
            value = posted.get(part)
            self.answers[part] = value.strip() if isinstance(value, str) else ""
        self.errors = {
            part: refusal(MISSING) for part in REPRESENTATIVE_PARTS if self.missing(part, form)
        }
        refused = refused or {}
        self.errors.update(
            {part: refused[part] for part in REPRESENTATIVE_PARTS if part in refused}
        )

    def missing(self, part: str, form: RegistrationForm) -> bool:
        """A required field (by the registration form and its conditions) left empty."""
        if self.answers.get(part):
            return False
        if part in ALWAYS_REQUIRED:
            return True
        field = form.field(described(part))
        if field is None:
            return False
        condition = field.required_when
        conditional = condition is not None and (
            self.answers.get(condition.field.rsplit(".", 1)[-1]) == condition.value
        )
        return field.required or conditional

    def request_body(self) -> dict[str, str]:
        """The service's `RepresentativeCreate`: the answers given (the service judges them)."""
        body = {part: value for part, value in self.answers.items() if value}
        if body.get("seniority") != "equivalent":
            body.pop("seniority_justification", None)  # asked only for an equivalent level
        return body

    def place(self, detail: Iterable[Mapping[str, Any]]) -> None:
        """Put each refusal of the service's 422 on the field it names (the first one wins)."""
        for problem in detail:
            loc = [str(part) for part in problem.get("loc") or []]
            if loc[:1] == ["body"]:
                loc = loc[1:]
            part = loc[0] if loc and loc[0] in REPRESENTATIVE_PARTS else GENERAL
            ctx = problem.get("ctx")
            self.errors.setdefault(
                part, refusal(str(problem.get("type", "")), ctx if isinstance(ctx, dict) else {})
            )

    def general_error(self, form: RegistrationForm, language: Language) -> str | None:
        """A refusal of the whole request (a conflict), in `language`."""
        error = self.errors.get(GENERAL)
        return error_text(GENERAL, error, form, language) if error else None


def field_views(draft: NomineeDraft, form: RegistrationForm, language: Language) -> list[FieldView]:
    """The question page's fields, with the answers and refusals kept."""
    views = []
    for part in REPRESENTATIVE_PARTS:
        name = described(part)
        label, hint = texts(name, form, language)
        error = draft.errors.get(part)
        kind = KINDS.get(part, "text")
        value = draft.answers.get(part, "")
        if part == LANGUAGE and not value:
            value = language  # the language the page is read in, unless they choose another
        views.append(
            FieldView(
                name=part,
                kind=kind,  # type: ignore[arg-type]
                label=label,
                hint=hint,
                value=value,
                error=error_text(name, error, form, language) if error else None,
                options=options(name, form, language) if kind == "radios" else [],
                autocomplete=AUTOCOMPLETE.get(part),
                spellcheck=False if kind == "email" else None,
            )
        )
    return views


def check_rows(
    draft: NomineeDraft, form: RegistrationForm, language: Language, question_path: str
) -> list[Row]:
    """Check your answers: each answer with a link back to its field on the question page."""
    rows = []
    for view in field_views(draft, form, language):
        if (
            view.name == "seniority_justification"
            and draft.answers.get("seniority") != "equivalent"
        ):
            continue
        rows.append(
            Row(view.label, shown_value(view), f"{question_path}#{field_id(view.name)}", view.label)
        )
    return rows
