"""The observatory's catalogue search with facets, over HTTP, next to the bare SQL behind it.

    python -m bench.catalogue [--practices 10000] [--clients 8 …] [--seconds 10] [--explain]

Needs the local stack's Kafka and PostgreSQL (`make test` or `bash deploy/stack.sh prepare`).
Starts an observatory process on a fresh database and topic prefix (both removed afterwards),
generates `--practices` published practices in Greek, English or both (sentences from a small
vocabulary, in several inflections; sectors, levels, stages, facets, years and tags varied) and
produces them as `PracticePublished` contract events onto the observatory's topic, as the
service's relay would: the Catalogue projection of the running process consumes them, and the
load time is until the catalogue counts them all. Then `--clients` clients search together
for `--seconds`: `GET /catalogue` over HTTP with a mix of queries (Greek with and without
accents and inflected, English, with and without filters, no text at all), then the same
statement the projection runs (its own `search_statement`), with the same parameters, executed
directly with psycopg from as many connections (`--clients 1 4 8` runs each number in turn).
Over HTTP twice: to a second process on the same database that keeps no search's
answers (`OBSERVATORY_CATALOGUE_CACHE=0`, every search computed: the figures of distinct
searches, the goal's), and to the observatory as deployed, where the same searches repeated
are answered from memory until the catalogue changes. The ratio of the p99s (computed
searches to SQL) is what the service adds to PostgreSQL; the table per query says how many
practices each matches. The goal, p99 ≤ 50 ms over HTTP at 8 clients, is printed, not asserted;
`--explain` prints EXPLAIN ANALYZE of the slowest queries. The load average is printed beside
the figures: on a shared machine they are only as good as it is quiet.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import httpx
import psycopg
from confluent_kafka import Producer
from psycopg.rows import dict_row
from psycopg.sql import SQL, Composed, Identifier
from stdnum.gr import vat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.registrations import percentile
from contracts.observatory import (
    Facet,
    PracticeTexts,
    PublicPractice,
    Sector,
    Stage,
)
from contracts.registration import Language, Level
from contracts.topics import topic_of
from services.observatory.projections.catalogue import (
    TOP_TAGS,
    Filters,
    Sort,
    filter_parameters,
    search_statement,
)
from services.runtime.paging import Page
from services.runtime.relay import producer_config
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.observatory import observatory_env, published_message
from tests.support.polling import eventually
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

GOAL_P99_MS: Final = 50.0
GOAL_CLIENTS: Final = 8
PAGE_SIZE: Final = 20
"""A page of results as the gateway's observatory page asks for it."""

