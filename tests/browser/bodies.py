"""Bodies registered through the services' APIs, as the setting of a browser test.

What a test is not about is done the quick way: a body a representative signs in for is
registered, designated and verified through the registration API, with the tokens the gateway
would mint (an applicant who proved the email; the innovation unit).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from stdnum.gr import vat

from services.runtime.auth import Access, mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser.stack import GatewayStack
from tests.registration.conftest import PDF, form
from tests.support.polling import eventually

_bodies = itertools.count(1)


def next_tax_id() -> str:
    """A valid ΑΦΜ (its check digit computed) that no other body of the run has."""
    base = f"09{next(_bodies):06d}"
    return base + vat.calc_check_digit(base)


_people = itertools.count(1)


def new_email(who: str) -> str:
    """An organisation address nobody else in the run has."""
    return f"{who}.{next(_people)}.{uuid.uuid4().hex[:6]}@example.gov.gr"


def bearer(role: Access, *, email: str | None = None, body_id: str | None = None) -> dict[str, str]:
    """The Authorization header of a principal, signed with the stack's (development) secret."""
    token = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=f"browser-test-{role}-{uuid.uuid4().hex[:6]}",
        role=role,
        email=email,
        body_id=body_id,
    )
    return {"Authorization": f"Bearer {token}"}


def unit() -> dict[str, str]:
    """The innovation unit."""
    return bearer("admin", email="innovationunit@example.gov.gr")


@dataclass(frozen=True)
class Body:
    """A body registered for a test, with its representatives' addresses and ids."""

    registration_id: str
    tax_id: str
    name: str
    main_email: str
    main_id: str
    alternate_email: str | None = None
    alternate_id: str | None = None

    def member(self) -> dict[str, str]:
        """A representative of this body, as the gateway calls the services for them."""
        return bearer("member", email=self.main_email, body_id=self.tax_id)


def register_body(stack: GatewayStack, *, name: str, with_alternate: bool = False) -> Body:
    """Submit the form through the API as the main representative, who proved their email."""
    tax_id = next_tax_id()
    main_email = new_email("main")
    filled: dict[str, Any] = form(tax_id, with_alternate=with_alternate)
    filled["body"]["name"] = name
    filled["main"]["email"] = main_email
    alternate_email = None
    if with_alternate:
        alternate_email = new_email("alternate")
        filled["alternate"]["email"] = alternate_email
    with stack.api("registration", bearer("applicant", email=main_email)) as api:
        answer = api.post("/registrations", json=filled)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    ids = {ref["role"]: ref["id"] for ref in created["representatives"]}
    return Body(
        created["id"], tax_id, name, main_email, ids["main"], alternate_email, ids.get("alternate")
    )


def send_designation(stack: GatewayStack, body: Body) -> None:
    """The body's designation, uploaded through the API by its representative."""
    with stack.api("registration", body.member()) as api:
        answer = api.post(
            f"/registrations/{body.registration_id}/designation",
            files={"file": ("designation.pdf", PDF, "application/pdf")},
            data={"signed_by_name": "Ελένη Γεωργίου", "signed_by_title": "Γενική Γραμματέας"},
        )
    assert answer.status_code == 201, answer.text


def verify_designation(stack: GatewayStack, registration_id: str) -> dict[str, Any]:
    """The innovation unit verifies the latest designation; the registration as it is then."""
    with stack.api("registration", unit()) as api:
        answer = api.post(f"/registrations/{registration_id}/designation/verify")
    assert answer.status_code == 200, answer.text
    verified: dict[str, Any] = answer.json()
    return verified


def registration(stack: GatewayStack, registration_id: str) -> dict[str, Any]:
    """The registration as the innovation unit sees it."""
    with stack.api("registration", unit()) as api:
        answer = api.get(f"/registrations/{registration_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def active_body(stack: GatewayStack, *, name: str, with_alternate: bool = False) -> Body:
    """A body registered, designated and verified: its representatives are members."""
    body = register_body(stack, name=name, with_alternate=with_alternate)
    send_designation(stack, body)
    assert verify_designation(stack, body.registration_id)["status"] == "active"
    return body


def replace_main(stack: GatewayStack, body: Body) -> str:
    """Nominate a successor of the main representative, designate and verify them.

    The main representative then leaves the body. Returns the successor's email.
    """
    successor_email = new_email("successor")
    details = {
        **form()["main"],
        "full_name": "Κατερίνα Αλεξίου",
        "email": successor_email,
    }
    path = f"/registrations/{body.registration_id}/representatives/{body.main_id}/replacement"
    with stack.api("registration", body.member()) as api:
        answer = api.post(path, json=details)
    assert answer.status_code == 201, answer.text
    send_designation(stack, body)
    verify_designation(stack, body.registration_id)

    def replaced() -> None:
        states = {
            rep["id"]: rep["state"]
            for rep in registration(stack, body.registration_id)["representatives"]
        }
        assert states[body.main_id] != "active", states

    eventually(replaced)
    return successor_email
