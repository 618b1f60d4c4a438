"""The innovation unit's pages in process, against the real services as processes.

One stack a module (`tests/browser/stack.py`: registration, membership and notifications on a
fresh topic prefix, and a real SMTP server): the gateway runs in process (FastAPI's
TestClient) on a fresh database, calls those services, and a member of staff signs in through
the real emailed link. Bodies become members the quick way, through the services' APIs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.runtime.auth import mint_token
from services.runtime.http import create_app
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.browser import bodies
from tests.browser.stack import GatewayStack, gateway_stack
from tests.gateway.conftest import BASE_URL, STAFF, ask_for_link, csrf_token, use_link
from tests.support.mailbox import read_link
from tests.support.polling import eventually
from tests.support.servers import fresh_database

STAFF_NAME = "Ελένη Καινοτόμου"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayStack]:
    with gateway_stack(tmp_path_factory.mktemp("services")) as running:
        yield running


@pytest.fixture(scope="module")
def unit(stack: GatewayStack) -> Iterator[TestClient]:
    """The gateway in process, a member of staff signed in through the emailed link."""
    with pytest.MonkeyPatch.context() as env, fresh_database("gateway") as database:
        env.setenv("GATEWAY_DATABASE_URL", database)
        for name in ("registration", "membership", "observatory", "notifications"):
            env.setenv(f"GATEWAY_{name.upper()}_URL", stack.services[name].base_url)
        # The notifications service sends only links that start with its public address.
        env.setenv("INNOVNET_PUBLIC_URL", stack.public_url)
        env.setenv("GATEWAY_STAFF_EMAILS", f"{STAFF_NAME} <{STAFF}>")
        env.setenv("GATEWAY_SUBMIT_PER_CLIENT", "1000")
        env.setenv("GATEWAY_SUBMIT_PER_ADDRESS", "1000")
        app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
        with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
            since = len(stack.smtp.emails())
            ask_for_link(client, STAFF)
            link = read_link(stack.smtp, to=STAFF, contains="/sign-in/link", since=since)
            found = re.search(r"token=([^&]+)", link)
            assert found
            assert use_link(client, found.group(1)).status_code == 303
            yield client


def admin() -> dict[str, str]:
    """The innovation unit, calling a service directly (to set a test up)."""
    return bodies.unit()


def member_of(body: bodies.Body) -> dict[str, str]:
    """The main representative of `body`, as the gateway would call for them."""
    token = mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=body.main_id,
        role="member",
        email=body.main_email,
        body_id=body.tax_id,
    )
    return {"Authorization": f"Bearer {token}"}


def member_body(stack: GatewayStack, name: str) -> bodies.Body:
    """A body registered, designated and verified, once the roster shows it active."""
    body = bodies.active_body(stack, name=name)

    def on_the_roster() -> None:
        with stack.api("membership", admin()) as api:
            answer = api.get(f"/members/{body.tax_id}")
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "active", answer.text

    eventually(on_the_roster, timeout=30)
    return body


def schedule(
    stack: GatewayStack,
    *,
    title: str = "Εργαστήριο GOV.LAB",
    starts_in: timedelta = timedelta(days=10),
    capacity: int = 10,
) -> str:
    """An activity scheduled through the API; its id."""
    starts = datetime.now(UTC) + starts_in
    with stack.api("membership", admin()) as api:
        answer = api.post(
            "/activities",
            json={
                "kind": "govlab_workshop",
                "title": title,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=30)).isoformat(),
                "location": "Βασιλίσσης Σοφίας 15, Αθήνα",
                "capacity": capacity,
                "languages": ["el"],
            },
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def invite_directly(stack: GatewayStack, activity_id: str, tax_ids: list[str]) -> None:
    with stack.api("membership", admin()) as api:
        answer = api.post(f"/activities/{activity_id}/invitations", json={"body_ids": tax_ids})
    assert answer.status_code == 200, answer.text


def answer_as(stack: GatewayStack, activity_id: str, body: bodies.Body, answer: str) -> None:
    """The body's main representative answers their invitation."""
    with stack.api("membership", member_of(body)) as api:
        sent = api.post(
            f"/activities/{activity_id}/invitations/{body.main_id}/answer",
            json={"answer": answer},
        )
    assert sent.status_code == 200, sent.text


def activity(stack: GatewayStack, activity_id: str) -> dict[str, Any]:
    """The activity as the unit reads it from the service."""
    with stack.api("membership", admin()) as api:
        answer = api.get(f"/activities/{activity_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def send(client: TestClient, page: str, action: str, data: dict[str, Any]) -> httpx.Response:
    """Send a page's form as a browser would, with the CSRF token of that page."""
    shown = client.get(page)
    assert shown.status_code == 200, shown.text
    sent: httpx.Response = client.post(action, data={"csrf_token": csrf_token(shown.text), **data})
    return sent


def error_summary(html: str) -> str:
    """The text of the page's error summary."""
    parts = html.split('class="govgr-error-summary"', 1)
    assert len(parts) == 2, "the page has no error summary"
    return parts[1].split("</div>", 1)[0]


def fresh_title(what: str) -> str:
    return f"{what} {uuid.uuid4().hex[:6]}"