# The vocabulary: each topic in the forms a text uses it in (Greek inflects: the searches
# look for one form and must find the others).
GREEK_TOPICS: Final = (
    ("ψηφιακή πλατφόρμα", "της ψηφιακής πλατφόρμας", "ψηφιακές πλατφόρμες"),
    ("ηλεκτρονική υπηρεσία", "της ηλεκτρονικής υπηρεσίας", "ηλεκτρονικές υπηρεσίες"),
    ("τηλεϊατρική", "της τηλεϊατρικής", "τηλεϊατρικές συνεδρίες"),
    ("ανακύκλωση", "της ανακύκλωσης", "ανακυκλώσιμα υλικά"),
    ("ενεργειακή αναβάθμιση", "της ενεργειακής αναβάθμισης", "ενεργειακές αναβαθμίσεις"),
    ("σχολικό γεύμα", "του σχολικού γεύματος", "σχολικά γεύματα"),
    ("δημοτική συγκοινωνία", "της δημοτικής συγκοινωνίας", "δημοτικές συγκοινωνίες"),
    ("ανοιχτά δεδομένα", "των ανοιχτών δεδομένων", "ανοιχτά δεδομένα"),
    ("κοινωνικό παντοπωλείο", "του κοινωνικού παντοπωλείου", "κοινωνικά παντοπωλεία"),
    ("συμμετοχικός προϋπολογισμός", "του συμμετοχικού προϋπολογισμού", "προϋπολογισμοί"),
    ("έξυπνος φωτισμός", "του έξυπνου φωτισμού", "έξυπνα φωτιστικά"),
    ("διαχείριση απορριμμάτων", "της διαχείρισης απορριμμάτων", "απορρίμματα"),
    ("πρόληψη πυρκαγιών", "της πρόληψης πυρκαγιών", "πυρκαγιές"),
    ("φροντίδα ηλικιωμένων", "της φροντίδας ηλικιωμένων", "ηλικιωμένοι"),
    ("καινοτομία", "της καινοτομίας", "καινοτομίες"),
    ("απλούστευση διαδικασιών", "της απλούστευσης διαδικασιών", "διαδικασίες"),
    ("ψηφιακή υπογραφή", "της ψηφιακής υπογραφής", "ψηφιακές υπογραφές"),
    ("πράσινη στέγη", "της πράσινης στέγης", "πράσινες στέγες"),
    ("κατάρτιση ανέργων", "της κατάρτισης ανέργων", "άνεργοι"),
    ("τουριστική προβολή", "της τουριστικής προβολής", "τουρίστες"),
)
GREEK_PEOPLE: Final = (
    "οι δημότες",
    "οι πολίτες",
    "οι μαθητές των σχολείων",
    "οι επιχειρήσεις",
    "οι εργαζόμενοι του δήμου",
    "οι ασθενείς",
    "οι κάτοικοι των χωριών",
    "οι επισκέπτες",
)
GREEK_SENTENCES: Final = (
    "Ο φορέας ανέπτυξε {topic} ώστε {people} να εξυπηρετούνται χωρίς να μετακινούνται.",
    "Η εφαρμογή {of_topic} μείωσε τον χρόνο αναμονής κατά {n}% μέσα σε έναν χρόνο.",
    "Με τη συνεργασία πανεπιστημίων και εθελοντών {many} επεκτάθηκαν σε {n} περιοχές.",
    "Σήμερα {people} χρησιμοποιούν {topic} καθημερινά και αξιολογούν την υπηρεσία.",
    "Το έργο χρηματοδοτήθηκε από το Ταμείο Ανάκαμψης και ολοκληρώθηκε σε {n} μήνες.",
    "Η ομάδα του έργου κατέγραψε τα προβλήματα {of_topic} και τα έλυσε ένα προς ένα.",
    "Οι δήμοι της περιφέρειας υιοθέτησαν το ίδιο μοντέλο μετά από {n} εργαστήρια.",
    "Τα αποτελέσματα δημοσιεύονται ως ανοιχτά δεδομένα κάθε μήνα.",
)
ENGLISH_TOPICS: Final = (
    ("digital platform", "digital platforms"),
    ("online service", "online services"),
    ("telemedicine", "telemedicine sessions"),
    ("recycling scheme", "recycling schemes"),
    ("energy upgrade", "energy upgrades"),
    ("school meal", "school meals"),
    ("municipal transport", "municipal buses"),
    ("open data portal", "open data portals"),
    ("social grocery", "social groceries"),
    ("participatory budget", "participatory budgets"),
    ("smart lighting", "smart street lights"),
    ("waste management", "waste collections"),
    ("wildfire prevention", "wildfire patrols"),
    ("elderly care", "care visits"),
    ("innovation lab", "innovations"),
    ("simplified procedure", "simplified procedures"),
    ("digital signature", "digital signatures"),
    ("green roof", "green roofs"),
    ("training for the unemployed", "training courses"),
    ("tourism promotion", "tourism campaigns"),
)
ENGLISH_PEOPLE: Final = (
    "residents",
    "citizens",
    "pupils",
    "businesses",
    "municipal staff",
    "patients",
    "villagers",
    "visitors",
)
ENGLISH_SENTENCES: Final = (
    "The body built a {topic} so that {people} are served without travelling.",
    "Running the {topic} cut waiting times by {n}% within a year.",
    "With universities and volunteers, the {many} spread to {n} areas.",
    "Today {people} use the {topic} every day and rate the service.",
    "The project was funded by the Recovery Fund and finished in {n} months.",
    "The team listed the problems of the {topic} and solved them one by one.",
    "Neighbouring municipalities adopted the same model after {n} workshops.",
    "The results are published as open data every month.",
)
TAGS: Final = (
    "ανοιχτά δεδομένα",
    "ψηφιακός μετασχηματισμός",
    "συμμετοχή πολιτών",
    "κυκλική οικονομία",
    "κλιματική αλλαγή",
    "υγεία",
    "εκπαίδευση",
    "τουρισμός",
    "απασχόληση",
    "ενέργεια",
    "μεταφορές",
    "διαφάνεια",
    "απλούστευση",
    "κοινωνική πολιτική",
    "open data",
    "co-design",
    "service design",
    "govtech",
    "smart city",
    "sustainability",
    "public health",
    "digital skills",
    "accessibility",
    "behavioural insights",
)
PLACES: Final = (
    "Αθηναίων",
    "Θεσσαλονίκης",
    "Πατρέων",
    "Ηρακλείου",
    "Λάρισας",
    "Βόλου",
    "Ιωαννιτών",
    "Χανίων",
    "Καλαμάτας",
    "Τρικκαίων",
    "Σερρών",
    "Κομοτηνής",
    "Ρόδου",
    "Κέρκυρας",
    "Λαμιέων",
    "Καβάλας",
    "Δράμας",
    "Ξάνθης",
    "Χαλκιδέων",
    "Κοζάνης",
)
REGIONS: Final = ("Αττικής", "Κεντρικής Μακεδονίας", "Κρήτης", "Θεσσαλίας", "Ηπείρου")
MINISTRIES: Final = ("Εσωτερικών", "Υγείας", "Παιδείας", "Ψηφιακής Διακυβέρνησης", "Εργασίας")

