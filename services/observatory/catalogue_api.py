"""The public catalogue: search, a practice, the exports, the feed and published attachments.

No token: everything here is the public record under CC BY 4.0, and nothing personal.
The fixed paths (`export.csv`, `feed.atom`, …) come before `/catalogue/{practice_id}`, whose id
is a UUID, so neither shadows the other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator, BaseModel

from contracts.errors import ErrorCode
from contracts.observatory import Facet, PublicPractice, Sector, Stage
from contracts.registration import Level, Sha256Hex
from services.observatory import exports, models
from services.observatory.attachments import Files, attachment_response
from services.observatory.feed import FEED_SIZE, atom_feed
from services.observatory.models import MAX_TAG_LENGTH
from services.observatory.projections.catalogue import Catalogue, Filters, Found, Hit, Sort
from services.observatory.settings import ObservatorySettings
from services.runtime.dependencies import projection
from services.runtime.errors import NotFound
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Page, Paging
from services.runtime.text import CleanText

router = APIRouter(tags=["catalogue"])

CatalogueIndex = Annotated[Catalogue, Depends(projection("catalogue"))]
# Through the runtime's text type, as every text a request carries: a NUL or a bidirectional
# control is refused naming the parameter, and never reaches a query.
SearchText = Annotated[str, CleanText(min_length=0, max_length=200)]
# The draft's own normalisation (lower case, spaces collapsed), so `tag=Open  Data` finds
# the practices tagged "open data".
TagText = Annotated[str, CleanText(max_length=MAX_TAG_LENGTH), AfterValidator(models.tag)]


@cache
def public_url() -> str:
    """Where the gateway's public pages are (`OBSERVATORY_PUBLIC_URL`), read once."""
    return ObservatorySettings().base_url


@dataclass(frozen=True)
class Search:
    """The query parameters every catalogue route shares."""

    filters: Filters
    sort: Sort
    language: str | None


def search_parameters(
    q: Annotated[SearchText | None, Query(description="Words to find, Greek or English")] = None,
    lang: Annotated[Literal["el", "en"] | None, Query(description="Texts shown first")] = None,
    level: Level | None = None,
    sector: Sector | None = None,
    stage: Stage | None = None,
    facet: Facet | None = None,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
    tag: Annotated[TagText | None, Query()] = None,
    sort: Annotated[
        Sort | None, Query(description="relevance (default with q), newest (without), oldest")
    ] = None,
) -> Search:
    text = q.strip() if q else None
    filters = Filters(
        q=text or None,
        level=level.value if level else None,
        sector=sector.value if sector else None,
        stage=stage.value if stage else None,
        facet=facet.value if facet else None,
        year=year,
        tag=tag or None,
    )
    chosen = sort or (Sort.RELEVANCE if filters.q else Sort.NEWEST)
    return Search(filters, chosen, lang)


SearchParameters = Annotated[Search, Depends(search_parameters)]


class CatalogueItem(BaseModel):
    """A practice found: its texts in the language shown first, its snippet HTML-safe."""

    practice_id: UUID
    language: str
    title: str
    short_explanation: str
    snippet: str
    """The text escaped, the matches wrapped in `<mark>…</mark>`."""
    snippet_language: Literal["el", "en"]
    """The language of the snippet's text (a match may be in the other language's texts)."""
    body_name: str
    level: Level
    sector: Sector
    stage: Stage
    facets: list[Facet]
    year_launched: int
    tags: list[str]
    languages: list[str]
    published_at: datetime


class FacetCountView(BaseModel):
    value: str
    count: int


class CatalogueFacets(BaseModel):
    """How many matching practices have each value (tags: the 30 most frequent)."""

    level: list[FacetCountView]
    sector: list[FacetCountView]
    stage: list[FacetCountView]
    facet: list[FacetCountView]
    year: list[FacetCountView]
    tag: list[FacetCountView]


class CatalogueResults(BaseModel):
    """A page of the search, how many match in all, and the counts over all that match."""

    items: list[CatalogueItem]
    total: int
    facets: CatalogueFacets
    page: int
    page_size: int


def item_view(hit: Hit) -> CatalogueItem:
    return CatalogueItem.model_validate(hit, from_attributes=True)


def results_view(found: Found, page: Page) -> CatalogueResults:
    facets = {
        dimension: [FacetCountView(value=c.value, count=c.count) for c in counts]
        for dimension, counts in found.facets.items()
    }
    return CatalogueResults(
        items=[item_view(hit) for hit in found.hits],
        total=found.total,
        facets=CatalogueFacets.model_validate(facets),
        page=page.number,
        page_size=page.size,
    )


