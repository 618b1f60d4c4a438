"""The observatory's acceptance (issue 13) on the real stack.

Registration, membership, observatory and notifications run as processes on one topic prefix,
each on a fresh database, with a real SMTP server. Two bodies become members the real way
(registered, designated and verified through the registration API, tests/browser/bodies.py),
so the observatory knows them from membership's topic. Then: a practice goes from a draft to
the catalogue through the unit's request for changes, and the emails go out; three more
practices are published, so the search and its facet counts are checked against what was
published; drafts stay out of the catalogue; the exports and the feed parse and name nobody;
a rebuild of the catalogue from offset 0 gives the same answers; the body's other
representative co-edits, and one who left the body can no longer edit.

One stack for the module: every test reads what the fixtures did, and only the last one
changes the body's representatives.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import os
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import httpx
import psycopg
import pytest

import contracts.membership
import contracts.notifications
import contracts.observatory
import contracts.registration
from contracts.events import ContractEvent
from contracts.personal import PERSONAL_DATA_MARK, personal_data_fields
from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from services.runtime.topics import create_topics
from tests.browser import bodies
from tests.browser.stack import GatewayStack
from tests.notifications.conftest import Received, SmtpServer
from tests.registration.conftest import form
from tests.support.kafka import delete_topics
from tests.support.mailbox import links_in
from tests.support.polling import eventually
from tests.support.processes import REPO_ROOT, RunningService, free_port, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

SERVICES: Final = ("registration", "membership", "observatory", "notifications")
PUBLIC_URL: Final = "https://innovnet.example.gov.gr"
UNIT_EMAIL: Final = "innovationunit@example.gov.gr"
"""The notifications service's `innovation_unit_email` by default."""
STAFF: Final = "staff-5f1e0c9a7b3d2e4f6a80"
"""The unit member's staff subject, recorded as `decided_by`."""
PEOPLE: Final = (
    "Μαρία Παπαδοπούλου",
    "Γιώργος Νικολάου",
    "Ελένη Γεωργίου",
    "Κατερίνα Αλεξίου",
)
"""Everyone the registration forms name (tests/registration/conftest.py `form`, the designation's
signatory, a successor): none may appear in the public catalogue."""
ATOM: Final = "{http://www.w3.org/2005/Atom}"
EMAIL_ADDRESS: Final = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")


