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
_TOKEN: Final = re.compile(r"((?:token|recipient)(?:=|%(?:25)*3D))[^&#\s%\"]+", re.IGNORECASE)
"""`token=`, `token%3D`, `token%253D` (encoded twice) …, and the value up to the next part; the
delivery log's `recipient=` filter too, an email address."""


class RedactTokens(logging.Filter):
    """Rewrites a record's `token=<value>` query parameters as `token=…`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN.sub(r"\1…", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN.sub(r"\1…", record.msg)
        return True


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
