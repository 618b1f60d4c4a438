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
from services.runtime.errors import answer_database_unavailable, answer_domain_errors
from services.runtime.metrics import HttpMetricsMiddleware
from services.runtime.request_id import RequestIdMiddleware
from services.runtime.running import start_service
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings


def create_app(
    definition: ServiceDefinition, settings: ServiceSettings, role: str = "all"
) -> FastAPI:
    """Build the HTTP app of `definition`; its lifespan runs what `role` includes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = await run_in_threadpool(start_service, definition, settings, role)
        app.state.running = running
        app.state.application = running.application
        try:
            yield
        finally:
            await run_in_threadpool(running.stop)

    app = FastAPI(
        title=f"innovnet {definition.name}",
        lifespan=lifespan,
        # Without the document, FastAPI serves no /docs or /redoc either.
        openapi_url="/openapi.json" if definition.serves_api_docs else None,
    )
    app.state.settings = settings
    # Innermost: metrics and request ids see its 413s.
    app.add_middleware(BodyLimitMiddleware, json_limit=definition.json_body_limit)
    app.add_middleware(HttpMetricsMiddleware, service=definition.name)
    app.add_middleware(RequestIdMiddleware)
    answer_domain_errors(app)
    answer_database_unavailable(app)
    for router in definition.routers:
        app.include_router(router)
    if definition.configure_app is not None:
        definition.configure_app(app)

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok", "service": definition.name}

    @app.get("/ready", tags=["operations"])
    def ready() -> JSONResponse:
        """Database, Kafka, relay, consumers and jobs work; 503 names what not, since when.

        Answers from the background checker's latest round (a second or two old), so a burst
        of probes costs the database nothing.
        """
        readiness = app.state.running.readiness.latest()
        body = {
            "status": "ready" if readiness.ok else "not ready",
            "service": definition.name,
            "checked_at": readiness.checked_at.isoformat(),
            "checks": readiness.checks,
        }
        return JSONResponse(body, status_code=200 if readiness.ok else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