def bearer(role: str, subject: str, body_id: str | None = None) -> dict[str, str]:
    """The Authorization header the gateway sends: a member's subject is their id."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=subject,
        role=role,  # type: ignore[arg-type]
        email=f"{role}@example.gov.gr",
        body_id=body_id,
    )
    return {"Authorization": f"Bearer {minted}"}


UNIT: Final = bearer("admin", STAFF)


def main_of(body: bodies.Body) -> dict[str, str]:
    return bearer("member", body.main_id, body.tax_id)


def alternate_of(body: bodies.Body) -> dict[str, str]:
    assert body.alternate_id is not None
    return bearer("member", body.alternate_id, body.tax_id)


def register(stack: GatewayStack, *, name: str, level: str, with_alternate: bool) -> bodies.Body:
    """A body of `level` registered, designated and verified: its representatives are members.

    `bodies.active_body` with the body's level chosen (the level is the catalogue's facet).
    """
    main_email = bodies.new_email("main")
    filled: dict[str, Any] = form(bodies.next_tax_id(), with_alternate=with_alternate)
    filled["body"].update(name=name, level=level)
    filled["main"]["email"] = main_email
    alternate_email = None
    if with_alternate:
        alternate_email = bodies.new_email("alternate")
        filled["alternate"]["email"] = alternate_email
    with stack.api("registration", bodies.bearer("applicant", email=main_email)) as api:
        answer = api.post("/registrations", json=filled)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    ids = {ref["role"]: ref["id"] for ref in created["representatives"]}
    body = bodies.Body(
        created["id"],
        filled["body"]["tax_id"],
        name,
        main_email,
        ids["main"],
        alternate_email,
        ids.get("alternate"),
    )
    bodies.send_designation(stack, body)
    assert bodies.verify_designation(stack, body.registration_id)["status"] == "active"
    return body


@dataclass(frozen=True)
class Practice:
    """A practice as the test wrote it: what the catalogue must say of it once published."""

    body: bodies.Body
    level: str
    draft: dict[str, Any]

    @property
    def sector(self) -> str:
        return str(self.draft["sector"])

    @property
    def stage(self) -> str:
        return str(self.draft["stage"])

    @property
    def year(self) -> str:
        return str(self.draft["year_launched"])

    @property
    def facets(self) -> list[str]:
        return list(self.draft["facets"])

    @property
    def tags(self) -> list[str]:
        return list(self.draft["tags"])


def texts(title: str, short: str, overview: str, innovativeness: str) -> dict[str, str]:
    return {
        "title": title,
        "short_explanation": short,
        "overview": overview,
        "innovativeness": innovativeness,
    }


# Each searched word is in one practice only: "καινοτομία" and "innovation" in the first, the
# schools ("σχολεία") and pupils ("μαθητές") in the second.
FIRST: Final[dict[str, Any]] = {
    "languages": ["el", "en"],
    "texts": {
        "el": texts(
            "Ψηφιακή καινοτομία στο δημαρχείο",
            "Οι δημότες κλείνουν ραντεβού και παίρνουν βεβαιώσεις από το κινητό τους.",
            "Ο δήμος έστησε μια ενιαία πύλη για τα πιστοποιητικά και τα ραντεβού.\n"
            "Οι αιτήσεις διεκπεραιώνονται σε μία ημέρα αντί για δύο εβδομάδες.",
            "Πρώτη φορά σε δήμο της χώρας η καινοτομία αυτή συνδέει όλα τα γραφεία.",
        ),
        "en": texts(
            "Digital innovation at the town hall",
            "Residents book appointments and get certificates from their phones.",
            "The municipality set up one portal for certificates and appointments.",
            "The first innovation of its kind to connect every office of a town hall.",
        ),
    },
    "stage": "implementation",
    "facets": ["enhancement"],
    "sector": "digitalisation",
    "year_launched": 2021,
    "tags": ["Ψηφιακές υπηρεσίες", "ραντεβού", "open data"],
    "websites": ["https://dimarxeio.example.gov.gr/rantevou"],
}
SECOND: Final[dict[str, Any]] = {
    "languages": ["el"],
    "texts": {
        "el": texts(
            "Κήποι στα σχολεία της πόλης",
            "Οι μαθητές φροντίζουν λαχανόκηπους στις αυλές και μαθαίνουν για το κλίμα.",
            "Είκοσι σχολεία απέκτησαν κήπους με τη βοήθεια εθελοντών γεωπόνων.",
            "Η μάθηση γίνεται στο ύπαιθρο, με ευθύνη των ίδιων των παιδιών.",
        )
    },
    "stage": "evaluation",
    "facets": ["mission_oriented", "adaptive"],
    "sector": "education",
    "year_launched": 2019,
    "tags": ["περιβάλλον", "εκπαίδευση", "εθελοντισμός"],
}
THIRD: Final[dict[str, Any]] = {
    "languages": ["en"],
    "texts": {
        "en": texts(
            "Early warning for heatwaves in hospitals",
            "Hospitals get a warning three days ahead and plan their staff for hot days.",
            "Weather forecasts feed a dashboard the hospitals read every morning.",
            "Forecasts are turned into staffing plans before the heat arrives.",
        )
    },
    "stage": "diffusing_lessons",
    "facets": ["anticipatory"],
    "sector": "health",
    "year_launched": 2021,
    "tags": ["heatwaves", "hospitals", "open data"],
}
FOURTH: Final[dict[str, Any]] = {
    "languages": ["el", "en"],
    "texts": {
        "el": texts(
            "Ανοιχτά δεδομένα για τις άδειες",
            "Οι άδειες του υπουργείου δημοσιεύονται ως ανοιχτά δεδομένα κάθε εβδομάδα.",
            "Κάθε άδεια γίνεται εγγραφή σε ανοιχτό μητρώο με μηχανική πρόσβαση.",
            "Οι πολίτες και οι επιχειρήσεις βλέπουν την πρόοδο κάθε αίτησης.",
        ),
        "en": texts(
            "Open data for permits",
            "The ministry publishes its permits as open data every week.",
            "Each permit becomes a record of an open register with an API.",
            "Citizens and businesses follow every application as it progresses.",
        ),
    },
    "stage": "implementation",
    "facets": ["enhancement", "anticipatory"],
    "sector": "digitalisation",
    "year_launched": 2023,
    "tags": ["open data", "άδειες", "διαφάνεια"],
    "websites": ["https://adeies.example.gov.gr"],
}
CHANGES: Final = "Προσθέστε πώς μετρήσατε τα αποτελέσματα."
DRAFT_WORD: Final = "ζαχαροπλαστείο"
"""A word only drafts hold: it never shows in the catalogue."""


def normalised(tags: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(tag.lower().split()) for tag in tags))


@dataclass
class Observatory:
    """The running services, the SMTP server, the two member bodies and what was done."""

    stack: GatewayStack
    prefix: str
    databases: dict[str, str]
    a: bodies.Body
    b: bodies.Body
    published: dict[str, Practice] = field(default_factory=dict)
    public: httpx.Client | None = None
    """A client of the public catalogue, kept open for the module's many reads."""

    def api(self, service: str, headers: dict[str, str] | None = None) -> httpx.Client:
        return self.stack.api(service, headers)

    def observatory(self, headers: dict[str, str] | None = None) -> httpx.Client:
        return self.api("observatory", headers)

    def catalogue(self, **query: Any) -> dict[str, Any]:
        """A search of the catalogue (one page of all there is), answered 200."""
        if self.public is None:
            self.public = self.observatory()
        found = self.public.get("/catalogue", params={"page_size": 200, **query})
        assert found.status_code == 200, found.text
        answer: dict[str, Any] = found.json()
        return answer

    def practice(self, practice_id: str, headers: dict[str, str]) -> dict[str, Any]:
        with self.observatory(headers) as api:
            found = api.get(f"/practices/{practice_id}")
        assert found.status_code == 200, found.text
        view: dict[str, Any] = found.json()
        return view

    def emails(self) -> list[Received]:
        return self.stack.smtp.emails()


