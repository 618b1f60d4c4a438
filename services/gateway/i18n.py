"""The reader's language and the texts in it: Greek first, English by the `lang` cookie.

Texts are written in English as msgids (in templates `{{ _("…") }}` or `{% trans %}`, in
Python `N_("…")` to mark and `translate(language, msgid)` to use); the Greek is in
`locale/el/LC_MESSAGES/messages.po`, read once at start (no compiled `.mo` to keep in step).
English needs no catalogue: a msgid is its own English text.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Final, Literal

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from fastapi import Request

from services.runtime.timezone import ATHENS

Language = Literal["el", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("el", "en")
DEFAULT_LANGUAGE: Final[Language] = "el"
LANGUAGE_COOKIE: Final = "lang"
LANGUAGE_NAMES: Final[dict[Language, str]] = {"el": "Ελληνικά", "en": "English"}
"""Each language named in itself, as the switch shows it."""

CATALOGUE: Final = Path(__file__).parent / "locale" / "el" / "LC_MESSAGES" / "messages.po"


def N_(msgid: str) -> str:  # noqa: N802 (gettext's own name for "mark, translate later")
    """Mark `msgid` for the catalogue; it is translated where it is shown."""
    return msgid


def language_of(request: Request) -> Language:
    """The reader's language: the `lang` cookie if it names one, else Greek."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(language: Language) -> NullTranslations:
    """The catalogue of `language`, read from its `.po` (English: the msgids themselves)."""
    if language == "en":
        return NullTranslations()
    with CATALOGUE.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as gettext would
    compiled.seek(0)
    return Translations(compiled)


def translate(language: Language, msgid: str, **params: object) -> str:
    """`msgid` in `language`, its `%(name)s` placeholders filled from `params`."""
    text = translations(language).gettext(msgid)
    return text % params if params else text


@dataclass(frozen=True)
class Reading:
    """What the page being rendered is read in, for the template globals."""

    language: Language
    csrf_token: str


_OUTSIDE_A_PAGE: Final = Reading(DEFAULT_LANGUAGE, "")
_reading: ContextVar[Reading | None] = ContextVar("reading", default=None)


def reading() -> Reading:
    """The page being rendered (set by `pages.render`)."""
    return _reading.get() or _OUTSIDE_A_PAGE


def set_reading(value: Reading) -> object:
    """Make `value` the page being rendered; returns the token that `reset_reading` takes."""
    return _reading.set(value)


def reset_reading(token: object) -> None:
    _reading.reset(token)  # type: ignore[arg-type]


def gettext(msgid: str) -> str:
    """`msgid` in the language of the page being rendered."""
    return translations(reading().language).gettext(msgid)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural text for `count`, in the page's language."""
    return translations(reading().language).ngettext(singular, plural, count)


def babel_locale(language: str) -> str:
    """The locale dates are written in: English as in Europe ("3 December 2026"), not the US."""
    return "en_GB" if language == "en" else language


def format_date(day: date | datetime | str, form: str = "long") -> str:
    """A day as the reader writes it: "15 Απριλίου 2026" or "15 April 2026"."""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if isinstance(day, datetime):
        day = day.astimezone(ATHENS).date()
    return babel_format_date(day, format=form, locale=babel_locale(reading().language))


def format_datetime(moment: datetime | str, form: str = "medium") -> str:
    """A moment in Athens time, as the reader writes it: "3 December 2026, 18:05".

    The day as `format_date` writes it (long, or medium for `form="short"`: "3 Dec 2026"), the
    time on the 24-hour clock without seconds in both languages, as Greek public bodies
    write it (Babel's Greek time is "6:05:00 μ.μ.").
    """
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(ATHENS)
    locale = babel_locale(reading().language)
    day = babel_format_date(
        local.date(), format="medium" if form == "short" else "long", locale=locale
    )
    return f"{day}, {local:%H:%M}"


def format_number(number: int | float | Decimal) -> str:
    """A number with the reader's separators: "1.234,5" or "1,234.5"."""
    return format_decimal(number, locale=reading().language)
