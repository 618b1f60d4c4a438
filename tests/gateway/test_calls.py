"""The token the gateway mints for each call says who the signed-in person is to the service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt

from services.gateway.calls import ServiceCalls
from services.gateway.sessions import SignedIn
from services.gateway.settings import GatewaySettings
from services.gateway.staff import decider_name, staff_subject
from services.runtime.auth import read_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET

CALLS = ServiceCalls(GatewaySettings(), DEVELOPMENT_JWT_SECRET)


def principal(person: SignedIn) -> tuple[str, str | None, str | None]:
    read = read_token(DEVELOPMENT_JWT_SECRET, CALLS.token_for(person))
    return read.role, read.email, read.body_id


def test_a_representative_calls_as_a_member_of_their_body() -> None:
    person = SignedIn(
        "representative", "m@dimos.gov.gr", "094014201", uuid.uuid4(), uuid.uuid4(), "main"
    )
    assert principal(person) == ("member", "m@dimos.gov.gr", "094014201")


def test_staff_call_as_admins_and_an_applicant_as_the_email_they_proved() -> None:
    staff = SignedIn("staff", "u@example.gov.gr", staff_subject=staff_subject("k", "u@x.gov.gr"))
    assert principal(staff) == ("admin", "u@example.gov.gr", None)
    applicant = SignedIn("applicant", "a@dimos.gov.gr")
    assert principal(applicant) == ("applicant", "a@dimos.gov.gr", None)


def test_staff_decide_as_a_keyed_hash_of_their_address_never_the_address() -> None:
    settings = GatewaySettings(staff_emails="Μαρία Παπαδοπούλου <Maria@Interior.gov.gr>")
    (member,) = settings.staff_members
    staff = SignedIn("staff", member.email, staff_subject=member.subject)
    subject = read_token(DEVELOPMENT_JWT_SECRET, CALLS.token_for(staff)).subject
    assert (
        subject
        == member.subject
        == staff_subject(settings.blind_index_key, "maria@interior.gov.gr")
    )
    assert subject.startswith("staff-")
    assert "interior" not in subject
    assert staff_subject("another key", member.email) != subject
    assert decider_name(settings.staff_members, subject, "el") == "Μαρία Παπαδοπούλου"
    assert decider_name(settings.staff_members, "staff-0", "en") == "a former member of staff"
    assert decider_name(settings.staff_members, None, "en") == ""


def test_a_calls_token_lasts_five_minutes() -> None:
    token = CALLS.token_for(SignedIn("applicant", "a@dimos.gov.gr"))
    claims = jwt.decode(token, options={"verify_signature": False})
    lifetime = datetime.fromtimestamp(claims["exp"], UTC) - datetime.fromtimestamp(
        claims["iat"], UTC
    )
    assert lifetime == timedelta(minutes=5)
