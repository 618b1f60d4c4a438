"""No sign-in token in a log line: uvicorn's access log shows `/sign-in/link?token=…` redacted.

The link's token is a password for 15 minutes; the access log would otherwise keep it. It is
matched in any case and percent-encoded too (`next=/sign-in/link%3Ftoken%3D…`, the form a
path takes inside another's query), though no page of ours writes it so any more.
"""

from __future__ import annotations

import logging
import re
from typing import Final

ACCESS_LOGGER: Final = "uvicorn.access"
_TOKEN: Final = re.compile(
    r"(token(?:=|%(?:25)*3D))[^&#\s%\"]+|(recipient=)[^&#\s\"]+", re.IGNORECASE
)
"""`token=`, `token%3D`, `token%253D` (encoded twice) …, and the value up to the next part; the
delivery log's `recipient=` filter too (an email address, `%40` and all)."""


def _redacted(found: re.Match[str]) -> str:
    return f"{found.group(1) or found.group(2)}…"


class RedactTokens(logging.Filter):
    """Rewrites a record's `token=<value>` query parameters as `token=…`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN.sub(_redacted, arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN.sub(_redacted, record.msg)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