QUERIES: Final[tuple[dict[str, Any], ...]] = (
    {"q": "καινοτομία"},
    {"q": "καινοτομια"},
    {"q": "ψηφιακές υπηρεσίες"},
    {"q": "ψηφιακες υπηρεσιες"},
    {"q": "ανακύκλωσης"},
    {"q": "σχολείων"},
    {"q": "ηλικιωμένων", "level": "local"},
    {"q": "ενεργειακή αναβάθμιση", "sector": "energy"},
    {"q": "πλατφόρμα", "year": 2021},
    {"q": "innovations"},
    {"q": "telemedicine"},
    {"q": "recycling", "sector": "environment"},
    {"q": "open data", "lang": "en"},
    {"q": "school meals", "facet": "mission_oriented"},
    {},
    {"sector": "health"},
    {"level": "regional", "stage": "implementation"},
    {"facet": "anticipatory"},
    {"tag": "ανοιχτά δεδομένα"},
    {"sector": "education", "sort": "title"},
)
"""The mix every client goes through: text in Greek and English, filters, both, neither."""


def label(query: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in query.items()) or "(all, newest)"


class Generator:
    """Published practices from the vocabulary, the same ones for the same seed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.bodies = self._bodies()
        self.start = datetime(2023, 1, 1, tzinfo=UTC)

    def _bodies(self) -> list[tuple[str, str, Level]]:
        found: list[tuple[str, str, Level]] = []
        for number, (kind, names, level) in enumerate(
            (
                ("Δήμος", PLACES, Level.LOCAL),
                ("Περιφέρεια", REGIONS, Level.REGIONAL),
                ("Υπουργείο", MINISTRIES, Level.CENTRAL),
            )
        ):
            for index, name in enumerate(names):
                base = f"09{number}{index:05d}"
                found.append((base + vat.calc_check_digit(base), f"{kind} {name}", level))
        return found

    def _greek(self, topic: tuple[str, str, str]) -> PracticeTexts:
        r = self.random
        people = r.choice(GREEK_PEOPLE)

        def sentence() -> str:
            return r.choice(GREEK_SENTENCES).format(
                topic=topic[0], of_topic=topic[1], many=topic[2], people=people, n=r.randint(2, 60)
            )

        overview = " ".join(sentence() for _ in range(r.randint(4, 9)))
        return PracticeTexts(
            title=f"{topic[0].capitalize()} για {people.split(' ', 1)[1]}",
            short_explanation=" ".join(sentence() for _ in range(2)),
            overview=overview,
            innovativeness=sentence(),
            results_impact=sentence() if r.random() < 0.6 else None,
            lessons_learned=sentence() if r.random() < 0.4 else None,
        )

    def _english(self, topic: tuple[str, str]) -> PracticeTexts:
        r = self.random
        people = r.choice(ENGLISH_PEOPLE)

        def sentence() -> str:
            return r.choice(ENGLISH_SENTENCES).format(
                topic=topic[0], many=topic[1], people=people, n=r.randint(2, 60)
            )

        return PracticeTexts(
            title=f"{topic[0].capitalize()} for {people}",
            short_explanation=" ".join(sentence() for _ in range(2)),
            overview=" ".join(sentence() for _ in range(r.randint(4, 9))),
            innovativeness=sentence(),
            results_impact=sentence() if r.random() < 0.6 else None,
        )

    def practice(self, number: int) -> PublicPractice:
        r = self.random
        tax_id, body_name, level = r.choice(self.bodies)
        which = r.randrange(len(GREEK_TOPICS))
        shape = r.random()
        languages = (
            [Language.GREEK, Language.ENGLISH]
            if shape < 0.5
            else [Language.GREEK]
            if shape < 0.85
            else [Language.ENGLISH]
        )
        texts: dict[Language, PracticeTexts] = {}
        if Language.GREEK in languages:
            texts[Language.GREEK] = self._greek(GREEK_TOPICS[which])
        if Language.ENGLISH in languages:
            texts[Language.ENGLISH] = self._english(ENGLISH_TOPICS[which])
        published = self.start + timedelta(minutes=number * 7 + r.randint(0, 6))
        return PublicPractice(
            practice_id=uuid.UUID(int=r.getrandbits(128), version=4),
            body_id=tax_id,
            body_name=body_name,
            level=level,
            languages=languages,
            texts=texts,
            stage=r.choice(list(Stage)),
            facets=r.sample(list(Facet), r.randint(1, 3)),
            sector=r.choice(list(Sector)),
            year_launched=r.randint(2005, 2025),
            tags=r.sample(TAGS, r.randint(3, 7)),
            first_published_at=published,
            published_at=published,
        )


@dataclass
class Running:
    """The observatory process, its database and topic prefix."""

    base_url: str
    """The observatory as deployed: it keeps searches' answers until the catalogue changes."""
    uncached_url: str
    """A second process on the same database answering HTTP only, keeping no answers
    (`OBSERVATORY_CATALOGUE_CACHE=0`): every search is computed, as a distinct one is."""
    database_url: str
    prefix: str


