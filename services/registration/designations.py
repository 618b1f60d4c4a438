"""Signed designation files: parsed as PDF documents, stored once by their SHA-256."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pikepdf

from contracts.errors import ErrorCode
from services.runtime.errors import DomainError, RuleBroken
from services.runtime.file_store import FileStore

MAX_DESIGNATION_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class NotAPdf(DomainError):
    """The file is not a PDF, whatever its name or declared type says (415)."""

    status_code = 415


class TooLarge(DomainError):
    """The file is larger than a designation may be (413)."""

    status_code = 413


@dataclass(frozen=True)
class CheckedFile:
    """A designation's bytes, known to be a readable PDF within the size limit."""

    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def check_designation_file(content: bytes) -> CheckedFile:
    """Accept a PDF of at most 10 MB that a PDF library opens, unencrypted, with a page or more."""
    if len(content) > MAX_DESIGNATION_BYTES:
        raise TooLarge(
            ErrorCode.DESIGNATION_TOO_LARGE,
            "The designation may be at most 10 MB.",
            field="file",
            max_bytes=MAX_DESIGNATION_BYTES,
        )
    if not content.startswith(PDF_MAGIC):
        raise NotAPdf(
            ErrorCode.DESIGNATION_NOT_PDF, "The designation must be a PDF document.", field="file"
        )
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            encrypted = pdf.is_encrypted
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        encrypted, pages = True, 0
    except Exception:
        # qpdf raises PdfError for most damage, but a broken page tree can surface as other
        # errors: whatever stops the library from reading it stops the innovation unit too.
        raise NotAPdf(
            ErrorCode.DESIGNATION_NOT_PDF,
            "The designation must be a PDF document; this file could not be read as one.",
            field="file",
        ) from None
    if encrypted:
        # An encrypted PDF is a PDF (not a 415): the body is asked for it without a password.
        raise RuleBroken(
            ErrorCode.DESIGNATION_ENCRYPTED,
            "The designation is an encrypted or password-protected PDF; send it without a"
            " password or encryption so the innovation unit can check it.",
            field="file",
        )
    if pages < 1:
        raise NotAPdf(
            ErrorCode.DESIGNATION_NOT_PDF, "The designation PDF has no pages.", field="file"
        )
    return CheckedFile(content, hashlib.sha256(content).hexdigest())


class DesignationFiles(FileStore):
    """The service's store of designation files, in its own database, keyed by SHA-256."""

    def __init__(self, database_url: str) -> None:
        super().__init__(database_url, "designation_files")

    def store(self, checked: CheckedFile) -> None:
        """Keep the file; the same bytes twice are kept once (before the event naming it)."""
        self.put(checked.sha256, checked.content, "application/pdf")
