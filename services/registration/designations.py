"""Signed designation files: checked by their bytes, stored once by their SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from services.runtime.errors import DomainError

MAX_DESIGNATION_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class NotAPdf(DomainError):
    """The file is not a PDF, whatever its name or declared type says."""

    status_code = 415
    code = "unsupported_media_type"


class TooLarge(DomainError):
    """The file is larger than a designation may be."""

    status_code = 413
    code = "too_large"


@dataclass(frozen=True)
class CheckedFile:
    """A designation's bytes, known to be a PDF within the size limit."""

    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


def check_designation_file(content: bytes) -> CheckedFile:
    """Accept a PDF (by its bytes: the header, and the end-of-file marker) of at most 10 MB."""
    if len(content) > MAX_DESIGNATION_BYTES:
        raise TooLarge("The designation may be at most 10 MB.", field="file")
    if not content.startswith(PDF_MAGIC) or b"%%EOF" not in content[-2048:]:
        raise NotAPdf("The designation must be a PDF document.", field="file")
    return CheckedFile(content, hashlib.sha256(content).hexdigest())


class DesignationFiles:
    """The service's store of designation files, in its own database, keyed by SHA-256."""

    def __init__(self, database_url: str) -> None:
        self._pool = ConnectionPool(database_url, min_size=1, max_size=4, open=True)
        with self._pool.connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS designation_files ("
                " sha256 text PRIMARY KEY, content bytea NOT NULL,"
                " stored_at timestamptz NOT NULL DEFAULT now())"
            )

    def store(self, checked: CheckedFile) -> None:
        """Keep the file; the same bytes twice are kept once.

        Stored before the event that refers to it: a crash in between leaves an unreferenced
        file, never an event whose file is missing.
        """
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO designation_files (sha256, content) VALUES (%s, %s)"
                " ON CONFLICT (sha256) DO NOTHING",
                (checked.sha256, checked.content),
            )

    def load(self, sha256: str) -> bytes | None:
        """The file with this digest, if stored."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT content FROM designation_files WHERE sha256 = %s", (sha256,)
            ).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        self._pool.close()
