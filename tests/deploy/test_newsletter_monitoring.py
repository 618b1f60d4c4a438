"""The newsletter's alerts and dashboard: they fire on what they name, and they query metrics the
services really export.

promtool runs the rules on made-up series (`promtool test rules`), the way Prometheus would
evaluate them: their expressions, waits and labels (the annotations are left out of these runs;
`promtool check rules` checks their templates). The dashboards' expressions are parsed by
promtool as recording rules. The metric names are read from the registry the newsletter's and
notifications' modules fill on import.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import prometheus_client
import pytest
import yaml

import services.newsletter.service
import services.notifications.service  # noqa: F401 - their modules register the metrics

REPO = Path(__file__).resolve().parents[2]
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
NEWSLETTER_DASHBOARD = DASHBOARDS / "newsletter.json"

_METRIC = re.compile(r"\binnovnet_[a-z_]+\b")


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not installed (Debian package: prometheus)")
    return path


def run_promtool(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def rule_test(tmp_path: Path, series: list[dict[str, str]], expected: list[dict[str, Any]]) -> None:
    """Evaluate alerts.yml on `series` (one sample a minute) and compare the alerts at each time."""
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    for group in groups:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
    document = {
        "rule_files": ["alerts.yml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": expected}],
    }
    path = tmp_path / "newsletter.test.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    run_promtool("test", "rules", str(path), cwd=tmp_path)


def newsletter_alert_expressions() -> list[str]:
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    (group,) = (group for group in groups if group["name"] == "innovnet-newsletter")
    return [rule["expr"] for rule in group["rules"]]


def dashboard_expressions(path: Path) -> list[str]:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


SAMPLE_SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum"),
    "summary": ("", "_count", "_sum"),
}
"""The names a metric's samples are exported under, by its type."""


def exported_metric_names() -> set[str]:
    """Every sample name the registry exports, whether or not a sample was recorded yet (a
    labelled metric has none before its first use)."""
    return {
        f"{metric.name}{suffix}"
        for metric in prometheus_client.REGISTRY.collect()
        for suffix in SAMPLE_SUFFIXES.get(metric.type, ("",))
    }


# --- the alerts ----------------------------------------------------------------------------


def test_a_bounce_receiver_failing_for_five_minutes_raises_its_alert(tmp_path: Path) -> None:
    failing = 'innovnet_part_failing{job="newsletter",service="newsletter",part="bounce-receiver"}'
    other = 'innovnet_part_failing{job="newsletter",service="newsletter",part="relay"}'
    rule_test(
        tmp_path,
        [{"series": failing, "values": "0 0 1x10"}, {"series": other, "values": "1x12"}],
        [
            {"eval_time": "4m", "alertname": "InnovnetNewsletterBounceReceiverDown"},
            {
                "eval_time": "9m",
                "alertname": "InnovnetNewsletterBounceReceiverDown",
                "exp_alerts": [{"exp_labels": {"severity": "warning"}}],
            },
        ],
    )


def test_copies_given_up_raise_an_alert_and_retries_alone_do_not(tmp_path: Path) -> None:
    failed = 'innovnet_newsletter_copies_failed_total{job="notifications",outcome="failed"}'
    retried = 'innovnet_newsletter_copies_failed_total{job="notifications",outcome="retry"}'
    sent = 'innovnet_newsletter_copies_sent_total{job="notifications"}'
    rule_test(
        tmp_path,
        [
            {"series": failed, "values": "0x5 2x10"},
            {"series": retried, "values": "0+1x15"},
            {"series": sent, "values": "0+100x15"},
        ],
        [
            {"eval_time": "3m", "alertname": "InnovnetNewsletterCopiesFailed"},
            {
                "eval_time": "8m",
                "alertname": "InnovnetNewsletterCopiesFailed",
                "exp_alerts": [{"exp_labels": {"severity": "warning"}}],
            },
            # One failed attempt in a hundred is no trouble with the relay.
            {"eval_time": "15m", "alertname": "InnovnetNewsletterCopiesRetrying"},
        ],
    )


def test_a_relay_refusing_most_attempts_raises_the_retrying_alert(tmp_path: Path) -> None:
    retried = 'innovnet_newsletter_copies_failed_total{job="notifications",outcome="retry"}'
    sent = 'innovnet_newsletter_copies_sent_total{job="notifications"}'
    rule_test(
        tmp_path,
        [{"series": retried, "values": "0+10x30"}, {"series": sent, "values": "0+1x30"}],
        [
            {"eval_time": "5m", "alertname": "InnovnetNewsletterCopiesRetrying"},
            {
                "eval_time": "25m",
                "alertname": "InnovnetNewsletterCopiesRetrying",
                "exp_alerts": [{"exp_labels": {"severity": "warning"}}],
            },
        ],
    )


