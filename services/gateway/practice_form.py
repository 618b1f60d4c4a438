"""A good practice's form, as the members' pages ask it: OPSI's case form in three parts.

The parts are the practice's languages, its texts in each of them (a title, a short
explanation, then OPSI's texts in their order), and what it is (stage, facets, sector, year,
tags, websites). Each field has OPSI's help under its label, and each text its limit
(`PracticeTexts`), which the page counts for the reader: "120 of 500 characters". The gateway
only turns the posted fields into the observatory's `PracticeDraft`: every rule is the
observatory's, and its refusals come back to the fields named here (`FIELD_MAP`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from contracts.observatory import MIN_TAGS, REQUIRED_TEXTS, text_max_length
from services.gateway.activity_forms import as_list, as_text
from services.gateway.i18n import N_, Language, translate
from services.gateway.practice_labels import FIELD_NAMES, PRACTICE_LANGUAGE_NAMES, TEXT_FIELDS

LANGUAGES: Final = ("el", "en")
VERSION_DIGITS: Final = 9
"""The most digits a version may have on a form (no practice is edited a billion times)."""

HINTS: Final[dict[str, str]] = {
    "title": N_("The name of the innovation, as others will find it in the catalogue."),
    "short_explanation": N_(
        "What the innovation is, in one or two sentences. The catalogue shows it in its "
        "search results."
    ),
    "overview": N_(
        "The problem or the opportunity it answers, what it does and how it works, and who runs it."
    ),
    "innovativeness": N_(
        "How it differs from what was done before, in your body or elsewhere: what is new in it."
    ),
    "stage_status": N_("What has been done so far and what comes next, beside its stage."),
    "collaborations": N_(
        "Who you worked with (other public bodies, citizens, businesses, universities, civil "
        "society) and how."
    ),
    "users_beneficiaries": N_(
        "Who uses it and who benefits from it, and how they took part in shaping it."
    ),
    "results_impact": N_(
        "What has changed because of it: results, measurements, evaluations, what others said."
    ),
    "challenges": N_("What was hard or did not work, and how you dealt with it."),
    "conditions_for_success": N_(
        "What an innovation like this needs to succeed: people, money, rules, support."
    ),
    "replication": N_(
        "Whether others could do it too, and whether it has been copied or adapted elsewhere."
    ),
    "lessons_learned": N_("What you would tell a body that tries something similar."),
    "languages": N_(
        "Tick each language you write the practice in. After you change them, save the draft: "
        "the form then asks the texts of each language ticked. The texts of a language you "
        "untick are removed when you save."
    ),
    "stage": N_("The stage of the innovation's life cycle it has reached."),
    "facets": N_("What kind of innovation it is: tick each one that fits."),
    "sector": N_("The policy area it mainly serves."),
    "year_launched": N_("The year it was first put in place, like 2023."),
    "tags": N_(
        "At least 3 keywords, separated by commas, like open data, co-design, participation. "
        "At most 20."
    ),
    "websites": N_(
        "The practice's website and other pages about it, each address on a line of its own "
        "(at most 10)."
    ),
}
"""OPSI's help of each field, shown under its label."""

FACET_HINTS: Final[dict[str, str]] = {
    "enhancement": N_(
        "Improves what exists: better results and efficiency, built on the structures there are."
    ),
    "mission_oriented": N_("Works towards a clear outcome or an ambitious overall goal."),
    "adaptive": N_("Tries new approaches to respond to a changing situation."),
    "anticipatory": N_("Explores emerging issues that might shape future priorities."),
}

ROWS: Final[dict[str, int]] = {"title": 0, "short_explanation": 4, "overview": 12}
"""Each text's height in lines on the form (0: one line); the others take 6."""


@dataclass(frozen=True)
class TextField:
    """One text of a language: its name in `PracticeTexts`, its limit, its label and help."""

    name: str
    limit: int
    required: bool
    rows: int

    @property
    def label(self) -> str:
        return FIELD_NAMES[self.name]

    @property
    def hint(self) -> str:
        return HINTS[self.name]

    def field(self, language: str) -> str:
        """The form field's name for `language`: "el.overview"."""
        return f"{language}.{self.name}"


TEXTS: Final = tuple(
    TextField(name, text_max_length(name), name in REQUIRED_TEXTS, ROWS.get(name, 6))
    for name in ("title", *TEXT_FIELDS)
)
LIMITS: Final = {text.name: text.limit for text in TEXTS}
OTHER_FIELDS: Final = ("stage", "facets", "sector", "year_launched", "tags", "websites")
FORM_FIELDS: Final = (
    "languages",
    *(text.field(language) for language in LANGUAGES for text in TEXTS),
    *OTHER_FIELDS,
)
"""Every field of the form, in its order (the error summary's)."""

FIELD_MAP: Final[dict[str, str]] = {
    "languages": "languages",
    "texts": "languages",
    **{f"texts.{lang}": "languages" for lang in LANGUAGES},
    **{f"texts.{lang}.{text.name}": text.field(lang) for lang in LANGUAGES for text in TEXTS},
    **{name: name for name in OTHER_FIELDS},
    **{name: name for name in ("reason", "comment", "caption", "file")},
}
"""A refusal's `loc` (after "body") → the form's field (the longest prefix that is here)."""

