"""An error as text: how logs, dead letters and parked events name a failure."""

from __future__ import annotations

from typing import Final

MAX_LENGTH: Final = 4000


def describe(error: BaseException, *, first_line: bool = False) -> str:
    """`Class: message`, NUL escaped (PostgreSQL text holds none) and bounded in length.

    `first_line` keeps only the message's first line, for a log: libpq's messages run on.
    """
    message = str(error).strip()
    if first_line:
        message = message.splitlines()[0] if message else "no message"
    return f"{type(error).__name__}: {message}".replace("\x00", "\\x00")[:MAX_LENGTH]