def start(tmp_path: Path, smtp: SmtpServer) -> Iterator[tuple[GatewayStack, str, dict[str, str]]]:
    """The four services together on fresh topics and databases, each answering."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    ports = {name: free_port() for name in SERVICES}
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            databases = {name: running.enter_context(fresh_database(name)) for name in SERVICES}
            env = {
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "INNOVNET_PUBLIC_URL": PUBLIC_URL,
                "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
                "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
                **{f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()},
            }
            services: dict[str, RunningService] = {
                name: running.enter_context(
                    service_process(name, env, tmp_path, wait=False, port=ports[name])
                )
                for name in SERVICES
            }
            for service in services.values():
                eventually(partial(_answers, service), timeout=90, interval=0.2)
            yield GatewayStack(services, smtp, PUBLIC_URL), prefix, databases
    finally:
        delete_topics(prefix)


def _answers(service: RunningService) -> None:
    """It answers `/health`; its consumers catch up on their own (the test polls for effects)."""
    assert service.process.poll() is None, f"{service.name} exited:\n{service.log()}"
    httpx.get(f"{service.base_url}/health", timeout=1).raise_for_status()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observatory]:
    smtp = SmtpServer()
    smtp.start()
    try:
        for stack, prefix, databases in start(tmp_path_factory.mktemp("observatory"), smtp):
            a = register(stack, name="Δήμος Λευκάδας", level="local", with_alternate=True)
            b = register(stack, name="Υπουργείο Υποδομών", level="central", with_alternate=False)
            site = Observatory(stack, prefix, databases, a, b)
            yield site
            if site.public is not None:
                site.public.close()
    finally:
        smtp.stop()


def drafted(site: Observatory, headers: dict[str, str], draft: dict[str, Any]) -> str:
    """A new practice of the caller's body, once the observatory knows them as a member."""

    def accepted() -> str:
        with site.observatory(headers) as api:
            answer = api.post("/practices", json=draft)
        assert answer.status_code == 201, answer.text
        assert answer.json()["version"] >= 1
        return str(answer.json()["practice_id"])

    return eventually(accepted, timeout=60, interval=0.2)


def post(site: Observatory, path: str, headers: dict[str, str], body: dict[str, Any]) -> int:
    """A command that must succeed; the practice's new version."""
    with site.observatory(headers) as api:
        answer = api.post(path, json=body)
    assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
    return int(answer.json()["version"])


def publish(site: Observatory, body: bodies.Body, level: str, draft: dict[str, Any]) -> str:
    """A complete practice drafted by `body`'s main representative, submitted and published."""
    practice_id = drafted(site, main_of(body), draft)
    version = site.practice(practice_id, main_of(body))["version"]
    post(site, f"/practices/{practice_id}/submit", main_of(body), {"version": version})
    post(site, f"/practices/{practice_id}/publish", UNIT, {"comment": "Δημοσιεύεται."})
    site.published[practice_id] = Practice(body, level, draft)
    return practice_id


@dataclass(frozen=True)
class Journey:
    """The first practice's way to the catalogue: its id, the refused submission, its statuses."""

    practice_id: str
    incomplete: dict[str, Any]
    statuses: list[str]


def status_of(site: Observatory, practice_id: str) -> str:
    return str(site.practice(practice_id, UNIT)["status"])


