"""The observatory's public pages against the real observatory service.

One stack for the module: the observatory as a process on a fresh topic prefix, its catalogue
fed `PracticePublished` events straight onto its topic, and the gateway in process calling it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from contracts.observatory import Attachment, Facet, Sector, Stage
from contracts.registration import Level
from services.gateway.observatory_views import safe_snippet
from services.gateway.service import SERVICE
from services.observatory.attachments import AttachmentFiles, CleanedFile, clean_attachment
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import BASE_URL, PUBLIC_URL
from tests.gateway.observatory_site import (
    ObservatoryStack,
    observatory_stack,
    practice,
    publish,
    texts,
)
from tests.support.polling import eventually
from tests.support.servers import fresh_database


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (13, 94, 175)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


IMAGE = clean_attachment(png())
DOCUMENT = clean_attachment(pdf())


def attachment(cleaned: CleanedFile, filename: str, caption: str | None) -> Attachment:
    return Attachment(
        sha256=cleaned.sha256,
        media_type=cleaned.media_type,
        size=cleaned.size,
        filename=filename,
        caption=caption,
    )


DIGITAL = practice(
    el=texts(
        "Ψηφιακή καινοτομία στους δήμους",
        "Μία από τις καινοτομίες του δήμου: οι δημότες κλείνουν ραντεβού από το κινητό τους.",
        results_impact="Η αναμονή στα γκισέ έπεσε στο μισό.",
    ),
    en=texts(
        "Digital innovation in municipalities",
        "Residents book appointments at the town hall from their phones.",
        overview="Residents book appointments online; the desks see them in one list.",
        innovativeness="The first such booking of a Greek municipality.",
    ),
    websites=["https://example.gov.gr/rantevou"],
    attachments=[
        # Uploaded under people's names: the public page names files by caption or number.
        attachment(IMAGE, "Φωτογραφία Ελένης Γεωργίου.png", "Η οθόνη του ραντεβού"),
        attachment(DOCUMENT, "Οδηγός - Νίκος Παππάς.pdf", None),
    ],
)
ENGLISH_ONLY = practice(
    en=texts(
        "Participatory budgeting for the coast",
        "Citizens choose which coastal projects the region funds.",
        overview="Each spring citizens vote on the projects.",
        innovativeness="Binding votes on a regional budget.",
    ),
    sector=Sector.ENVIRONMENT,
    level=Level.REGIONAL,
    stage=Stage.EVALUATION,
    facets=(Facet.MISSION_ORIENTED, Facet.ADAPTIVE),
    year=2021,
    tags=("participation", "budget", "coast"),
    body_name="Περιφέρεια Παραδείγματος",
)
HOSTILE = practice(
    el=texts(
        '<script>alert(1)</script> <mark onclick="alert(2)">καινοτομία</mark> υγείας',
        '<img src=x onerror="alert(3)"> &amp; <mark>καινοτομία</mark> στα κέντρα υγείας',
    ),
    sector=Sector.HEALTH,
    level=Level.CENTRAL,
    year=2024,
    tags=("υγεία", "ψηφιακά", "<b>tag</b>"),
    body_name="Υπουργείο <b>Παραδείγματος</b>",
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObservatoryStack]:
    """The observatory, its catalogue holding the three practices."""
    with observatory_stack(tmp_path_factory.mktemp("observatory"), PUBLIC_URL) as stack:
        files = AttachmentFiles(stack.database_url)
        try:
            files.keep(IMAGE)
            files.keep(DOCUMENT)
        finally:
            files.close()
        publish(stack.prefix, DIGITAL, ENGLISH_ONLY, HOSTILE)

        def all_published() -> None:
            found = httpx.get(f"{stack.observatory.base_url}/catalogue", timeout=5)
            assert found.status_code == 200, found.text
            assert found.json()["total"] == 3, found.text

        eventually(all_published, timeout=30)
        yield stack


@pytest.fixture(scope="module")
def site(catalogue: ObservatoryStack) -> Iterator[TestClient]:
    """The gateway in process, calling the observatory; no one signed in."""
    with pytest.MonkeyPatch.context() as env, fresh_database("gateway") as database:
        env.setenv("GATEWAY_DATABASE_URL", database)
        env.setenv("GATEWAY_OBSERVATORY_URL", catalogue.observatory.base_url)
        env.setenv("INNOVNET_PUBLIC_URL", PUBLIC_URL)
        app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
        with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
            yield client


def read_in(site: TestClient, language: str, path: str) -> httpx.Response:
    """`path` read in `language`, through the language switch as a reader would."""
    page = site.get(f"/language/{language}", params={"next": path}, follow_redirects=True)
    assert page.status_code in (200, 404), page.text
    assert f'<html lang="{language}">' in page.text
    return page


def links(page: str, containing: str) -> list[str]:
    """The hrefs of the page that contain `containing`, as a browser would follow them."""
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page) if containing in h]


def result_titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="[^"]*innovnet-result__title[^"]*"><a [^>]*>(.*?)</a>', page)


def heading(page: str) -> tuple[str, str]:
    """The attributes and the text of the page's <h1>."""
    found = re.search(r"<h1 ([^>]*)>(.*?)</h1>", page, re.S)
    assert found, "the page has no <h1>"
    return found.group(1), found.group(2)


