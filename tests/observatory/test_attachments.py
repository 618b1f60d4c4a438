"""Attachments: checked by their content, cleaned of their metadata, stored once; their routes.

The files are real ones made here (Pillow, pikepdf). The routes run in the observatory's app in
this process, on a database of its own, with its members and catalogue fed the contract events
directly (no Kafka: nothing here is about delivery).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pikepdf
import psycopg
import pytest
from fastapi.testclient import TestClient
from PIL import Image, PngImagePlugin

from contracts import membership
from contracts import observatory as o
from contracts.envelope import ReceivedEvent, event_id
from contracts.events import ContractEvent
from contracts.personal import Sealed
from contracts.registration import Level, Role
from services.observatory.api import router as practices_router
from services.observatory.application import ObservatoryApplication
from services.observatory.attachments import (
    MAX_ATTACHMENT_BYTES,
    AttachmentFiles,
    TooLarge,
    UnsupportedMediaType,
    clean_attachment,
)
from services.observatory.attachments_api import router as attachments_router
from services.observatory.catalogue_api import router as catalogue_router
from services.observatory.projections import Desk, Members
from services.observatory.projections.catalogue import Catalogue
from services.runtime.deliveries import Delivery
from services.runtime.errors import RuleBroken
from services.runtime.http import create_app
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from tests.membership.conftest import token
from tests.support.servers import fresh_database

PERSON = "Jane Q. Photographer"
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def exif(orientation: int = 1) -> bytes:
    tags = Image.Exif()
    tags[0x013B] = PERSON  # Artist
    tags[0x8298] = f"(c) {PERSON}"  # Copyright
    tags[0x0112] = orientation
    return tags.tobytes()


def jpeg_with_exif() -> bytes:
    """A 40×20 JPEG whose EXIF says: rotate 90° to show it (orientation 6), by PERSON."""
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "JPEG", exif=exif(6))
    return out.getvalue()


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PERSON)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta><dc:creator>{PERSON}</dc:creator></x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 128, 255, 128)).save(out, "PNG", pnginfo=info, exif=exif())
    return out.getvalue()


def webp_with_exif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 12), (10, 200, 10)).save(out, "WEBP", exif=exif())
    return out.getvalue()


def pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = PERSON
    pdf.docinfo["/Title"] = "Report"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = [PERSON]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_with_author())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))
    return out.getvalue()


def test_a_jpeg_loses_its_exif_and_keeps_its_orientation() -> None:
    original = jpeg_with_exif()
    assert PERSON.encode() in original
    cleaned = clean_attachment(original)
    assert cleaned.media_type == "image/jpeg"
    assert PERSON.encode() not in cleaned.content
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert image.format == "JPEG"
        assert image.size == (20, 40)  # the rotation applied to the pixels
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
    assert cleaned.sha256 == hashlib.sha256(cleaned.content).hexdigest()


def test_png_and_webp_lose_their_text_xmp_and_exif() -> None:
    for original, kind in ((png_with_metadata(), "PNG"), (webp_with_exif(), "WEBP")):
        assert PERSON.encode() in original
        cleaned = clean_attachment(original)
        assert PERSON.encode() not in cleaned.content
        with Image.open(io.BytesIO(cleaned.content)) as image:
            assert image.format == kind
            assert dict(image.getexif()) == {}
            assert not set(image.info) & {"Author", "XML:com.adobe.xmp", "exif", "xmp"}
    with Image.open(io.BytesIO(clean_attachment(png_with_metadata()).content)) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((3, 3)) == (0, 128, 255, 128)


def test_a_pdf_loses_its_document_information_and_xmp() -> None:
    original = pdf_with_author()
    assert PERSON.encode() in original
    cleaned = clean_attachment(original)
    assert cleaned.media_type == "application/pdf"
    assert PERSON.encode() not in cleaned.content
    with pikepdf.open(io.BytesIO(cleaned.content)) as pdf:
        assert "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1
    # The same file cleans to the same bytes: stored once.
    assert clean_attachment(original).sha256 == cleaned.sha256


def test_what_is_not_an_image_or_a_pdf_is_refused_by_its_content() -> None:
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    for fake in (
        b"just some text, named photo.png",
        b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10,
        b"%PDF-1.7\n" + b"MZ\x90\x00 an executable " * 20 + b"\n%%EOF\n",
        gif.getvalue(),
        b"",
    ):
        with pytest.raises(UnsupportedMediaType) as refused:
            clean_attachment(fake)
        assert refused.value.code.value == "unsupported_media_type"
        assert refused.value.field == "file"
        assert refused.value.status_code == 415


def test_an_encrypted_pdf_is_refused() -> None:
    for password in ("", "secret"):
        with pytest.raises(RuleBroken) as refused:
            clean_attachment(encrypted_pdf(password))
        assert refused.value.code.value == "encrypted_pdf"
        assert refused.value.field == "file"


def test_a_file_past_10_mib_is_refused() -> None:
    with pytest.raises(TooLarge) as refused:
        clean_attachment(b"\x89PNG" + b"\0" * MAX_ATTACHMENT_BYTES)
    assert (refused.value.code.value, refused.value.field) == ("too_large", "file")
    assert refused.value.status_code == 413


# The routes.

SERVICE = ServiceDefinition(
    name="observatory",
    application_class=ObservatoryApplication,
    routers=(practices_router, attachments_router, catalogue_router),
    projections=(Members, Desk, Catalogue),
)
BODY, BODY_NAME = "094014201", "Δήμος Παραδείγματος"
OTHER_BODY = "090000001"


class Site:
    """The observatory's app, and contract events fed to its projections by hand."""

    def __init__(self, client: TestClient, url: str) -> None:
        self.client = client
        self.url = url
        self.offset = 0
        self.running = client.app.state.running  # type: ignore[attr-defined]

    def deliver(self, projection: str, event: ContractEvent, aggregate_id: uuid.UUID) -> None:
        self.offset += 1
        received = ReceivedEvent(
            id=event_id(aggregate_id, 1),
            type=event.ce_type(),
            source="/innovnet/test",
            aggregate_id=aggregate_id,
            aggregate_version=1,
            time=NOW,
            correlation_id="c",
            causation_id="c",
            data=event.model_dump(mode="json"),
        )
        topic = next(iter(self.running.projections[projection].topics))
        self.running.projections[projection].process([Delivery(topic, 0, self.offset, received)])

    def member(self, body_id: str = BODY) -> dict[str, str]:
        representative_id = uuid.uuid4()
        sealed = Sealed(subject_id=representative_id, ciphertext="A" * 56)
        self.deliver(
            "members",
            membership.MemberActivated(
                representative_id=representative_id,
                registration_id=uuid.uuid4(),
                designation_id=uuid.uuid4(),
                body_id=body_id,
                body_name=BODY_NAME,
                level=Level.LOCAL,
                role=Role.MAIN,
                full_name=sealed,
                email=sealed,
                position_title="Προϊστάμενος",
                activated_at=NOW,
            ),
            representative_id,
        )
        return token("member", subject=str(representative_id), body_id=body_id)

    def rows(self, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with fresh_database("observatory") as url, pytest.MonkeyPatch.context() as env:
        env.setenv("OBSERVATORY_DATABASE_URL", url)
        app = create_app(SERVICE, ServiceSettings.for_service("observatory"), role="api")
        with TestClient(app) as client:
            yield Site(client, url)


@pytest.fixture(scope="module")
def author(site: Site) -> dict[str, str]:
    return site.member()


@pytest.fixture(scope="module")
def practice_id(site: Site, author: dict[str, str]) -> str:
    draft = {"languages": ["el"], "texts": {"el": {"title": "Πρακτική με συνημμένα"}}}
    created = site.client.post("/practices", json=draft, headers=author)
    assert created.status_code == 201, created.text
    return str(created.json()["practice_id"])


def upload(
    site: Site, practice_id: str, who: dict[str, str], content: bytes, name: str = "photo.jpg"
) -> Any:
    return site.client.post(
        f"/practices/{practice_id}/attachments",
        files={"file": (name, content, "image/png")},
        data={"caption": "Η ομάδα στο έργο"},
        headers=who,
    )


def test_an_upload_is_stored_cleaned_and_once(
    site: Site, author: dict[str, str], practice_id: str
) -> None:
    original = jpeg_with_exif()
    first = upload(site, practice_id, author, original, "C:\\Users\\jane\\IMG_0001.jpg")
    assert first.status_code == 201, first.text
    attachment = first.json()
    assert attachment["media_type"] == "image/jpeg"  # by its content, not the declared type
    assert attachment["filename"] == "IMG_0001.jpg"
    assert attachment["caption"] == "Η ομάδα στο έργο"
    again = upload(site, practice_id, site.member(), original)
    assert again.status_code == 201, again.text
    assert again.json()["sha256"] == attachment["sha256"]
    [(size, content)] = site.rows(
        "SELECT size, content FROM attachments WHERE sha256 = %s", (attachment["sha256"],)
    )
    assert size == attachment["size"] == len(content)
    assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
    assert PERSON.encode() not in bytes(content)
    view = site.client.get(f"/practices/{practice_id}", headers=author).json()
    assert [a["sha256"] for a in view["attachments"]] == [attachment["sha256"]]
    read = site.client.get(
        f"/practices/{practice_id}/attachments/{attachment['sha256']}", headers=author
    )
    assert read.status_code == 200
    assert read.content == bytes(content)
    assert read.headers["content-type"] == "image/jpeg"
    assert read.headers["x-content-type-options"] == "nosniff"


def test_refusals_name_the_file(site: Site, author: dict[str, str], practice_id: str) -> None:
    cases = [
        (b"plain text renamed", 415, "unsupported_media_type"),
        (encrypted_pdf("secret"), 422, "encrypted_pdf"),
        (b"\x89PNG" + b"\0" * MAX_ATTACHMENT_BYTES, 413, "too_large"),
    ]
    for content, status, code in cases:
        refused = upload(site, practice_id, author, content, "photo.png")
        assert refused.status_code == status, refused.text
        [detail] = refused.json()["detail"]
        assert (detail["type"], detail["loc"]) == (code, ["body", "file"])


def test_others_neither_attach_nor_read(
    site: Site, author: dict[str, str], practice_id: str
) -> None:
    stranger = site.member(OTHER_BODY)
    refused = upload(site, practice_id, stranger, png_with_metadata())
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "not_the_bodys"
    outsider = token("member", subject=str(uuid.uuid4()), body_id=BODY)
    assert upload(site, practice_id, outsider, png_with_metadata()).status_code == 403
    added = upload(site, practice_id, author, png_with_metadata()).json()
    path = f"/practices/{practice_id}/attachments/{added['sha256']}"
    assert site.client.get(path, headers=stranger).status_code == 404
    assert site.client.get(path, headers=token("admin")).status_code == 200
    # Not published: not public either.
    assert site.client.get(f"/catalogue/attachments/{added['sha256']}").status_code == 404


def test_a_removed_attachment_is_no_longer_the_practices(
    site: Site, author: dict[str, str], practice_id: str
) -> None:
    added = upload(site, practice_id, author, webp_with_exif()).json()
    path = f"/practices/{practice_id}/attachments/{added['sha256']}"
    assert site.client.delete(path, headers=author).status_code == 204
    assert site.client.get(path, headers=author).status_code == 404
    assert site.client.delete(path, headers=author).status_code == 404


def test_a_published_practices_attachment_is_public(site: Site) -> None:
    cleaned = clean_attachment(pdf_with_author())
    files = AttachmentFiles(site.url)
    try:
        files.keep(cleaned)
        files.keep(cleaned)
    finally:
        files.close()
    assert site.rows("SELECT count(*) FROM attachments WHERE sha256 = %s", (cleaned.sha256,)) == [
        (1,)
    ]
    attachment = o.Attachment(
        sha256=cleaned.sha256,
        media_type=cleaned.media_type,
        size=cleaned.size,
        filename="report.pdf",
    )
    practice_id = uuid.uuid4()
    texts = o.PracticeTexts(title="Τ", short_explanation="Σ", overview="Ε", innovativeness="Κ")
    public = o.PublicPractice(
        practice_id=practice_id,
        body_id=BODY,
        body_name=BODY_NAME,
        level=Level.LOCAL,
        languages=["el"],
        texts={"el": texts},
        stage=o.Stage.IMPLEMENTATION,
        facets=[o.Facet.ENHANCEMENT],
        sector=o.Sector.HEALTH,
        year_launched=2025,
        tags=["α1", "β2", "γ3"],
        attachments=[attachment],
        first_published_at=NOW,
        published_at=NOW,
    )
    site.deliver(
        "catalogue",
        o.PracticePublished(practice_id=practice_id, body_id=BODY, comment="Ok", practice=public),
        practice_id,
    )
    shown = site.client.get(f"/catalogue/attachments/{cleaned.sha256}")
    assert shown.status_code == 200
    assert shown.content == cleaned.content
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-disposition"].startswith("attachment;")
    assert site.client.get(f"/catalogue/{practice_id}").json()["attachments"][0]["sha256"] == (
        cleaned.sha256
    )
    assert site.client.get(f"/catalogue/attachments/{'0' * 64}").status_code == 404
    assert site.client.get("/catalogue/attachments/not-a-digest").status_code == 422


def test_the_catalogues_routes(site: Site) -> None:
    practice_id = uuid.uuid4()
    texts = o.PracticeTexts(
        title="Ψηφιακή καινοτομία <b>του δήμου</b>",
        short_explanation="Καινοτομίες για τους πολίτες",
        overview="Ο δήμος εφαρμόζει καινοτομία",
        innovativeness="Νέο",
    )
    public = o.PublicPractice(
        practice_id=practice_id,
        body_id=BODY,
        body_name=BODY_NAME,
        level=Level.REGIONAL,
        languages=["el"],
        texts={"el": texts},
        stage=o.Stage.EVALUATION,
        facets=[o.Facet.ADAPTIVE],
        sector=o.Sector.EDUCATION,
        year_launched=2023,
        tags=["σχολεία", "δήμοι", "καινοτομία"],
        first_published_at=NOW,
        published_at=NOW,
    )
    site.deliver(
        "catalogue",
        o.PracticePublished(practice_id=practice_id, body_id=BODY, comment="Ok", practice=public),
        practice_id,
    )
    found = site.client.get(
        "/catalogue", params={"q": "καινοτομιες", "level": "regional", "page_size": 5}
    )
    assert found.status_code == 200, found.text
    results = found.json()
    assert results["total"] == 1
    assert (results["page"], results["page_size"]) == (1, 5)
    [item] = results["items"]
    assert item["practice_id"] == str(practice_id)
    assert "<mark>" in item["snippet"]
    assert results["facets"]["level"] == [{"value": "regional", "count": 1}]
    assert {f["value"] for f in results["facets"]["tag"]} == {"σχολεία", "δήμοι", "καινοτομία"}
    exported = site.client.get("/catalogue/export.csv", params={"sector": "education"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert str(practice_id) in exported.content.decode("utf-8-sig")
    as_json = site.client.get("/catalogue/export.json", params={"tag": "σχολεία"}).json()
    assert as_json["licence"] == o.LICENCE
    assert [p["practice_id"] for p in as_json["practices"]] == [str(practice_id)]
    opsi = site.client.get("/catalogue/export.opsi.json", params={"q": "καινοτομία"}).json()
    assert opsi["cases"][0]["country"] == "Greece"
    feed = site.client.get("/catalogue/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert f"urn:uuid:{practice_id}".encode() in feed.content
    assert site.client.get(f"/catalogue/{practice_id}").json()["practice_id"] == str(practice_id)
    assert site.client.get(f"/catalogue/{uuid.uuid4()}").status_code == 404
    for bad in ({"sort": "random"}, {"q": "λ" * 201}, {"level": "galactic"}, {"year": "1900"}):
        refused = site.client.get("/catalogue", params=bad)
        assert refused.status_code == 422, bad
    assert site.client.get("/catalogue/not-a-practice").status_code == 422
