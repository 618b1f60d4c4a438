"""FastAPI dependencies that hand a route what the running service holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from services.runtime.projection import Projection


def service_application(request: Request) -> Any:
    """The service's application (typed by the route's `Annotated[...]` alias)."""
    return request.app.state.application


def projection(name: str) -> Callable[[Request], Projection]:
    """A dependency giving the running service's projection called `name`."""

    def running_projection(request: Request) -> Projection:
        found: Projection = request.app.state.running.projections[name]
        return found

    return running_projection
