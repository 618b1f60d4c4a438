"""The gateway in process (FastAPI's TestClient) on a fresh database of the real PostgreSQL.

The notifications service is stood in for by a small real HTTP server that records what the
gateway asks of `POST /internal/sign-in-links` and answers 202, as the service does.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from contracts import registration as reg
from contracts.envelope import ReceivedEvent, event_id
from contracts.events import ContractEvent
from services.gateway import rate_limits
from services.gateway.service import SERVICE
from services.runtime.auth import read_token
from services.runtime.deliveries import Delivery
from services.runtime.http import create_app
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.support.processes import free_port
from tests.support.servers import fresh_database

BASE_URL = "https://testserver"
"""https: the cookies are Secure, and the test client keeps them only over https."""
PUBLIC_URL = "https://innovnet.example.gov.gr"
STAFF = "innovationunit@example.gov.gr"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@dataclass
class SignInLinks:
    """A stand-in of the notifications service's internal endpoint, on a real socket."""

    port: int = field(default_factory=free_port)
    received: list[dict[str, Any]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        links = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length))
                token = self.headers.get("authorization", "").removeprefix("Bearer ")
                links.roles.append(read_token(DEVELOPMENT_JWT_SECRET, token).role)
                if self.path == "/internal/sign-in-links":
                    links.received.append(body)
                self.send_response(202 if self.path == "/internal/sign-in-links" else 404)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"request_id": body.get("request_id")}).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def token(self, index: int = -1) -> str:
        """The token of a link sent."""
        found = re.search(r"token=([^&]+)", self.received[index]["sign_in_url"])
        assert found
        return found.group(1)


@pytest.fixture(autouse=True)
def rate_limits_at_a_fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rate-limit hit is counted at `NOW`, when a window starts: with the real clock a
    window could end in the middle of a test, and its counts start again from nothing."""
    monkeypatch.setattr(rate_limits, "current_time", lambda: NOW)


@pytest.fixture
def sign_in_links() -> Iterator[SignInLinks]:
    links = SignInLinks()
    links.start()
    try:
        yield links
    finally:
        links.stop()


@pytest.fixture
def gateway_database() -> Iterator[str]:
    with fresh_database("gateway") as url:
        yield url


@pytest.fixture
def gateway_env(
    gateway_database: str, sign_in_links: SignInLinks, monkeypatch: pytest.MonkeyPatch
) -> pytest.MonkeyPatch:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database)
    monkeypatch.setenv("GATEWAY_NOTIFICATIONS_URL", sign_in_links.url)
    monkeypatch.setenv("INNOVNET_PUBLIC_URL", PUBLIC_URL)
    return monkeypatch


@pytest.fixture
def gateway(gateway_env: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The gateway's API role (no consumers: the tests apply what the directory needs)."""
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


def csrf_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def ask_for_link(client: TestClient, email: str, purpose: str = "sign-in") -> Any:
    """Type `email` on the sign-in page and send it (the link goes out before this returns)."""
    token = csrf_token(client.get("/sign-in").text)
    return client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "next": "/", "purpose": purpose},
    )


def use_link(client: TestClient, link_token: str) -> Any:
    """Open the link's page and press Continue."""
    page = client.get("/sign-in/link", params={"token": link_token})
    assert page.status_code == 200
    return client.post(
        "/sign-in/link", data={"csrf_token": csrf_token(page.text), "token": link_token}
    )


def sql(client: TestClient, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run a statement on the gateway's database (as the test, not through the app)."""
    url = client.app.state.settings.database_url  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


class Feed:
    """Contract events of one registration, delivered to the directory as its consumer would."""

    def __init__(self, client: TestClient) -> None:
        self.running = client.app.state.running  # type: ignore[attr-defined]
        self.registration_id = uuid.uuid4()
        self.version = 0
        self.offset = 0

    def deliver(self, event: ContractEvent, topic: str = "innovnet.registration.v1") -> None:
        self.version += 1
        self.offset += 1
        received = ReceivedEvent(
            id=event_id(self.registration_id, self.version),
            type=event.ce_type(),
            source="/innovnet/registration",
            aggregate_id=self.registration_id,
            aggregate_version=self.version,
            time=NOW,
            correlation_id="c",
            causation_id="c",
            data=event.model_dump(mode="json"),
        )
        directory = self.running.projections["directory"]
        directory.process([Delivery(topic, 0, self.offset, received)])

    def register(self, main_email: str) -> uuid.UUID:
        """A registration with a main representative of that email; their id."""
        main = uuid.uuid4()
        sealer = self.running.stores.sealer
        self.deliver(
            reg.RegistrationSubmitted(
                registration_id=self.registration_id,
                body=reg.Body(
                    name="Δήμος Παραδείγματος", tax_id="094014201", level=reg.Level.LOCAL
                ),
                submitted_by=reg.Role.MAIN,
                submitted_at=NOW,
                designation_due=NOW.date(),
                representatives=[reg.Nominee(representative_id=main, role=reg.Role.MAIN)],
            )
        )
        self.deliver(
            reg.RepresentativeNominated(
                registration_id=self.registration_id,
                representative_id=main,
                role=reg.Role.MAIN,
                full_name=sealer.seal(main, "Μαρία Παπαδοπούλου"),
                email=sealer.seal(main, main_email),
                position_title="Προϊσταμένη",
                unit="Διεύθυνση Καινοτομίας",
                seniority=reg.Seniority.DIRECTORATE_HEAD,
                designation_due=NOW.date(),
                nominated_at=NOW,
            )
        )
        return main
