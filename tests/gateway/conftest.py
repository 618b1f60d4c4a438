"""The gateway in process (FastAPI's TestClient) on a fresh database of the real PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.support.servers import fresh_database

BASE_URL = "https://testserver"
"""https: the cookies are Secure, and the test client keeps them only over https."""


@pytest.fixture
def gateway_database() -> Iterator[str]:
    with fresh_database("gateway") as url:
        yield url


@pytest.fixture
def gateway(gateway_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The gateway's API role (no consumers: the tests apply what the directory needs)."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database)
    settings = ServiceSettings.for_service("gateway")
    app = create_app(SERVICE, settings, role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


def csrf_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