@contextmanager
def observatory(logs: Path) -> Iterator[Running]:
    """An observatory process on a fresh database and topic prefix, removed afterwards."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with fresh_database("observatory") as url:
            env = observatory_env(url, prefix)
            uncached_env = {**env, "OBSERVATORY_CATALOGUE_CACHE": "0"}
            with (
                service_process("observatory", env, logs, wait=False) as process,
                service_process(
                    "observatory", uncached_env, logs, role="api", wait=False
                ) as uncached,
            ):

                def answers() -> None:
                    for running in (process, uncached):
                        assert running.process.poll() is None, running.log()
                        httpx.get(f"{running.base_url}/health", timeout=2).raise_for_status()

                eventually(answers, timeout=180, interval=0.5)  # a loaded machine starts slowly
                yield Running(process.base_url, uncached.base_url, url, prefix)
    finally:
        delete_topics(prefix)


def load(running: Running, practices: list[PublicPractice]) -> tuple[float, float]:
    """Produce every practice's `PracticePublished`; seconds to produce, and until all are in."""
    topic = f"{running.prefix}{topic_of('observatory').name}"
    producer = Producer(producer_config(kafka_bootstrap_servers()))
    started = time.perf_counter()
    for practice in practices:
        # drafted, submitted, published
        message = published_message(practice, version=3, decided_by="staff-bench")
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        while True:
            try:
                producer.produce(topic, message.value, message.key, headers=headers)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    assert producer.flush(60) == 0
    produced = time.perf_counter() - started
    with httpx.Client(base_url=running.base_url, timeout=30) as api:
        while True:
            answer = api.get("/catalogue", params={"page_size": 1})
            if answer.status_code == 200 and answer.json()["total"] >= len(practices):
                break
            time.sleep(0.2)
    return produced, time.perf_counter() - started


