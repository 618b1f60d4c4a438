"""The app factory: domain errors become 4xx answers naming the field; a request id on each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from contracts.errors import ErrorCode
from services.runtime.errors import Conflict, DomainError, NotAllowed, NotFound, RuleBroken
from services.runtime.http import create_app
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from tests.runtime.conftest import TallyStack
from tests.runtime.tally import tally_topic

router = APIRouter()
ERRORS = {
    "rule": RuleBroken(
        ErrorCode.SECOND_ALTERNATE, "An alternate exists already.", field="alternate"
    ),
    "missing": NotFound(ErrorCode.REGISTRATION_NOT_FOUND, "No registration with that id."),
    "conflict": Conflict(
        ErrorCode.TAX_ID_REGISTERED, "This body has an open registration.", field="body.tax_id"
    ),
    "forbidden": NotAllowed(ErrorCode.NOT_THE_BODYS, "Only the innovation unit verifies."),
    "with_params": DomainError(
        ErrorCode.WEBMAIL_NOT_ALLOWED, "Not a free webmail.", field="email", domain="gmail.com"
    ),
}


@router.post("/fail/{kind}")
def fail(kind: str) -> None:
    raise ERRORS[kind]


@pytest.fixture
def client(tally_stack: TallyStack) -> Iterator[TestClient]:
    definition = ServiceDefinition(name="tally", routers=[router], topic=tally_topic())
    app = create_app(definition, ServiceSettings.for_service("tally"), role="api")
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("kind", "status", "location"),
    [
        ("rule", 422, ["body", "alternate"]),
        ("missing", 404, None),
        ("conflict", 409, ["body", "body", "tax_id"]),
        ("forbidden", 403, None),
    ],
)
def test_a_domain_error_is_answered_with_its_status_and_names_the_field(
    client: TestClient, kind: str, status: int, location: list[str] | None
) -> None:
    response = client.post(f"/fail/{kind}")
    assert response.status_code == status
    detail = response.json()["detail"][0]
    assert detail["msg"] == ERRORS[kind].message
    assert detail.get("loc") == location
    assert detail["type"] == ERRORS[kind].code.value
    assert "ctx" not in detail  # no parameters, no ctx


def test_a_refusal_carries_its_stable_code_and_its_parameters(client: TestClient) -> None:
    detail = client.post("/fail/with_params").json()["detail"][0]
    assert detail == {
        "type": "webmail_not_allowed",
        "msg": "Not a free webmail.",
        "loc": ["body", "email"],
        "ctx": {"domain": "gmail.com"},
    }


def test_every_answer_carries_the_callers_request_id_or_a_new_one(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "gateway-42"}).headers["X-Request-ID"]
        == "gateway-42"
    )
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert first != second
    assert len(first) == 32
