"""Personal data sealed with a key of its own per data subject, erased by destroying that key.

This is crypto-shredding: events stay immutable, yet once a person's key is
gone every copy of their data, in any event store or on Kafka, is unreadable for good.

Keys are never cached in the process. A cached key would keep unsealing after an erasure
committed elsewhere, and a projection could then write plaintext back right after it dropped
it on the erasure event: that person would never be gone. Every seal and unseal therefore
reads the vault; it is one primary-key lookup on a small pooled connection.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from types import TracebackType
from typing import Final
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from contracts.personal import Sealed
from services.runtime.connections import connection_pool
from services.runtime.leadership import exclusively

MASTER_KEY_BYTES: Final = 32
"""The master key wraps every personal key with AES-256 key wrap (RFC 3394)."""

_NONCE_BYTES: Final = 12  # the 96-bit nonce GCM is designed for; random, fresh per seal
_TAG_BYTES: Final = 16

_CREATE_TABLE: Final = """
CREATE TABLE IF NOT EXISTS personal_data_keys (
    subject_id  uuid PRIMARY KEY,
    wrapped_key bytea NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    erased_at   timestamptz NULL,
    CONSTRAINT erased_keys_are_gone CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
)
"""

# Every service creates the table at start-up, so they take turns on a session lock held in the
# vault's database itself. (A transaction lock on the pool's autocommit connections would end with
# its own statement, and a lock in each service's own database would not be shared at all.)
_CREATE_TABLE_LOCK: Final = "vault-schema"

_SELECT_KEY: Final = """
SELECT wrapped_key, erased_at IS NOT NULL FROM personal_data_keys WHERE subject_id = %s
"""

# A new subject's key is made in one statement; RETURNING is empty when the subject has a key
# (or a tombstone) already, and only then is it read.
_INSERT_KEY: Final = """
INSERT INTO personal_data_keys (subject_id, wrapped_key) VALUES (%s, %s)
ON CONFLICT (subject_id) DO NOTHING
RETURNING wrapped_key, false
"""

# A subject never seen gets a tombstone too, so no key can ever be made for them later.
_ERASE: Final = """
INSERT INTO personal_data_keys AS k (subject_id, wrapped_key, erased_at) VALUES (%s, NULL, now())
ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = now()
WHERE k.erased_at IS NULL
RETURNING subject_id
"""


# Errors are named as the facts they report, like the project's other errors (hence N818).
class SealingError(Exception):
    """Base of every error of personal-data sealing."""


class SubjectErased(SealingError):
    """The data subject was erased: no key exists for them, and none will be made again."""


class UnknownSubject(SealingError):
    """The vault never held a key for the subject: the value was sealed by another vault."""


class TamperedCiphertext(SealingError):
    """A sealed value fails authentication: altered, truncated or moved to another subject."""


class MasterKeyMismatch(SealingError):
    """The master key in use is not the one that wrapped the stored personal keys."""


def master_key_from_setting(value: str) -> bytes:
    """Decode the `INNOVNET_MASTER_KEY` setting, which must be base64 of 32 bytes."""
    advice = "INNOVNET_MASTER_KEY must be standard base64 of 32 random bytes"
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except binascii.Error:
        # The value is a secret: the message never repeats it.
        raise ValueError(f"{advice}; the value set is not valid base64") from None
    if len(key) != MASTER_KEY_BYTES:
        raise ValueError(f"{advice}; the value set decodes to {len(key)} bytes")
    return key


class KeyVault:
    """The per-person keys, kept wrapped by the master key in the shared `vault` database."""

    def __init__(self, database_url: str, master_key: bytes) -> None:
        """Open a small connection pool on the vault database; call `create_table` once."""
        if len(master_key) != MASTER_KEY_BYTES:
            raise ValueError(
                f"the master key must be {MASTER_KEY_BYTES} bytes, not {len(master_key)}"
            )
        self._master_key = master_key
        self._database_url = database_url
        # One statement each, so autocommit: no COMMIT round trip.
        self._pool = connection_pool(
            database_url, name="key-vault", max_size=16, autocommit=True, timeout=10.0
        )

    def create_table(self) -> None:
        """Create the key table if it is missing; services starting together take turns."""
        with exclusively(self._database_url, _CREATE_TABLE_LOCK), self._pool.connection() as conn:
            conn.execute(_CREATE_TABLE)

    def key_for(self, subject_id: UUID) -> bytes:
        """The subject's key, made on first use; raises `SubjectErased` once they are erased."""
        wrapped = aes_key_wrap(self._master_key, AESGCM.generate_key(bit_length=256))
        with self._pool.connection() as connection:
            row = connection.execute(_INSERT_KEY, (subject_id, wrapped)).fetchone()
            if row is None:
                # Known already (or two first uses raced and the other won): read what is there.
                row = connection.execute(_SELECT_KEY, (subject_id,)).fetchone()
        assert row is not None, "the key row was inserted or already there"
        wrapped_key, erased = row
        if erased:
            raise SubjectErased(
                f"data subject {subject_id} was erased; their data cannot be sealed"
            )
        return self._unwrap(subject_id, wrapped_key)

    def existing_key(self, subject_id: UUID) -> bytes | None:
        """The subject's key, or None when they have none: never seen, or erased."""
        with self._pool.connection() as connection:
            row = connection.execute(_SELECT_KEY, (subject_id,)).fetchone()
        if row is None or row[1]:
            return None
        return self._unwrap(subject_id, row[0])

    def is_erased(self, subject_id: UUID) -> bool:
        """Whether the subject was erased (their tombstone is in the vault)."""
        with self._pool.connection() as connection:
            row = connection.execute(_SELECT_KEY, (subject_id,)).fetchone()
        return row is not None and bool(row[1])

    def erase(self, subject_id: UUID) -> bool:
        """Destroy the subject's key for good; False when they had been erased already."""
        with self._pool.connection() as connection:
            erased_now = connection.execute(_ERASE, (subject_id,)).fetchone()
        return erased_now is not None

    def close(self) -> None:
        """Close the connection pool."""
        self._pool.close()

    def __enter__(self) -> KeyVault:
        """Use the vault in a `with` block that closes it."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the vault."""
        self.close()

    def _unwrap(self, subject_id: UUID, wrapped_key: bytes) -> bytes:
        try:
            return aes_key_unwrap(self._master_key, bytes(wrapped_key))
        except InvalidUnwrap:
            raise MasterKeyMismatch(
                f"the key of data subject {subject_id} does not unwrap: INNOVNET_MASTER_KEY is "
                "not the master key this vault's keys were wrapped with"
            ) from None


