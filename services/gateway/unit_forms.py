"""The unit's forms: what was typed on a question page, kept in the session until the check
page sends it, and a service's refusal of it in the reader's words.

A decision is asked, then checked, then sent: between those pages its answers wait in the
session's draft under `unit`, one entry per form (e.g. `reject:<registration id>`). A refusal is
shown on the page answering the POST that met it, so only the typed values are kept. Sending
clears the entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from babel.dates import format_date

from services.gateway.i18n import Language, babel_locale
from services.gateway.refusals import FormErrors, field_errors
from services.gateway.sessions import Visitor

DRAFT_KEY: Final = "unit"
ISO_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class UnitDraft:
    """One form's answers, as texts."""

    form: str
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, visitor: Visitor, form: str) -> UnitDraft:
        stored: dict[str, Any] = visitor.draft.get(DRAFT_KEY, {}).get(form, {})
        values = stored.get("values", {}) if isinstance(stored, dict) else {}
        if not isinstance(values, dict):
            values = {}
        return cls(form, {str(k): str(v) for k, v in values.items()})

    def save(self, visitor: Visitor) -> None:
        forms = dict(visitor.draft.get(DRAFT_KEY, {}))
        forms[self.form] = {"values": self.values}
        visitor.save_draft({**visitor.draft, DRAFT_KEY: forms})

    def clear(self, visitor: Visitor) -> None:
        forms = dict(visitor.draft.get(DRAFT_KEY, {}))
        forms.pop(self.form, None)
        visitor.save_draft({**visitor.draft, DRAFT_KEY: forms})


def readable_dates(ctx: Mapping[str, Any], language: Language) -> dict[str, Any]:
    """A refusal's parameters with its days as the reader writes them, not as ISO dates."""
    readable: dict[str, Any] = {}
    for name, value in ctx.items():
        if isinstance(value, str) and ISO_DAY.match(value):
            with suppress(ValueError):  # a text shaped like a day that is none stays as is
                value = format_date(date.fromisoformat(value), "long", babel_locale(language))
        readable[name] = value
    return readable


def refusal_errors(
    detail: Sequence[Mapping[str, Any]], field_map: Mapping[str, str], language: Language
) -> FormErrors:
    """A service's refusal at the form's fields, its days written for the reader."""
    readable = [{**item, "ctx": readable_dates(item.get("ctx") or {}, language)} for item in detail]
    return field_errors(readable, field_map, language)


def has_field_error(errors: FormErrors) -> bool:
    """Whether a refusal names a field (its page is the question page, not the check)."""
    return any(name for name, _message in errors.summary)
