"""The catalogue as open data: CSV, JSON and OPSI's case form, each under CC BY 4.0.

Only the public record goes out (`PublicPractice`): no person is named in it, and the reviews'
comments and who decided stay in the service.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from contracts.observatory import LICENCE, LICENCE_URL, PracticeTexts, PublicPractice
from contracts.registration import Language
from services.runtime.spreadsheets import as_csv, safe_cell

COUNTRY: Final = "Greece"
STREAM_BATCH: Final = 50
"""How many practices a streamed export writes in one chunk."""
SOURCE: Final = "Public Sector Innovation Network (Greece): observatory of good practices"
TEXT_FIELDS: Final = tuple(PracticeTexts.model_fields)
LANGUAGES: Final = (Language.GREEK, Language.ENGLISH)
LIST_SEPARATOR: Final = "; "


def csv_header() -> list[str]:
    """The columns: the practice, then each text in Greek and in English, then the licence."""
    texts = [f"{field}_{language.value}" for language in LANGUAGES for field in TEXT_FIELDS]
    return [
        "practice_id",
        "body_id",
        "body_name",
        "level",
        "languages",
        *texts,
        "stage",
        "facets",
        "sector",
        "year_launched",
        "tags",
        "websites",
        "attachments",
        "first_published_at",
        "published_at",
        "licence",
        "licence_url",
    ]


def csv_row(practice: PublicPractice) -> list[object]:
    texts: list[object] = []
    for language in LANGUAGES:
        found = practice.texts.get(language)
        texts.extend(getattr(found, field) if found else "" for field in TEXT_FIELDS)
    return [
        practice.practice_id,
        practice.body_id,
        practice.body_name,
        practice.level.value,
        LIST_SEPARATOR.join(language.value for language in practice.languages),
        *texts,
        practice.stage.value,
        LIST_SEPARATOR.join(facet.value for facet in practice.facets),
        practice.sector.value,
        practice.year_launched,
        LIST_SEPARATOR.join(practice.tags),
        LIST_SEPARATOR.join(str(url) for url in practice.websites),
        LIST_SEPARATOR.join(attachment.sha256 for attachment in practice.attachments),
        practice.first_published_at.isoformat(),
        practice.published_at.isoformat(),
        LICENCE,
        LICENCE_URL,
    ]


def csv_export(practices: Iterable[PublicPractice]) -> bytes:
    """One row per practice, both languages' columns, UTF-8 with a BOM, no formula cells."""
    rows: list[Sequence[object]] = [csv_header()]
    rows.extend(csv_row(practice) for practice in practices)
    return as_csv(rows)


def json_export(practices: Iterable[PublicPractice], now: datetime | None = None) -> dict[str, Any]:
    """`{licence, licence_url, generated_at, practices}`, JSON-ready."""
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": (now or datetime.now(UTC)).isoformat(),
        "practices": [practice.model_dump(mode="json") for practice in practices],
    }


def opsi_case(practice: PublicPractice) -> dict[str, Any]:
    """A practice as OPSI's case form: its English texts when it has them, else the Greek."""
    language = Language.ENGLISH if Language.ENGLISH in practice.texts else Language.GREEK
    texts = practice.texts.get(language) or practice.texts[practice.languages[0]]
    return {
        "title": texts.title,
        "short_description": texts.short_explanation,
        "overview": texts.overview,
        "innovativeness": texts.innovativeness,
        "innovation_stage": practice.stage.value,
        "innovation_stage_status": texts.stage_status,
        "innovation_facets": [facet.value for facet in practice.facets],
        "primary_sector": practice.sector.value,
        "level_of_government": practice.level.value,
        "country": COUNTRY,
        "organisation": practice.body_name,
        "year_launched": practice.year_launched,
        "collaborations": texts.collaborations,
        "users_beneficiaries": texts.users_beneficiaries,
        "results_impact": texts.results_impact,
        "challenges": texts.challenges,
        "conditions_for_success": texts.conditions_for_success,
        "replication": texts.replication,
        "lessons_learned": texts.lessons_learned,
        "tags": list(practice.tags),
        "websites": [str(url) for url in practice.websites],
        "language": language.value,
    }


def opsi_export(practices: Iterable[PublicPractice], source_url: str) -> dict[str, Any]:
    """`{licence, licence_url, source, cases}`: one OPSI case-form record per practice."""
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "source": f"{SOURCE}, {source_url}",
        "cases": [opsi_case(practice) for practice in practices],
    }


# Streamed: the same documents, written a few practices at a time as the rows are read, so an
# export's memory stays bounded whatever the catalogue's size.


def batches(items: Iterable[Any], size: int = STREAM_BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_lines(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_stream(practices: Iterable[PublicPractice]) -> Iterator[bytes]:
    """`csv_export`'s bytes, in chunks: the BOM and header, then the rows."""
    yield csv_lines([csv_header()]).encode("utf-8-sig")
    for batch in batches(practices):
        yield csv_lines(csv_row(practice) for practice in batch).encode("utf-8")


def dumped(value: Any) -> str:
    """JSON as the service's JSONResponse writes it (compact, UTF-8 as it is)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def json_list_stream(head: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[bytes]:
    """`{**head, key: [items…]}` as compact JSON, the items written a batch at a time."""
    opening = dumped({**head, key: []})
    assert opening.endswith("[]}")
    yield opening[:-2].encode("utf-8")
    first = True
    for batch in batches(items):
        text = ",".join(dumped(item) for item in batch)
        yield (text if first else "," + text).encode("utf-8")
        first = False
    yield b"]}"


def json_stream(
    practices: Iterable[PublicPractice], now: datetime | None = None
) -> Iterator[bytes]:
    """`json_export`'s document, in chunks."""
    head = json_export((), now)
    del head["practices"]
    records = (practice.model_dump(mode="json") for practice in practices)
    return json_list_stream(head, "practices", records)


def opsi_stream(practices: Iterable[PublicPractice], source_url: str) -> Iterator[bytes]:
    """`opsi_export`'s document, in chunks."""
    head = opsi_export((), source_url)
    del head["cases"]
    return json_list_stream(head, "cases", (opsi_case(practice) for practice in practices))
