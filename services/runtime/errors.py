"""Domain errors every service raises, and the one place they become HTTP answers."""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic_core import PydanticCustomError

from contracts.errors import ErrorCode
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.failures import describe

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE: Final = TRANSIENT_ERRORS
"""Database failures that pass: the request may well succeed when tried again shortly."""

RETRY_AFTER_SECONDS: Final = 5


class DomainError(Exception):
    """A rule of the network refused a command: a stable code, its parameters, a message.

    The code (one of `contracts.errors.ErrorCode`) is what clients act on and translate; the
    message is English for whoever reads the answer or the log.
    """

    status_code = 422

    def __init__(
        self, code: ErrorCode, message: str, *, field: str | None = None, **params: object
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params


class RuleBroken(DomainError):
    """A rule of the network refused the command (422)."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status_code = 404


class Conflict(DomainError):
    """The command clashes with the current state, e.g. a second open registration."""

    status_code = 409


class NotAllowed(DomainError):
    """The caller's role or body does not allow this command."""

    status_code = 403


def refusal(code: ErrorCode, message: str, **params: object) -> PydanticCustomError:
    """What a request model's validator raises: pydantic's 422 with the stable code as `type`.

    `message` is a template: `{name}` is filled from `params`, so text a user typed goes in
    `params`, never into the template itself.
    """
    return PydanticCustomError(code.value, message, params or None)


def refusal_detail(
    code: ErrorCode, message: str, field: str | None = None, **params: object
) -> list[dict[str, object]]:
    """The `detail` of a refusal, shaped as pydantic's: `type` (the code), `msg`, `loc`, `ctx`.

    Every refusal answers so, whatever raised it (a rule, the body limit, authentication).
    """
    detail: dict[str, object] = {"type": code.value, "msg": message}
    if field:
        detail["loc"] = ["body", *field.split(".")]
    if params:
        detail["ctx"] = jsonable_encoder(params)
    return [detail]


def answer_domain_errors(app: FastAPI) -> None:
    """Map every DomainError raised by a route to its status with a JSON body naming the field."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        detail = refusal_detail(error.code, error.message, error.field, **error.params)
        return JSONResponse({"detail": detail}, status_code=error.status_code)


def answer_database_unavailable(app: FastAPI) -> None:
    """Answer a database failure that passes (a time-out, a restart) with 503 and Retry-After.

    Never 500: nothing is wrong with the request, and the client should simply try again. The
    database's own message goes to the log only.
    """

    async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
        log.warning(
            "%s %s: database unavailable (%s)",
            request.method,
            request.url.path,
            describe(error, first_line=True),
        )
        detail = {
            "type": ErrorCode.UNAVAILABLE.value,
            "msg": "The service is busy; try again shortly.",
        }
        return JSONResponse(
            {"detail": [detail]},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    for error_class in DATABASE_UNAVAILABLE:
        app.add_exception_handler(error_class, database_unavailable)
