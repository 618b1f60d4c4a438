"""Every service starts the common way and reports health, readiness and metrics."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.runtime.catalog import SERVICE_PORTS
from tests.support.polling import eventually
from tests.support.processes import service_process
from tests.support.servers import drop_database, fresh_database


@pytest.mark.parametrize("name", sorted(SERVICE_PORTS))
def test_a_service_is_ready_when_its_database_and_topic_answer(name: str, tmp_path: Path) -> None:
    with (
        fresh_database(name) as url,
        service_process(name, {f"{name.upper()}_DATABASE_URL": url}, tmp_path) as service,
    ):

        def ready() -> httpx.Response:
            response = httpx.get(f"{service.base_url}/ready", timeout=5)
            assert response.status_code == 200, response.text
            return response

        body = eventually(ready).json()
        assert body["checks"]["postgres"] == "ok"
        assert body["checks"]["kafka"] == "ok"
        assert set(body["checks"].values()) == {"ok"}, "relay, consumers and jobs run too"
        assert httpx.get(f"{service.base_url}/health").json()["service"] == name

        metrics = httpx.get(f"{service.base_url}/metrics").text
        labels = f'method="GET",route="/ready",service="{name}",status="200"'
        assert f"innovnet_http_request_duration_seconds_count{{{labels}}}" in metrics


def test_readiness_reports_a_database_that_stopped_answering(tmp_path: Path) -> None:
    with (
        fresh_database() as url,
        service_process("registration", {"REGISTRATION_DATABASE_URL": url}, tmp_path) as service,
    ):
        eventually(lambda: httpx.get(f"{service.base_url}/ready", timeout=5).raise_for_status())
        drop_database(url)

        def not_ready() -> dict[str, str]:
            response = httpx.get(f"{service.base_url}/ready", timeout=10)
            assert response.status_code == 503
            checks: dict[str, str] = response.json()["checks"]
            assert checks["postgres"].startswith("unreachable since 20")
            return checks

        checks = eventually(not_ready, timeout=30)
        assert checks["kafka"] == "ok"
        assert "database" not in checks["postgres"], "no raw error text for the public"
        assert "readiness: postgres unreachable: " in service.log(), "the detail is logged"
