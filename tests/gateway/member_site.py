"""The members' pages' setting: the gateway in process with its consumers (its directory reads
the real topics), the registration and membership services as processes behind it, and bodies
registered, designated and verified through the registration API, so their representatives are
members the membership service can invite and the gateway signs in.

One setting serves a module (starting it takes seconds); each test schedules its own
activities, so the bodies and their signed-in clients are shared.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from stdnum.gr import vat

from services.gateway.service import SERVICE
from services.runtime.auth import mint_token
from services.runtime.http import create_app
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.gateway.conftest import (
    BASE_URL,
    PUBLIC_URL,
    SignInLinks,
    ask_for_link,
    csrf_token,
    use_link,
)
from tests.registration.conftest import PDF, form
from tests.support.polling import eventually
from tests.support.servers import fresh_database
from tests.support.stacks import ServiceStack, service_stack

_bodies = itertools.count(1)


def bearer(role: str, subject: str | None = None, **claims: Any) -> dict[str, str]:
    """The Authorization header of a principal, as the gateway would mint it."""
    minted = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=subject or f"test-{role}-{uuid.uuid4().hex[:6]}",
        role=role,  # type: ignore[arg-type]
        **claims,
    )
    return {"Authorization": f"Bearer {minted}"}


ADMIN = bearer("admin", "staff-0123456789abcdef0123")


def fresh_tax_id() -> str:
    """A valid ΑΦΜ that no other body of the run has."""
    base = f"07{next(_bodies):04d}{uuid.uuid4().int % 100:02d}"
    return base + str(vat.calc_check_digit(base))


@dataclass
class Member:
    """A representative of a body, and a gateway client signed in as them."""

    id: str
    email: str
    role: str
    client: TestClient

    def post_form(self, path: str, data: dict[str, str], page: str | None = None) -> Any:
        """Send a page's form as a browser would, with the CSRF token of the page it is on."""
        token = csrf_token(self.client.get(page or path).text)
        return self.client.post(path, data={"csrf_token": token, **data})


@dataclass
class MemberBody:
    """A body whose representatives are members, each signed in to the gateway."""

    registration_id: str
    tax_id: str
    name: str
    main: Member
    alternate: Member | None

    def member_token(self, who: Member) -> dict[str, str]:
        """The token the gateway mints for `who`, to call membership directly."""
        return bearer("member", who.id, email=who.email, body_id=self.tax_id)


