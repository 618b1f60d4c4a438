"""A refusal of the membership API answers its stable code, in memory (no servers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.membership.api import router
from services.membership.application import MembershipApplication
from services.membership.policies import REACTIONS
from services.runtime.errors import answer_domain_errors
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.membership.conftest import ADMIN, ADMIN_SUBJECT, token


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The membership routes on an in-memory application, with the runtime's error answers."""
    app = FastAPI()
    app.state.settings = SimpleNamespace(jwt_secret=DEVELOPMENT_JWT_SECRET)
    app.state.application = MembershipApplication(reactions=REACTIONS)
    # The projections' tables are the database's: a refused caller never reaches them.
    app.state.running = SimpleNamespace(projections={"roster": None, "participation": None})
    answer_domain_errors(app)
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client


def workshop(**changes: Any) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=7)
    return {
        "kind": "govlab_workshop",
        "title": "GOV.LAB: σχεδιάζοντας με τους πολίτες",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "location": "Υπουργείο Εσωτερικών, Αθήνα",
        "capacity": 10,
        "languages": ["el"],
        **changes,
    }


def test_an_activity_that_ends_before_it_starts_is_a_422_naming_the_rule_and_the_field(
    client: TestClient,
) -> None:
    plan = workshop()
    refused = client.post("/activities", json=workshop(ends_at=plan["starts_at"]), headers=ADMIN)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == [
        {
            "type": "ends_before_start",
            "msg": "An activity ends after it starts.",
            "loc": ["body", "ends_at"],
        }
    ]


def test_cancelling_a_cancelled_activity_is_a_409_with_its_code(client: TestClient) -> None:
    created = client.post("/activities", json=workshop(), headers=ADMIN)
    assert created.status_code == 201, created.text
    path = f"/activities/{created.json()['id']}/cancel"
    assert client.post(path, json={}, headers=ADMIN).status_code == 200
    refused = client.post(path, json={}, headers=ADMIN)
    assert refused.status_code == 409, refused.text
    assert [d["type"] for d in refused.json()["detail"]] == ["activity_cancelled"]


def test_inviting_the_bodies_named_and_a_level_at_once_is_a_422_naming_the_level(
    client: TestClient,
) -> None:
    created = client.post("/activities", json=workshop(), headers=ADMIN)
    assert created.status_code == 201, created.text
    refused = client.post(
        f"/activities/{created.json()['id']}/invitations",
        json={"body_ids": ["094014201"], "level": "local"},
        headers=ADMIN,
    )
    assert refused.status_code == 422, refused.text
    assert [(d["type"], d["loc"]) for d in refused.json()["detail"]] == [
        ("level_with_bodies", ["body", "level"])
    ]


def test_an_activity_s_history_shows_the_unit_who_scheduled_and_cancelled_it_and_why(
    client: TestClient,
) -> None:
    unit = token("admin", subject="staff-0123456789abcdef0123")
    created = client.post("/activities", json=workshop(), headers=unit)
    assert created.status_code == 201, created.text
    path = f"/activities/{created.json()['id']}"
    scheduled = client.get(path, headers=ADMIN).json()["history"]
    assert [(s["what"], s["decided_by"]) for s in scheduled] == [
        ("scheduled", "staff-0123456789abcdef0123")
    ]
    cancelled = client.post(f"{path}/cancel", json={"reason": "Απεργία"}, headers=ADMIN)
    assert cancelled.status_code == 200, cancelled.text
    (_, step) = cancelled.json()["history"]
    assert step["what"] == "cancelled"
    assert step["reason"] == "Απεργία"
    assert step["decided_by"] == ADMIN_SUBJECT
    assert datetime.fromisoformat(step["at"]) > datetime.fromisoformat(scheduled[0]["at"])


def test_an_activity_never_scheduled_is_a_404_with_its_code(client: TestClient) -> None:
    missing = client.post(
        "/activities/00000000-0000-4000-8000-000000000000/cancel", json={}, headers=ADMIN
    )
    assert missing.status_code == 404, missing.text
    assert [d["type"] for d in missing.json()["detail"]] == ["activity_not_found"]


@pytest.mark.parametrize("role", ["applicant", "service"])
def test_an_applicant_or_a_service_sees_nothing_of_the_network(
    client: TestClient, role: str
) -> None:
    """Bound to no body, they are neither members nor the unit: not every body's data."""
    created = client.post("/activities", json=workshop(), headers=ADMIN)
    assert created.status_code == 201, created.text
    caller = token(role)
    for path in (
        "/members",
        "/members/094014201",
        "/activities",
        f"/activities/{created.json()['id']}",
        "/participation",
    ):
        refused = client.get(path, headers=caller)
        assert refused.status_code == 403, f"{path}: {refused.text}"
        assert [d["type"] for d in refused.json()["detail"]] == ["role_required"]
