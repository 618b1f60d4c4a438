"""Signed bearer tokens and the role guards every service's API uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.runtime.auth import (
    AdminPrincipal,
    CurrentPrincipal,
    InvalidToken,
    OptionalPrincipal,
    Principal,
    mint_token,
    read_token,
)
from services.runtime.settings import ServiceSettings

SECRET = "a-test-secret-of-at-least-thirty-two-bytes"


def test_a_minted_token_reads_back_as_its_principal() -> None:
    token = mint_token(
        SECRET, subject="rep-1", role="member", email="rep@dimos.gov.gr", body_id="090000045"
    )

    assert read_token(SECRET, token) == Principal(
        subject="rep-1", role="member", email="rep@dimos.gov.gr", body_id="090000045"
    )


def test_a_token_carries_issuer_audience_and_its_lifetime() -> None:
    now = datetime(2026, 4, 9, 9, 0, tzinfo=UTC)

    token = mint_token(SECRET, subject="unit-1", role="admin", now=now)

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == claims["aud"] == "innovnet"
    assert claims["iat"] == int(now.timestamp())
    assert claims["exp"] == int((now + timedelta(hours=8)).timestamp())
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_an_expired_token_is_invalid() -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=9)
    token = mint_token(SECRET, subject="unit-1", role="admin", now=long_ago)

    with pytest.raises(InvalidToken, match="expired"):
        read_token(SECRET, token)


def test_a_tampered_token_is_invalid() -> None:
    token = mint_token(SECRET, subject="rep-1", role="member", body_id="090000045")
    header, _, signature = token.split(".")
    forged_claims = jwt.utils.base64url_encode(
        b'{"sub":"rep-1","role":"admin","iss":"innovnet","aud":"innovnet",'
        b'"iat":1,"exp":99999999999}'
    ).decode()

    with pytest.raises(InvalidToken, match="Signature"):
        read_token(SECRET, f"{header}.{forged_claims}.{signature}")


def test_a_token_signed_with_another_secret_is_invalid() -> None:
    token = mint_token("another-secret-of-at-least-thirty-two-bytes", subject="x", role="admin")

    with pytest.raises(InvalidToken):
        read_token(SECRET, token)


def test_a_token_for_another_audience_is_invalid() -> None:
    now = datetime.now(UTC)
    claims = {"sub": "x", "role": "admin", "iss": "innovnet", "aud": "elsewhere", "iat": now}
    token = jwt.encode({**claims, "exp": now + timedelta(hours=1)}, SECRET, algorithm="HS256")

    with pytest.raises(InvalidToken, match=r"(?i)audience"):
        read_token(SECRET, token)


def test_a_token_from_another_issuer_is_invalid() -> None:
    now = datetime.now(UTC)
    claims = {"sub": "x", "role": "admin", "iss": "elsewhere", "aud": "innovnet", "iat": now}
    token = jwt.encode({**claims, "exp": now + timedelta(hours=1)}, SECRET, algorithm="HS256")

    with pytest.raises(InvalidToken, match=r"(?i)issuer"):
        read_token(SECRET, token)


def test_an_unsigned_token_is_invalid() -> None:
    now = datetime.now(UTC)
    claims = {"sub": "x", "role": "admin", "iss": "innovnet", "aud": "innovnet", "iat": now}
    token = jwt.encode({**claims, "exp": now + timedelta(hours=1)}, "", algorithm="none")

    with pytest.raises(InvalidToken):
        read_token(SECRET, token)


def test_a_member_needs_a_body() -> None:
    with pytest.raises(ValueError, match="body_id"):
        mint_token(SECRET, subject="rep-1", role="member")

    now = datetime.now(UTC)
    claims = {"sub": "rep-1", "role": "member", "iss": "innovnet", "aud": "innovnet", "iat": now}
    token = jwt.encode({**claims, "exp": now + timedelta(hours=1)}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken, match="body_id") as refused:
        read_token(SECRET, token)
    assert "rep-1" not in str(refused.value)


def test_an_admin_belongs_to_no_body() -> None:
    with pytest.raises(ValueError, match="body_id"):
        mint_token(SECRET, subject="unit-1", role="admin", body_id="090000045")


def test_a_token_with_an_unknown_role_is_invalid() -> None:
    now = datetime.now(UTC)
    claims = {"sub": "x", "role": "root", "iss": "innovnet", "aud": "innovnet", "iat": now}
    token = jwt.encode({**claims, "exp": now + timedelta(hours=1)}, SECRET, algorithm="HS256")

    with pytest.raises(InvalidToken, match="role"):
        read_token(SECRET, token)


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("INNOVNET_JWT_SECRET", SECRET)
    app = FastAPI()
    app.state.settings = ServiceSettings.for_service("registration")

    @app.get("/whoami")
    async def whoami(principal: OptionalPrincipal) -> dict[str, str]:
        return {"role": principal.role if principal else "public"}

    @app.get("/mine")
    async def mine(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject}

    @app.post("/closures")
    async def add_closure(admin: AdminPrincipal) -> dict[str, str]:
        return {"added_by": admin.subject}

    with TestClient(app) as test_client:
        yield test_client


def _as_member() -> dict[str, str]:
    token = mint_token(SECRET, subject="rep-1", role="member", body_id="090000045")
    return {"Authorization": f"Bearer {token}"}


def _as_admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(SECRET, subject='unit-1', role='admin')}"}


def test_the_public_gets_401_with_a_bearer_challenge_on_a_protected_route(
    client: TestClient,
) -> None:
    response = client.get("/mine")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_invalid_token_gets_401_even_where_the_public_is_welcome(client: TestClient) -> None:
    response = client.get("/whoami", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_public_is_none_where_a_principal_is_optional(client: TestClient) -> None:
    assert client.get("/whoami").json() == {"role": "public"}
    assert client.get("/whoami", headers=_as_member()).json() == {"role": "member"}


def test_a_member_reaches_a_route_for_anyone_logged_in(client: TestClient) -> None:
    response = client.get("/mine", headers=_as_member())

    assert response.status_code == 200
    assert response.json() == {"subject": "rep-1"}


def test_a_member_gets_403_on_an_admin_route(client: TestClient) -> None:
    response = client.post("/closures", headers=_as_member())

    assert response.status_code == 403


def test_an_admin_gets_200_on_an_admin_route(client: TestClient) -> None:
    response = client.post("/closures", headers=_as_admin())

    assert response.status_code == 200
    assert response.json() == {"added_by": "unit-1"}
