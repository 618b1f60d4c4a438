"""Sign-in by an email link: the same answer for every address, one use, 15 minutes, a session."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.gateway.sessions import SESSION_COOKIE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import (
    PUBLIC_URL,
    STAFF,
    SignInLinks,
    ask_for_link,
    csrf_token,
    sql,
    use_link,
)

UNKNOWN = "nobody@example.gov.gr"


def signed_in_as(client: TestClient) -> str | None:
    """Whom the header of the network's page shows as signed in."""
    found = re.search(r'<span class="innovnet-signed-in">([^<]*)</span>', client.get("/").text)
    return found.group(1) if found else None


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    known = ask_for_link(gateway, STAFF)
    unknown = ask_for_link(gateway, UNKNOWN)
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"] == "/sign-in/sent"
    assert known.content == unknown.content
    assert set(known.headers) == set(unknown.headers)
    sent_page = gateway.get("/sign-in/sent")
    assert sent_page.status_code == 200
    assert without_csrf(sent_page.text) == without_csrf(gateway.get("/sign-in/sent").text)

    assert [link["email"] for link in sign_in_links.received] == [STAFF], "nothing for nobody"
    assert sql(gateway, "SELECT email FROM sign_in_requests") == [(STAFF,)]


def test_the_link_is_asked_for_as_the_gateway_with_the_public_address(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    gateway.cookies.set("lang", "en")
    ask_for_link(gateway, "  InnovationUnit@Example.gov.gr ")
    (link,) = sign_in_links.received
    assert sign_in_links.roles == ["service"]
    assert link["email"] == STAFF
    assert link["language"] == "en"
    assert link["sign_in_url"].startswith(f"{PUBLIC_URL}/sign-in/link?token=")
    token = sign_in_links.token()
    stored = sql(gateway, "SELECT id, token_hash, expires_at - created_at FROM sign_in_requests")
    assert str(stored[0][0]) == link["request_id"], "the request id is the idempotency key"
    assert bytes(stored[0][1]) == hashlib.sha256(token.encode()).digest(), "its hash only"
    assert stored[0][2].total_seconds() == 15 * 60


def test_a_link_opens_a_session_once(gateway: TestClient, sign_in_links: SignInLinks) -> None:
    ask_for_link(gateway, STAFF)
    token = sign_in_links.token()
    page = gateway.get("/sign-in/link", params={"token": token})
    assert "<form" in page.text, "opening the link uses nothing: a button does"
    assert sql(gateway, "SELECT used_at FROM sign_in_requests") == [(None,)]

    signed_in = use_link(gateway, token)
    assert signed_in.status_code == 303
    cookie = next(c for c in signed_in.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert cookie.startswith("__Host-innovnet_session=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert "domain=" not in cookie.lower()
    assert signed_in_as(gateway) == STAFF

    session_id = gateway.cookies[SESSION_COOKIE]
    stored = sql(gateway, "SELECT id_hash FROM sessions")
    assert len(stored) == 1
    assert bytes(stored[0][0]) == hashlib.sha256(session_id.encode()).digest(), "its hash only"

    again = use_link(gateway, token)
    assert again.status_code == 400
    assert "δεν μπορεί να χρησιμοποιηθεί" in again.text


def test_an_expired_link_is_refused(gateway: TestClient, sign_in_links: SignInLinks) -> None:
    ask_for_link(gateway, STAFF)
    sql(gateway, "UPDATE sign_in_requests SET expires_at = now() - interval '1 second'")
    refused = use_link(gateway, sign_in_links.token())
    assert refused.status_code == 400
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")


def test_a_made_up_token_is_refused(gateway: TestClient) -> None:
    assert use_link(gateway, "x" * 43).status_code == 400


def test_signing_out_ends_the_session(gateway: TestClient, sign_in_links: SignInLinks) -> None:
    ask_for_link(gateway, STAFF)
    use_link(gateway, sign_in_links.token())
    session_id = gateway.cookies[SESSION_COOKIE]
    out = gateway.post("/sign-out", data={"csrf_token": csrf_token(gateway.get("/").text)})
    assert out.status_code == 303
    assert sql(gateway, "SELECT count(*) FROM sessions") == [(0,)]
    gateway.cookies.set(SESSION_COOKIE, session_id)  # the old cookie, kept by an attacker
    assert signed_in_as(gateway) is None


def test_a_session_idle_too_long_has_ended(gateway: TestClient, sign_in_links: SignInLinks) -> None:
    ask_for_link(gateway, STAFF)
    use_link(gateway, sign_in_links.token())
    assert signed_in_as(gateway) == STAFF
    sql(gateway, "UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
    assert signed_in_as(gateway) is None


def test_a_busy_session_ends_12_hours_after_its_sign_in(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    ask_for_link(gateway, STAFF)
    use_link(gateway, sign_in_links.token())
    sql(gateway, "UPDATE sessions SET created_at = now() - interval '11 hours 59 minutes'")
    assert signed_in_as(gateway) == STAFF, "used a minute ago, so not idle"
    sql(gateway, "UPDATE sessions SET created_at = now() - interval '12 hours 1 minute'")
    assert signed_in_as(gateway) is None


@pytest.mark.parametrize("next_path", ["/\x00", "/my-body\n", "/\u202eevil", "/" + "a" * 1500])
def test_a_next_path_with_control_characters_or_too_long_is_the_home_page(
    gateway: TestClient, next_path: str
) -> None:
    token = csrf_token(gateway.get("/sign-in").text)
    sent = gateway.post("/sign-in", data={"csrf_token": token, "email": STAFF, "next": next_path})
    assert sent.status_code == 303
    assert sql(gateway, "SELECT next_path FROM sign_in_requests") == [("/",)]


def test_an_organisation_email_may_sign_in_to_register_and_a_webmail_one_gets_nothing(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    ask_for_link(gateway, "someone@dimos.example.gov.gr", purpose="register")
    ask_for_link(gateway, "someone@gmail.com", purpose="register")
    ask_for_link(gateway, "someone.else@dimos.example.gov.gr")  # not to register: unknown
    assert [link["email"] for link in sign_in_links.received] == ["someone@dimos.example.gov.gr"]
    landed = use_link(gateway, sign_in_links.token())
    assert landed.headers["location"] == "/register"


def test_a_mistyped_address_is_named_on_the_form(gateway: TestClient) -> None:
    answer = ask_for_link(gateway, "not an address")
    assert answer.status_code == 422
    assert 'href="#email"' in answer.text, "the error summary links to the field"
    assert 'value="not an address"' in answer.text, "the field keeps what was typed"


def test_a_page_for_the_signed_in_sends_the_signed_out_to_sign_in(gateway: TestClient) -> None:
    answer = gateway.post("/sign-in/link", data={"csrf_token": "x"})
    assert answer.status_code == 403


@pytest.mark.parametrize("limit_variable", ["GATEWAY_SIGN_IN_PER_ADDRESS"])
def test_too_many_requests_for_one_address_are_refused_with_retry_after(
    gateway_env: pytest.MonkeyPatch, limit_variable: str
) -> None:
    gateway_env.setenv(limit_variable, "2")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert ask_for_link(client, UNKNOWN).status_code == 303
        assert ask_for_link(client, UNKNOWN).status_code == 303
        refused = ask_for_link(client, UNKNOWN.upper())
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "900", "at NOW, a window has just started"
        assert "Πάρα πολλές προσπάθειες" in refused.text
        assert ask_for_link(client, "other@example.gov.gr").status_code == 303


def test_too_many_requests_from_one_client_are_refused(gateway_env: pytest.MonkeyPatch) -> None:
    gateway_env.setenv("GATEWAY_SIGN_IN_PER_CLIENT", "3")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        for number in range(3):
            assert ask_for_link(client, f"person{number}@example.gov.gr").status_code == 303
        refused = ask_for_link(client, "person9@example.gov.gr")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "900"
