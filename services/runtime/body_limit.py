"""Request bodies are limited before anything parses or authenticates them.

A declared Content-Length past the limit is refused before a byte is read; a body without one
(chunked) is counted as it streams in and refused as soon as it passes the limit. Either way
the answer is 413 with a JSON `detail`, and nothing of the body is buffered.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.errors import ErrorCode
from services.runtime.errors import refusal_detail

KIB = 1024
MIB = 1024 * KIB
JSON_LIMIT = 64 * KIB
"""Any body that is not a multipart upload, unless the service says otherwise: the largest
form is a few KiB (a good practice, up to OPSI's limits in two languages, is a service's
own exception; see `ServiceDefinition.json_body_limit`)."""
UPLOAD_LIMIT = 10 * MIB + 64 * KIB
"""A multipart upload: a 10 MiB file plus its form fields and the multipart envelope."""


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes its limit.

    An HTTPException, so FastAPI's body reading lets it through (anything else it turns into
    a 400) and its exception handler answers 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=too_large(limit))


def too_large(limit: int) -> list[dict[str, object]]:
    """The refusal of a body past `limit` bytes."""
    message = f"The request body is larger than the {limit // KIB} KiB this endpoint accepts."
    return refusal_detail(ErrorCode.BODY_TOO_LARGE, message, max_bytes=limit)


def limit_for(headers: Headers, json_limit: int = JSON_LIMIT) -> int:
    """The limit of a request by its declared content type."""
    content_type = headers.get("content-type", "").lower()
    return UPLOAD_LIMIT if content_type.startswith("multipart/form-data") else json_limit


def declared_length(headers: Headers) -> int | None:
    """Content-Length when present and a number; None otherwise (the body is counted)."""
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


class BodyLimitMiddleware:
    """ASGI middleware: 413 for a body past `limit_for` its content type."""

    def __init__(self, app: ASGIApp, json_limit: int = JSON_LIMIT) -> None:
        self.app = app
        self.json_limit = json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = limit_for(headers, self.json_limit)
        length = declared_length(headers)
        if length is not None and length > limit:
            await refuse(limit, scope, receive, send)
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            # Read outside a route (by a middleware): nobody answered yet, so answer here.
            if started:
                raise
            await refuse(limit, scope, receive, send)


async def refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 413 without reading the body."""
    # No `Connection: close`: the server then discards the rest of the body, and a client
    # still sending it reads the 413 instead of a connection reset.
    response = JSONResponse({"detail": too_large(limit)}, status_code=413)
    await response(scope, receive, send)
