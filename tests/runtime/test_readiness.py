"""/ready answers from one background checker's latest round, on a connection it keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from services.runtime import readiness
from services.runtime.http import create_app
from services.runtime.readiness import ReadinessChecker
from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually
from tests.support.servers import kafka_bootstrap_servers


def test_ready_answers_from_a_fresh_check_and_opens_no_connection_per_call(
    tally_stack: TallyStack,
) -> None:
    app = create_app(tally.definition(), tally_stack.settings(), role="api")
    with TestClient(app) as client:

        def ready() -> None:
            response = client.get("/ready")
            assert response.status_code == 200, response.text
            assert set(response.json()["checks"]) == {"postgres", "kafka"}

        eventually(ready, timeout=30)
        before = _checker_sessions(tally_stack)
        answers = [client.get("/ready") for _ in range(100)]
        assert {answer.status_code for answer in answers} == {200}
        assert _checker_sessions(tally_stack) == before, "the same one connection throughout"
        assert len(before) == 1
        checked_at = datetime.fromisoformat(answers[-1].json()["checked_at"])
        assert datetime.now(UTC) - checked_at < timedelta(seconds=5)


def test_a_result_the_checker_did_not_renew_is_not_trusted(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    checker = ReadinessChecker(
        "tally", tally_stack.database_url, kafka_bootstrap_servers(), tally_stack.topic, list
    )
    assert checker.latest().checks == {"readiness": "starting"}
    assert not checker.latest().ok
    assert checker.check_once().ok
    assert checker.latest().checks == {"postgres": "ok", "kafka": "ok"}
    monkeypatch.setattr(readiness, "STALE_AFTER_SECONDS", -1.0)
    stale = checker.latest()
    assert not stale.ok
    assert stale.checks["readiness"].startswith("no fresh result since 20")
    checker.join(1)


def _checker_sessions(stack: TallyStack) -> list[tuple[int, datetime]]:
    rows = stack.query(
        "SELECT pid, backend_start FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = 'tally readiness'"
    )
    return [(row["pid"], row["backend_start"]) for row in rows]