def test_pending_copies_with_none_sent_for_long_raise_the_stalled_alert(tmp_path: Path) -> None:
    pending = 'innovnet_newsletter_copies{job="notifications",status="pending"}'
    sent = 'innovnet_newsletter_copies_sent_total{job="notifications"}'
    rule_test(
        tmp_path,
        [{"series": pending, "values": "500x60"}, {"series": sent, "values": "0+5x10 50x50"}],
        [
            {"eval_time": "30m", "alertname": "InnovnetNewsletterSendingStalled"},
            {
                "eval_time": "58m",
                "alertname": "InnovnetNewsletterSendingStalled",
                "exp_alerts": [{"exp_labels": {"severity": "warning"}}],
            },
        ],
    )


def test_dead_letters_of_the_newsletter_and_of_the_audience_raise_the_newsletter_alert(
    tmp_path: Path,
) -> None:
    newsletter = 'innovnet_dead_letters_open{job="newsletter",processor="subscribers",state="dead"}'
    audience = 'innovnet_dead_letters_open{job="notifications",processor="audience",state="held"}'
    unrelated = (
        'innovnet_dead_letters_open{job="membership",processor="policies.membership",state="dead"}'
    )
    rule_test(
        tmp_path,
        [
            {"series": newsletter, "values": "1x5"},
            {"series": audience, "values": "3x5"},
            {"series": unrelated, "values": "1x5"},
        ],
        [
            {
                "eval_time": "3m",
                "alertname": "InnovnetNewsletterDeadLetters",
                "exp_alerts": [
                    {
                        "exp_labels": {
                            "severity": "critical",
                            "job": "newsletter",
                            "processor": "subscribers",
                            "state": "dead",
                        }
                    },
                    {
                        "exp_labels": {
                            "severity": "critical",
                            "job": "notifications",
                            "processor": "audience",
                            "state": "held",
                        }
                    },
                ],
            }
        ],
    )


def test_unreadable_bounces_raise_an_informational_alert(tmp_path: Path) -> None:
    unreadable = 'innovnet_newsletter_bounces_unreadable_total{job="newsletter"}'
    rule_test(
        tmp_path,
        [{"series": unreadable, "values": "0 0 0 1 1 1"}],
        [
            {"eval_time": "2m", "alertname": "InnovnetNewsletterBouncesUnreadable"},
            {
                "eval_time": "5m",
                "alertname": "InnovnetNewsletterBouncesUnreadable",
                "exp_alerts": [{"exp_labels": {"severity": "info"}}],
            },
        ],
    )


# --- the dashboard and the metric names ----------------------------------------------------


def test_every_dashboard_expression_parses_as_promql(tmp_path: Path) -> None:
    rules = [
        {"record": f"dashboard:{path.stem}:{index}", "expr": expr}
        for path in sorted(DASHBOARDS.glob("*.json"))
        for index, expr in enumerate(dashboard_expressions(path))
    ]
    text = yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]})
    # Grafana's variables, as it would fill them in.
    text = text.replace("$__rate_interval", "1m").replace("$service", ".*")
    (tmp_path / "dashboards.yml").write_text(text, encoding="utf-8")
    run_promtool("check", "rules", "dashboards.yml", cwd=tmp_path)


def test_the_newsletter_dashboard_shows_copies_bounces_and_the_receiver() -> None:
    expressions = " ".join(dashboard_expressions(NEWSLETTER_DASHBOARD))
    for wanted in (
        "innovnet_newsletter_copies_sent_total",
        "innovnet_newsletter_copies_failed_total",
        "max by (status) (innovnet_newsletter_copies)",
        "sum by (kind) (increase(innovnet_newsletter_bounces_total",
        "innovnet_newsletter_bounces_unreadable_total",
        "innovnet_newsletter_copies_resent_after_crash_total",
        'part="bounce-receiver"',
    ):
        assert wanted in expressions, wanted


def test_the_newsletter_alerts_and_dashboard_query_only_metrics_the_services_export() -> None:
    exported = exported_metric_names()
    expressions = newsletter_alert_expressions() + dashboard_expressions(NEWSLETTER_DASHBOARD)
    queried = set(_METRIC.findall(" ".join(expressions)))
    assert {name for name in queried if name.startswith("innovnet_newsletter")}, "none queried"
    assert sorted(queried - exported) == []
