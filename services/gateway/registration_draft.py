"""The registration form between its question pages: what each page asks, what the draft holds,
the service's request built from it, and where each of the service's refusals goes back to.

The rules of the form are the registration service's: which fields are required comes from its
form (`GET /registration-form`), everything else from its 422 at submit, which `place` puts back
on the page and field it names. The draft is plain JSON in the session: the answers as typed
(strings, keyed by the API's dotted names) and the refusals as codes with their parameters, so
they are shown in whatever language the reader switches to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from services.gateway.form_fields import RegistrationForm
from services.gateway.sessions import Visitor

PageKey = Literal["role", "body", "main", "alternate", "alternate_details", "check"]
Role = Literal["main", "alternate"]

DRAFT_KEY: Final = "register"
"""The key of the registration form's draft in the session's JSON."""
MISSING: Final = "missing"
"""Pydantic's code for a required field left out: the page's own check uses it too."""
GENERAL: Final = ""
"""Where a refusal that names no field of the form goes: the check page's summary."""

HAS_ALTERNATE: Final = "has_alternate"
"""The gateway's own question: whether the body appoints an alternate now."""
SUBMITTED_BY: Final = "submitted_by"
CONSENT: Final = "consent"
YES: Final = "yes"
NO: Final = "no"

BODY_FIELDS: Final = ("body.name", "body.tax_id", "body.level", "body.parent", "body.website")
REPRESENTATIVE_PARTS: Final = (
    "full_name",
    "position_title",
    "unit",
    "seniority",
    "seniority_justification",
    "email",
    "phone",
    "language",
)


def representative_fields(role: Role) -> tuple[str, ...]:
    """The dotted names of one representative's fields, in the form's order."""
    return tuple(f"{role}.{part}" for part in REPRESENTATIVE_PARTS)


@dataclass(frozen=True)
class QuestionPage:
    """One page of the journey and the fields it asks."""

    key: PageKey
    path: str
    fields: tuple[str, ...]


PAGES: Final = (
    QuestionPage("role", "/register/role", (SUBMITTED_BY,)),
    QuestionPage("body", "/register/body", BODY_FIELDS),
    QuestionPage("main", "/register/main", representative_fields("main")),
    QuestionPage("alternate", "/register/alternate", (HAS_ALTERNATE,)),
    QuestionPage(
        "alternate_details", "/register/alternate/details", representative_fields("alternate")
    ),
    QuestionPage("check", "/register/check", (CONSENT,)),
)
"""The journey in order; `Draft.needed_pages` leaves out the ones the answers make moot."""

PAGE: Final = {page.key: page for page in PAGES}
PAGE_OF_FIELD: Final = {name: page for page in PAGES for name in page.fields}

ALWAYS_REQUIRED: Final = frozenset({SUBMITTED_BY, HAS_ALTERNATE, CONSENT})
"""The questions that are required whatever the service's form says about optional fields."""


def field_id(name: str) -> str:
    """A field's HTML id, as `macros/forms.html` writes it: `main.full_name` → `main-full-name`."""
    return name.replace(".", "-").replace("_", "-")


