"""Rendering the emails: Jinja2 over the texts of `texts.py`, HTML and plain text.

HTML is rendered with autoescaping on, so nothing a person typed (a body's name, a rejection
reason, an activity's title) can add markup. The plain-text part is rendered without escaping,
as text is not interpreted. Dates are written the way each language writes them (Babel).
The context's `language` ("el" or "en") gives the email in that language only, subject and
all; without it the email is in both, Greek first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from babel.dates import format_date, format_datetime
from jinja2 import DictLoader, Environment, StrictUndefined

from services.notifications.texts import (
    HTML_BASE,
    MEMBER_TASKS_EL,
    MEMBER_TASKS_EN,
    TEMPLATES,
    TEXT_BASE,
)
from services.runtime.timezone import ATHENS

LANGUAGES: Final = ("el", "en")
"""The languages an email can be in alone; any other value (None) gives both."""


@dataclass(frozen=True)
class RenderedEmail:
    """An email's subject, its two parts, and its languages (the Content-Language header)."""

    subject: str
    text: str
    html: str
    languages: str = "el, en"


def date_el(value: str | date) -> str:
    """A day as Greek writes it: «Τετάρτη, 15 Απριλίου 2026»."""
    return format_date(_as_date(value), format="full", locale="el")


def date_en(value: str | date) -> str:
    """A day as British English writes it: «Wednesday, 15 April 2026»."""
    return format_date(_as_date(value), format="full", locale="en_GB")


def datetime_el(value: str | datetime) -> str:
    """A moment in Athens time, in Greek."""
    return format_datetime(_as_datetime(value), "EEEE d MMMM y, HH:mm", tzinfo=ATHENS, locale="el")


def datetime_en(value: str | datetime) -> str:
    """A moment in Athens time, in English."""
    moment = _as_datetime(value)
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", tzinfo=ATHENS, locale="en_GB")


def _as_date(value: str | date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_datetime(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _environment(autoescape: bool) -> Environment:
    sources: dict[str, str] = {"base": HTML_BASE if autoescape else TEXT_BASE}
    for name, template in TEMPLATES.items():
        el, en = (
            (template.html_el, template.html_en)
            if autoescape
            else (
                template.text_el,
                template.text_en,
            )
        )
        sources[name] = (
            '{% extends "base" %}'
            f"{{% block el %}}{el}{{% endblock %}}{{% block en %}}{en}{{% endblock %}}"
        )
        sources[f"{name}.subject_el"] = template.subject_el
        sources[f"{name}.subject_en"] = template.subject_en
    environment = Environment(
        loader=DictLoader(sources),
        autoescape=autoescape,  # noqa: S701 (off for the plain-text part only)
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        date_el=date_el, date_en=date_en, datetime_el=datetime_el, datetime_en=datetime_en
    )
    return environment


_HTML: Final = _environment(autoescape=True)
_TEXT: Final = _environment(autoescape=False)


def render(template: str, context: dict[str, Any]) -> RenderedEmail:
    """The email `template` for `context` (which must give every value the template uses)."""
    values = {
        "name": None,
        "tasks_el": MEMBER_TASKS_EL,
        "tasks_en": MEMBER_TASKS_EN,
        **context,
    }
    language = values.get("language")
    values["language"] = language if language in LANGUAGES else None
    subjects = [
        _TEXT.get_template(f"{template}.subject_{each}").render(values)
        for each in LANGUAGES
        if values["language"] in (None, each)
    ]
    subject = " ".join(" / ".join(subjects).split())  # one line, whatever was typed
    values["subject"] = subject
    return RenderedEmail(
        subject=subject,
        text=_TEXT.get_template(template).render(values),
        html=_HTML.get_template(template).render(values),
        languages=values["language"] or ", ".join(LANGUAGES),
    )