def test_a_greek_word_without_accents_finds_the_practice_with_its_matches_marked(
    site: TestClient,
) -> None:
    page = read_in(site, "el", "/observatory?q=καινοτομια")
    assert page.status_code == 200
    titles = result_titles(page.text)
    assert "Ψηφιακή καινοτομία στους δήμους" in titles
    assert not any("Participatory" in t for t in titles), "a practice without the word"
    assert "2 καλές πρακτικές" in page.text
    snippets = re.findall(r'innovnet-result__snippet"[^>]*>(.*?)</p>', page.text, re.S)
    # An inflected form marked in the practice's short explanation.
    assert any("<mark>καινοτομίες</mark>" in s for s in snippets), snippets
    assert '<link rel="alternate" type="application/atom+xml" href="/observatory/feed.atom"' in (
        page.text
    )
    assert "CC BY 4.0" in page.text
    assert links(page.text, "/observatory/export.csv?q=")


def test_an_english_word_finds_its_other_forms_and_the_english_page_shows_english_texts(
    site: TestClient,
) -> None:
    page = read_in(site, "en", "/observatory?q=municipality")
    assert result_titles(page.text) == ["Digital innovation in municipalities"]
    assert "1 good practice" in page.text
    in_greek = read_in(site, "el", "/observatory?sort=title")
    # The English-only practice keeps its language on a Greek page.
    assert f'href="/observatory/practices/{ENGLISH_ONLY.practice_id}" lang="en"' in in_greek.text


def test_the_facets_count_the_practices_and_their_links_filter_and_unfilter(
    site: TestClient,
) -> None:
    page = read_in(site, "el", "/observatory")
    assert "3 καλές πρακτικές" in page.text
    assert 'href="/observatory" aria-current="page">Παρατηρητήριο</a>' in page.text, "the nav"
    assert 'href="/observatory"' in site.get("/").text, "the network's page links to it"
    # Words typed next are ranked by relevance unless another order is chosen.
    assert '<option value="relevance" selected>' in page.text
    regional = links(page.text, "level=regional")
    assert regional == ["/observatory?level=regional"]
    assert re.search(r'level=regional">Περιφερειακή αυτοδιοίκηση</a> <span[^>]*>\(1', page.text)
    filtered = site.get(regional[0])
    assert result_titles(filtered.text) == ["Participatory budgeting for the coast"]
    assert "1 καλή πρακτική" in filtered.text
    # The filter chosen is shown with a link that removes it; the other facets keep it.
    assert 'id="chosen-filters"' in filtered.text
    assert "/observatory" in links(filtered.text, "/observatory")
    assert "/observatory?level=regional&stage=evaluation" in links(filtered.text, "stage=")
    both = site.get("/observatory?level=regional&sector=health")
    assert result_titles(both.text) == [], "the filters are ANDed"
    # A value the page does not offer is no filter.
    assert "3 καλές πρακτικές" in site.get("/observatory?sector=piracy&year=abc").text


