"""The public catalogue's read model on the real PostgreSQL: search, facets, exports, feed.

The contract events are applied through the projection as its consumer would, without Kafka
or a process: one database and one projection for the module.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts import observatory as o
from contracts.envelope import ReceivedEvent, event_id
from contracts.events import ContractEvent
from contracts.observatory import LICENCE, LICENCE_URL, Facet, PublicPractice, Sector, Stage
from contracts.registration import Language, Level
from contracts.topics import topic_of
from services.observatory import exports
from services.observatory.catalogue_api import RenderedAnswers, results_view
from services.observatory.feed import ATOM, atom_feed
from services.observatory.projections.catalogue import Catalogue, Filters, Found, Sort
from services.runtime.deliveries import Delivery
from services.runtime.paging import Page
from tests.support.servers import fresh_database

TOPIC = topic_of("observatory").name
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EVERYTHING = Page(number=1, size=200)
AUTHOR = uuid.UUID("6f0e1d2c-3b4a-4958-8776-655443322110")
DECIDED_BY = "staff-9f8e7d6c5b4a39281706"
COMMENT = "Εγκρίνεται από τον ελεγκτή Ιωάννη Παπαδόπουλο"
REASON = "Αποσύρεται από την Ελένη Γεωργίου"
EMAIL = "eleni.georgiou@example.gov.gr"


@dataclass
class Feed:
    """Contract events delivered to one or more generations of the catalogue, in order."""

    catalogues: list[Catalogue]
    log: list[Delivery] = field(default_factory=list)
    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    def deliver(self, event: o.ObservatoryEvent, version: int | None = None) -> None:
        practice_id = event.practice_id
        if version is None:
            version = self.versions.get(practice_id, 0) + 1
        self.versions[practice_id] = max(version, self.versions.get(practice_id, 0))
        delivery = as_delivery(event, practice_id, version, len(self.log) + 1)
        self.log.append(delivery)
        for catalogue in self.catalogues:
            catalogue.process([delivery])


def as_delivery(
    event: ContractEvent, aggregate_id: uuid.UUID, version: int, offset: int
) -> Delivery:
    received = ReceivedEvent(
        id=event_id(aggregate_id, version),
        type=event.ce_type(),
        source="/innovnet/observatory",
        aggregate_id=aggregate_id,
        aggregate_version=version,
        time=START,
        correlation_id="c",
        causation_id="c",
        data=event.model_dump(mode="json"),
    )
    return Delivery(TOPIC, 0, offset, received)


def texts(title: str, short: str, overview: str, **more: str) -> o.PracticeTexts:
    return o.PracticeTexts(
        title=title,
        short_explanation=short,
        overview=overview,
        innovativeness=more.pop("innovativeness", "Νέος τρόπος εργασίας"),
        **more,
    )


def practice(
    *,
    el: o.PracticeTexts | None = None,
    en: o.PracticeTexts | None = None,
    level: Level = Level.LOCAL,
    sector: Sector = Sector.DIGITALISATION,
    stage: Stage = Stage.IMPLEMENTATION,
    facets: tuple[Facet, ...] = (Facet.ENHANCEMENT,),
    year: int = 2024,
    tags: tuple[str, ...] = ("ψηφιακές υπηρεσίες", "δήμοι", "πολίτες"),
    published_at: datetime = START,
    practice_id: uuid.UUID | None = None,
    body_name: str = "Δήμος Παραδείγματος",
) -> PublicPractice:
    given = {Language.GREEK: el, Language.ENGLISH: en}
    languages = [language for language, found in given.items() if found is not None]
    return PublicPractice(
        practice_id=practice_id or uuid.uuid4(),
        body_id="094014201",
        body_name=body_name,
        level=level,
        languages=languages,
        texts={language: found for language, found in given.items() if found is not None},
        stage=stage,
        facets=list(facets),
        sector=sector,
        year_launched=year,
        tags=list(tags),
        websites=["https://example.gov.gr/practice"],
        attachments=[],
        first_published_at=published_at,
        published_at=published_at,
    )


def published(p: PublicPractice) -> o.PracticePublished:
    return o.PracticePublished(
        practice_id=p.practice_id,
        body_id=p.body_id,
        comment=COMMENT,
        decided_by=DECIDED_BY,
        practice=p,
    )


def archived(p: PublicPractice) -> o.PracticeArchived:
    return o.PracticeArchived(
        practice_id=p.practice_id,
        body_id=p.body_id,
        comment=COMMENT,
        decided_by=DECIDED_BY,
        archived_at=START + timedelta(days=400),
    )


def withdrawn(p: PublicPractice) -> o.PracticeWithdrawn:
    return o.PracticeWithdrawn(
        practice_id=p.practice_id,
        body_id=p.body_id,
        withdrawn_by=AUTHOR,
        reason=REASON,
        withdrawn_at=START + timedelta(days=400),
    )


# The practices the searches are about.
INNOVATION = practice(
    el=texts(
        "Καινοτομία στην εξυπηρέτηση",
        "Ο δήμος απαντά ψηφιακά",
        "Μια καινοτομία για τους πολίτες του δήμου",
    ),
    en=texts(
        "Innovation in service",
        "The municipality answers online",
        "An innovation for the residents",
        innovativeness="A new way of working",
    ),
    published_at=START + timedelta(days=1),
)
INNOVATIONS_PLURAL = practice(
    el=texts(
        "Οι καινοτομίες των δήμων",
        "Δίκτυο δήμων που μοιράζονται λύσεις",
        "Καταγραφή καλών πρακτικών",
    ),
    level=Level.REGIONAL,
    sector=Sector.PUBLIC_ADMINISTRATION_REFORM,
    published_at=START + timedelta(days=2),
)
HOSTILE = practice(
    el=texts(
        '=HYPERLINK("http://evil.example","x")',
        "Φόρμα <img src=x onerror=alert(1)> για ανακύκλωση <mark>ψεύτικο</mark> \ufdd0",
        "Η ανακύκλωση <script>alert('x')</script> στο σχολείο & στο σπίτι",
    ),
    sector=Sector.ENVIRONMENT,
    tags=("ανακύκλωση", "σχολεία", "περιβάλλον"),
    published_at=START + timedelta(days=3),
)
TO_ARCHIVE = practice(
    el=texts("Αρχειοθετούμενη πρακτική", "Θα αρχειοθετηθεί", "Μοναδικόςόρος ζαφείρι"),
    published_at=START + timedelta(days=4),
)
TO_WITHDRAW = practice(
    el=texts("Αποσυρόμενη πρακτική", "Θα αποσυρθεί", "Μοναδικόςόρος σμαράγδι"),
    published_at=START + timedelta(days=5),
)

MARKER = "πιλοτικό"
"""A word some generated practices hold: the facet counts of a search for it are checked."""


def generated(count: int) -> list[PublicPractice]:
    """Practices of every level, sector, stage, facet, year and tag mix (fixed seed)."""
    rng = random.Random(13)
    tag_pool = [f"θέμα{n}" for n in range(40)]
    made = []
    for n in range(count):
        marked = n % 3 == 0
        overview = f"Έργο αριθμός {n} για τη διοίκηση" + (
            f" με {MARKER} πρόγραμμα" if marked else ""
        )
        made.append(
            practice(
                el=texts(f"Πρακτική {n:03d}", "Βελτίωση υπηρεσιών", overview),
                level=rng.choice(list(Level)),
                sector=rng.choice(list(Sector)),
                stage=rng.choice(list(Stage)),
                facets=tuple(rng.sample(list(Facet), rng.randint(1, 3))),
                year=rng.randint(2015, 2026),
                tags=tuple(rng.sample(tag_pool, rng.randint(3, 6))),
                published_at=START + timedelta(days=10, hours=n),
            )
        )
    return made


GENERATED = generated(90)
NAMED = [INNOVATION, INNOVATIONS_PLURAL, HOSTILE, TO_ARCHIVE, TO_WITHDRAW]


@pytest.fixture(scope="module")
def catalogue_url() -> Iterator[str]:
    with fresh_database("observatory") as url:
        yield url


@pytest.fixture(scope="module")
def feed(catalogue_url: str) -> Iterator[Feed]:
    catalogue = Catalogue(catalogue_url, application=None, sealer=None)  # type: ignore[arg-type]
    events = Feed([catalogue])
    # An earlier version of INNOVATION first: the later publication replaces it.
    first = INNOVATION.model_copy(update={"tags": ["παλιά ετικέτα", "δεύτερη", "τρίτη"]})
    events.deliver(published(first))
    for p in [*NAMED, *GENERATED]:
        events.deliver(published(p))
    events.deliver(archived(TO_ARCHIVE))
    events.deliver(withdrawn(TO_WITHDRAW))
    try:
        yield events
    finally:
        catalogue.close()


@pytest.fixture(scope="module")
def catalogue(feed: Feed) -> Catalogue:
    return feed.catalogues[0]


def ids(found: Found) -> list[uuid.UUID]:
    return [hit.practice_id for hit in found.hits]


def search(catalogue: Catalogue, q: str | None = None, **given: Any) -> Found:
    sort = given.pop("sort", Sort.RELEVANCE if q else Sort.NEWEST)
    page = given.pop("page", EVERYTHING)
    language = given.pop("language", None)
    return catalogue.search(Filters(q=q, **given), sort, page, language)


def test_greek_is_found_with_or_without_accents_and_capitals(catalogue: Catalogue) -> None:
    for typed in ("καινοτομια", "καινοτομία", "ΚΑΙΝΟΤΟΜΙΑ", "Καινοτομία"):
        found = ids(search(catalogue, typed))
        assert INNOVATION.practice_id in found, typed
        assert INNOVATIONS_PLURAL.practice_id in found, typed
    assert ids(search(catalogue, "ανακυκλωση")) == [HOSTILE.practice_id]


def test_an_inflected_greek_word_finds_its_other_forms(catalogue: Catalogue) -> None:
    # "καινοτομίες" is only in INNOVATIONS_PLURAL, "καινοτομία" only in INNOVATION.
    assert INNOVATION.practice_id in ids(search(catalogue, "καινοτομίες"))
    assert INNOVATIONS_PLURAL.practice_id in ids(search(catalogue, "καινοτομιας"))
    # "δήμων" finds "δήμος"/"δήμου" (INNOVATION has no "δήμων").
    assert INNOVATION.practice_id in ids(search(catalogue, "δήμων"))
    assert INNOVATIONS_PLURAL.practice_id in ids(search(catalogue, "δήμος"))


def test_english_words_are_stemmed(catalogue: Catalogue) -> None:
    assert ids(search(catalogue, "innovations")) == [INNOVATION.practice_id]
    assert ids(search(catalogue, "municipalities answering")) == [INNOVATION.practice_id]
    # A stop word does not stop the search; words are ANDed.
    assert ids(search(catalogue, "the innovation")) == [INNOVATION.practice_id]
    assert search(catalogue, "innovation ζαφείρι").total == 0


def test_the_title_weighs_more_than_the_text(catalogue: Catalogue) -> None:
    # Every practice's body is a "Δήμος" (weight C); INNOVATION has "δήμος" in its short
    # explanation (B), INNOVATIONS_PLURAL "δήμων" in its title (A).
    found = search(catalogue, "δήμων")
    assert found.total == 3 + len(GENERATED)
    assert ids(found)[:2] == [INNOVATIONS_PLURAL.practice_id, INNOVATION.practice_id]


def test_facet_counts_are_the_numbers_of_matching_practices(catalogue: Catalogue) -> None:
    for filters in ({}, {"level": Level.LOCAL.value}, {"sector": Sector.HEALTH.value}):
        found = search(catalogue, MARKER, **filters)
        expected = [
            p
            for p in GENERATED
            if MARKER in p.texts[Language.GREEK].overview
            and all(getattr(p, k).value == v for k, v in filters.items())
        ]
        assert found.total == len(expected)
        assert expected or filters
        assert sorted(ids(found)) == sorted(p.practice_id for p in expected)
        assert_counts(found, expected)


def test_filters_are_anded_and_counted_without_text(catalogue: Catalogue) -> None:
    visible = [INNOVATION, INNOVATIONS_PLURAL, HOSTILE, *GENERATED]
    everything = search(catalogue)
    assert everything.total == len(visible)
    assert_counts(everything, visible)
    year, facet, tag = 2020, Facet.ADAPTIVE, "θέμα7"
    found = search(catalogue, year=year, facet=facet.value, tag=tag)
    expected = [
        p for p in visible if p.year_launched == year and facet in p.facets and tag in p.tags
    ]
    assert sorted(ids(found)) == sorted(p.practice_id for p in expected)
    assert_counts(found, expected)


def assert_counts(found: Found, expected: list[PublicPractice]) -> None:
    def counted(dimension: str) -> dict[str, int]:
        return {c.value: c.count for c in found.facets[dimension]}

    assert counted("level") == Counter(p.level.value for p in expected)
    assert counted("sector") == Counter(p.sector.value for p in expected)
    assert counted("stage") == Counter(p.stage.value for p in expected)
    assert counted("year") == Counter(str(p.year_launched) for p in expected)
    assert counted("facet") == Counter(f.value for p in expected for f in set(p.facets))
    tags = Counter(t for p in expected for t in set(p.tags))
    top = counted("tag")
    assert len(top) == min(30, len(tags))
    assert all(tags[tag] == count for tag, count in top.items())
    # The 30 shown are the most frequent: none left out is more frequent than one shown.
    if top:
        assert max((n for t, n in tags.items() if t not in top), default=0) <= min(top.values())
    years = [int(c.value) for c in found.facets["year"]]
    assert years == sorted(years, reverse=True)


def test_pages_follow_the_order_asked_for(catalogue: Catalogue) -> None:
    visible = [INNOVATION, INNOVATIONS_PLURAL, HOSTILE, *GENERATED]
    newest = sorted(visible, key=lambda p: p.published_at, reverse=True)
    first = search(catalogue, page=Page(1, 20))
    second = search(catalogue, page=Page(2, 20))
    assert ids(first) + ids(second) == [p.practice_id for p in newest[:40]]
    assert first.total == second.total == len(visible)
    oldest = search(catalogue, sort=Sort.OLDEST, page=Page(1, 5))
    assert ids(oldest) == [p.practice_id for p in sorted(visible, key=lambda p: p.published_at)[:5]]
    titles = [hit.title for hit in search(catalogue, sort=Sort.TITLE, tag="θέμα3").hits]
    assert titles == sorted(titles)
    assert search(catalogue, page=Page(50, 20)).hits == []


def test_the_language_asked_for_is_shown_first(catalogue: Catalogue) -> None:
    [hit] = search(catalogue, "innovation", language="el").hits
    assert (hit.language, hit.title) == ("el", "Καινοτομία στην εξυπηρέτηση")
    # The snippet comes from the language the words were found in, and says which.
    assert "<mark>innovation</mark>" in hit.snippet.lower()
    assert hit.snippet_language == "en"
    [hit] = search(catalogue, "innovation", language="en").hits
    assert (hit.language, hit.title, hit.snippet_language) == ("en", "Innovation in service", "en")
    [hit] = search(catalogue, "ανακύκλωση", language="en").hits
    assert (hit.language, hit.snippet_language) == ("el", "el")  # it has no English
    # Without words the snippet is the short explanation of the language shown.
    [plain] = search(catalogue, tag="δήμοι", level="local", language="en").hits
    assert (plain.language, plain.snippet_language) == ("en", "en")


def test_a_search_of_stop_words_only_is_the_catalogue_without_words(catalogue: Catalogue) -> None:
    everything = search(catalogue)
    assert everything.total > 0
    for typed in ("the", "και", "the of και"):
        found = search(catalogue, typed)
        assert (found.total, ids(found)) == (everything.total, ids(everything)), typed
        assert found.facets == everything.facets
        assert len(catalogue.matching(Filters(q=typed), Sort.RELEVANCE)) == everything.total
    # A real word beside them still narrows the search.
    assert ids(search(catalogue, "the ανακύκλωση")) == [HOSTILE.practice_id]


def test_snippets_are_escaped_with_the_matches_marked(catalogue: Catalogue) -> None:
    [hit] = search(catalogue, "ανακύκλωση").hits
    assert "<mark>ανακύκλωση</mark>" in hit.snippet
    outside_marks = re.sub(r"</?mark>", "", hit.snippet)
    assert "<" not in outside_marks, hit.snippet
    assert ">" not in outside_marks, hit.snippet
    assert "\ufdd0" not in hit.snippet
    assert "\ufdd1" not in hit.snippet
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>")
    # Without words, the snippet is the short explanation, escaped.
    [plain] = search(catalogue, tag="ανακύκλωση").hits
    assert plain.snippet.startswith("Φόρμα &lt;img src=x onerror=alert(1)&gt;")
    assert "<mark>" not in plain.snippet


def test_archived_and_withdrawn_practices_leave_the_catalogue(catalogue: Catalogue) -> None:
    for gone in (TO_ARCHIVE, TO_WITHDRAW):
        assert catalogue.practice(gone.practice_id) is None
    assert search(catalogue, "μοναδικόςόρος").total == 0
    assert catalogue.practice(INNOVATION.practice_id) == INNOVATION


def test_a_later_publication_replaces_the_earlier(catalogue: Catalogue) -> None:
    assert search(catalogue, tag="παλιά ετικέτα").total == 0
    assert INNOVATION.practice_id in ids(search(catalogue, tag="δήμοι"))


def test_a_stale_version_changes_nothing(feed: Feed, catalogue: Catalogue) -> None:
    # A re-delivered old publication (a lower version, a new offset) does not bring it back.
    feed.deliver(published(TO_ARCHIVE), version=1)
    assert catalogue.practice(TO_ARCHIVE.practice_id) is None


def test_a_rebuild_from_the_first_offset_gives_the_same_answers(
    feed: Feed, catalogue: Catalogue
) -> None:
    with fresh_database("observatory") as url:
        rebuilt = Catalogue(url, application=None, sealer=None)  # type: ignore[arg-type]
        try:
            rebuilt.process(feed.log)
            for q, filters in ((None, {}), ("καινοτομία", {}), (MARKER, {"level": "local"})):
                for sort in Sort:
                    for page in (EVERYTHING, Page(2, 7)):
                        assert search(rebuilt, q, sort=sort, page=page, **filters) == search(
                            catalogue, q, sort=sort, page=page, **filters
                        )
            assert rebuilt.matching(Filters()) == catalogue.matching(Filters())
        finally:
            rebuilt.close()


PERSONAL = (EMAIL, COMMENT, REASON, DECIDED_BY, str(AUTHOR), "Ιωάννη", "Ελένη")


def test_the_csv_export_is_spreadsheet_safe_and_licensed(catalogue: Catalogue) -> None:
    practices = catalogue.matching(Filters(tag="ανακύκλωση"))
    content = exports.csv_export(practices)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["practice_id"] for row in rows] == [str(HOSTILE.practice_id)]
    [row] = rows
    assert row["title_el"].startswith("'=HYPERLINK")
    assert row["title_en"] == ""
    assert (row["licence"], row["licence_url"]) == (LICENCE, LICENCE_URL)
    assert row["tags"] == "ανακύκλωση; σχολεία; περιβάλλον"
    everything = exports.csv_export(catalogue.matching(Filters())).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(everything)))) == 3 + len(GENERATED)
    assert not any(value in everything for value in PERSONAL)


def test_the_json_exports_are_licensed_and_impersonal(catalogue: Catalogue) -> None:
    practices = catalogue.matching(Filters(q="καινοτομία"), Sort.RELEVANCE)
    document = json.loads(json.dumps(exports.json_export(practices)))
    assert (document["licence"], document["licence_url"]) == (LICENCE, LICENCE_URL)
    assert {p["practice_id"] for p in document["practices"]} == {
        str(INNOVATION.practice_id),
        str(INNOVATIONS_PLURAL.practice_id),
    }
    assert [PublicPractice.model_validate(p) for p in document["practices"]] == practices
    opsi = json.loads(json.dumps(exports.opsi_export(practices, "http://localhost:8000/x")))
    assert opsi["licence"] == LICENCE
    cases = {case["title"]: case for case in opsi["cases"]}
    english = cases["Innovation in service"]  # English texts when there are
    assert (english["language"], english["country"]) == ("en", "Greece")
    assert english["short_description"] == "The municipality answers online"
    assert english["organisation"] == "Δήμος Παραδείγματος"
    assert cases["Οι καινοτομίες των δήμων"]["language"] == "el"
    assert set(english) >= {"innovation_stage", "innovation_facets", "primary_sector", "tags"}
    for written in (json.dumps(document), json.dumps(opsi)):
        assert not any(value in written for value in PERSONAL)


def test_the_atom_feed_is_valid_atom_of_the_newest(catalogue: Catalogue) -> None:
    newest = catalogue.newest(50)
    assert len(newest) == 50
    assert [p.published_at for p in newest] == sorted(
        (p.published_at for p in newest), reverse=True
    )
    feed = atom_feed(newest, "https://innovation.example.gov.gr/")
    root = ET.fromstring(feed)  # noqa: S314 - the feed the test just wrote
    a = f"{{{ATOM}}}"
    assert root.tag == f"{a}feed"
    for required in ("id", "title", "updated", "author", "rights"):
        assert root.find(f"{a}{required}") is not None, required
    [self_link] = [link for link in root.findall(f"{a}link") if link.get("rel") == "self"]
    assert self_link.get("href") == "https://innovation.example.gov.gr/observatory/feed.atom"
    assert "CC BY 4.0" in (root.findtext(f"{a}rights") or "")
    entries = root.findall(f"{a}entry")
    assert len(entries) == 50
    for entry, p in zip(entries, newest, strict=True):
        assert entry.findtext(f"{a}id") == f"urn:uuid:{p.practice_id}"
        assert entry.findtext(f"{a}title")
        assert datetime.fromisoformat(entry.findtext(f"{a}updated") or "") == p.published_at
        assert entry.findtext(f"{a}summary")
        link = entry.find(f"{a}link")
        assert link is not None
        assert link.get("href") == (
            f"https://innovation.example.gov.gr/observatory/practices/{p.practice_id}"
        )
    assert datetime.fromisoformat(root.findtext(f"{a}updated") or "") == newest[0].published_at
    hostile = ET.fromstring(atom_feed([HOSTILE], "http://localhost:8000"))  # noqa: S314
    assert hostile.find(f"{a}entry/{a}summary") is not None
    assert (hostile.findtext(f"{a}entry/{a}title") or "").startswith("=HYPERLINK")


def test_the_exports_stream_the_same_documents(catalogue: Catalogue) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    practices = catalogue.matching(Filters())
    assert len(practices) > exports.STREAM_BATCH  # several chunks of rows
    chunks = list(exports.csv_stream(catalogue.each_matching(Filters())))
    assert len(chunks) > 2
    assert b"".join(chunks) == exports.csv_export(practices)

    def as_response(document: dict[str, Any]) -> bytes:  # as JSONResponse renders it
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

    streamed = b"".join(exports.json_stream(catalogue.each_matching(Filters()), now))
    assert streamed == as_response(exports.json_export(practices, now))
    opsi = b"".join(exports.opsi_stream(catalogue.each_matching(Filters()), "http://x"))
    assert opsi == as_response(exports.opsi_export(practices, "http://x"))
    empty = Filters(q="ζαφείρι")
    assert json.loads(b"".join(exports.json_stream(catalogue.each_matching(empty), now))) == (
        json.loads(as_response(exports.json_export([], now)))
    )


def test_a_search_asked_again_after_a_change_answers_the_change(
    feed: Feed, catalogue: Catalogue
) -> None:
    # The second, identical search is answered from memory; a publication and a withdrawal
    # are each seen by the next one all the same, counts included.
    assert search(catalogue, "ξεχωριστόςόρος").total == 0
    assert search(catalogue, "ξεχωριστόςόρος").total == 0
    before = search(catalogue, facet=Facet.ANTICIPATORY.value)
    late = practice(
        el=texts("Ξεχωριστόςόρος στο δήμο", "Σύντομη εξήγηση", "Επισκόπηση"),
        facets=(Facet.ANTICIPATORY,),
    )
    feed.deliver(published(late))
    assert ids(search(catalogue, "ξεχωριστόςόρος")) == [late.practice_id]
    after = search(catalogue, facet=Facet.ANTICIPATORY.value)
    assert after.total == before.total + 1
    feed.deliver(withdrawn(late))
    assert search(catalogue, "ξεχωριστόςόρος").total == 0
    assert search(catalogue, facet=Facet.ANTICIPATORY.value) == before


def test_a_search_asked_again_is_served_the_json_rendered_the_first_time(
    feed: Feed, catalogue: Catalogue
) -> None:
    # `GET /catalogue` renders each kept answer once; a change makes a new answer, rendered anew.
    answers = RenderedAnswers(kept=2)
    first = search(catalogue, "καινοτομία")
    body = answers.body(first, EVERYTHING)
    again = search(catalogue, "καινοτομία")
    assert again is first
    assert answers.body(again, EVERYTHING) is body
    assert json.loads(body) == results_view(first, EVERYTHING).model_dump(mode="json")
    late = practice(el=texts("Καινοτομία της τελευταίας στιγμής", "Σύντομη", "Επισκόπηση"))
    feed.deliver(published(late))
    changed = search(catalogue, "καινοτομία")
    assert changed is not first
    rendered = json.loads(answers.body(changed, EVERYTHING))
    assert rendered["total"] == first.total + 1
    assert str(late.practice_id) in {item["practice_id"] for item in rendered["items"]}
    # Bounded: a third answer pushes the oldest out, which is then rendered again.
    answers.body(search(catalogue, "ανακυκλωση"), EVERYTHING)
    assert answers.body(first, EVERYTHING) is not body
    assert answers.body(first, EVERYTHING) == body
