"""Files a service keeps in its own database, stored once by the SHA-256 of their bytes.

A file is stored before the event that refers to it: a crash in between leaves an unreferenced
file, never an event whose file is missing. The same bytes twice are kept once.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.sql import SQL, Identifier

from services.runtime.connections import connection_pool
from services.runtime.leadership import exclusively


@dataclass(frozen=True)
class StoredFile:
    """A kept file: its bytes and, when it was stored with one, its media type."""

    content: bytes
    media_type: str | None


class FileStore:
    """A table `(sha256 primary key, media_type, size, content bytea, stored_at)`."""

    def __init__(self, database_url: str, table: str) -> None:
        self._table = Identifier(table)
        self._pool = connection_pool(database_url, name=f"{table}-store", max_size=4)
        # Processes starting together would race on CREATE TABLE IF NOT EXISTS.
        with exclusively(database_url, f"file-store-{table}"), self._pool.connection() as conn:
            conn.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} ("
                    " sha256 text PRIMARY KEY, content bytea NOT NULL,"
                    " stored_at timestamptz NOT NULL DEFAULT now())"
                ).format(self._table)
            )
            # Added after the first release: a table made before gets them (NULL in old rows).
            conn.execute(
                SQL(
                    "ALTER TABLE {} ADD COLUMN IF NOT EXISTS media_type text,"
                    " ADD COLUMN IF NOT EXISTS size bigint"
                ).format(self._table)
            )

    def put(self, sha256: str, content: bytes, media_type: str | None = None) -> None:
        """Keep `content` under its digest (computed by the caller from these very bytes)."""
        with self._pool.connection() as conn:
            conn.execute(
                SQL(
                    "INSERT INTO {} (sha256, content, media_type, size) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (sha256) DO NOTHING"
                ).format(self._table),
                (sha256, content, media_type, len(content)),
            )

    def get(self, sha256: str) -> StoredFile | None:
        """The file with this digest, if stored."""
        with self._pool.connection() as conn:
            row = conn.execute(
                SQL("SELECT content, media_type FROM {} WHERE sha256 = %s").format(self._table),
                (sha256,),
            ).fetchone()
        return StoredFile(bytes(row[0]), row[1]) if row else None

    def load(self, sha256: str) -> bytes | None:
        """The bytes of the file with this digest, if stored."""
        found = self.get(sha256)
        return found.content if found else None

    def close(self) -> None:
        self._pool.close()
