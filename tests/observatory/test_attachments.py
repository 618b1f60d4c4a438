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

import jwt
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
    MAX_PIXELS,
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


EMAIL = "jane@example.gov.gr"


def pdf_with_hidden_content() -> bytes:
    """A one-page PDF naming PERSON and EMAIL everywhere a PDF hides things: an annotation's
    author and text, an embedded file, JavaScript (named, on opening, on the page), a form
    field, an editor's private data, and a JPEG on the page with EXIF and its own XMP."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(photo, "JPEG", exif=exif())
    xmp = f"<x:xmpmeta><dc:creator>{PERSON}</dc:creator></x:xmpmeta>".encode()
    image = pdf.make_stream(
        photo.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=8,
        Height=8,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    image.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 100 0 0 100 0 0 cm /Im0 Do Q")
    note = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Text,
        Rect=[0, 0, 10, 10],
        T=pikepdf.String(PERSON),
        Contents=pikepdf.String(EMAIL),
    )
    page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(note)]))
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(f"app.alert('{EMAIL}')"))
    )
    pdf.Root.OpenAction = script
    page.AA = pikepdf.Dictionary(O=script)
    pdf.attachments["cv.txt"] = pikepdf.AttachedFileSpec(pdf, f"{PERSON}, {EMAIL}".encode())
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=[pikepdf.String("hello"), script])
    field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T="name", V=PERSON))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])
    pdf.Root.PieceInfo = pikepdf.Dictionary(Editor=pikepdf.Dictionary(Private=PERSON))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def everything_in(content: bytes) -> bytes:
    """Every object of the PDF and every stream's bytes (decoded, JPEGs as they are)."""
    found = bytearray()
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for obj in pdf.objects:
            found += repr(obj).encode()
            if isinstance(obj, pikepdf.Stream):
                raw = obj.get("/Filter") == pikepdf.Name.DCTDecode
                found += obj.read_raw_bytes() if raw else obj.read_bytes()
    return bytes(found)


def test_a_pdf_loses_annotations_embedded_files_scripts_forms_and_image_metadata() -> None:
    original = pdf_with_hidden_content()
    hidden = everything_in(original)
    assert PERSON.encode() in hidden
    assert EMAIL.encode() in hidden
    cleaned = clean_attachment(original).content
    left = everything_in(cleaned)
    assert PERSON.encode() not in left
    assert EMAIL.encode() not in left
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert len(pdf.attachments) == 0
        page = pdf.pages[0].obj
        assert "/Annots" not in page
        assert "/AA" not in page
        for key in ("/OpenAction", "/AcroForm", "/PieceInfo", "/Metadata"):
            assert key not in pdf.Root, key
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        image = page.Resources.XObject.Im0
        assert "/Metadata" not in image
        # The picture is the same: only its EXIF segment went.
        with Image.open(io.BytesIO(image.read_raw_bytes())) as picture:
            assert (picture.format, picture.size) == ("JPEG", (8, 8))
            assert dict(picture.getexif()) == {}
            assert picture.getpixel((4, 4))[0] > 150