@pytest.fixture(scope="module")
def journey(site: Observatory) -> Journey:
    """A member of A drafts, submits; the unit asks for changes; they resubmit; it is published."""
    a = site.a
    started = {
        "languages": ["el"],
        "texts": {"el": {"title": FIRST["texts"]["el"]["title"]}},
        "tags": ["ραντεβού"],
    }
    practice_id = drafted(site, main_of(a), started)
    statuses = [status_of(site, practice_id)]
    with site.observatory(main_of(a)) as api:
        incomplete = api.post(f"/practices/{practice_id}/submit", json={"version": 1})
        assert incomplete.status_code == 422, incomplete.text
        edited = api.put(f"/practices/{practice_id}", json={**FIRST, "version": 1})
    assert edited.status_code == 200, edited.text
    version = int(edited.json()["version"])
    version = post(site, f"/practices/{practice_id}/submit", main_of(a), {"version": version})
    statuses.append(status_of(site, practice_id))
    post(
        site,
        f"/practices/{practice_id}/request-changes",
        UNIT,
        {"comment": CHANGES, "version": version},
    )
    statuses.append(status_of(site, practice_id))
    read = site.practice(practice_id, alternate_of(a))
    resubmitted = {**FIRST, "texts": {**FIRST["texts"]}}
    resubmitted["texts"]["el"] = {
        **FIRST["texts"]["el"],
        "results_impact": "Οι αναμονές στα γκισέ μειώθηκαν κατά 70% μέσα σε έναν χρόνο.",
    }
    with site.observatory(main_of(a)) as api:
        edited = api.put(
            f"/practices/{practice_id}", json={**resubmitted, "version": read["version"]}
        )
    assert edited.status_code == 200, edited.text
    version = post(
        site, f"/practices/{practice_id}/submit", main_of(a), {"version": edited.json()["version"]}
    )
    statuses.append(status_of(site, practice_id))
    post(
        site,
        f"/practices/{practice_id}/publish",
        UNIT,
        {"comment": "Ευχαριστούμε, δημοσιεύεται.", "version": version},
    )
    statuses.append(status_of(site, practice_id))
    site.published[practice_id] = Practice(a, "local", resubmitted)
    return Journey(practice_id, incomplete.json(), statuses)


@pytest.fixture(scope="module")
def catalogue(site: Observatory, journey: Journey) -> dict[str, Practice]:
    """Four practices published: two of A (local), two of B (central); all in the catalogue."""
    publish(site, site.a, "local", SECOND)
    publish(site, site.b, "central", THIRD)
    publish(site, site.b, "central", FOURTH)

    def all_in() -> None:
        found = site.catalogue()
        assert {item["practice_id"] for item in found["items"]} == set(site.published), found

    eventually(all_in, timeout=30, interval=0.2)
    return site.published


# The practice's life cycle and its emails.


def test_a_practice_goes_from_a_draft_to_the_catalogue_through_a_request_for_changes(
    site: Observatory, journey: Journey
) -> None:
    assert journey.statuses == [
        "draft",
        "submitted",
        "changes_requested",
        "submitted",
        "published",
    ]
    missing = {tuple(detail["loc"]) for detail in journey.incomplete["detail"]}
    assert {d["type"] for d in journey.incomplete["detail"]} == {"practice_incomplete"}
    assert ("body", "texts", "el", "overview") in missing, missing
    assert ("body", "sector") in missing, missing
    history = site.practice(journey.practice_id, UNIT)["history"]
    decisions = [entry for entry in history if entry["by_role"] == "admin"]
    assert [entry["decided_by"] for entry in decisions] == [STAFF, STAFF], history
    assert decisions[0]["comment"] == CHANGES
    for_the_body = site.practice(journey.practice_id, main_of(site.a))["history"]
    assert all(entry.get("decided_by") is None for entry in for_the_body), for_the_body

    def in_the_catalogue() -> None:
        with site.observatory() as api:
            found = api.get(f"/catalogue/{journey.practice_id}")
        assert found.status_code == 200, found.text
        public = found.json()
        assert public["texts"]["el"]["results_impact"].startswith("Οι αναμονές")
        assert public["body_name"] == "Δήμος Λευκάδας"
        assert public["level"] == "local"
        assert public["tags"] == normalised(FIRST["tags"])

    eventually(in_the_catalogue, timeout=30, interval=0.2)


def emails_holding(
    site: Observatory, to: str, template: str, holding: str, count: int
) -> Callable[[], list[Received]]:
    """A probe: exactly `count` emails of `template` to `to` whose text holds `holding`."""

    def arrived() -> list[Received]:
        found = [
            received
            for received in site.emails()
            if to.lower() in (address.lower() for address in received.to)
            and received.template == template
            and holding in received.part("plain")
        ]
        got = [(e.to, e.template) for e in site.emails()]
        assert len(found) == count, f"{len(found)} {template} emails to {to} with {holding}: {got}"
        return found

    return arrived


def test_the_emails_go_to_the_unit_and_to_both_representatives(
    site: Observatory, journey: Journey
) -> None:
    pid = journey.practice_id
    a = site.a
    assert a.alternate_email is not None
    review = f"{PUBLIC_URL}/unit/practices/{pid}"
    body_page = f"{PUBLIC_URL}/my-body/practices/{pid}"
    public_page = f"{PUBLIC_URL}/observatory/practices/{pid}"
    # Submitted twice: the unit's office hears of each, with the review page.
    submitted = eventually(emails_holding(site, UNIT_EMAIL, "practice_submitted", review, 2))
    assert all("Ψηφιακή καινοτομία στο δημαρχείο" in e.part("plain") for e in submitted)
    for address in (a.main_email, a.alternate_email):
        returned = eventually(
            emails_holding(site, address, "practice_changes_requested", body_page, 1)
        )
        assert CHANGES in returned[0].part("plain")
        published = eventually(emails_holding(site, address, "practice_published", public_page, 1))
        assert body_page in links_in(published[0].part("plain"))
    for received in site.emails():
        if received.template.startswith("practice_"):
            assert STAFF not in received.part("plain"), received.part("plain")


