"""The observatory's catalogue fed straight from its topic, for the public pages' tests.

`publish(prefix, practice)` produces a `PracticePublished` contract event onto the stack's
`innovnet.observatory.v1` with the runtime's own producer (`relay.Publisher`), as the
observatory's relay would: the catalogue is a fold of that topic, so no member, draft or
review is needed. `practice(...)` builds the public record.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts.observatory import (
    Facet,
    PracticeTexts,
    PublicPractice,
    Sector,
    Stage,
)
from contracts.registration import Language, Level
from contracts.topics import topic_of
from services.runtime.relay import Publisher
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.observatory import published_message
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

PUBLISHED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def texts(title: str, short: str, **more: str) -> PracticeTexts:
    return PracticeTexts(
        title=title,
        short_explanation=short,
        overview=more.pop("overview", f"{short} Πώς λειτουργεί και ποιος το εφαρμόζει."),
        innovativeness=more.pop("innovativeness", "Κανείς δεν το είχε κάνει πριν."),
        **more,
    )


def practice(
    *,
    el: PracticeTexts | None = None,
    en: PracticeTexts | None = None,
    sector: Sector = Sector.DIGITALISATION,
    level: Level = Level.LOCAL,
    stage: Stage = Stage.IMPLEMENTATION,
    facets: tuple[Facet, ...] = (Facet.ENHANCEMENT,),
    year: int = 2023,
    tags: tuple[str, ...] = ("ανοικτά δεδομένα", "συμμετοχή", "open data"),
    body_name: str = "Δήμος Παραδείγματος",
    **extra: Any,
) -> PublicPractice:
    """A published practice in the languages given (Greek first)."""
    languages = [language for language, t in ((Language.GREEK, el), (Language.ENGLISH, en)) if t]
    return PublicPractice(
        practice_id=uuid.uuid4(),
        body_id="094014201",
        body_name=body_name,
        level=level,
        languages=languages,
        texts={language: t for language, t in ((Language.GREEK, el), (Language.ENGLISH, en)) if t},
        stage=stage,
        facets=list(facets),
        sector=sector,
        year_launched=year,
        tags=list(tags),
        first_published_at=PUBLISHED_AT,
        published_at=PUBLISHED_AT,
        **extra,
    )


def publish(prefix: str, *practices: PublicPractice) -> None:
    """Each practice published (version 5 of its aggregate) on the stack's topic."""
    topic = f"{prefix}{topic_of('observatory').name}"
    messages = [published_message(found, version=5, decided_by="staff-1") for found in practices]
    publisher = Publisher(kafka_bootstrap_servers(), topic)
    try:
        publisher.publish(messages, threading.Event())
    finally:
        publisher.close()


@dataclass(frozen=True)
class ObservatoryStack:
    """The observatory as a process on a fresh topic prefix and database."""

    observatory: RunningService
    prefix: str
    database_url: str


@contextmanager
def observatory_stack(tmp_path: Path, public_url: str) -> Iterator[ObservatoryStack]:
    """The observatory service (every role) on its own prefix; stopped and dropped after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            database = running.enter_context(fresh_database("observatory"))
            env = {
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "OBSERVATORY_DATABASE_URL": database,
                "INNOVNET_PUBLIC_URL": public_url,
            }
            service = running.enter_context(service_process("observatory", env, tmp_path))
            yield ObservatoryStack(service, prefix, database)
    finally:
        delete_topics(prefix)