def refusal(code: str, ctx: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A refusal as the draft keeps it: its stable code and parameters."""
    return {"type": code, "ctx": dict(ctx or {})}


class Draft:
    """The answers so far, the refusals waiting on their pages, and how far the person got."""

    def __init__(self, stored: Mapping[str, Any] | None = None) -> None:
        stored = stored or {}
        self.answers: dict[str, str] = dict(stored.get("answers", {}))
        self.errors: dict[str, dict[str, Any]] = dict(stored.get("errors", {}))
        self.reached_check: bool = bool(stored.get("reached_check", False))
        self.sent: dict[str, Any] | None = stored.get("sent")

    @classmethod
    def of(cls, visitor: Visitor) -> Draft:
        """The registration form's draft in the visitor's session (empty when none)."""
        return cls(visitor.draft.get(DRAFT_KEY))

    def save(self, visitor: Visitor) -> None:
        """Keep the draft in the session, beside the other pages' drafts."""
        visitor.save_draft({**visitor.draft, DRAFT_KEY: self.stored()})

    def stored(self) -> dict[str, Any]:
        """The draft as the session keeps it (JSON)."""
        return {
            "answers": self.answers,
            "errors": self.errors,
            "reached_check": self.reached_check,
            "sent": self.sent,
        }

    def start_again(self, sent: dict[str, Any] | None = None) -> None:
        """An empty form; `sent` remembers the registration just sent, for its done page."""
        self.answers, self.errors, self.reached_check, self.sent = {}, {}, False, sent

    @property
    def is_empty(self) -> bool:
        return not any(self.answers.values())

    @property
    def role(self) -> Role | None:
        """Which representative the signed-in person is, once they said."""
        chosen = self.answers.get(SUBMITTED_BY)
        return chosen if chosen in ("main", "alternate") else None  # type: ignore[return-value]

    @property
    def with_alternate(self) -> bool:
        """Whether the form names an alternate: always when the alternate fills it in."""
        return self.role == "alternate" or self.answers.get(HAS_ALTERNATE) == YES

    def fixed_email(self) -> str | None:
        """The field holding the signed-in person's own email: proved, so not typed."""
        return f"{self.role}.email" if self.role else None

    def needed_pages(self) -> tuple[QuestionPage, ...]:
        """The pages the answers call for, in order."""
        pages = []
        for page in PAGES:
            if page.key == "alternate" and self.role == "alternate":
                continue  # the alternate fills the form: there is an alternate
            if page.key == "alternate_details" and not self.with_alternate:
                continue
            pages.append(page)
        return tuple(pages)

    def asked(self, page: QuestionPage) -> tuple[str, ...]:
        """The fields the page asks: all but the signed-in person's own email."""
        return tuple(name for name in page.fields if name != self.fixed_email())

    # Answers.

    def take(
        self,
        page: QuestionPage,
        posted: Mapping[str, str],
        form: RegistrationForm,
        refused: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        """Keep what the page sent, and the page's own check of its required fields.

        `refused` holds the fields whose text broke the text rules (`posted.PostedTexts`).
        """
        for name in self.asked(page):
            value = posted.get(name)
            self.answers[name] = value if isinstance(value, str) else ""
        for name in page.fields:
            self.errors.pop(name, None)
        if page.key == "check":
            self.errors.pop(GENERAL, None)
        self.errors.update(self.missing(page, form))
        refused = refused or {}
        self.errors.update({name: refused[name] for name in self.asked(page) if name in refused})

    def missing(self, page: QuestionPage, form: RegistrationForm) -> dict[str, dict[str, Any]]:
        """The required fields of the page left empty, as the service's form says."""
        return {
            name: refusal(MISSING)
            for name in self.asked(page)
            if self.required(name, form) and not self.answers.get(name, "").strip()
        }

    def required(self, name: str, form: RegistrationForm) -> bool:
        """Whether the field must be given, by the service's form (and its conditions)."""
        if name in ALWAYS_REQUIRED:
            return True
        described = form.field(name)
        if described is None:
            return False
        if described.required:
            return True
        condition = described.required_when
        return condition is not None and self.answers.get(condition.field) == condition.value

    def page_errors(self, page: QuestionPage) -> list[tuple[str, dict[str, Any]]]:
        """The refusals waiting on the page's fields, in the page's order."""
        return [(name, self.errors[name]) for name in page.fields if name in self.errors]

    def next_path(self, page: QuestionPage, form: RegistrationForm) -> str:
        """Where a page sends the person once its answers are kept.

        The next page in order, until check your answers has been seen once; from then on the
        first page with a refusal or a required answer missing (a change can call for a page
        not asked before), else check your answers again.
        """
        needed = self.needed_pages()
        if self.page_errors(page):
            return page.path
        if self.reached_check:
            for other in needed:
                if other.key != "check" and (self.page_errors(other) or self.missing(other, form)):
                    return other.path
            return PAGE["check"].path
        following = [p for p in needed if PAGES.index(p) > PAGES.index(page)]
        return following[0].path if following else PAGE["check"].path

    def first_page_with_errors(self) -> QuestionPage:
        """Where the person goes after the service refused the form."""
        for page in self.needed_pages():
            if self.page_errors(page):
                return page
        return PAGE["check"]

    # The service's request and answer.

    def request_body(self, email: str) -> dict[str, Any]:
        """The `POST /registrations` body: what was answered, the person's proved email as theirs.

        Empty answers are left out, so the service names a required one as missing; choices are
        sent as chosen, so the service judges them.
        """
        body: dict[str, Any] = {
            "body": self._part(BODY_FIELDS),
            "main": self._representative("main", email),
            "alternate": self._representative("alternate", email) if self.with_alternate else None,
            "consent": self.answers.get(CONSENT) == YES,
        }
        if self.role is not None:
            body[SUBMITTED_BY] = self.role
        return body

    def _part(self, names: Iterable[str]) -> dict[str, str]:
        return {
            name.split(".", 1)[1]: self.answers[name].strip()
            for name in names
            if self.answers.get(name, "").strip()
        }

    def _representative(self, role: Role, email: str) -> dict[str, str]:
        part = self._part(representative_fields(role))
        if self.role == role:
            part["email"] = email
        return part

    def place(self, detail: Iterable[Mapping[str, Any]]) -> None:
        """Put each refusal of the service's 422 on the field it names (the first one wins)."""
        for problem in detail:
            name = self._field_named(problem.get("loc") or [], str(problem.get("type", "")))
            ctx = problem.get("ctx")
            self.errors.setdefault(
                name, refusal(str(problem.get("type", "")), ctx if isinstance(ctx, dict) else {})
            )

    def _field_named(self, loc: list[Any], code: str) -> str:
        """The form's field a refusal's `loc` names (`["body", "main", "email"]` → `main.email`)."""
        parts = [str(part) for part in loc]
        if parts[:1] == ["body"]:
            parts = parts[1:]
        # The longest known prefix: a nested part of a field (a URL's) is the field.
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if name in PAGE_OF_FIELD:
                return self._typed_counterpart(name, code)
        if parts[:1] == ["alternate"]:
            return HAS_ALTERNATE  # the alternate's details as a whole (the alternate filled it)
        return GENERAL

    def _typed_counterpart(self, name: str, code: str) -> str:
        """Two emails that are the same: the one typed is the one to change, not the proved one."""
        if code == "different_emails" and name == self.fixed_email():
            return "main.email" if name == "alternate.email" else "alternate.email"
        return name
