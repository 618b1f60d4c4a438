"""Designation files are PDF documents a PDF library reads; they are downloaded, never shown."""

from __future__ import annotations

import io

import httpx
import pikepdf
import pytest

from contracts.errors import ErrorCode
from services.registration.designations import NotAPdf, TooLarge, check_designation_file
from services.runtime.errors import RuleBroken
from tests.registration.conftest import ADMIN, PDF, RegistrationStack, form
from tests.support.tokens import applicant_for


def encrypted_pdf(user_password: str) -> bytes:
    """A real one-page PDF, encrypted (with an empty user password it opens without asking)."""
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-secret", user=user_password))
    return out.getvalue()


NOT_A_PDF_BEHIND_THE_HEADER = (
    b"%PDF-1.7\n" + b"MZ\x90\x00 an executable, not a document " * 40 + (b"\n%%EOF\n")
)
"""A header and an end-of-file marker around bytes that are no PDF at all."""


def a_pdf_of_pages(count: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_real_pdf_is_accepted_with_its_digest() -> None:
    checked = check_designation_file(PDF)
    assert checked.size_bytes == len(PDF)
    assert len(checked.sha256) == 64
    assert check_designation_file(a_pdf_of_pages(3)).size_bytes > 0


def test_bytes_that_only_look_like_a_pdf_are_refused() -> None:
    with pytest.raises(NotAPdf) as refused:
        check_designation_file(NOT_A_PDF_BEHIND_THE_HEADER)
    assert refused.value.field == "file"
    with pytest.raises(NotAPdf):
        check_designation_file(b"MZ\x90\x00 not a pdf at all")


def test_a_pdf_without_pages_is_refused() -> None:
    with pytest.raises(NotAPdf, match="no pages"):
        check_designation_file(a_pdf_of_pages(0))


@pytest.mark.parametrize("user_password", ["", "open-sesame"])
def test_an_encrypted_pdf_is_refused_whether_or_not_it_asks_for_a_password(
    user_password: str,
) -> None:
    with pytest.raises(RuleBroken, match="without a password or encryption") as refused:
        check_designation_file(encrypted_pdf(user_password))
    assert refused.value.field == "file"
    assert refused.value.code is ErrorCode.DESIGNATION_ENCRYPTED


def test_a_file_past_10_mib_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(TooLarge):
        check_designation_file(PDF + b"\0" * (10 * 1024 * 1024))


def upload(client: httpx.Client, registration_id: str, content: bytes) -> httpx.Response:
    return client.post(
        f"/registrations/{registration_id}/designation",
        files={"file": ("designation.pdf", content, "application/pdf")},
        data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
        headers=ADMIN,
    )


def test_the_upload_refuses_encrypted_and_fake_pdfs_naming_the_field_and_keeps_a_real_one(
    registration_stack: RegistrationStack,
) -> None:
    with registration_stack.client() as client:
        created = client.post("/registrations", json=form(), headers=applicant_for(form()))
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]

        fake = upload(client, registration_id, NOT_A_PDF_BEHIND_THE_HEADER)
        assert fake.status_code == 415, fake.text
        assert fake.json()["detail"][0]["loc"] == ["body", "file"]

        for user_password in ("", "open-sesame"):
            locked = upload(client, registration_id, encrypted_pdf(user_password))
            assert locked.status_code == 422, locked.text
            (detail,) = locked.json()["detail"]
            assert detail["loc"] == ["body", "file"]
            assert detail["type"] == "encrypted_pdf"
            assert "password" in detail["msg"]

        real = upload(client, registration_id, PDF)
        assert real.status_code == 201, real.text
        assert real.json()["status"] == "designation_received"

        downloaded = client.get(f"/registrations/{registration_id}/designation.pdf", headers=ADMIN)
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert f"designation-{registration_id}.pdf" in downloaded.headers["content-disposition"]
    assert downloaded.headers["x-content-type-options"] == "nosniff"
