"""The delivery log's API refuses a filter it cannot search by, naming the query parameter."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.notifications import service
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.registration.conftest import token


def test_a_status_that_is_none_of_the_statuses_is_refused_naming_the_query_parameter() -> None:
    app = create_app(service.SERVICE, ServiceSettings.for_service("notifications"), role="api")
    app.state.application = None  # the refusal comes before the route would use it
    response = TestClient(app).get("/messages", params={"status": "lost"}, headers=token("admin"))
    assert response.status_code == 422, response.text
    [refusal] = response.json()["detail"]
    assert refusal["type"] == "enum"
    assert refusal["loc"] == ["query", "status"]