# Who may do what.


def test_a_non_member_and_another_body_s_member_are_refused(
    site: Observatory, journey: Journey
) -> None:
    a, b = site.a, site.b
    practice_id = drafted(site, main_of(a), {**FIRST, "tags": ["ραντεβού", "πύλη", "κινητό"]})
    stranger = bearer("member", str(uuid.uuid4()), a.tax_id)
    with site.observatory(stranger) as api:
        submitted = api.post(f"/practices/{practice_id}/submit", json={"version": 1})
        created = api.post("/practices", json=FIRST)
    assert submitted.status_code == 403, submitted.text
    assert submitted.json()["detail"][0]["type"] == "not_active_member"
    assert created.status_code == 403, created.text
    assert created.json()["detail"][0]["type"] == "not_active_member"
    with site.observatory(main_of(b)) as api:
        other = api.post(f"/practices/{practice_id}/submit", json={"version": 1})
        edited = api.put(f"/practices/{practice_id}", json={**FIRST, "version": 1})
    assert other.status_code == 403, other.text
    assert other.json()["detail"][0]["type"] == "not_the_bodys"
    assert edited.status_code == 403, edited.text
    assert status_of(site, practice_id) == "draft"
    with site.observatory(main_of(a)) as api:
        decided = api.post(f"/practices/{practice_id}/publish", json={"comment": "Όχι."})
    assert decided.status_code == 403, decided.text


# The catalogue: search and facets.


def ids_of(found: dict[str, Any]) -> set[str]:
    return {str(item["practice_id"]) for item in found["items"]}


def the(site: Observatory, draft: dict[str, Any]) -> str:
    return next(pid for pid, p in site.published.items() if p.draft is draft)


def test_search_finds_greek_with_and_without_accents_inflected_words_and_english(
    site: Observatory, journey: Journey, catalogue: dict[str, Practice]
) -> None:
    first = journey.practice_id
    second = the(site, SECOND)
    third = the(site, THIRD)
    assert ids_of(site.catalogue(q="καινοτομία")) == {first}
    assert ids_of(site.catalogue(q="καινοτομια")) == {first}
    assert ids_of(site.catalogue(q="ΚΑΙΝΟΤΟΜΙΑ")) == {first}
    assert ids_of(site.catalogue(q="καινοτομίες")) == {first}  # another form of the word
    assert ids_of(site.catalogue(q="σχολείων")) == {second}  # "σχολεία" in its texts
    assert ids_of(site.catalogue(q="μαθητών")) == {second}  # "μαθητές"
    assert ids_of(site.catalogue(q="innovations")) == {first}  # "innovation"
    assert ids_of(site.catalogue(q="hospital")) == {third}  # "hospitals"
    assert ids_of(site.catalogue(q="γεωπόνων κλίμα")) == {second}  # both words
    assert ids_of(site.catalogue(q="σχολεία hospitals")) == set()
    assert site.catalogue(q="ζαχαροπλαστική")["total"] == 0
    # The snippet is of the short explanation and the overview, the words found marked.
    hit = site.catalogue(q="σχολειων")["items"][0]
    assert "<mark>σχολεία</mark>" in hit["snippet"], hit
    english = site.catalogue(q="innovations", lang="en")["items"][0]
    assert english["title"] == "Digital innovation at the town hall"
    hospitals = site.catalogue(q="hospital")["items"][0]
    assert "<mark>Hospitals</mark>" in hospitals["snippet"], hospitals


QUERIES: Final[tuple[dict[str, Any], ...]] = (
    {},
    {"q": "open data"},
    {"sector": "digitalisation"},
    {"level": "central"},
    {"year": 2021},
    {"facet": "anticipatory"},
    {"tag": "open data"},
    {"stage": "implementation", "level": "local"},
    {"q": "δεδομένα", "sector": "digitalisation"},
)
"""Searches whose facet counts are checked: none, text, each filter, text and a filter."""


def expected_ids(published: dict[str, Practice], query: dict[str, Any]) -> set[str]:
    """The practices a query must match, worked out from what was published."""

    def matches(p: Practice) -> bool:
        if "q" in query:
            written = " ".join(
                [*(text for t in p.draft["texts"].values() for text in t.values()), *p.tags]
            ).lower()
            if not all(word in written for word in query["q"].split()):
                return False
        return all(
            (
                query.get("level") in (None, p.level),
                query.get("sector") in (None, p.sector),
                query.get("stage") in (None, p.stage),
                query.get("year") in (None, int(p.year)),
                query.get("facet") is None or query["facet"] in p.facets,
                query.get("tag") is None or query["tag"] in normalised(p.tags),
            )
        )

    return {pid for pid, p in published.items() if matches(p)}


