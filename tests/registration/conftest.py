"""The registration service on the real broker and database: own topics and database a test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from contracts.topics import topic_of
from services.registration.application import RegistrationApplication
from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics, read_topic
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

TAX_IDS = ["094014201", "090169846", "997001671", "090283815", "094019245", "090165560"]
"""Greek tax numbers with a valid check digit, one per body in a test."""


def form(tax_id: str = TAX_IDS[0], with_alternate: bool = False, **changes: Any) -> dict[str, Any]:
    """A complete, valid registration form."""
    body = {
        "name": "Δήμος Παραδείγματος",
        "tax_id": tax_id,
        "level": "local",
        "parent": "Υπουργείο Εσωτερικών",
        "website": "https://example.gov.gr",
    }
    main = {
        "full_name": "Μαρία Παπαδοπούλου",
        "position_title": "Προϊσταμένη Διεύθυνσης",
        "unit": "Διεύθυνση Ψηφιακής Διακυβέρνησης",
        "seniority": "directorate_head",
        "email": "m.papadopoulou@example.gov.gr",
        "phone": "+30 210 0000000",
    }
    filled: dict[str, Any] = {
        "body": body,
        "main": main,
        "alternate": None,
        "submitted_by": "main",
        "consent": True,
    }
    if with_alternate:
        filled["alternate"] = {
            **main,
            "full_name": "Γιώργος Νικολάου",
            "seniority": "department_head",
            "position_title": "Προϊστάμενος Τμήματος",
            "email": "g.nikolaou@example.gov.gr",
        }
    filled.update(changes)
    return filled


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
"""The smallest real PDF: one blank A4 page, with a correct cross-reference table."""


def token(role: str, body_id: str | None = None) -> dict[str, str]:
    """The Authorization header of an admin, or of a representative of `body_id`."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=f"{role}-{uuid.uuid4().hex[:6]}",
        role=role,  # type: ignore[arg-type]
        email=f"{role}@example.gov.gr",
        body_id=body_id,
    )
    return {"Authorization": f"Bearer {minted}"}


ADMIN = token("admin")


@dataclass
class RegistrationStack:
    """A running registration service and what a test needs around it."""

    service: RunningService
    database_url: str
    topic_prefix: str

    @property
    def url(self) -> str:
        return self.service.base_url

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def stored_event_count(self) -> int:
        table = f"{RegistrationApplication.name.lower()}_events"
        with psycopg.connect(self.database_url, row_factory=dict_row) as conn:
            row = conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()
        return int(row["n"]) if row else 0

    def topic_messages(self) -> list[Any]:
        topic = topic_of("registration")
        return read_topic(f"{self.topic_prefix}{topic.name}", topic.partitions)


def registration_env(database_url: str, run_id: str) -> dict[str, str]:
    return {
        "REGISTRATION_DATABASE_URL": database_url,
        "KAFKA_TOPIC_PREFIX": f"test-{run_id}.",
        "KAFKA_CONSUMER_GROUP_PREFIX": f"test-{run_id}.",
        "INNOVNET_ENV": "test",
    }


@contextmanager
def running_registration(
    tmp_path: Path, env: dict[str, str] | None = None
) -> Iterator[RegistrationStack]:
    """The registration service as a process on fresh topics and a fresh database, `env` added."""
    run_id = uuid.uuid4().hex[:10]
    with fresh_database("registration") as url:
        full_env = {**registration_env(url, run_id), **(env or {})}
        prefix = full_env["KAFKA_TOPIC_PREFIX"]
        create_topics(kafka_bootstrap_servers(), prefix=prefix)
        try:
            with service_process("registration", full_env, tmp_path) as service:
                yield RegistrationStack(service, url, prefix)
        finally:
            delete_topics(prefix)


@pytest.fixture
def registration_stack(tmp_path: Path) -> Iterator[RegistrationStack]:
    with running_registration(tmp_path) as stack:
        yield stack


@pytest.fixture(scope="module")
def shared_registration(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistrationStack]:
    """One service for a module's tests that each leave nothing behind (refused input): its
    stack is started once, not once a test."""
    with running_registration(tmp_path_factory.mktemp("registration")) as stack:
        yield stack
