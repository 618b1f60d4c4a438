"""A rebuild's switch-over drops the old generation even when readers hold it past the time-outs."""

from __future__ import annotations

import threading

import psycopg
import pytest

from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.support.polling import eventually

LOCK_TIMEOUT_SECONDS = 1


def test_the_old_generation_is_dropped_after_a_reader_held_it_past_the_lock_time_out(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTGRES_LOCK_TIMEOUT", str(LOCK_TIMEOUT_SECONDS))
    with tally_stack.in_process() as running:
        fresh = tally.TallyTotals(
            tally_stack.database_url,
            application=running.application,
            sealer=running.projections["tally_totals"].sealer,
            generation=2,
        )
        failures: list[BaseException] = []
        try:
            fresh.prepare_generation(2)
            with psycopg.connect(tally_stack.database_url) as reader:
                reader.execute("LOCK TABLE tally_totals_g1.totals IN ACCESS SHARE MODE")

                def switch() -> None:
                    try:
                        fresh.switch_to(2)
                    except BaseException as error:  # reported by the test
                        failures.append(error)

                switching = threading.Thread(target=switch)
                switching.start()
                # The drop waits for the reader longer than a request's lock time-out allows.
                eventually(
                    lambda: _drop_waiting_longer_than(
                        tally_stack.database_url, LOCK_TIMEOUT_SECONDS + 1
                    ),
                    timeout=30,
                )
                assert not failures, failures
                reader.rollback()
            switching.join(30)
        finally:
            fresh.close()
    assert not switching.is_alive()
    assert not failures, failures
    schemas = tally_stack.query(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tally_totals_g%%' ORDER BY 1"
    )
    assert [row["nspname"] for row in schemas] == ["tally_totals_g2"]


def _drop_waiting_longer_than(database_url: str, seconds: int) -> None:
    with psycopg.connect(database_url) as conn:
        waiting = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND query LIKE 'DROP SCHEMA%%'"
            " AND wait_event_type = 'Lock' AND now() - query_start > make_interval(secs => %s)",
            (seconds,),
        ).fetchone()
    assert waiting is not None
    assert waiting[0] == 1
