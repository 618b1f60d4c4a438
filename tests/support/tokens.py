"""Bearer tokens the tests send, signed with the development secret the test services trust."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET


def applicant_for(form: Mapping[str, Any]) -> dict[str, str]:
    """The Authorization header of the applicant who proved the email of the form's filler.

    The representative `submitted_by` names fills the form, so the one who may submit it
    signed in with that representative's email.
    """
    filler = form.get("main" if form.get("submitted_by") != "alternate" else "alternate")
    email = filler["email"] if isinstance(filler, Mapping) else "nobody@example.gov.gr"
    return applicant(str(email))


def applicant(email: str) -> dict[str, str]:
    """The Authorization header of an applicant who proved `email` by a sign-in link."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=f"applicant-{uuid.uuid4().hex[:6]}",
        role="applicant",
        email=email,
    )
    return {"Authorization": f"Bearer {minted}"}