class Sealer:
    """Seals and unseals personal values with the key of the person they are about."""

    def __init__(self, vault: KeyVault) -> None:
        """Seal with the keys of `vault`."""
        self.vault = vault

    def seal(self, subject_id: UUID, plaintext: str) -> Sealed:
        """Encrypt `plaintext` for `subject_id`; raises `SubjectErased` for an erased person."""
        return self.sealing_for(subject_id)(plaintext)

    def sealing_for(self, subject_id: UUID) -> Callable[[str], Sealed]:
        """Seal several values of one person with one look-up of their key (within a command)."""
        cipher = AESGCM(self.vault.key_for(subject_id))

        def seal(plaintext: str) -> Sealed:
            nonce = os.urandom(_NONCE_BYTES)
            # The subject id is authenticated data: a value moved to another person fails.
            encrypted = cipher.encrypt(nonce, plaintext.encode(), subject_id.bytes)
            return Sealed(subject_id=subject_id, ciphertext=_to_base64url(nonce + encrypted))

        return seal

    def unseal(self, sealed: Sealed) -> str | None:
        """The plaintext, or None when the person was erased; raises `TamperedCiphertext`."""
        key = self.vault.existing_key(sealed.subject_id)
        if key is None:
            if self.vault.is_erased(sealed.subject_id):
                return None
            # Not "erased": a wrong vault must not look like everyone was forgotten.
            raise UnknownSubject(
                f"no key was ever made for data subject {sealed.subject_id} in this vault"
            )
        sealed_bytes = _from_base64url(sealed)
        nonce, encrypted = sealed_bytes[:_NONCE_BYTES], sealed_bytes[_NONCE_BYTES:]
        try:
            plaintext = AESGCM(key).decrypt(nonce, encrypted, sealed.subject_id.bytes)
        except InvalidTag:
            raise TamperedCiphertext(
                f"a value sealed for data subject {sealed.subject_id} fails authentication: it "
                "was altered or sealed for another subject"
            ) from None
        return plaintext.decode()

    def unseal_or(self, sealed: Sealed, placeholder: str) -> str:
        """The plaintext, or `placeholder` when the person was erased."""
        plaintext = self.unseal(sealed)
        return placeholder if plaintext is None else plaintext


def _to_base64url(data: bytes) -> str:
    # Unpadded, as JOSE writes base64url.
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _from_base64url(sealed: Sealed) -> bytes:
    text = sealed.ciphertext.rstrip("=")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error:
        data = b""
    if len(data) < _NONCE_BYTES + _TAG_BYTES:
        raise TamperedCiphertext(
            f"a value sealed for data subject {sealed.subject_id} is not base64url of "
            "nonce, ciphertext and tag"
        )
    return data
