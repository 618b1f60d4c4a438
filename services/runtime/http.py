"""The one place a service's FastAPI app is assembled: lifespan, health, readiness, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from services.runtime.body_limit import BodyLimitMiddleware
from services.runtime.errors import answer_domain_errors
from services.runtime.metrics import HttpMetricsMiddleware
from services.runtime.readiness import CheckResult, KafkaCheck, check_postgres
from services.runtime.request_id import RequestIdMiddleware
from services.runtime.roles import RunningService, start_service
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings


def create_app(
    definition: ServiceDefinition, settings: ServiceSettings, role: str = "all"
) -> FastAPI:
    """Build the HTTP app of `definition`; its lifespan runs what `role` includes."""
    topic = definition.published_topic(settings.topic_prefix)
    kafka_check = KafkaCheck(settings.kafka_bootstrap_servers, topic.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = await run_in_threadpool(start_service, definition, settings, role)
        app.state.running = running
        app.state.application = running.application
        try:
            yield
        finally:
            await run_in_threadpool(running.stop)

    app = FastAPI(title=f"innovnet {definition.name}", lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(BodyLimitMiddleware)  # innermost: metrics and request ids see its 413s
    app.add_middleware(HttpMetricsMiddleware, service=definition.name)
    app.add_middleware(RequestIdMiddleware)
    answer_domain_errors(app)
    for router in definition.routers:
        app.include_router(router)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok", "service": definition.name}

    @app.get("/ready", tags=["operations"])
    def ready() -> JSONResponse:
        """Database, Kafka, relay and consumers are working; 503 names what is not."""
        checks = {
            "postgres": check_postgres(settings.database_url),
            "kafka": kafka_check(),
            **background_checks(app.state.running),
        }
        ok = all(result.ok for result in checks.values())
        body = {
            "status": "ready" if ok else "not ready",
            "service": definition.name,
            "checks": {name: result.detail for name, result in checks.items()},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


def background_checks(running: RunningService) -> dict[str, CheckResult]:
    """Each relay and consumer thread of the process: running, or stopped."""
    return {
        name: CheckResult(True, "ok") if alive else CheckResult(False, f"{name} stopped")
        for name, alive in running.background_alive().items()
    }
