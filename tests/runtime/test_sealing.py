"""Personal data sealed per person, on a real PostgreSQL vault: readable until the key is gone."""

from __future__ import annotations

import base64
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

from contracts.personal import Sealed
from services.runtime.sealing import (
    KeyVault,
    MasterKeyMismatch,
    Sealer,
    SubjectErased,
    TamperedCiphertext,
    UnknownSubject,
    master_key_from_setting,
)
from services.runtime.settings import DEVELOPMENT_MASTER_KEY
from tests.support.servers import fresh_database

MASTER_KEY = os.urandom(32)


@pytest.fixture
def vault_url() -> Iterator[str]:
    with fresh_database("vault") as url:
        yield url


@pytest.fixture
def vault(vault_url: str) -> Iterator[KeyVault]:
    with KeyVault(vault_url, MASTER_KEY) as opened:
        opened.create_table()
        yield opened


@pytest.fixture
def sealer(vault: KeyVault) -> Sealer:
    return Sealer(vault)


def test_a_sealed_value_unseals_to_the_original_text(sealer: Sealer) -> None:
    person = uuid.uuid4()

    sealed = sealer.seal(person, "Ελένη Παπαδοπούλου <e.papadopoulou@mindigital.gr>")

    assert sealed.subject_id == person
    assert sealed.alg == "A256GCM"
    assert "Ελένη" not in sealed.ciphertext
    assert sealer.unseal(sealed) == "Ελένη Παπαδοπούλου <e.papadopoulou@mindigital.gr>"


def test_an_empty_value_seals_and_unseals(sealer: Sealer) -> None:
    assert sealer.unseal(sealer.seal(uuid.uuid4(), "")) == ""


def test_a_sealed_value_survives_the_json_of_a_contract_event(sealer: Sealer) -> None:
    sealed = sealer.seal(uuid.uuid4(), "+30 210 000 0000")

    travelled = Sealed.model_validate_json(sealed.model_dump_json())

    assert sealer.unseal(travelled) == "+30 210 000 0000"


def test_sealing_the_same_text_twice_gives_different_ciphertexts(sealer: Sealer) -> None:
    person = uuid.uuid4()

    first, second = sealer.seal(person, "same"), sealer.seal(person, "same")

    assert first.ciphertext != second.ciphertext
    assert sealer.unseal(first) == sealer.unseal(second) == "same"


def test_each_person_gets_a_key_of_their_own(vault: KeyVault) -> None:
    assert vault.key_for(uuid.uuid4()) != vault.key_for(uuid.uuid4())


def test_a_ciphertext_moved_to_another_person_does_not_unseal(sealer: Sealer) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    sealer.seal(bob, "Bob has a key now")
    sealed_for_alice = sealer.seal(alice, "alice@example.gov.gr")

    moved = Sealed(subject_id=bob, ciphertext=sealed_for_alice.ciphertext)

    with pytest.raises(TamperedCiphertext, match="altered or sealed for another subject"):
        sealer.unseal(moved)


def test_a_tampered_ciphertext_is_refused_with_a_clear_error(sealer: Sealer) -> None:
    sealed = sealer.seal(uuid.uuid4(), "a secret")
    padding = "=" * (-len(sealed.ciphertext) % 4)
    raw = bytearray(base64.urlsafe_b64decode(sealed.ciphertext + padding))
    raw[-1] ^= 0x01  # one bit of the tag
    tampered = Sealed(
        subject_id=sealed.subject_id,
        ciphertext=base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode(),
    )

    with pytest.raises(TamperedCiphertext, match="fails authentication"):
        sealer.unseal(tampered)


def test_after_erasure_the_person_is_gone(vault: KeyVault, sealer: Sealer) -> None:
    person = uuid.uuid4()
    sealed = sealer.seal(person, "Γιώργος")

    assert vault.erase(person) is True

    assert sealer.unseal(sealed) is None
    assert sealer.unseal_or(sealed, "[erased]") == "[erased]"
    assert vault.existing_key(person) is None
    assert vault.is_erased(person)
    with pytest.raises(SubjectErased):
        vault.key_for(person)
    with pytest.raises(SubjectErased):
        sealer.seal(person, "new data about an erased person")


def test_an_erasure_by_one_vault_is_seen_at_once_by_another(vault_url: str, sealer: Sealer) -> None:
    # Keys are not cached, so erasure has no grace period in other processes.
    person = uuid.uuid4()
    sealed = sealer.seal(person, "Μαρία")
    assert sealer.unseal(sealed) == "Μαρία"

    with KeyVault(vault_url, MASTER_KEY) as elsewhere:
        elsewhere.erase(person)

    assert sealer.unseal(sealed) is None