def test_a_cameras_mpo_is_kept_as_a_plain_jpeg() -> None:
    out = io.BytesIO()
    first, second = Image.new("RGB", (16, 8), (250, 0, 0)), Image.new("RGB", (16, 8), (0, 0, 250))
    first.save(out, "MPO", save_all=True, append_images=[second], exif=exif())
    with Image.open(io.BytesIO(out.getvalue())) as mpo:
        assert mpo.format == "MPO"
    cleaned = clean_attachment(out.getvalue())
    assert cleaned.media_type == "image/jpeg"
    assert PERSON.encode() not in cleaned.content
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (16, 8), 1)
        assert image.getpixel((8, 4))[0] > 200  # the first picture


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (MAX_PIXELS // 4000 + 1, 4000)).save(out, "PNG")  # a few KB
    with pytest.raises(TooLarge) as refused:
        clean_attachment(out.getvalue())
    assert (refused.value.code.value, refused.value.field) == ("too_large", "file")
    assert refused.value.params["max_pixels"] == MAX_PIXELS
    assert refused.value.status_code == 413


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

    def deliver(
        self, projection: str, event: ContractEvent, aggregate_id: uuid.UUID, version: int = 1
    ) -> None:
        self.offset += 1
        received = ReceivedEvent(
            id=event_id(aggregate_id, version),
            type=event.ce_type(),
            source="/innovnet/test",
            aggregate_id=aggregate_id,
            aggregate_version=version,
            time=NOW,
            correlation_id="c",
            causation_id="c",
            data=event.model_dump(mode="json"),
        )
        topic = next(iter(self.running.projections[projection].topics))
        self.running.projections[projection].process([Delivery(topic, 0, self.offset, received)])

    def publish(self, texts: o.PracticeTexts, **fields: Any) -> uuid.UUID:
        """A new practice of BODY, in Greek, published now into the catalogue; its id."""
        practice_id = uuid.uuid4()
        public = o.PublicPractice(
            practice_id=practice_id,
            body_id=BODY,
            body_name=BODY_NAME,
            languages=["el"],
            texts={"el": texts},
            first_published_at=NOW,
            published_at=NOW,
            **fields,
        )
        self.deliver(
            "catalogue",
            o.PracticePublished(
                practice_id=practice_id, body_id=BODY, comment="Ok", practice=public
            ),
            practice_id,
        )
        return practice_id

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

    def leave(self, who: dict[str, str], body_id: str = BODY) -> None:
        """The member whose token `who` is leaves the body (membership deactivates them)."""
        claims = jwt.decode(who["Authorization"].split()[1], options={"verify_signature": False})
        representative_id = uuid.UUID(claims["sub"])
        left = membership.MemberDeactivated(
            representative_id=representative_id,
            registration_id=uuid.uuid4(),
            body_id=body_id,
            role=Role.ALTERNATE,
            reason="replaced",
            deactivated_at=NOW,
        )
        self.deliver("members", left, representative_id, version=2)

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
    # Named after its digest, never as uploaded (a name may name a person).
    assert attachment["filename"] == f"attachment-{attachment['sha256'][:8]}.jpg"
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


def test_the_caption_and_the_name_carry_no_person(
    site: Site, author: dict[str, str], practice_id: str
) -> None:
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(png, "PNG")
    path = f"/practices/{practice_id}/attachments"
    refused = site.client.post(
        path,
        files={"file": ("photo.png", png.getvalue(), "image/png")},
        data={"caption": f"Ο Γιάννης ({EMAIL}) στο έργο"},
        headers=author,
    )
    assert refused.status_code == 422, refused.text
    [detail] = refused.json()["detail"]
    assert (detail["type"], detail["loc"]) == ("email_in_text", ["body", "caption"])
    named = site.client.post(
        path,
        files={"file": (f"Jane Photographer {EMAIL}.png", png.getvalue(), "image/png")},
        headers=author,
    )
    assert named.status_code == 201, named.text
    kept = named.json()
    assert kept["filename"] == f"attachment-{kept['sha256'][:8]}.png"
    view = site.client.get(f"/practices/{practice_id}", headers=author).text
    assert "Jane" not in view
    assert EMAIL not in view


def test_a_representative_who_left_reads_a_draft_as_the_practice_says(site: Site) -> None:
    author, colleague = site.member(), site.member()
    draft = {"languages": ["el"], "texts": {"el": {"title": "Σχέδιο που κρύβεται"}}}
    practice = site.client.post("/practices", json=draft, headers=author).json()["practice_id"]
    added = upload(site, practice, author, png_with_metadata()).json()
    path = f"/practices/{practice}/attachments/{added['sha256']}"
    assert site.client.get(path, headers=colleague).status_code == 200
    site.leave(colleague)
    site.leave(author)
    # views.may_read: the colleague who left reads neither; the author, even after leaving, both.
    assert site.client.get(f"/practices/{practice}", headers=colleague).status_code == 404
    assert site.client.get(path, headers=colleague).status_code == 404
    assert site.client.get(f"/practices/{practice}", headers=author).status_code == 200
    assert site.client.get(path, headers=author).status_code == 200


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
    practice_id = site.publish(
        o.PracticeTexts(title="Τ", short_explanation="Σ", overview="Ε", innovativeness="Κ"),
        level=Level.LOCAL,
        stage=o.Stage.IMPLEMENTATION,
        facets=[o.Facet.ENHANCEMENT],
        sector=o.Sector.HEALTH,
        year_launched=2025,
        tags=["α1", "β2", "γ3"],
        attachments=[attachment],
    )
    shown = site.client.get(f"/catalogue/attachments/{cleaned.sha256}")
    assert shown.status_code == 200
    assert shown.content == cleaned.content
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-disposition"].startswith("attachment;")
    # Revalidated on every use: a withdrawn practice's file is not served from a cache.
    assert shown.headers["cache-control"] == "no-cache"
    assert site.client.get(f"/catalogue/{practice_id}").json()["attachments"][0]["sha256"] == (
        cleaned.sha256
    )
    assert site.client.get(f"/catalogue/attachments/{'0' * 64}").status_code == 404
    assert site.client.get("/catalogue/attachments/not-a-digest").status_code == 422


def test_the_catalogues_routes(site: Site) -> None:
    practice_id = site.publish(
        o.PracticeTexts(
            title="Ψηφιακή καινοτομία <b>του δήμου</b>",
            short_explanation="Καινοτομίες για τους πολίτες",
            overview="Ο δήμος εφαρμόζει καινοτομία",
            innovativeness="Νέο",
        ),
        level=Level.REGIONAL,
        stage=o.Stage.EVALUATION,
        facets=[o.Facet.ADAPTIVE],
        sector=o.Sector.EDUCATION,
        year_launched=2023,
        tags=["σχολεία", "δήμοι", "ψηφιακό σχολείο"],
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
    assert {f["value"] for f in results["facets"]["tag"]} == {"σχολεία", "δήμοι", "ψηφιακό σχολείο"}
    assert item["snippet_language"] == "el"
    # The tag filter normalises as the draft's tags are (lower case, spaces collapsed).
    by_tag = site.client.get("/catalogue", params={"tag": " Ψηφιακό   ΣΧΟΛΕΊΟ "}).json()
    assert [i["practice_id"] for i in by_tag["items"]] == [str(practice_id)]
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
