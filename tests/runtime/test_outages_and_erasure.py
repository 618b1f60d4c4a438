"""Nothing is lost while the broker is down; an erased person is gone from every rebuilt view."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import uuid

import httpx
import pytest

from contracts.personal import Sealed
from services.runtime.rebuild import rebuild_projection
from tests.runtime import tally
from tests.runtime.conftest import TallyStack
from tests.runtime.test_consumers import assert_projection_is_the_fold, make_tallies
from tests.support.polling import eventually
from tests.support.processes import REPO_ROOT

KAFKA_SCRIPT = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"


def broker(command: str) -> None:
    subprocess.run(["bash", str(KAFKA_SCRIPT), command], check=True, timeout=180)


@pytest.mark.skipif(
    bool(os.environ.get("KAFKA_BOOTSTRAP_SERVERS")), reason="stops only the private local broker"
)
@pytest.mark.serial  # every other test's broker goes down too: run alone
def test_a_broker_stopped_and_restarted_mid_batch_loses_nothing_and_ready_tells_the_outage(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.process("all") as service, tally_stack.in_process() as writer:
        make_tallies(writer, tallies=3, increments=5)
        eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=60)

        writing = threading.Event()
        writing.set()

        def keep_appending() -> None:
            tally_id = writer.application.open(writer.application.sealer.seal(uuid.uuid4(), "x"))
            while writing.is_set():
                writer.application.increment(tally_id)

        appender = threading.Thread(target=keep_appending)
        appender.start()
        try:
            broker("stop")

            def reports_outage() -> None:
                response = httpx.get(f"{service.base_url}/ready", timeout=10)
                assert response.status_code == 503
                assert response.json()["checks"]["kafka"] != "ok"

            eventually(reports_outage, timeout=30)
        finally:
            broker("start")
            writing.clear()
            appender.join()

        eventually(
            lambda: httpx.get(f"{service.base_url}/ready", timeout=10).raise_for_status(),
            timeout=60,
        )
        try:
            eventually(lambda: assert_projection_is_the_fold(tally_stack), timeout=120)
        except AssertionError as stalled:
            # What the relay and the consumers said after the restart is what explains a stall.
            raise AssertionError(
                f"{stalled}\nservice log, last lines:\n{service.log()[-6000:]}"
            ) from stalled
    assert len(tally_stack.published_source_events()) > 3 * 6 + 1, "events were written meanwhile"


def test_after_erasure_a_rebuilt_projection_and_the_topic_hold_nothing_of_the_person(
    tally_stack: TallyStack,
) -> None:
    erased_name, kept_name = "Ελένη Παπαδοπούλου", "Νίκος Γεωργίου"
    erased_subject, kept_subject = uuid.uuid4(), uuid.uuid4()
    with tally_stack.in_process("all") as running:
        app, sealer = running.application, running.application.sealer
        app.open(sealer.seal(erased_subject, erased_name))
        app.open(sealer.seal(kept_subject, kept_name))
        eventually(lambda: _assert_owner_names(tally_stack, {erased_name, kept_name}), timeout=60)

        assert app.erase_personal_data(erased_subject) is True
        assert app.erase_personal_data(erased_subject) is False, "erasure is recorded once"
        eventually(lambda: _assert_owner_names(tally_stack, {None, kept_name}), timeout=60)

        rebuild_projection(tally.definition(), tally.TallyTotals, tally_stack.settings())
        _assert_owner_names(tally_stack, {None, kept_name})
        schema = tally_stack.projection_schema()
        assert schema == "tally_totals_g2"
        for table in ("totals", "applied", "aggregate_versions"):
            rows = tally_stack.query(f"SELECT * FROM {schema}.{table}")
            assert erased_name not in repr(rows)
        stored = tally_stack.query(
            f"SELECT state FROM {tally.TallyApplication.name.lower()}_events"
        )
        for form in (erased_name.encode(), json.dumps(erased_name).strip('"').encode()):
            assert not any(form in bytes(row["state"]) for row in stored)

        sealed_on_topic = [
            Sealed.model_validate(event.data["owner"])
            for _, _, event, _ in tally_stack.topic_messages()
            if "owner" in event.data
        ]
        by_subject = {s.subject_id: sealer.unseal(s) for s in sealed_on_topic}
        assert by_subject == {erased_subject: None, kept_subject: kept_name}
        erasures = [
            event
            for _, _, event, _ in tally_stack.topic_messages()
            if event.type == tally.TallyOwnerErased.ce_type()
        ]
        assert [e.data["subject_id"] for e in erasures] == [str(erased_subject)]


def _assert_owner_names(stack: TallyStack, expected: set[str | None]) -> None:
    rows = stack.query(f"SELECT owner_name FROM {stack.projection_schema()}.totals")
    assert {row["owner_name"] for row in rows} == expected
