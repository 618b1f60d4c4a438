"""Every POST carries the CSRF token of its own cookies (and session), or it is the 403 page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.gateway.security import CSRF_COOKIE, csrf_token_for
from services.gateway.sessions import SESSION_COOKIE
from tests.gateway.conftest import STAFF, SignInLinks, ask_for_link, csrf_token, use_link


def test_a_post_without_the_token_is_refused_with_the_403_page(gateway: TestClient) -> None:
    gateway.get("/")  # the CSRF cookie
    response = gateway.post("/sign-out", data={})
    assert response.status_code == 403
    assert "<h1" in response.text
    assert "Δεν μπορείτε" in response.text
    assert response.headers["content-security-policy"]


def test_a_post_with_another_cookies_token_is_refused(gateway: TestClient) -> None:
    gateway.get("/")
    other_token = csrf_token_for(gateway.app.state.csrf_key, "x" * 43)
    assert gateway.post("/sign-out", data={"csrf_token": other_token}).status_code == 403


def test_a_post_with_a_token_but_no_cookie_is_refused(gateway: TestClient) -> None:
    token = csrf_token(gateway.get("/sign-in").text)
    gateway.cookies.clear()
    assert gateway.post("/sign-out", data={"csrf_token": token}).status_code == 403


def test_a_post_with_the_token_of_its_cookie_goes_through(gateway: TestClient) -> None:
    token = csrf_token(gateway.get("/sign-in").text)
    response = gateway.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303


def test_the_csrf_cookie_is_httponly_secure_and_lax(gateway: TestClient) -> None:
    cookie = gateway.get("/").headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie
    assert "set-cookie" not in gateway.get("/").headers, "given once, then kept"


def test_a_multipart_post_without_the_token_is_refused(gateway: TestClient) -> None:
    gateway.get("/")
    response = gateway.post(
        "/sign-in", data={"email": "x@example.gov.gr"}, files={"file": ("a.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 403


def test_a_multipart_post_with_the_token_reaches_the_route(gateway: TestClient) -> None:
    token = csrf_token(gateway.get("/sign-in").text)
    response = gateway.post(
        "/sign-in",
        data={"csrf_token": token, "email": "x@example.gov.gr"},
        files={"file": ("a.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 303, "the route read the same body after the check"


def test_the_cookies_are_host_only_and_secure(gateway: TestClient) -> None:
    cookie = gateway.get("/").headers["set-cookie"]
    assert CSRF_COOKIE == "__Host-innovnet_csrf"
    assert SESSION_COOKIE == "__Host-innovnet_session"
    assert "Path=/" in cookie
    assert "domain=" not in cookie.lower(), "__Host-: no Domain, or a browser refuses it"


def test_a_signed_in_form_needs_the_token_of_its_session(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    ask_for_link(gateway, STAFF)
    use_link(gateway, sign_in_links.token())
    key = gateway.app.state.csrf_key  # type: ignore[attr-defined]
    cookie, session = gateway.cookies[CSRF_COOKIE], gateway.cookies[SESSION_COOKIE]
    for planted in (csrf_token_for(key, cookie), csrf_token_for(key, cookie, "another session")):
        # A token made for the same CSRF cookie but no session, or another one: refused.
        assert gateway.post("/sign-out", data={"csrf_token": planted}).status_code == 403
    assert csrf_token(gateway.get("/").text) == csrf_token_for(key, cookie, session)
    signed_out = gateway.post(
        "/sign-out", data={"csrf_token": csrf_token_for(key, cookie, session)}
    )
    assert signed_out.status_code == 303


def test_signing_in_and_out_give_a_new_csrf_cookie(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    ask_for_link(gateway, STAFF)
    before = gateway.cookies[CSRF_COOKIE]
    signed_in = use_link(gateway, sign_in_links.token())
    assert f"{CSRF_COOKIE}=" in "".join(signed_in.headers.get_list("set-cookie"))
    during = gateway.cookies[CSRF_COOKIE]
    assert during != before
    gateway.post("/sign-out", data={"csrf_token": csrf_token(gateway.get("/").text)})
    after = gateway.cookies[CSRF_COOKIE]
    assert after not in (before, during)
    token = csrf_token(gateway.get("/sign-in").text)
    assert gateway.post("/sign-out", data={"csrf_token": token}).status_code == 303