def search_of(query: dict[str, Any]) -> tuple[Filters, Sort, str | None]:
    """The filters, sort and language `GET /catalogue` makes of the query (catalogue_api)."""
    q = str(query["q"]).strip() if "q" in query else None
    filters = Filters(
        q=q or None,
        level=query.get("level"),
        sector=query.get("sector"),
        stage=query.get("stage"),
        facet=query.get("facet"),
        year=query.get("year"),
        tag=str(query["tag"]).strip().lower() if "tag" in query else None,
    )
    sort = Sort(query["sort"]) if "sort" in query else Sort.RELEVANCE if q else Sort.NEWEST
    return filters, sort, query.get("lang")


def statement_of(query: dict[str, Any]) -> tuple[Composed, dict[str, Any]]:
    """The statement the Catalogue projection runs for the query, and its parameters."""
    filters, sort, language = search_of(query)
    words = filters.words()
    if sort is Sort.RELEVANCE and not words:
        sort = Sort.NEWEST
    page = Page(number=1, size=PAGE_SIZE)
    parameters = {
        **filter_parameters(filters),
        "words": words,
        "limit": page.limit,
        "offset": page.offset,
        "language": language,
        "top_tags": TOP_TAGS,
    }
    return search_statement(filters, sort, bool(words), language), parameters


Sample = tuple[int, float]
"""(the query's index in QUERIES, milliseconds)."""


