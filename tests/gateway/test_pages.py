"""The public pages: Greek first, English by the switch, the security headers on every answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from services.gateway.routes.public import same_site_path
from services.gateway.security import CONTENT_SECURITY_POLICY
from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings

PAGES = {
    "/": 200,
    "/accessibility": 200,
    "/privacy": 200,
    "/sign-in": 200,
    "/sign-in?purpose=register": 200,
    "/sign-in/sent": 200,
    "/sign-in/link?token=abc": 200,
    "/signed-out": 200,
    "/no-such-page": 404,
}


def test_the_network_page_is_greek_first(gateway: TestClient) -> None:
    page = gateway.get("/")
    assert page.status_code == 200
    assert '<html lang="el">' in page.text
    assert "Γίνετε μέλος της Κοινότητας Καινοτομίας" in page.text
    assert 'href="#main"' in page.text, "a skip link to the main content"
    assert 'href="/register"' in page.text
    assert 'href="/registration-form"' in page.text


def test_the_language_switch_turns_the_site_english_and_back(gateway: TestClient) -> None:
    switched = gateway.get("/language/en", params={"next": "/privacy"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/privacy"
    assert "lang=en" in switched.headers["set-cookie"]
    page = gateway.get("/")
    assert '<html lang="en">' in page.text
    assert "Join the Innovation Community" in page.text
    assert 'href="/language/el?next=/"' in page.text
    gateway.get("/language/el")
    assert '<html lang="el">' in gateway.get("/").text


def test_the_language_switch_never_sends_the_reader_to_another_site() -> None:
    assert same_site_path("/register?x=1") == "/register?x=1"
    assert same_site_path("/my-body?q=Δήμος Αθηναίων") == "/my-body?q=Δήμος Αθηναίων"
    for elsewhere in ("https://evil.example", "//evil.example", "/\\evil.example", "", None):
        assert same_site_path(elsewhere) == "/"


@pytest.mark.parametrize(
    "unfit", ["/\x00", "/a\r\nSet-Cookie: x=1", "/\t", "/\u202eexe.pdf", "/\x7f", "/" + "a" * 1000]
)
def test_a_next_path_with_unprintable_characters_or_too_long_is_the_home_page(unfit: str) -> None:
    assert same_site_path(unfit) == "/"


def test_the_language_switch_refuses_a_control_character(gateway: TestClient) -> None:
    switched = gateway.get("/language/en", params={"next": "/\x00"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/"


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_gateway_serves_no_api_documents(gateway: TestClient, path: str) -> None:
    answer = gateway.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html"), "the 404 page"


def test_an_unknown_language_is_not_a_page(gateway: TestClient) -> None:
    assert gateway.get("/language/fr").status_code == 404


@pytest.mark.parametrize("language", ["el", "en"])
def test_every_page_carries_the_security_headers(gateway: TestClient, language: str) -> None:
    gateway.cookies.set("lang", language)
    for path, status in PAGES.items():
        response = gateway.get(path)
        assert response.status_code == status, path
        assert f'<html lang="{language}">' in response.text
        assert_secured(response)


def assert_secured(response: Response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    # A page whose address holds a link's token sends no Referer at all, the others their own.
    has_token = "token" in response.request.url.params
    expected = "no-referrer" if has_token else "same-origin"
    assert response.headers["referrer-policy"] == expected
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text
    assert "style=" not in response.text


def test_a_missing_page_is_the_404_page_in_the_readers_language(gateway: TestClient) -> None:
    response = gateway.get("/no-such-page")
    assert response.status_code == 404
    assert "Η σελίδα δεν βρέθηκε" in response.text
    gateway.cookies.set("lang", "en")
    assert "Page not found" in gateway.get("/no-such-page").text


def test_the_stylesheets_are_served_from_the_gateway(gateway: TestClient) -> None:
    for sheet in ("/static/digigov.css", "/static/gateway.css"):
        response = gateway.get(sheet)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")


def test_a_body_past_the_limit_is_the_413_page(gateway: TestClient) -> None:
    response = gateway.post(
        "/sign-in", content=b"x" * 70_000, headers={"content-type": "text/plain"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Το αρχείο είναι πολύ μεγάλο" in response.text
    assert_secured(response)


def test_the_privacy_notice_gives_the_times_the_code_keeps(
    gateway_env: pytest.MonkeyPatch,
) -> None:
    gateway_env.setenv("GATEWAY_SESSION_IDLE_MINUTES", "20")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set("lang", "en")
        notice = client.get("/privacy").text
    assert "until it expires 15 minutes later" in notice
    assert "after 20 minutes without use, or 12 hours after you signed in" in notice
    assert "the counts of attempts: 15 minutes" in notice
    assert "deleted within 5 minutes" in notice
    assert "two years" not in notice, "no promise of a deletion nothing does"