def test_erasing_twice_erases_once_and_keeps_the_first_erasure_time(
    vault: KeyVault, vault_url: str
) -> None:
    person = uuid.uuid4()
    vault.key_for(person)

    assert vault.erase(person) is True
    first_erased_at = _row(vault_url, person)[1]
    assert vault.erase(person) is False

    wrapped_key, erased_at = _row(vault_url, person)
    assert wrapped_key is None
    assert erased_at == first_erased_at


def test_erasing_an_unknown_person_leaves_a_tombstone_so_no_key_is_ever_made(
    vault: KeyVault, vault_url: str
) -> None:
    person = uuid.uuid4()

    assert vault.erase(person) is True

    assert _row(vault_url, person)[0] is None
    with pytest.raises(SubjectErased):
        vault.key_for(person)


def test_the_stored_key_is_wrapped_by_the_master_key_and_never_in_clear(
    vault: KeyVault, vault_url: str
) -> None:
    person = uuid.uuid4()
    key = vault.key_for(person)

    wrapped_key = _row(vault_url, person)[0]

    assert len(key) == 32
    assert wrapped_key is not None
    assert key not in wrapped_key
    assert aes_key_unwrap(MASTER_KEY, wrapped_key) == key


def test_a_person_unknown_to_the_vault_has_no_existing_key(vault: KeyVault) -> None:
    assert vault.existing_key(uuid.uuid4()) is None
    assert not vault.is_erased(uuid.uuid4())


def test_unsealing_for_a_person_the_vault_never_knew_is_an_error_not_an_erasure(
    sealer: Sealer, vault_url: str
) -> None:
    with fresh_database("othervault") as other_url, KeyVault(other_url, MASTER_KEY) as other:
        other.create_table()
        sealed_elsewhere = Sealer(other).seal(uuid.uuid4(), "sealed by another vault")

    with pytest.raises(UnknownSubject, match="no key was ever made"):
        sealer.unseal(sealed_elsewhere)


def test_two_vaults_on_one_database_see_the_same_key(vault: KeyVault, vault_url: str) -> None:
    person = uuid.uuid4()
    sealed = Sealer(vault).seal(person, "shared")

    with KeyVault(vault_url, MASTER_KEY) as other:
        assert other.key_for(person) == vault.key_for(person)
        assert Sealer(other).unseal(sealed) == "shared"


def test_racing_first_uses_of_a_persons_key_agree_on_one_key(
    vault: KeyVault, vault_url: str
) -> None:
    person = uuid.uuid4()
    racers = 8
    start = threading.Barrier(racers)

    with KeyVault(vault_url, MASTER_KEY) as other:
        vaults = [vault, other] * (racers // 2)

        def first_use(racer: KeyVault) -> bytes:
            start.wait(timeout=30)
            return racer.key_for(person)

        with ThreadPoolExecutor(max_workers=racers) as pool:
            keys = set(pool.map(first_use, vaults))

    assert keys == {vault.key_for(person)}


def test_creating_the_table_again_keeps_the_keys(vault: KeyVault) -> None:
    person = uuid.uuid4()
    key = vault.key_for(person)

    vault.create_table()

    assert vault.key_for(person) == key


def test_a_vault_with_another_master_key_cannot_unwrap_and_says_so(
    vault: KeyVault, vault_url: str
) -> None:
    person = uuid.uuid4()
    sealed = Sealer(vault).seal(person, "guarded")

    with KeyVault(vault_url, os.urandom(32)) as wrong:
        with pytest.raises(MasterKeyMismatch, match="INNOVNET_MASTER_KEY is not the master key"):
            wrong.key_for(person)
        with pytest.raises(MasterKeyMismatch):
            Sealer(wrong).unseal(sealed)


def test_a_master_key_setting_is_base64_of_32_bytes() -> None:
    key = os.urandom(32)

    assert master_key_from_setting(base64.b64encode(key).decode()) == key
    assert len(master_key_from_setting(DEVELOPMENT_MASTER_KEY)) == 32


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        (base64.b64encode(b"k" * 16).decode(), "decodes to 16 bytes"),
        ("", "decodes to 0 bytes"),
        ("not base64 at all!", "not valid base64"),
    ],
)
def test_a_master_key_setting_of_another_shape_is_refused_without_echoing_it(
    setting: str, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint) as refused:
        master_key_from_setting(setting)

    assert "32 random bytes" in str(refused.value)
    assert not setting or setting not in str(refused.value)


def test_a_vault_refuses_a_master_key_that_is_not_32_bytes(vault_url: str) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        KeyVault(vault_url, b"short")


def _row(url: str, subject_id: uuid.UUID) -> tuple[bytes | None, object]:
    """The stored (wrapped_key, erased_at) of a subject, read straight from the table."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT wrapped_key, erased_at FROM personal_data_keys WHERE subject_id = %s",
            (subject_id,),
        ).fetchone()
    assert row is not None
    return row[0], row[1]