def counted(practices: Iterable[Practice]) -> dict[str, Counter[str]]:
    """Each dimension's values counted over `practices`, independently of the service."""
    counts: dict[str, Counter[str]] = {d: Counter() for d in ("level", "sector", "stage", "year")}
    counts["facet"], counts["tag"] = Counter(), Counter()
    for p in practices:
        counts["level"][p.level] += 1
        counts["sector"][p.sector] += 1
        counts["stage"][p.stage] += 1
        counts["year"][p.year] += 1
        counts["facet"].update(set(p.facets))
        counts["tag"].update(normalised(p.tags))
    return counts


def counted_items(items: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """The same counts over the items the search answered."""
    counts: dict[str, Counter[str]] = {d: Counter() for d in ("level", "sector", "stage")}
    for item in items:
        for dimension in ("level", "sector", "stage"):
            counts[dimension][item[dimension]] += 1
    counts["year"] = Counter(str(item["year_launched"]) for item in items)
    counts["facet"] = Counter(f for item in items for f in set(item["facets"]))
    counts["tag"] = Counter(t for item in items for t in item["tags"])
    return counts


def facet_counts(found: dict[str, Any]) -> dict[str, Counter[str]]:
    return {
        dimension: Counter({c["value"]: c["count"] for c in counts})
        for dimension, counts in found["facets"].items()
    }


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: json.dumps(q, ensure_ascii=False))
def test_facet_counts_equal_the_numbers_of_matching_practices(
    site: Observatory, catalogue: dict[str, Practice], query: dict[str, Any]
) -> None:
    expected = expected_ids(catalogue, query)
    assert expected, f"{query} matches nothing: a useless check"
    found = site.catalogue(**query)
    assert ids_of(found) == expected
    assert found["total"] == len(expected)
    facets = facet_counts(found)
    assert facets == counted(catalogue[pid] for pid in expected), facets
    assert facets == counted_items(found["items"])
    for dimension, counts in facets.items():
        if dimension in query:
            continue  # one value per dimension: narrowing would replace the query's
        for value, count in counts.items():
            narrowed = {**query, dimension: value}
            assert site.catalogue(**narrowed, page_size=1)["total"] == count, narrowed


# Drafts, exports and the feed.


def exports(site: Observatory, **query: Any) -> dict[str, httpx.Response]:
    """The CSV, JSON and OPSI exports of a search and the Atom feed, each answered 200."""
    answers = {}
    with site.observatory() as api:
        for name, path in (
            ("csv", "/catalogue/export.csv"),
            ("json", "/catalogue/export.json"),
            ("opsi", "/catalogue/export.opsi.json"),
            ("atom", "/catalogue/feed.atom"),
        ):
            answers[name] = api.get(path, params=query if name != "atom" else {})
            assert answers[name].status_code == 200, f"{path}: {answers[name].text}"
    return answers


def test_a_draft_or_a_practice_under_review_never_shows_in_the_catalogue(
    site: Observatory, catalogue: dict[str, Practice]
) -> None:
    draft = {
        **FIRST,
        "texts": {
            "el": {**FIRST["texts"]["el"], "title": f"Το {DRAFT_WORD} του δήμου"},
            "en": FIRST["texts"]["en"],
        },
    }
    in_draft = drafted(site, main_of(site.a), draft)
    under_review = drafted(site, main_of(site.b), {**draft, "sector": "energy"})
    post(site, f"/practices/{under_review}/submit", main_of(site.b), {"version": 1})
    returned = drafted(site, main_of(site.b), {**draft, "sector": "transport"})
    post(site, f"/practices/{returned}/submit", main_of(site.b), {"version": 1})
    post(site, f"/practices/{returned}/request-changes", UNIT, {"comment": "Λίγο ακόμα."})
    hidden = {in_draft, under_review, returned}
    found = site.catalogue()
    assert ids_of(found) == set(catalogue)
    assert {"energy", "transport"}.isdisjoint(c["value"] for c in found["facets"]["sector"])
    assert site.catalogue(q=DRAFT_WORD)["total"] == 0
    with site.observatory() as api:
        for pid in hidden:
            assert api.get(f"/catalogue/{pid}").status_code == 404
    for name, answer in exports(site).items():
        for pid in hidden:
            assert pid not in answer.text, name
        assert DRAFT_WORD not in answer.text, name


def personal_field_names() -> set[str]:
    """The last name of every path the contracts mark as personal data (`Sealed`)."""
    names: set[str] = set()
    for module in (
        contracts.registration,
        contracts.membership,
        contracts.observatory,
        contracts.notifications,
    ):
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, ContractEvent):
                for path in personal_data_fields(value):
                    names.add(path.split(".")[-1].removesuffix("[]"))
    return names