def together(
    clients: int, seconds: float, make: Callable[[], Callable[[int], None]]
) -> list[Sample]:
    """`clients` threads, each with its own `make()` (a connection), going through the queries
    from a different start for `seconds`: every call's time."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    failures: list[BaseException] = []

    def worker(start: int) -> None:
        try:
            call = make()
            mine: list[Sample] = []
            for index in itertools.islice(itertools.cycle(range(len(QUERIES))), start, None):
                if time.perf_counter() >= deadline:
                    break
                began = time.perf_counter()
                call(index)
                mine.append((index, (time.perf_counter() - began) * 1000))
            with lock:
                samples.extend(mine)
        except BaseException as failure:  # reported after the others finish
            failures.append(failure)

    threads = [
        threading.Thread(target=worker, args=(n * len(QUERIES) // clients,)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return samples


def over_http(base_url: str) -> Callable[[], Callable[[int], None]]:
    def make() -> Callable[[int], None]:
        client = httpx.Client(base_url=base_url, timeout=30)

        def call(index: int) -> None:
            answer = client.get("/catalogue", params={**QUERIES[index], "page_size": PAGE_SIZE})
            if answer.status_code != 200:
                raise RuntimeError(f"{label(QUERIES[index])}: {answer.status_code} {answer.text}")

        return call

    return make


def totals(running: Running) -> list[int]:
    """How many practices each query matches."""
    with httpx.Client(base_url=running.base_url, timeout=30) as client:
        return [
            int(client.get("/catalogue", params={**query, "page_size": 1}).json()["total"])
            for query in QUERIES
        ]


def active_schema(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT generation FROM public.projection_generation WHERE name = 'catalogue'"
        ).fetchone()
    return f"catalogue_g{row[0] if row else 1}"


def over_sql(database_url: str) -> Callable[[], Callable[[int], None]]:
    schema = active_schema(database_url)
    statements = [statement_of(query) for query in QUERIES]

    def make() -> Callable[[int], None]:
        conn = psycopg.connect(database_url, autocommit=True, row_factory=dict_row)
        conn.execute(SQL("SET search_path TO {}").format(Identifier(schema)))

        def call(index: int) -> None:
            statement, parameters = statements[index]
            row = conn.execute(statement, parameters).fetchone()
            assert row is not None

        return call

    return make


@dataclass(frozen=True)
class Figures:
    requests: int
    p50: float
    p99: float
    by_query: dict[int, tuple[float, float]]


def figures(samples: list[Sample]) -> Figures:
    times = [ms for _, ms in samples]
    by_query = {
        index: (percentile(mine, 0.5), percentile(mine, 0.99))
        for index in range(len(QUERIES))
        if (mine := [ms for i, ms in samples if i == index])
    }
    return Figures(len(times), percentile(times, 0.5), percentile(times, 0.99), by_query)


def explain(database_url: str, index: int) -> str:
    statement, parameters = statement_of(QUERIES[index])
    with psycopg.connect(database_url) as conn:
        conn.execute(SQL("SET search_path TO {}").format(Identifier(active_schema(database_url))))
        rows = conn.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) ") + statement, parameters).fetchall()
    return "\n".join(str(row[0]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[8], help="one run each way per number"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="over HTTP, and over SQL")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--explain", action="store_true", help="plans of the 3 slowest queries")
    args = parser.parse_args()
    generator = Generator(args.seed)
    practices = [generator.practice(number) for number in range(args.practices)]
    runs: list[tuple[int, Figures, Figures, Figures]] = []
    with tempfile.TemporaryDirectory() as logs, observatory(Path(logs)) as running:
        print(f"loading {args.practices} practices …", file=sys.stderr)
        produced, loaded = load(running, practices)
        with psycopg.connect(running.database_url, autocommit=True) as conn:
            # What autovacuum does shortly after a load this size: the planner's statistics.
            conn.execute("ANALYZE")
        matches = totals(running)  # and warms the caches up
        for index in range(len(QUERIES)):
            over_sql(running.database_url)()(index)
        load_before = os.getloadavg()[0]
        for clients in args.clients:
            print(f"{clients} clients over HTTP, every search computed …", file=sys.stderr)
            http = figures(together(clients, args.seconds, over_http(running.uncached_url)))
            print(f"{clients} clients over HTTP, searches repeated …", file=sys.stderr)
            repeated = figures(together(clients, args.seconds, over_http(running.base_url)))
            print(f"{clients} clients with bare SQL …", file=sys.stderr)
            sql = figures(together(clients, args.seconds, over_sql(running.database_url)))
            runs.append((clients, http, repeated, sql))
        load_after = os.getloadavg()[0]
        clients, http, repeated, sql = next(
            (run for run in runs if run[0] == GOAL_CLIENTS), runs[-1]
        )
        slowest = sorted(http.by_query, key=lambda i: -http.by_query[i][1])[:3]
        plans = [(i, explain(running.database_url, i)) for i in slowest] if args.explain else []

    print(
        f"\ncatalogue of {args.practices} published practices: produced in {produced:.1f} s, "
        f"all in the catalogue after {loaded:.1f} s ({args.practices / loaded:.0f} per second)"
    )
    print(
        f"search with facets, page of {PAGE_SIZE}, {args.seconds:.0f} s each way, "
        f"{len(QUERIES)} queries in turn; load average {load_before:.1f} → {load_after:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        "HTTP: every search computed (a process keeping no answers, as for distinct searches);"
        "\nrepeated: the same 20 searches again, answered from memory until the catalogue"
        " changes;\nSQL: the search's statement alone"
    )
    print(
        f"{'clients':>7}{'HTTP req/s':>12}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'repeated/s':>12}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'SQL req/s':>11}{'p50 ms':>8}{'p99 ms':>8}{'p99 ratio':>11}"
    )
    for count, over, again, bare in runs:
        print(
            f"{count:>7}{over.requests / args.seconds:>12.0f}{over.p50:>8.1f}{over.p99:>8.1f}"
            f"{again.requests / args.seconds:>12.0f}{again.p50:>8.1f}{again.p99:>8.1f}"
            f"{bare.requests / args.seconds:>11.0f}{bare.p50:>8.1f}{bare.p99:>8.1f}"
            f"{over.p99 / bare.p99:>11.1f}"
        )
    print(f"\nper query at {clients} clients")
    print(f"{'query':<44}{'matches':>8}{'HTTP p50':>9}{'p99':>7}{'SQL p50':>9}{'p99':>7}")
    for index, query in enumerate(QUERIES):
        h50, h99 = http.by_query.get(index, (0.0, 0.0))
        s50, s99 = sql.by_query.get(index, (0.0, 0.0))
        print(f"{label(query):<44}{matches[index]:>8}{h50:>9.1f}{h99:>7.1f}{s50:>9.1f}{s99:>7.1f}")
    met = http.p99 <= GOAL_P99_MS
    print(
        f"goal: p99 ≤ {GOAL_P99_MS:.0f} ms over HTTP at {clients} clients, every search computed: "
        + ("met" if met else f"not met ({http.p99:.1f} ms)")
        + f"; searches repeated: p99 {repeated.p99:.1f} ms"
    )
    for index, plan in plans:
        print(f"\nEXPLAIN ANALYZE {label(QUERIES[index])}\n{plan}")


if __name__ == "__main__":
    main()
