"""Valid request bodies, planted in some generated cases so the fuzzer gets past field rules."""

from __future__ import annotations

import io
import itertools
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image
from schemathesis import Case
from stdnum.gr import vat

from services.runtime.settings import ServiceSettings
from tests.registration.conftest import PDF, form

DEFAULT_PUBLIC_URL = ServiceSettings.model_fields["public_url"].default

# Every run has fresh databases, so the same numbers every run are fresh too (and repeatable).
_serials = itertools.count(1_000_000)


def fresh_tax_id() -> str:
    """A Greek tax number with a valid check digit that no earlier call gave."""
    stem = f"0{next(_serials):07d}"
    return stem + vat.calc_check_digit(stem)


def valid_form() -> dict[str, Any]:
    """A registration form that passes every field rule, for a body not registered yet."""
    return form(tax_id=fresh_tax_id())


def valid_representative() -> dict[str, Any]:
    """A senior executive with an address of their organisation, nobody else's."""
    return {
        **form()["main"],
        "full_name": "Ελένη Σταθοπούλου",
        "email": f"e.stathopoulou.{next(_serials)}@example.gov.gr",
    }


def designation_upload() -> dict[str, Any]:
    """A signed designation: a real PDF and its signer."""
    return {
        "file": PDF,
        "signed_by_name": "Νίκος Αθανασίου",
        "signed_by_title": "Γενικός Γραμματέας",
    }


def valid_times() -> dict[str, Any]:
    """A two-hour slot a month from now, in Athens."""
    starts = datetime.now(UTC) + timedelta(days=30)
    return {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "location": "Αθήνα",
    }


def valid_activity() -> dict[str, Any]:
    """A GOV.LAB workshop a month from now with room for twenty."""
    return {
        "kind": "govlab_workshop",
        "title": "GOV.LAB εργαστήριο",
        **valid_times(),
        "capacity": 20,
        "languages": ["el"],
    }


def valid_sign_in_link() -> dict[str, Any]:
    """A sign-in email the gateway asks for: a link of the public address, valid 15 minutes."""
    return {
        "request_id": str(uuid.uuid4()),
        "email": f"fuzz.sign-in.{next(_serials)}@example.gov.gr",
        "language": "el",
        "sign_in_url": f"{DEFAULT_PUBLIC_URL}/sign-in/link?token=fuzz",
        "expires_at": (datetime.now(UTC) + timedelta(minutes=15)).isoformat(),
    }


def png() -> bytes:
    """A small real PNG image."""
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (13, 94, 175)).save(out, format="PNG")
    return out.getvalue()


PNG = png()


def valid_draft() -> dict[str, Any]:
    """A practice with every field its submission needs, in Greek."""
    return {
        "languages": ["el"],
        "texts": {
            "el": {
                "title": "Ψηφιακό γκισέ",
                "short_explanation": "Εξυπηρέτηση από το σπίτι.",
                "overview": "Βιντεοκλήση για κάθε αίτηση.",
                "innovativeness": "Πρώτη φορά σε δήμο.",
            }
        },
        "stage": "implementation",
        "facets": ["enhancement"],
        "sector": "digitalisation",
        "year_launched": 2024,
        "tags": ["βιντεοκλήση", "εξυπηρέτηση", "ψηφιακό κράτος"],
        "websites": ["https://example.gov.gr/gkise"],
    }


def valid_version() -> dict[str, Any]:
    """A practice's first version (a later one is refused as changed: still past validation)."""
    return {"version": 1}


def valid_edit() -> dict[str, Any]:
    """The whole practice, on its first version."""
    return {**valid_draft(), **valid_version()}


def valid_decision() -> dict[str, Any]:
    """The innovation unit's comment on a decision."""
    return {"comment": "Σύμφωνα με τα κριτήρια του παρατηρητηρίου."}


def attachment_upload() -> dict[str, Any]:
    """An image of the practice, with a caption."""
    return {"file": PNG, "caption": "Το γκισέ"}


PRACTICE = "/practices/{practice_id}"

VALID_BODIES: dict[str, Callable[[], Any]] = {
    "POST /registrations": valid_form,
    "POST /registrations/{registration_id}/alternate": valid_representative,
    "POST /registrations/{registration_id}/representatives/{representative_id}/replacement": (
        valid_representative
    ),
    "POST /registrations/{registration_id}/designation": designation_upload,
    "POST /activities": valid_activity,
    "POST /activities/{activity_id}/reschedule": valid_times,
    "POST /internal/sign-in-links": valid_sign_in_link,
    "POST /practices": valid_draft,
    f"PUT {PRACTICE}": valid_edit,
    f"POST {PRACTICE}/attachments": attachment_upload,
}
"""Operations whose bodies random data almost never gets right, and a body that is right."""


def valid_body_every_other_case() -> Callable[[Case], None]:
    """A `prepare` for cases: every other case of an operation above gets its valid body."""
    turns: Counter[str] = Counter()

    def prepare(case: Case) -> None:
        label = case.operation.label
        if label in VALID_BODIES:
            turns[label] += 1
            if turns[label] % 2 == 0:
                case.body = VALID_BODIES[label]()

    return prepare
