"""Prometheus metrics every service exposes; names follow `innovnet_<what>_<unit>`."""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_REQUEST_DURATION = Histogram(
    "innovnet_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (not raw path, to bound cardinality).",
    ["service", "method", "route", "status"],
)


def route_template(scope: Scope) -> str:
    """The matched route's path template, or a fixed label for unmatched paths."""
    return str(getattr(scope.get("route"), "path", "unmatched"))


class HttpMetricsMiddleware:
    """Times every request into the HTTP histogram (plain ASGI: no per-request task overhead)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            HTTP_REQUEST_DURATION.labels(
                self.service, scope["method"], route_template(scope), str(status)
            ).observe(time.perf_counter() - started)


EVENTS_APPENDED = Counter(
    "innovnet_events_appended_total",
    "Domain events stored in the service's event store.",
    ["service"],
)
RELAY_PUBLISHED = Counter(
    "innovnet_relay_published_total",
    "Notifications the relay published and the broker acknowledged.",
    ["topic"],
)
RELAY_LAG = Gauge(
    "innovnet_relay_lag_events",
    "Newest notification id minus the relay's recorded position.",
    ["topic"],
)
RELAY_BATCH_DURATION = Histogram(
    "innovnet_relay_batch_duration_seconds",
    "Time from reading a batch of notifications to recording its position.",
    ["topic"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CONSUMER_LAG = Gauge(
    "innovnet_consumer_lag_messages",
    "Messages on a partition not yet applied by a consumer group.",
    ["group", "topic", "partition"],
)
APPLY_DURATION = Histogram(
    "innovnet_apply_duration_seconds",
    "Time to apply a batch of consumed messages and its tracking records in one transaction.",
    ["processor"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
MESSAGES_APPLIED = Counter(
    "innovnet_messages_applied_total",
    "Consumed messages applied by a processor.",
    ["processor"],
)
DUPLICATES_SKIPPED = Counter(
    "innovnet_duplicates_skipped_total",
    "Redelivered or re-published messages recognised and skipped.",
    ["processor", "reason"],
)
RELAY_PARKED = Gauge(
    "innovnet_relay_parked_events",
    "Stored events the relay holds back: unmappable ones and later events of their aggregates.",
    ["topic"],
)
RELAY_PARKED_TOTAL = Counter(
    "innovnet_relay_parked_total",
    "Events the relay parked (counted once, when parked).",
    ["topic"],
)
PART_RESTARTS = Counter(
    "innovnet_part_restarts_total",
    "Background parts (relay, consumers, jobs) restarted by the supervisor after a failure.",
    ["service", "part"],
)
PART_FAILING = Gauge(
    "innovnet_part_failing",
    "1 while a background part (relay, consumer, job) is failing or down, else 0.",
    ["service", "part"],
)
BATCH_RETRIES = Counter(
    "innovnet_batch_retries_total",
    "Batches (or single messages) a processor failed to apply and tried again.",
    ["processor"],
)
DEAD_LETTERS = Counter(
    "innovnet_dead_letters_total",
    "Consumed messages written as dead letters: dead by reason, or held behind a dead one.",
    ["processor", "reason"],
)
DEAD_LETTERS_OPEN = Gauge(
    "innovnet_dead_letters_open",
    "Dead letters neither replayed nor discarded, read from the processor's table.",
    ["processor", "state"],
)
