"""A sign-in link's token never reaches the access log."""

from __future__ import annotations

import logging

from services.gateway.redaction import RedactTokens


def test_the_access_log_line_of_a_link_shows_no_token() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/sign-in/link?token=s3cr3t-Token_1&next=/", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    line = record.getMessage()
    assert "s3cr3t" not in line
    assert "/sign-in/link?token=…&next=/" in line
