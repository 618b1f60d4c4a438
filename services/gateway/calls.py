"""Calls to the services' APIs, each with a token minted for it (5 minutes) for whoever calls.

    calls = calls_of(request)
    response = calls.post("registration", "/registrations", person, json=body)
    response = calls.get("registration", f"/registrations/{rid}", person)

The token says who the signed-in person is to the service, which checks roles itself: a
representative is a `member` of their body, staff an `admin`, an applicant the email they
proved. `person=None` calls as the public (no token); `calls.as_gateway(...)` calls an internal
endpoint as the `service` the gateway is. A service that does not answer is the 503 page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final, Literal, TypeVar

import httpx
from fastapi import HTTPException, Request
from pydantic import BaseModel, ValidationError

from services.gateway.sessions import SignedIn
from services.gateway.settings import GatewaySettings
from services.runtime.auth import Access, mint_token

Service = Literal["registration", "membership", "observatory", "notifications", "newsletter"]
CALL_TOKEN_TTL: Final = timedelta(minutes=5)
GATEWAY_SUBJECT: Final = "gateway"
RETRY_AFTER: Final = {"Retry-After": "5"}
Answer = TypeVar("Answer", bound=BaseModel)


def principal_of(person: SignedIn) -> tuple[str, Access, str | None, str | None]:
    """(subject, role, email, body_id) of the token for `person`."""
    if person.kind == "representative":
        return str(person.representative_id), "member", person.email, person.body_id
    if person.kind == "staff":
        # Never the address as subject: the services record it in events as who decided.
        if person.staff_subject is None:
            raise ValueError("a member of staff signed in without their subject id")
        return person.staff_subject, "admin", person.email, None
    return person.email, "applicant", person.email, None


class ServiceCalls:
    """One HTTP client (pooled connections) for the gateway's calls to the services."""

    def __init__(self, settings: GatewaySettings, jwt_secret: str) -> None:
        self._secret = jwt_secret
        self._urls: dict[Service, str] = {
            "registration": settings.registration_url,
            "membership": settings.membership_url,
            "observatory": settings.observatory_url,
            "notifications": settings.notifications_url,
            "newsletter": settings.newsletter_url,
        }
        self._client = httpx.Client(timeout=settings.call_timeout_seconds)

    def token_for(self, person: SignedIn) -> str:
        subject, role, email, body_id = principal_of(person)
        return mint_token(
            self._secret,
            subject=subject,
            role=role,
            email=email,
            body_id=body_id,
            ttl=CALL_TOKEN_TTL,
        )

    def request(
        self,
        service: Service,
        method: str,
        path: str,
        person: SignedIn | None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Call `service`; raises `httpx.TransportError` (the 503 page) when it does not answer."""
        token = self.token_for(person) if person is not None else None
        return self._send(service, method, path, token, **kwargs)

    def get(
        self, service: Service, path: str, person: SignedIn | None, **kw: Any
    ) -> httpx.Response:
        return self.request(service, "GET", path, person, **kw)

    def post(
        self, service: Service, path: str, person: SignedIn | None, **kw: Any
    ) -> httpx.Response:
        return self.request(service, "POST", path, person, **kw)

    def stream(
        self, service: Service, path: str, person: SignedIn | None, **kw: Any
    ) -> httpx.Response:
        """`GET path` with its body not read yet (a file, an export): read it with
        `iter_bytes()`, then `close()` the answer, whatever happens."""
        token = self.token_for(person) if person is not None else None
        headers = dict(kw.pop("headers", None) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = self._client.build_request(
            "GET", f"{self._urls[service]}{path}", headers=headers, **kw
        )
        return self._client.send(request, stream=True)

    def as_gateway(self, service: Service, method: str, path: str, **kw: Any) -> httpx.Response:
        """Call an internal endpoint as the gateway itself (role `service`)."""
        token = mint_token(
            self._secret, subject=GATEWAY_SUBJECT, role="service", ttl=CALL_TOKEN_TTL
        )
        return self._send(service, method, path, token, **kw)

    def _send(
        self, service: Service, method: str, path: str, token: str | None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self._client.request(
            method, f"{self._urls[service]}{path}", headers=headers, **kwargs
        )

    def close(self) -> None:
        self._client.close()


def calls_of(request: Request) -> ServiceCalls:
    """The running gateway's client to the services."""
    calls: ServiceCalls = request.app.state.application.calls
    return calls


def service_unavailable() -> HTTPException:
    """The 503 page: a service away, or answering what this gateway cannot read."""
    return HTTPException(503, headers=RETRY_AFTER)


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; the 503 page for anything else (a service out of step)."""
    try:
        value = response.json()
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise service_unavailable()
    return value


def read_as(response: httpx.Response, model: type[Answer]) -> Answer:
    """The answer read as `model`; the 503 page when it is not one."""
    try:
        return model.model_validate(json_object(response))
    except ValidationError:
        raise service_unavailable() from None


def read_items(response: httpx.Response, model: type[Answer]) -> tuple[list[Answer], int]:
    """A list answer's items read as `model`, and its total; the 503 page when it is not one."""
    answer = json_object(response)
    items, total = answer.get("items"), answer.get("total", 0)
    if not isinstance(items, list) or not isinstance(total, int):
        raise service_unavailable()
    try:
        return [model.model_validate(item) for item in items], total
    except ValidationError:
        raise service_unavailable() from None


def refusal_detail(response: httpx.Response) -> list[dict[str, Any]]:
    """The `detail` of a service's refusal: its objects (none when the answer is not one)."""
    try:
        value = response.json()
    except ValueError:
        return []
    detail = value.get("detail") if isinstance(value, dict) else None
    return [item for item in detail if isinstance(item, dict)] if isinstance(detail, list) else []