@dataclass
class MemberSite:
    """The running setting: the services, the gateway's app, its sign-in links."""

    services: ServiceStack
    app: FastAPI
    links: SignInLinks

    def api(self, service: str, headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.services.services[service].base_url, timeout=30, headers=headers or {}
        )

    def browser(self) -> TestClient:
        """A new browser: the same gateway, no cookies."""
        return TestClient(self.app, base_url=BASE_URL, follow_redirects=False)

    def sign_in(self, email: str) -> TestClient:
        """A browser signed in as `email`, once the directory knows them."""
        client = self.browser()

        def link_sent() -> None:
            before = len(self.links.received)
            ask_for_link(client, email)
            assert len(self.links.received) > before, f"no link for {email} yet"

        eventually(link_sent, timeout=30, interval=0.3)
        signed_in = use_link(client, self.links.token())
        assert signed_in.status_code == 303, signed_in.text
        return client

    def active_body(self, name: str, with_alternate: bool = True) -> MemberBody:
        """A body registered, designated and verified, its representatives signed in."""
        tax_id = fresh_tax_id()
        tag = uuid.uuid4().hex[:6]
        filled = form(tax_id, with_alternate=with_alternate)
        filled["body"]["name"] = name
        filled["main"]["email"] = f"main.{tag}@example.gov.gr"
        if with_alternate:
            filled["alternate"]["email"] = f"alternate.{tag}@example.gov.gr"
        main_email = filled["main"]["email"]
        applicant = bearer("applicant", main_email, email=main_email)
        with self.api("registration", applicant) as api:
            created = api.post("/registrations", json=filled)
        assert created.status_code == 201, created.text
        registration = created.json()
        ids = {r["role"]: r["id"] for r in registration["representatives"]}
        member = bearer("member", ids["main"], email=main_email, body_id=tax_id)
        with self.api("registration", member) as api:
            sent = api.post(
                f"/registrations/{registration['id']}/designation",
                files={"file": ("designation.pdf", PDF, "application/pdf")},
                data={"signed_by_name": "Ελένη Γεωργίου", "signed_by_title": "Γενική Γραμματέας"},
            )
        assert sent.status_code == 201, sent.text
        with self.api("registration", ADMIN) as api:
            verified = api.post(f"/registrations/{registration['id']}/designation/verify")
        assert verified.status_code == 200, verified.text
        self.wait_until_members(tax_id, len(ids))
        main = Member(ids["main"], main_email, "main", self.sign_in(main_email))
        alternate = None
        if with_alternate:
            email = filled["alternate"]["email"]
            alternate = Member(ids["alternate"], email, "alternate", self.sign_in(email))
        return MemberBody(registration["id"], tax_id, name, main, alternate)

    def wait_until_members(self, tax_id: str, count: int) -> None:
        """Membership has read the verification: the body's representatives are active."""

        def active() -> None:
            with self.api("membership", ADMIN) as api:
                found = api.get(f"/members/{tax_id}")
            assert found.status_code == 200, found.text
            body = found.json()
            states = [r for r in (body["main"], body["alternate"]) if r is not None]
            assert [r["status"] for r in states] == ["active"] * count, states

        eventually(active, timeout=30, interval=0.3)

    def schedule(
        self, *bodies: MemberBody, capacity: int = 20, online: bool = False, **changes: Any
    ) -> str:
        """An activity next week, its invitations sent to `bodies`; its id."""
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
        activity: dict[str, Any] = {
            "kind": "govlab_workshop",
            "title": f"Εργαστήριο συν-σχεδιασμού {uuid.uuid4().hex[:4]}",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "capacity": capacity,
            "languages": ["el"],
            **({"online_url": "https://meet.example.gov.gr/lab"} if online else {}),
            **({} if online else {"location": "Υπουργείο Εσωτερικών, Αθήνα"}),
            **changes,
        }
        with self.api("membership", ADMIN) as api:
            created = api.post("/activities", json=activity)
            assert created.status_code == 201, created.text
            activity_id = str(created.json()["id"])
            invited = api.post(
                f"/activities/{activity_id}/invitations",
                json={"body_ids": [body.tax_id for body in bodies]},
            )
            assert invited.status_code == 200, invited.text
        return activity_id

    def activity(self, activity_id: str) -> dict[str, Any]:
        """The activity as the innovation unit reads it from the service."""
        with self.api("membership", ADMIN) as api:
            found = api.get(f"/activities/{activity_id}")
        assert found.status_code == 200, found.text
        return dict(found.json())

    def invitation(self, activity_id: str, representative_id: str) -> dict[str, Any]:
        invitations = self.activity(activity_id)["invitations"]
        return next(i for i in invitations if i["representative_id"] == representative_id)


LIMITS = {
    "GATEWAY_SIGN_IN_PER_ADDRESS": "100",
    "GATEWAY_SIGN_IN_PER_CLIENT": "1000",
    "GATEWAY_SUBMIT_PER_CLIENT": "1000",
    "GATEWAY_SUBMIT_PER_ADDRESS": "1000",
}
"""Every test's browser is one client: the limits themselves are tests/gateway/test_rate_limits."""


@contextmanager
def running_site(
    tmp_path: Path,
    names: tuple[str, ...] = ("registration", "membership"),
    env_added: dict[str, str] | None = None,
) -> Iterator[MemberSite]:
    """The services `names` as processes (registration and membership at least); the gateway
    in process, consuming their topics and calling each (`GATEWAY_<NAME>_URL`)."""
    links = SignInLinks()
    links.start()
    try:
        with (
            service_stack(tmp_path, {}, names) as services,
            fresh_database("gateway") as gateway_database,
            pytest.MonkeyPatch.context() as env,
        ):
            env.setenv("GATEWAY_DATABASE_URL", gateway_database)
            env.setenv("GATEWAY_NOTIFICATIONS_URL", links.url)
            for name in names:
                env.setenv(f"GATEWAY_{name.upper()}_URL", services.services[name].base_url)
            env.setenv("INNOVNET_PUBLIC_URL", PUBLIC_URL)
            env.setenv("KAFKA_TOPIC_PREFIX", services.prefix)
            env.setenv(
                "KAFKA_CONSUMER_GROUP_PREFIX", f"{services.prefix}gateway-{uuid.uuid4().hex[:6]}."
            )
            for name, value in {**LIMITS, **(env_added or {})}.items():
                env.setenv(name, value)
            app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="all")
            with TestClient(app, base_url=BASE_URL):
                yield MemberSite(services, app, links)
    finally:
        links.stop()


@pytest.fixture(scope="module")
def member_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemberSite]:
    """Registration and membership as processes; the gateway in process, consuming their topics."""
    with running_site(tmp_path_factory.mktemp("members")) as site:
        yield site
