"""The observatory's public catalogue as the gateway's pages read it, and a search as links.

`GET /catalogue` of the observatory answers a page of practices with their highlighted
snippets and the counts of every facet over the practices found; `GET /catalogue/{id}` a
`contracts.observatory.PublicPractice`. A search is its query (`Search`): the text, one value
of each filter, the order and the page; every link of the search page is a `Search` changed
by one thing, so the page works without JavaScript and a search is a link to share.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlencode
from uuid import UUID

from babel.numbers import format_decimal
from fastapi import HTTPException
from markupsafe import Markup, escape
from pydantic import BaseModel

from contracts.observatory import Attachment, PublicPractice
from services.gateway.i18n import N_, Language, translate
from services.gateway.posted import clean_text
from services.gateway.practice_labels import (
    FACET_NAMES,
    LEVEL_NAMES,
    SECTOR_NAMES,
    STAGE_NAMES,
    label,
)

SHA256: Final = re.compile(r"[0-9a-f]{64}")
"""An attachment's key: the SHA-256 of its bytes, in lower-case hex."""
SEARCH_PATH: Final = "/observatory"
PAGE_SIZE: Final = 20
QUERY_LENGTH: Final = 200
"""The longest text searched for (the observatory's own bound)."""
TAG_LENGTH: Final = (2, 40)
YEARS: Final = range(1950, 2101)

FILTERS: Final[tuple[str, ...]] = ("level", "sector", "stage", "facet", "year", "tag")
"""The dimensions a search filters by, one value each, in the order the page lists them."""
FILTER_NAMES: Final[dict[str, str]] = {
    "level": N_("Level of government"),
    "sector": N_("Sector"),
    "stage": N_("Innovation stage"),
    "facet": N_("Innovation facet"),
    "year": N_("Year launched"),
    "tag": N_("Tag"),
}
VALUE_NAMES: Final[dict[str, dict[str, str]]] = {
    "level": LEVEL_NAMES,
    "sector": SECTOR_NAMES,
    "stage": STAGE_NAMES,
    "facet": FACET_NAMES,
}
"""The filters whose values have words; a year and a tag are shown as they are."""

SORTS: Final[dict[str, str]] = {
    "relevance": N_("Relevance"),
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "title": N_("Title (A to Z)"),
}


@dataclass(frozen=True)
class Search:
    """A search of the catalogue: the text, the filters chosen, the order, the page."""

    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = ""
    page: int = 1

    @property
    def order(self) -> str:
        """The order the results come in: the one chosen, else by relevance when searching."""
        return self.sort or ("relevance" if self.q else "newest")

    def params(self, *, with_page: bool = True) -> list[tuple[str, str]]:
        """The query parameters of this search, in a stable order (empty ones left out)."""
        found = [("q", self.q)] if self.q else []
        found += [(name, self.filters[name]) for name in FILTERS if self.filters.get(name)]
        if self.sort:
            found.append(("sort", self.sort))
        if with_page and self.page > 1:
            found.append(("page", str(self.page)))
        return found

    def href(self, path: str = SEARCH_PATH) -> str:
        query = urlencode(self.params())
        return f"{path}?{query}" if query else path

    def export_href(self, path: str) -> str:
        """An export or the feed of this search: its text and filters, every page."""
        query = urlencode([(k, v) for k, v in self.params(with_page=False) if k != "sort"])
        return f"{path}?{query}" if query else path

    def choosing(self, name: str, value: str) -> str:
        """The link of this search with `name` set to `value` (from the first page)."""
        return replace(self, filters={**self.filters, name: value}, page=1).href()

    def without(self, name: str) -> str:
        """The link of this search with the filter `name` removed."""
        kept = {k: v for k, v in self.filters.items() if k != name}
        return replace(self, filters=kept, page=1).href()

    def without_text(self) -> str:
        return replace(self, q="", page=1).href()

    def service_params(self, language: Language) -> dict[str, Any]:
        """The observatory's query: this search, its texts first in `language`, one page."""
        return {
            **dict(self.params(with_page=False)),
            "sort": self.order,
            "lang": language,
            "page": self.page,
            "page_size": PAGE_SIZE,
        }


def read_search(query: dict[str, str], page: int = 1) -> Search:
    """The search a page's address asks for; a value the page does not offer is no filter."""
    q = clean_text("q", query.get("q", ""))[0][:QUERY_LENGTH]
    filters: dict[str, str] = {}
    for name, names in VALUE_NAMES.items():
        value = query.get(name, "").strip()
        if value in names:
            filters[name] = value
    year = query.get("year", "").strip()
    if year.isascii() and year.isdigit() and int(year) in YEARS:
        filters["year"] = str(int(year))
    tag = " ".join(clean_text("tag", query.get("tag", ""))[0].lower().split())
    if TAG_LENGTH[0] <= len(tag) <= TAG_LENGTH[1]:
        filters["tag"] = tag
    sort = query.get("sort", "").strip()
    return Search(q=q, filters=filters, sort=sort if sort in SORTS else "", page=page)