def marked_field_names() -> set[str]:
    """The properties the published JSON schemas mark as personal data (`x-personal-data`)."""
    names: set[str] = set()
    for path in (REPO_ROOT / "contracts" / "schemas").glob("*.json"):
        schema = json.loads(path.read_text())
        marked = [
            f'"#/$defs/{name}"'
            for name, definition in schema.get("$defs", {}).items()
            if definition.get(PERSONAL_DATA_MARK)
        ]
        for properties in properties_in(schema):
            for name, property_schema in properties.items():
                written = json.dumps(property_schema)
                if PERSONAL_DATA_MARK in written or any(ref in written for ref in marked):
                    names.add(name)
    return names


def properties_in(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if isinstance(schema.get("properties"), dict):
            yield schema["properties"]
        for inner in schema.values():
            yield from properties_in(inner)
    elif isinstance(schema, list):
        for inner in schema:
            yield from properties_in(inner)


PRIVATE_KEYS: Final = {
    "decided_by",
    "comment",
    "author_id",
    "editor_id",
    "submitted_by",
    "withdrawn_by",
    "representative_id",
    "reason",
}
"""What the observatory's events hold besides the public record: none of it goes out."""


def keys_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from keys_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_in(inner)


def personal_values(site: Observatory) -> list[str]:
    """The people's names, ids and addresses the registrations hold; and who decided."""
    people = [*PEOPLE, *(name.split()[-1] for name in PEOPLE)]
    ids = [
        str(value)
        for body in (site.a, site.b)
        for value in (body.main_id, body.alternate_id, body.main_email, body.alternate_email)
        if value
    ]
    return [*people, *ids, STAFF, "+30 210"]


def assert_no_personal_data(site: Observatory, name: str, text: str) -> None:
    assert not EMAIL_ADDRESS.search(text), f"{name}: {EMAIL_ADDRESS.search(text)}"
    for value in personal_values(site):
        assert value not in text, f"{name} holds {value!r}"


def validate_atom(document: bytes, site: Observatory) -> list[ET.Element]:
    """RFC 4287's required elements of a feed and of each entry; the entries."""
    root = ET.fromstring(document)  # noqa: S314 - the stack's own feed
    assert root.tag == f"{ATOM}feed", root.tag
    for required in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{required}")) == 1, f"feed has no single {required}"
    selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(selves) == 1, "feed has no single rel=self link"
    assert selves[0].get("href"), "the feed's rel=self link has no href"
    assert "CC BY 4.0" in (root.findtext(f"{ATOM}rights") or "")
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        entry_id = entry.findtext(f"{ATOM}id") or ""
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry_id), entry_id
        assert entry.findtext(f"{ATOM}title"), entry_id
        for moment in ("updated", "published"):
            text = entry.findtext(f"{ATOM}{moment}")
            if moment == "updated" or text is not None:
                assert text, (entry_id, moment)
                assert datetime.fromisoformat(text).tzinfo, (entry_id, moment, text)
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None, entry_id
        alternates = [
            link.get("href")
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert entry.find(f"{ATOM}content") is not None or alternates, entry_id
        assert entry.findtext(f"{ATOM}summary"), entry_id
        practice_id = entry_id.removeprefix("urn:uuid:")
        assert f"{PUBLIC_URL}/observatory/practices/{practice_id}" in alternates, alternates
    updated = datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "")
    assert all(
        datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") <= updated for e in entries
    )
    return entries


def test_the_exports_and_the_feed_parse_and_hold_no_personal_data(
    site: Observatory, catalogue: dict[str, Practice]
) -> None:
    answers = exports(site)
    marked = marked_field_names()
    assert {"full_name", "email", "phone", "signed_by_name"} <= marked
    assert personal_field_names() <= marked
    personal_keys = marked | PRIVATE_KEYS

    data = answers["csv"].content
    assert data.startswith(b"\xef\xbb\xbf"), data[:10]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row["practice_id"] for row in rows} == set(catalogue)
    assert {row["licence"] for row in rows} == {"CC-BY-4.0"}
    header = set(rows[0])
    assert {"title_el", "title_en", "body_name"} <= header
    columns = {column.removesuffix("_el").removesuffix("_en") for column in header}
    assert not columns & personal_keys, header

    document = answers["json"].json()
    assert document["licence"] == "CC-BY-4.0"
    assert {p["practice_id"] for p in document["practices"]} == set(catalogue)
    assert not set(keys_in(document)) & personal_keys

    opsi = answers["opsi"].json()
    assert len(opsi["cases"]) == len(catalogue)
    assert {case["country"] for case in opsi["cases"]} == {"Greece"}
    english = next(c for c in opsi["cases"] if c["title"] == "Digital innovation at the town hall")
    assert english["language"] == "en"
    assert english["primary_sector"] == "digitalisation"
    greek_only = next(c for c in opsi["cases"] if c["title"] == "Κήποι στα σχολεία της πόλης")
    assert greek_only["language"] == "el"
    assert not set(keys_in(opsi)) & personal_keys

    entries = validate_atom(answers["atom"].content, site)
    assert {e.findtext(f"{ATOM}id") for e in entries} == {f"urn:uuid:{pid}" for pid in catalogue}
    assert answers["atom"].headers["content-type"].startswith("application/atom+xml")

    for name, answer in answers.items():
        assert_no_personal_data(site, name, answer.text)
    with site.observatory() as api:
        for pid in catalogue:
            public = api.get(f"/catalogue/{pid}")
            assert public.status_code == 200
            assert not set(keys_in(public.json())) & personal_keys
            assert_no_personal_data(site, pid, public.text)
        found = api.get("/catalogue", params={"q": "open data"})
        assert_no_personal_data(site, "search", found.text)


