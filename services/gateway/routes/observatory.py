"""The observatory's public pages: the search of the good practices, a practice, and the
catalogue's exports, feed and attachments passed through from the observatory service.

No sign-in: every call is the public's (no token). The search is a GET form and links, so a
search is an address to share and the page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Final
from uuid import UUID

import httpx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from contracts.observatory import LICENCE_URL, PublicPractice
from services.gateway.calls import calls_of, read_as, refusal_detail, service_unavailable
from services.gateway.i18n import language_of
from services.gateway.observatory_views import (
    FILTER_NAMES,
    FILTERS,
    SEARCH_PATH,
    SORTS,
    CatalogueResults,
    attachment_key,
    facet_lists,
    file_size,
    practice_page,
    read_search,
    safe_snippet,
    shown_language,
    value_words,
)
from services.gateway.pages import render
from services.gateway.practice_labels import (
    FACET_NAMES,
    FIELD_NAMES,
    LEVEL_NAMES,
    PRACTICE_LANGUAGE_NAMES,
    SECTOR_NAMES,
    STAGE_NAMES,
    TEXT_FIELDS,
    label,
)
from services.gateway.refusals import FormErrors, field_errors
from services.runtime.paging import MAX_PAGE

router = APIRouter(include_in_schema=False)

FILE_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/webp", "application/pdf"})
"""What an attachment can be (the contract's media types): anything else is not passed on."""
EXPORTS: Final[dict[str, tuple[str, str, str]]] = {
    "export.csv": ("/catalogue/export.csv", "text/csv; charset=utf-8", "good-practices.csv"),
    "export.json": ("/catalogue/export.json", "application/json", "good-practices.json"),
    "export-opsi.json": (
        "/catalogue/export.opsi.json",
        "application/json",
        "good-practices-opsi.json",
    ),
}
"""Each export of the gateway: the observatory's path, its media type, the file's name."""
FEED_TYPE: Final = "application/atom+xml; charset=utf-8"


@router.get(SEARCH_PATH, response_class=HTMLResponse)
def search_page(
    request: Request, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> HTMLResponse:
    """The catalogue's search: the box, the facets with their counts, the results, the pager."""
    language = language_of(request)
    search = read_search(dict(request.query_params), page)
    response = calls_of(request).get(
        "observatory", "/catalogue", None, params=search.service_params(language)
    )
    errors = FormErrors()
    if response.status_code == 422:
        found = field_errors(refusal_detail(response), {"q": "q"}, language, default_field="q")
        for name, message in found.summary:
            errors.add(name, message)
        results = CatalogueResults(items=[], total=0)
    elif response.status_code == 200:
        results = read_as(response, CatalogueResults)
    else:
        raise service_unavailable()
    if page > 1 and not results.items:
        raise HTTPException(404)  # past the end of the list
    chosen = [
        (name, FILTER_NAMES[name], value_words(language, name, search.filters[name]))
        for name in FILTERS
        if search.filters.get(name)
    ]
    return render(
        request,
        "observatory/search.html",
        status_code=422 if errors else 200,
        search=search,
        results=results,
        errors=errors,
        facets=facet_lists(language, search, results),
        chosen=chosen,
        sorts=SORTS,
        safe_snippet=safe_snippet,
        text_language=lambda languages: shown_language(language, languages),
        words=lambda names, value: label(language, names, value),
        names={
            "level": LEVEL_NAMES,
            "sector": SECTOR_NAMES,
            "stage": STAGE_NAMES,
            "facet": FACET_NAMES,
        },
    )


@router.get("/observatory/practices/{practice_id}", response_class=HTMLResponse)
def practice(request: Request, practice_id: UUID) -> HTMLResponse:
    """A published practice: its texts under OPSI's headings, its values, files and links."""
    language = language_of(request)
    response = calls_of(request).get("observatory", f"/catalogue/{practice_id}", None)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code != 200:
        raise service_unavailable()
    shown = practice_page(language, read_as(response, PublicPractice))
    return render(
        request,
        "observatory/practice.html",
        shown=shown,
        found=shown.practice,
        text_fields=TEXT_FIELDS,
        field_names=FIELD_NAMES,
        practice_languages=PRACTICE_LANGUAGE_NAMES,
        licence_url=LICENCE_URL,
        file_size=lambda size: file_size(size, language),
        words=lambda names, value: label(language, names, value),
        names={
            "level": LEVEL_NAMES,
            "sector": SECTOR_NAMES,
            "stage": STAGE_NAMES,
            "facet": FACET_NAMES,
        },
    )


def _passed_on(upstream: httpx.Response) -> Iterator[bytes]:
    """The answer's body as it comes, the connection given back however the copy ends."""
    try:
        yield from upstream.iter_bytes()
    finally:
        upstream.close()


def _fetch(
    request: Request, path: str, params: list[tuple[str, str]] | None = None
) -> httpx.Response:
    """The observatory's answer to `GET path`, its body still to read; 404 → the 404 page."""
    upstream = calls_of(request).stream("observatory", path, None, params=params or [])
    if upstream.status_code == 200:
        return upstream
    upstream.close()
    if upstream.status_code in (404, 422):
        raise HTTPException(404)
    raise service_unavailable()


@router.get("/observatory/{export}")
def export(request: Request, export: str) -> StreamingResponse:
    """The catalogue, or this search of it, as CSV, JSON or OPSI's records; or its Atom feed."""
    language = language_of(request)
    search = read_search(dict(request.query_params))
    query = [(k, v) for k, v in search.params(with_page=False) if k != "sort"]
    if export == "feed.atom":
        upstream = _fetch(request, "/catalogue/feed.atom")
        return StreamingResponse(_passed_on(upstream), media_type=FEED_TYPE)
    if export not in EXPORTS:
        raise HTTPException(404)
    path, media_type, filename = EXPORTS[export]
    upstream = _fetch(request, path, [*query, ("lang", language)])
    return StreamingResponse(
        _passed_on(upstream),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/observatory/attachments/{sha256}")
def attachment(request: Request, sha256: str) -> StreamingResponse:
    """A published practice's image or PDF: never sniffed, sandboxed, a PDF to save."""
    upstream = _fetch(request, f"/catalogue/attachments/{attachment_key(sha256)}")
    media_type = upstream.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in FILE_TYPES:
        upstream.close()
        raise service_unavailable()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        # Named by its content: a later version of the practice links to another address.
        "Cache-Control": "public, max-age=300",
    }
    if media_type == "application/pdf":
        headers["Content-Disposition"] = f'attachment; filename="{sha256[:16]}.pdf"'
    return StreamingResponse(_passed_on(upstream), media_type=media_type, headers=headers)