class FacetCount(BaseModel):
    """A value of a facet and how many of the practices found have it."""

    value: str
    count: int


class CatalogueItem(BaseModel):
    """A practice found, as the catalogue lists it (unknown fields ignored)."""

    practice_id: UUID
    language: str | None = None
    """The language of its title and short explanation (the page's when it has it)."""
    title: str
    short_explanation: str = ""
    snippet: str | None = None
    snippet_language: str | None = None
    """The language of the text the snippet is from, when the service says (it may be the
    other language's, where the words matched); else the title's."""
    body_name: str
    level: str
    sector: str
    stage: str = ""
    facets: list[str] = []
    year_launched: int
    tags: list[str] = []
    languages: list[str] = []
    published_at: datetime | None = None


class CatalogueResults(BaseModel):
    """A page of the catalogue's search, with the facets' counts over everything it found."""

    items: list[CatalogueItem]
    total: int
    facets: dict[str, list[FacetCount]] = {}
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class FacetChoice:
    """One value of a facet on the page: its words, its count, its link, whether chosen."""

    value: str
    words: str
    count: int
    href: str
    chosen: bool


@dataclass(frozen=True)
class FacetList:
    """A facet of the search page: its name and its values as links."""

    name: str
    title: str
    choices: list[FacetChoice]


def value_words(language: Language, name: str, value: str) -> str:
    """A filter's value in the reader's words."""
    names = VALUE_NAMES.get(name)
    return label(language, names, value) if names else value


def facet_lists(language: Language, search: Search, results: CatalogueResults) -> list[FacetList]:
    """The facets of the page: each value found, with its count and its link (a chosen one's
    link removes it); a facet whose values have words lists them in their own order."""
    lists = []
    for name in FILTERS:
        counted = {str(c.value): c.count for c in results.facets.get(name, []) if c.count > 0}
        chosen = search.filters.get(name)
        if chosen and chosen not in counted:
            counted[chosen] = 0
        order = list(VALUE_NAMES[name]) if name in VALUE_NAMES else []
        values = sorted(
            counted,
            key=lambda v: (order.index(v) if v in order else len(order), _year_first(name, v)),
        )
        choices = [
            FacetChoice(
                value,
                value_words(language, name, value),
                counted[value],
                search.without(name) if value == chosen else search.choosing(name, value),
                value == chosen,
            )
            for value in values
        ]
        if choices:
            lists.append(FacetList(name, translate(language, FILTER_NAMES[name]), choices))
    return lists


def _year_first(name: str, value: str) -> tuple[int, str]:
    """Years newest first; tags as the service counted them (most used first)."""
    if name == "year" and value.isdigit():
        return (-int(value), value)
    return (0, "")


_MARKS: Final = re.compile(r"(<mark>|</mark>)")


def safe_snippet(snippet: str) -> Markup:
    """The service's snippet with only its `<mark>` highlights kept as markup.

    The service escapes the text and wraps the matches in `<mark>…</mark>`; that is not
    trusted here. Only the exact tags `<mark>` and `</mark>` stay markup (balanced); every
    other piece is unescaped and escaped again, so any other tag, attribute or entity it
    might hold is shown as text.
    """
    out: list[str] = []
    open_mark = False
    for part in _MARKS.split(snippet):
        if part == "<mark>":
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == "</mark>":
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif part:
            out.append(str(escape(html.unescape(part))))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))  # noqa: S704 (every piece escaped above)


def shown_language(page: Language, languages: list[str]) -> str:
    """The language a practice's texts are shown in: the page's when it has them."""
    known = [language for language in languages if language in ("el", "en")]
    if page in known or not known:
        return page
    return known[0]


@dataclass(frozen=True)
class PracticePage:
    """A published practice as its page shows it: its texts in one language."""

    practice: PublicPractice
    language: str
    """The language its texts are in (the page's, else the one it has)."""
    other_language: bool
    """The texts are not in the page's language: they carry their own `lang`."""

    @property
    def texts(self) -> dict[str, Any]:
        by_language = {str(language): texts for language, texts in self.practice.texts.items()}
        shown = by_language.get(self.language)
        return shown.model_dump() if shown is not None else {}

    @property
    def images(self) -> list[Attachment]:
        return [a for a in self.practice.attachments if a.media_type.startswith("image/")]

    @property
    def documents(self) -> list[Attachment]:
        return [a for a in self.practice.attachments if a.media_type == "application/pdf"]


def practice_page(page: Language, practice: PublicPractice) -> PracticePage:
    languages = [str(language) for language in practice.languages]
    shown = shown_language(page, languages)
    return PracticePage(practice, shown, shown != page)


def attachment_key(sha256: str) -> str:
    """`sha256` when it is an attachment's key (64 lower-case hex digits); else the 404 page,
    as any address that names no attachment."""
    if SHA256.fullmatch(sha256) is None:
        raise HTTPException(404)
    return sha256


def file_size(size: int, language: Language) -> str:
    """A file's size as people read it: "850 KB", "1,2 MB"."""
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), locale=language)} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), locale=language)} MB"