# Rebuilding the catalogue.


REBUILD: Final = (sys.executable, "-m", "services.runtime.cli", "projection", "rebuild")
"""`innovnet projection rebuild`, as an operator runs it."""


def catalogue_generation(site: Observatory) -> int:
    with psycopg.connect(site.databases["observatory"]) as conn:
        row = conn.execute(
            "SELECT generation FROM public.projection_generation WHERE name = 'catalogue'"
        ).fetchone()
    return int(row[0]) if row else 1


def test_rebuilding_the_catalogue_from_offset_0_gives_the_same_answers(
    site: Observatory, catalogue: dict[str, Practice]
) -> None:
    queries = [*QUERIES, {"q": "καινοτομια"}, {"q": "innovations"}, {"q": "σχολείων"}]
    before = [site.catalogue(**query) for query in queries]
    generation = catalogue_generation(site)
    env = {
        **os.environ,
        "INNOVNET_ENV": "test",
        "KAFKA_TOPIC_PREFIX": site.prefix,
        "OBSERVATORY_DATABASE_URL": site.databases["observatory"],
    }
    rebuilt = subprocess.run(
        [*REBUILD, "observatory", "catalogue"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert f"generation {generation + 1} is live" in rebuilt.stdout, rebuilt.stdout
    assert catalogue_generation(site) == generation + 1
    after = [site.catalogue(**query) for query in queries]
    for query, old, new in zip(queries, before, after, strict=True):
        assert new["total"] == old["total"], query
        assert new["facets"] == old["facets"], query
        assert [i["practice_id"] for i in new["items"]] == [
            i["practice_id"] for i in old["items"]
        ], query
        assert new["items"] == old["items"], query


# The body's representatives: co-editing, and one who left.


def test_the_other_representative_co_edits_and_one_who_left_can_no_longer_edit(
    site: Observatory, journey: Journey
) -> None:
    a = site.a
    practice_id = drafted(site, main_of(a), {**SECOND, "tags": []})
    view = site.practice(practice_id, alternate_of(a))
    assert view["can_edit"] is True
    assert view["author_id"] == a.main_id
    with site.observatory(alternate_of(a)) as api:
        edited = api.put(f"/practices/{practice_id}", json={**SECOND, "version": view["version"]})
        stale = api.put(f"/practices/{practice_id}", json={**SECOND, "version": view["version"]})
    assert edited.status_code == 200, edited.text
    assert stale.status_code == 409, stale.text
    assert stale.json()["detail"][0]["type"] == "practice_changed"
    version = int(edited.json()["version"])
    assert site.practice(practice_id, main_of(a))["draft"]["tags"] == SECOND["tags"]

    bodies.replace_main(site.stack, a)  # the main representative leaves: MemberDeactivated

    def refused() -> None:
        with site.observatory(main_of(a)) as api:
            answer = api.put(f"/practices/{practice_id}", json={**SECOND, "version": version})
        assert answer.status_code == 403, answer.text
        assert answer.json()["detail"][0]["type"] == "not_active_member"

    eventually(refused, timeout=30, interval=0.2)
    with site.observatory(main_of(a)) as api:
        submitted = api.post(f"/practices/{practice_id}/submit", json={"version": version})
        withdrawn = api.post(f"/practices/{practice_id}/withdraw", json={"reason": "Έφυγα."})
    assert submitted.status_code == 403, submitted.text
    assert withdrawn.status_code == 403, withdrawn.text
    as_author = site.practice(practice_id, main_of(a))
    assert as_author["can_edit"] is False
    assert as_author["author_id"] == a.main_id
    # The one who stays still edits the practice the other started.
    post(site, f"/practices/{practice_id}/submit", alternate_of(a), {"version": version})
    assert status_of(site, practice_id) == "submitted"