def test_hostile_texts_come_out_as_text(site: TestClient) -> None:
    for path in ("/observatory?q=υγειας", f"/observatory/practices/{HOSTILE.practice_id}"):
        page = read_in(site, "el", path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<mark onclick" not in page.text
        assert "<img src=x" not in page.text
        assert "<b>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    search = read_in(site, "el", "/observatory?q=υγειας").text
    assert "&lt;mark onclick=&#34;alert(2)&#34;&gt;" in search or "&lt;mark onclick" in search


def test_only_the_snippets_own_marks_are_markup() -> None:
    snippet = '&lt;b&gt; <mark>δήμος</mark> <mark onclick="x">a</mark> <script>y</script> <mark>z'
    assert str(safe_snippet(snippet)) == (
        "&lt;b&gt; <mark>δήμος</mark> &lt;mark onclick=&#34;x&#34;&gt;a "
        "&lt;script&gt;y&lt;/script&gt; <mark>z</mark>"
    )


def test_a_practice_is_shown_in_the_readers_language_or_else_in_its_own(
    site: TestClient,
) -> None:
    path = f"/observatory/practices/{DIGITAL.practice_id}"
    greek = read_in(site, "el", path).text
    assert heading(greek)[1] == "Ψηφιακή καινοτομία στους δήμους"
    assert "lang=" not in heading(greek)[0]
    assert "Η αναμονή στα γκισέ έπεσε στο μισό." in greek
    assert "Αποτελέσματα και αντίκτυπος" in greek
    assert f"/observatory?tag={quote('ανοικτά δεδομένα')}" in links(greek, "tag=")
    assert 'href="https://example.gov.gr/rantevou"' in greek
    assert "Πρώτη δημοσίευση" in greek
    assert "20 Νοεμβρίου 2026" in greek
    english = read_in(site, "en", path).text
    assert heading(english)[1] == "Digital innovation in municipalities"
    assert "Innovation stage" in english
    assert "Implementation" in english
    only_english = read_in(site, "el", f"/observatory/practices/{ENGLISH_ONLY.practice_id}")
    assert heading(only_english.text) == (
        'class="govgr-heading-xl innovnet-long-words" lang="en"',
        "Participatory budgeting for the coast",
    )
    assert "μόνο στα αγγλικά" in only_english.text
    assert '<div class="innovnet-text" lang="en">' in only_english.text
    assert "Καινοτομία προσανατολισμένη σε αποστολή" in only_english.text


def test_an_unknown_practice_or_attachment_is_the_404_page(site: TestClient) -> None:
    for path in (
        f"/observatory/practices/{uuid.uuid4()}",
        "/observatory/practices/not-an-id",
        f"/observatory/attachments/{'ab' * 32}",
        "/observatory/attachments/../etc",
        "/observatory/export.xml",
        "/observatory?page=2",
    ):
        answer = read_in(site, "el", path)
        assert answer.status_code == 404, path
        assert "Η σελίδα δεν βρέθηκε" in answer.text


def test_the_exports_and_the_feed_pass_through_with_their_types(site: TestClient) -> None:
    as_csv = site.get("/observatory/export.csv?sector=digitalisation")
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [row.get("practice_id") for row in rows] == [str(DIGITAL.practice_id)], rows

    as_json = site.get("/observatory/export.json")
    assert as_json.headers["content-type"].startswith("application/json")
    assert "attachment" in as_json.headers["content-disposition"]
    exported = json.loads(as_json.content)
    assert exported["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(exported["practices"]) == 3

    opsi = site.get("/observatory/export-opsi.json?level=regional")
    assert opsi.headers["content-type"].startswith("application/json")
    cases = json.loads(opsi.content)["cases"]
    assert [case["title"] for case in cases] == ["Participatory budgeting for the coast"]

    feed = site.get("/observatory/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.content)  # noqa: S314 - the stack's own feed
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 3
    hrefs = {link.get("href") for entry in entries for link in entry.findall(f"{atom}link")}
    assert f"{PUBLIC_URL}/observatory/practices/{DIGITAL.practice_id}" in hrefs
    assert all(h and h.startswith(f"{PUBLIC_URL}/observatory/practices/") for h in hrefs)


def test_attachments_pass_through_never_sniffed_a_pdf_to_save(site: TestClient) -> None:
    page = read_in(site, "el", f"/observatory/practices/{DIGITAL.practice_id}").text
    assert f'src="/observatory/attachments/{IMAGE.sha256}" alt="Η οθόνη του ραντεβού"' in page
    assert f'href="/observatory/attachments/{DOCUMENT.sha256}" download>Συνημμένο 2</a>' in page
    for filename in ("Ελένης Γεωργίου", "Νίκος Παππάς"):
        assert filename not in page, "an uploaded file's name may name a person"
    image = site.get(f"/observatory/attachments/{IMAGE.sha256}")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.content == IMAGE.content
    document = site.get(f"/observatory/attachments/{DOCUMENT.sha256}")
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in document.headers["content-security-policy"]
    assert document.content == DOCUMENT.content
