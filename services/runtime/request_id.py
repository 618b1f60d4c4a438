"""A request id on every request and response, and on every log line written meanwhile."""

from __future__ import annotations

import contextvars
import logging
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

HEADER = "X-Request-ID"

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)


async def request_id_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Take the caller's X-Request-ID (the gateway's) or make one; echo it back."""
    given = request.headers.get(HEADER, "")
    request_id = given if 0 < len(given) <= 128 and given.isprintable() else uuid.uuid4().hex
    token = current_request_id.set(request_id)
    try:
        response = await call_next(request)
    finally:
        current_request_id.reset(token)
    response.headers[HEADER] = request_id
    return response


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to log records, for a format string that shows it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
