"""Prometheus metrics every service exposes; names follow `innovnet_<what>_<unit>`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import Counter, Gauge, Histogram
from starlette.requests import Request
from starlette.responses import Response

HTTP_REQUEST_DURATION = Histogram(
    "innovnet_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (not raw path, to bound cardinality).",
    ["service", "method", "route", "status"],
)


def route_template(request: Request) -> str:
    """The matched route's path template, or a fixed label for unmatched paths."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def http_metrics_middleware(
    service: str,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Middleware that times every request of `service` into the HTTP histogram."""

    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            HTTP_REQUEST_DURATION.labels(
                service, request.method, route_template(request), str(status)
            ).observe(time.perf_counter() - started)

    return observe


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
