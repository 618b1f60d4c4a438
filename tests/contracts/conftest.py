"""Sample contract values shared by the contract tests."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from contracts.personal import Sealed
from contracts.registration import RepresentativeNominated, Role, Seniority


def seal(subject_id: UUID) -> Sealed:
    """A Sealed value of the right shape; the bytes are random, not a real encryption."""
    nonce_ciphertext_tag = secrets.token_bytes(12 + 16 + 16)
    ciphertext = base64.urlsafe_b64encode(nonce_ciphertext_tag).decode().rstrip("=")
    return Sealed(subject_id=subject_id, ciphertext=ciphertext)


@pytest.fixture
def nomination() -> RepresentativeNominated:
    """The nomination of a main representative, with their personal data sealed."""
    representative_id = uuid4()
    return RepresentativeNominated(
        registration_id=uuid4(),
        representative_id=representative_id,
        role=Role.MAIN,
        full_name=seal(representative_id),
        email=seal(representative_id),
        phone=None,
        position_title="Head of the Directorate of Digital Governance",
        unit="Directorate of Digital Governance",
        seniority=Seniority.DIRECTORATE_HEAD,
        designation_due=date(2026, 4, 15),
        nominated_at=datetime(2026, 4, 9, 7, 30, tzinfo=UTC),
    )
