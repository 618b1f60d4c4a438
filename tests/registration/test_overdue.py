"""The periodic checks: a due day that ended with no designation is recorded, once; a
registration left without one is warned, then lapses, each once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from contracts.errors import ErrorCode
from services.registration.jobs import record_lapse_steps, record_overdue_designations
from services.registration.models import RegistrationCreate
from services.registration.service import SERVICE
from services.runtime.errors import Conflict
from services.runtime.running import RunningService, start_service
from services.runtime.settings import ServiceSettings
from services.runtime.timezone import ATHENS
from services.runtime.topics import create_topics
from tests.registration.conftest import TAX_IDS, form, registration_env
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.servers import fresh_database, kafka_bootstrap_servers

SUBMITTED = datetime(2026, 4, 9, 7, 0, tzinfo=UTC)  # Thursday before Orthodox Easter
LAST_MINUTE_OF_DUE_DAY = datetime(2026, 4, 15, 20, 59, tzinfo=UTC)  # 23:59 in Athens
DUE_DAY_OVER = datetime(2026, 4, 15, 21, 0, tzinfo=UTC)  # 00:00 of the 16th in Athens


@pytest.fixture
def registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningService]:
    run_id = uuid.uuid4().hex[:10]
    with fresh_database("registration") as url:
        for name, value in registration_env(url, run_id).items():
            monkeypatch.setenv(name, value)
        prefix = f"test-{run_id}."
        create_topics(kafka_bootstrap_servers(), prefix=prefix)
        running = start_service(SERVICE, ServiceSettings.for_service("registration"), "all")
        try:
            yield running
        finally:
            running.stop()
            delete_topics(prefix)


def test_the_overdue_check_records_the_day_after_the_due_day_once(
    registration: RunningService,
) -> None:
    app = registration.application
    filled = form()
    registration_id = app.submit(  # type: ignore[attr-defined]
        RegistrationCreate.model_validate(filled), filled["main"]["email"], now=SUBMITTED
    )
    assert app.registration(registration_id).designation_due == date(2026, 4, 15)  # type: ignore[attr-defined]

    def indexed() -> None:
        with registration.projections["registrations"].reading() as curs:
            row = curs.execute("SELECT next_due FROM registrations").fetchone()
        assert row is not None
        assert row["next_due"] == date(2026, 4, 15)

    eventually(indexed, timeout=30)
    assert record_overdue_designations(registration, now=LAST_MINUTE_OF_DUE_DAY) == 0
    assert record_overdue_designations(registration, now=DUE_DAY_OVER) == 1
    assert app.registration(registration_id).status == "overdue"  # type: ignore[attr-defined]

    def index_caught_up() -> None:
        with registration.projections["registrations"].reading() as curs:
            row = curs.execute("SELECT status, next_due FROM registrations").fetchone()
        assert row == {"status": "overdue", "next_due": None}

    eventually(index_caught_up, timeout=30)
    assert record_overdue_designations(registration, now=datetime(2026, 5, 1, tzinfo=UTC)) == 0
    stored = app.recorder.select_notifications(0, 100)
    assert sum(n.topic.endswith("DesignationOverdue") for n in stored) == 1


@dataclass
class _Index:
    ids: list[uuid.UUID]

    def overdue_candidates(self, today: date) -> list[uuid.UUID]:
        return self.ids


@dataclass
class _Application:
    conflicting: uuid.UUID
    recorded: list[uuid.UUID] = field(default_factory=list)

    def record_overdue(self, registration_id: uuid.UUID, now: datetime) -> bool:
        if registration_id == self.conflicting:
            raise Conflict(ErrorCode.ONE_PER_ROLE, "Two representatives of one role are overdue.")
        self.recorded.append(registration_id)
        return True


@dataclass
class _Running:
    application: _Application
    projections: dict[str, _Index]


def test_a_registration_that_conflicts_does_not_stop_the_check_for_the_others() -> None:
    first, conflicting, last = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    application = _Application(conflicting)
    running = _Running(application, {"registrations": _Index([first, conflicting, last])})

    assert record_overdue_designations(running, now=DUE_DAY_OVER) == 2
    assert application.recorded == [first, last]


def test_the_lapse_check_warns_a_week_before_the_lapse_day_then_lapses_once(
    registration: RunningService,
) -> None:
    app = registration.application
    filled = form(TAX_IDS[1])
    registration_id = app.submit(  # type: ignore[attr-defined]
        RegistrationCreate.model_validate(filled), filled["main"]["email"], now=SUBMITTED
    )
    index = registration.projections["registrations"]

    def indexed(expected: dict[str, object]) -> None:
        with index.reading() as curs:
            row = curs.execute(
                "SELECT status, lapses_on, next_lapse_step FROM registrations WHERE id = %s",
                (registration_id,),
            ).fetchone()
        assert row == expected

    eventually(lambda: indexed(AWAITING), timeout=30)
    assert record_overdue_designations(registration, now=DUE_DAY_OVER) == 1
    eventually(lambda: indexed(OVERDUE), timeout=30)

    assert record_lapse_steps(registration, now=at_athens(date(2026, 5, 8), 23, 59)) == 0
    assert record_lapse_steps(registration, now=at_athens(date(2026, 5, 9))) == 1
    eventually(lambda: indexed(WARNED), timeout=30)
    assert record_lapse_steps(registration, now=at_athens(date(2026, 5, 15), 23, 59)) == 0
    assert record_lapse_steps(registration, now=at_athens(date(2026, 5, 16))) == 1
    eventually(lambda: indexed(LAPSED), timeout=30)
    assert record_lapse_steps(registration, now=at_athens(date(2026, 7, 1))) == 0
    stored = app.recorder.select_notifications(0, 100)
    assert sum(n.topic.endswith("Registration.Lapsing") for n in stored) == 1
    assert sum(n.topic.endswith("Registration.Lapsed") for n in stored) == 1


AWAITING = {"status": "awaiting_designation", "lapses_on": None, "next_lapse_step": None}
OVERDUE = {"status": "overdue", "lapses_on": date(2026, 5, 15), "next_lapse_step": date(2026, 5, 8)}
WARNED = {**OVERDUE, "next_lapse_step": date(2026, 5, 15)}
LAPSED = {"status": "lapsed", "lapses_on": None, "next_lapse_step": None}


def at_athens(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ATHENS)
