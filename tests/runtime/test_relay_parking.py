"""The relay parks an aggregate whose event it cannot map, publishes the rest, and releases it."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path
from uuid import UUID

import httpx
import pytest
import yaml

from services.runtime import cli
from tests.runtime.conftest import TallyStack
from tests.runtime.tally import UNMAPPABLE_BY
from tests.support.polling import eventually

DEFINITION = "tests.runtime.tally:definition"
ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"


def test_an_unmappable_event_parks_its_aggregate_and_a_release_after_the_fix_publishes_in_order(
    tally_stack: TallyStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with tally_stack.process("all") as service, tally_stack.in_process() as writer:
        app, sealer = writer.application, writer.application.sealer
        stuck = app.open(sealer.seal(uuid.uuid4(), "stuck"))
        flowing = app.open(sealer.seal(uuid.uuid4(), "flowing"))
        app.increment(stuck, 1)
        app.increment(stuck, UNMAPPABLE_BY)  # version 3: the relay cannot map it
        app.increment(stuck, 2)  # version 4 waits behind it
        app.increment(flowing, 5)

        def parked_and_flowing() -> None:
            published = _published(tally_stack)
            assert published.get(flowing) == [(1, None), (2, 5)]
            assert published.get(stuck) == [(1, None), (2, 1)]
            parked = _parked(tally_stack)
            assert [(r["aggregate_id"], r["aggregate_version"]) for r in parked] == [
                (stuck, 3),
                (stuck, 4),
            ]
            assert parked[0]["reason"].startswith("ValidationError")
            assert parked[1]["reason"] == "held behind an earlier parked event"

        eventually(parked_and_flowing, timeout=60)

        # The relay keeps going: other aggregates flow, the parked one keeps waiting.
        app.increment(flowing, 1)
        app.increment(stuck, 3)
        eventually(lambda: _assert_versions(tally_stack, flowing, [1, 2, 3]), timeout=30)
        eventually(lambda: _assert_parked_versions(tally_stack, [3, 4, 5]), timeout=30)
        assert _published(tally_stack)[stuck] == [(1, None), (2, 1)]
        eventually(lambda: _assert_metric(service.base_url, tally_stack.topic, 3), timeout=30)
        ready = httpx.get(f"{service.base_url}/ready", timeout=10).json()
        assert ready["checks"]["relay"] == "ok", "parking is not a failure of the relay"

        # A release before the fix publishes nothing of the aggregate and says why.
        assert cli.main(["relay", "release", DEFINITION]) == 1
        said = capsys.readouterr().out
        assert "released 0 parked events" in said
        assert "3 events still parked" in said
        assert "ValidationError" in said
        _assert_parked_versions(tally_stack, [3, 4, 5])

        # After the fix (here: an environment variable the mapping reads) all three go out.
        monkeypatch.setenv("TALLY_MAPPING_FIXED", "1")
        assert cli.main(["relay", "release", DEFINITION]) == 0
        assert "released 3 parked events" in capsys.readouterr().out
        assert _parked(tally_stack) == []
        assert _published(tally_stack)[stuck] == [
            (1, None),
            (2, 1),
            (3, UNMAPPABLE_BY),
            (4, 2),
            (5, 3),
        ]

        # The aggregate is no longer parked: its next event is published by the relay itself.
        app.increment(stuck, 4)
        eventually(lambda: _assert_versions(tally_stack, stuck, [1, 2, 3, 4, 5, 6]), timeout=30)
        eventually(lambda: _assert_metric(service.base_url, tally_stack.topic, 0), timeout=30)


def _published(stack: TallyStack) -> dict[UUID, list[tuple[int, int | None]]]:
    """(version, by) of each aggregate's messages, in topic order."""
    found: dict[UUID, list[tuple[int, int | None]]] = {}
    for _, _, event, _ in stack.topic_messages():
        found.setdefault(event.aggregate_id, []).append(
            (event.aggregate_version, event.data.get("by"))
        )
    return found


def _parked(stack: TallyStack) -> list[dict[str, object]]:
    return stack.query(
        "SELECT aggregate_id, aggregate_version, reason FROM relay_parked"
        " WHERE topic = %s ORDER BY notification_id",
        stack.topic,
    )


def _assert_versions(stack: TallyStack, aggregate_id: UUID, versions: list[int]) -> None:
    assert [v for v, _ in _published(stack).get(aggregate_id, [])] == versions


def _assert_parked_versions(stack: TallyStack, versions: list[int]) -> None:
    assert [r["aggregate_version"] for r in _parked(stack)] == versions


def _assert_metric(base_url: str, topic: str, value: int) -> None:
    metrics = httpx.get(f"{base_url}/metrics", timeout=10).text
    assert f'innovnet_relay_parked_events{{topic="{topic}"}} {float(value)}' in metrics


def test_parked_events_and_a_failing_part_raise_their_alerts(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package: prometheus)")
    topic = 'topic="innovnet.registration.v1"'
    part = 'service="registration",part="relay"'
    rule_test = {
        "rule_files": [str(ALERTS)],
        "evaluation_interval": "15s",
        "tests": [
            {
                "interval": "15s",
                "input_series": [
                    {"series": f"innovnet_relay_parked_events{{{topic}}}", "values": "0 3x12"},
                    {"series": f"innovnet_part_failing{{{part}}}", "values": "0 1x12"},
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "30s",
                        "alertname": "InnovnetRelayParkedEvents",
                        "exp_alerts": [],
                    },
                    {
                        "eval_time": "2m",
                        "alertname": "InnovnetRelayParkedEvents",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": "warning",
                                    "topic": "innovnet.registration.v1",
                                },
                                "exp_annotations": {
                                    "summary": "the relay of innovnet.registration.v1 holds 3"
                                    " events it cannot publish",
                                    "description": "An event could not be mapped to its contract"
                                    " event (see the service's log); it and the later events of"
                                    " its aggregate wait in the relay_parked table, everything"
                                    " else is published. After the fix: innovnet relay release"
                                    " SERVICE.",
                                },
                            }
                        ],
                    },
                    {
                        "eval_time": "3m",
                        "alertname": "InnovnetPartFailing",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": "critical",
                                    "service": "registration",
                                    "part": "relay",
                                },
                                "exp_annotations": {
                                    "summary": "registration: relay keeps failing",
                                    "description": "The supervisor restarts it with backoff, and"
                                    " /ready names it with the time it started failing; the"
                                    " service's log has the error.",
                                },
                            }
                        ],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "alerts.test.yml"
    path.write_text(yaml.safe_dump(rule_test, sort_keys=False), encoding="utf-8")
    result = subprocess.run(
        [promtool, "test", "rules", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