CHOOSE_LANGUAGE: Final = N_("Choose the language the practice is written in")
YEAR_FORM: Final = N_("Enter the year as 4 digits, like 2023")
NEEDED: Final = N_("Fill in “%(field)s”: the practice cannot be sent without it")
NEEDED_TAGS: Final = N_("Enter at least %(count)s tags: the practice cannot be sent without them")
IN_LANGUAGE: Final = N_("%(field)s (%(language)s)")
NAMED: Final = N_("%(field)s: %(message)s")
COUNTER: Final = N_("%(count)s of %(limit)s characters")
COUNTER_OVER: Final = N_("%(count)s of %(limit)s characters: %(over)s too many")

_SEPARATORS: Final = re.compile(r"[,;\n]")


def field_label(field: str, language: Language) -> str:
    """The words of a form field, with its language for a text: "Τίτλος (Ελληνικά)"."""
    first, _, rest = field.partition(".")
    if rest and first in LANGUAGES:
        # Filled here: `translate` takes the reader's language as `language` itself.
        return translate(language, IN_LANGUAGE) % {
            "field": translate(language, FIELD_NAMES.get(rest, rest)),
            # Greek writes a language's name in lower case inside a sentence.
            "language": translate(language, PRACTICE_LANGUAGE_NAMES[first]).lower()
            if language == "el"
            else translate(language, PRACTICE_LANGUAGE_NAMES[first]),
        }
    return translate(language, FIELD_NAMES.get(field, field))


def draft_request(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The observatory's `PracticeDraft` of the posted form, and the gateway's own problems.

    Only the texts of the languages ticked are sent; an empty field is left out (a draft may
    be partial).
    """
    problems: dict[str, str] = {}
    chosen = as_list(values.get("languages"))
    languages = [language for language in LANGUAGES if language in chosen]
    if not languages:
        problems["languages"] = CHOOSE_LANGUAGE
    texts: dict[str, dict[str, str]] = {}
    for language in languages:
        typed = {text.name: as_text(values.get(text.field(language))) for text in TEXTS}
        texts[language] = {name: value for name, value in typed.items() if value}
    body: dict[str, Any] = {
        "languages": languages,
        "texts": texts,
        "facets": as_list(values.get("facets")),
        "tags": split_list(as_text(values.get("tags"))),
        "websites": [line.strip() for line in as_text(values.get("websites")).splitlines()],
    }
    body["websites"] = [site for site in body["websites"] if site]
    for name in ("stage", "sector"):
        if chosen_value := as_text(values.get(name)):
            body[name] = chosen_value
    year = as_text(values.get("year_launched"))
    if year and not (year.isascii() and year.isdigit() and len(year) == 4):
        problems["year_launched"] = YEAR_FORM
    elif year:
        body["year_launched"] = int(year)
    return body, problems


def parse_version(typed: Any) -> int | None:
    """A practice's version as a form posted it: ASCII digits only, at most `VERSION_DIGITS`
    of them; None for anything else ("abc", "²", "-1", "", a number too long to be one)."""
    if not isinstance(typed, str) or not 0 < len(typed) <= VERSION_DIGITS:
        return None
    if not all("0" <= char <= "9" for char in typed):
        return None
    return int(typed)


def split_list(typed: str) -> list[str]:
    """Tags as typed, separated by commas (or lines): each trimmed, none empty."""
    return [part.strip() for part in _SEPARATORS.split(typed) if part.strip()]


def form_values(draft: Mapping[str, Any]) -> dict[str, Any]:
    """A `PracticeDraft` (as the observatory answers it) as the form's fields show it."""
    values: dict[str, Any] = {"languages": list(draft.get("languages") or [])}
    texts = draft.get("texts") or {}
    for language in LANGUAGES:
        written = texts.get(language) or {}
        for text in TEXTS:
            values[text.field(language)] = written.get(text.name) or ""
    values["stage"] = draft.get("stage") or ""
    values["facets"] = list(draft.get("facets") or [])
    values["sector"] = draft.get("sector") or ""
    year = draft.get("year_launched")
    values["year_launched"] = str(year) if year is not None else ""
    values["tags"] = ", ".join(draft.get("tags") or [])
    values["websites"] = "\n".join(str(site) for site in draft.get("websites") or [])
    return values


def shown_languages(values: Mapping[str, Any]) -> list[str]:
    """The languages whose texts the form asks (those ticked; Greek when none is)."""
    chosen = as_list(values.get("languages"))
    return [language for language in LANGUAGES if language in chosen] or ["el"]


def at_field(field: str, message: str, language: Language) -> str:
    """A refusal's words naming the field of the practice's form it is about ("Σύντομη
    περιγραφή (ελληνικά): γράψτε το πολύ 500 χαρακτήρες"): the form is long, and the error
    summary lists them all. The one field of a short form is named by its page."""
    if field not in FORM_FIELDS or not message:
        return message
    return translate(language, NAMED) % {
        "field": field_label(field, language),
        "message": message[0].lower() + message[1:],
    }


def needed_message(field: str, language: Language) -> str:
    """What a `practice_incomplete` refusal says of `field`: its name, and that it is needed."""
    if field == "tags":
        return translate(language, NEEDED_TAGS, count=MIN_TAGS)
    return translate(language, NEEDED, field=field_label(field, language))


def loc_field(loc: Any) -> str:
    """A refusal's `loc` (a list, or a dotted text) as the form's field ("" when none fits)."""
    parts = [str(part) for part in loc] if isinstance(loc, list | tuple) else str(loc).split(".")
    if parts and parts[0] == "body":
        parts = parts[1:]
    for length in range(len(parts), 0, -1):
        mapped = FIELD_MAP.get(".".join(parts[:length]))
        if mapped is not None:
            return mapped
    return ""