class RenderedAnswers:
    """The JSON of the answers the catalogue keeps, each rendered once.

    Until the catalogue changes, `Catalogue.search` answers a repeated search with the very
    `Found` it kept, so its body is looked up by that object (the entry holds it, so its id is
    not reused while the entry lives), not built, validated and serialised again."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._bodies: dict[tuple[int, int, int], tuple[Found, bytes]] = {}
        self._lock = threading.Lock()

    def body(self, found: Found, page: Page) -> bytes:
        key = (id(found), page.number, page.size)
        entry = self._bodies.get(key)
        if entry is not None and entry[0] is found:
            return entry[1]
        body = results_view(found, page).model_dump_json().encode()
        if self._kept:
            with self._lock:
                while len(self._bodies) >= self._kept:
                    self._bodies.pop(next(iter(self._bodies)))
                self._bodies[key] = (found, body)
        return body


@cache
def rendered_answers() -> RenderedAnswers:
    return RenderedAnswers(ObservatorySettings().catalogue_cache)


@router.get(
    "/catalogue",
    response_model=CatalogueResults,
    responses=linked_response(
        200,
        GetPublished=link(
            "GET", "/catalogue/{practice_id}", practice_id="$response.body#/items/0/practice_id"
        ),
    ),
)
def search_catalogue(index: CatalogueIndex, search: SearchParameters, paging: Paging) -> Response:
    """Search the published practices (Greek and English, accents ignored), with facets."""
    found = index.search(search.filters, search.sort, paging, search.language)
    return Response(rendered_answers().body(found, paging), media_type="application/json")


def streamed(chunks: Iterator[bytes], media_type: str, filename: str | None = None) -> Response:
    """An export written as its rows are read (`Catalogue.each_matching`), never whole."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return StreamingResponse(chunks, media_type=media_type, headers=headers)


@router.get("/catalogue/export.csv", response_class=Response)
def export_csv(index: CatalogueIndex, search: SearchParameters) -> Response:
    """The practices of the search (all without one) as CSV, UTF-8 with a BOM, CC BY 4.0."""
    practices = index.each_matching(search.filters, search.sort, search.language)
    return streamed(exports.csv_stream(practices), "text/csv; charset=utf-8", "practices.csv")


@router.get("/catalogue/export.json", response_class=Response)
def export_json(index: CatalogueIndex, search: SearchParameters) -> Response:
    """The practices of the search as JSON: `{licence, licence_url, generated_at, practices}`."""
    practices = index.each_matching(search.filters, search.sort, search.language)
    return streamed(exports.json_stream(practices), "application/json")


@router.get("/catalogue/export.opsi.json", response_class=Response)
def export_opsi(index: CatalogueIndex, search: SearchParameters) -> Response:
    """The practices of the search as OPSI case-form records (English texts when present)."""
    practices = index.each_matching(search.filters, search.sort, search.language)
    return streamed(
        exports.opsi_stream(practices, f"{public_url()}/observatory"), "application/json"
    )


@router.get("/catalogue/feed.atom", response_class=Response)
def feed(index: CatalogueIndex) -> Response:
    """Atom 1.0 of the 50 practices published last."""
    return Response(
        atom_feed(index.newest(FEED_SIZE), public_url()),
        media_type="application/atom+xml; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff"},
    )


@router.get("/catalogue/attachments/{sha256}", response_class=Response)
def published_attachment(sha256: Sha256Hex, index: CatalogueIndex, files: Files) -> Response:
    """The bytes of an attachment of a published practice."""
    media_type = index.published_attachment(sha256)
    stored = files.get(sha256) if media_type else None
    if media_type is None or stored is None:
        raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No published attachment with that SHA-256.")
    return attachment_response(stored.content, media_type, sha256)


@router.get(
    "/catalogue/{practice_id}",
    responses=linked_response(
        200,
        PublishedAttachment=link(
            "GET", "/catalogue/attachments/{sha256}", sha256="$response.body#/attachments/0/sha256"
        ),
    ),
)
def get_practice(practice_id: UUID, index: CatalogueIndex) -> PublicPractice:
    """A published practice, as its public record."""
    found = index.practice(practice_id)
    if found is None:
        raise NotFound(ErrorCode.PRACTICE_NOT_FOUND, "No published practice with that id.")
    return found
