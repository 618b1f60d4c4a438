"""A little real data for the fuzzer: a member body, an activity it is invited to, an email,
and the body's practices in the observatory (a draft, and a published one), each with an image."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from services.runtime.auth import Access, mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.fuzz.bodies import (
    PNG,
    designation_upload,
    fresh_tax_id,
    valid_activity,
    valid_decision,
    valid_draft,
)
from tests.registration.conftest import form
from tests.support.polling import eventually
from tests.support.tokens import applicant_for


@dataclass(frozen=True)
class Caller:
    """Who sends a request: the public, a member of the seeded body, or an admin."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)


def bearer(subject: str, role: Access, body_id: str | None = None) -> dict[str, str]:
    """The Authorization header of a token the services trust."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=subject,
        role=role,
        email=f"fuzz.{role}@example.gov.gr",
        body_id=body_id,
    )
    return {"Authorization": f"Bearer {minted}"}


PUBLIC = Caller("public")
ADMIN = Caller("admin", bearer("fuzz-admin", "admin"))
APPLICANT = Caller("applicant", applicant_for(form()))
"""Who proved the email of the representative filling every valid form (`bodies.valid_form`)."""
SERVICE = Caller("service", bearer("gateway", "service"))
"""Another of innovnet's services, calling an internal endpoint (the gateway's sign-in emails)."""


@dataclass(frozen=True)
class Seeded:
    """The real ids the fuzzer puts in paths, and the member whose body they belong to."""

    member: Caller
    path_ids: dict[str, tuple[str, ...]]
    """Path parameter name → its real values (registration_id, activity_id, body_id, ...): a
    practice_id is of a draft and of a published practice."""


def member_of(body_id: str, representative_id: str) -> Caller:
    """The representative `representative_id` of `body_id`, as their token names them."""
    return Caller("member", bearer(representative_id, "member", body_id))


def seed(registration: str, membership: str, notifications: str, observatory: str) -> Seeded:
    """Register a body, have it verified, schedule an activity and invite it; wait for an email;
    draft a practice of the body and publish another, each with an image."""
    tax_id = fresh_tax_id()
    with httpx.Client(base_url=registration, timeout=30) as client:
        filled = form(tax_id=tax_id)
        created = client.post("/registrations", json=filled, headers=applicant_for(filled))
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]
        main = created.json()["representatives"][0]["id"]
        member = member_of(tax_id, main)
        upload = designation_upload()
        sent = client.post(
            f"/registrations/{registration_id}/designation",
            files={"file": ("designation.pdf", upload.pop("file"), "application/pdf")},
            data=upload,
            headers=member.headers,
        )
        assert sent.status_code == 201, sent.text
        verified = client.post(
            f"/registrations/{registration_id}/designation/verify", headers=ADMIN.headers
        )
        assert verified.status_code == 200, verified.text

    with httpx.Client(base_url=membership, timeout=30, headers=ADMIN.headers) as client:

        def active_member() -> None:
            found = client.get(f"/members/{tax_id}")
            assert found.status_code == 200, found.text
            assert found.json()["status"] == "active"

        eventually(active_member, timeout=60)
        scheduled = client.post("/activities", json=valid_activity())
        assert scheduled.status_code == 201, scheduled.text
        activity_id = scheduled.json()["id"]
        invited = client.post(f"/activities/{activity_id}/invitations", json={})
        assert invited.status_code == 200, invited.text
        assert main in invited.json()["invited"]

    with httpx.Client(base_url=notifications, timeout=30, headers=ADMIN.headers) as client:

        def an_email() -> str:
            listed = client.get("/messages")
            assert listed.status_code == 200, listed.text
            assert listed.json()["items"], "no email recorded yet"
            return str(listed.json()["items"][0]["id"])

        message_id = eventually(an_email, timeout=60)

    draft_id, published_id, sha256 = seed_practices(observatory, member)
    return Seeded(
        member=member,
        path_ids={
            "registration_id": (registration_id,),
            "representative_id": (main,),
            "activity_id": (activity_id,),
            "body_id": (tax_id,),
            "message_id": (message_id,),
            "practice_id": (draft_id, published_id),
            "sha256": (sha256,),
        },
    )


def seed_practices(observatory: str, member: Caller) -> tuple[str, str, str]:
    """Once the observatory knows the member: a draft and a published practice of their body,
    both with the same image (stored once); (draft id, published id, the image's SHA-256)."""
    with httpx.Client(base_url=observatory, timeout=30, headers=member.headers) as client:

        def drafted() -> str:
            created = client.post("/practices", json=valid_draft())
            assert created.status_code == 201, created.text
            return str(created.json()["practice_id"])

        draft_id = eventually(drafted, timeout=60)
        published_id = drafted()
        image = ("practice.png", PNG, "image/png")
        for practice_id in (draft_id, published_id):
            attached = client.post(f"/practices/{practice_id}/attachments", files={"file": image})
            assert attached.status_code == 201, attached.text
            sha256 = str(attached.json()["sha256"])
        read = client.get(f"/practices/{published_id}")
        assert read.status_code == 200, read.text
        version = read.json()["version"]
        submitted = client.post(f"/practices/{published_id}/submit", json={"version": version})
        assert submitted.status_code == 200, submitted.text
        published = client.post(
            f"/practices/{published_id}/publish", json=valid_decision(), headers=ADMIN.headers
        )
        assert published.status_code == 200, published.text

        def in_the_catalogue() -> None:
            found = client.get(f"/catalogue/{published_id}")
            assert found.status_code == 200, found.text

        eventually(in_the_catalogue, timeout=60)
    return draft_id, published_id, sha256
