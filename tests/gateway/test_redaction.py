"""A sign-in link's token never reaches the access log, in any form a request line writes it."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.redaction import RedactTokens
from tests.support.polling import eventually
from tests.support.processes import service_process

SECRETS = ("s3cr3t-Token_1", "S3CR3T-token_2", "s3cr3t-token_3", "s3cr3t-token_4")


def access_line(path: str) -> str:
    """The access log line of a GET of `path`, through the filter, as uvicorn writes it."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/sign-in/link?token=s3cr3t-Token_1&next=/", "/sign-in/link?token=…&next=/"),
        (
            "/language/en?next=/sign-in/link%3Ftoken%3Ds3cr3t-Token_1%26x%3D1",
            "/language/en?next=/sign-in/link%3Ftoken%3D…%26x%3D1",
        ),
        ("/language/en?next=/sign-in/link%3FTOKEN%3ds3cr3t-Token_1", "%3FTOKEN%3d…"),
        ("/x?next=%2Fsign-in%2Flink%253Ftoken%253Ds3cr3t-Token_1", "token%253D…"),
        ("/invitations/answer?token=s3cr3t-Token_1", "/invitations/answer?token=…"),
        ("/unit/deliveries?recipient=s3cr3t%40dimos.gov.gr&page=2", "recipient=…&page=2"),
    ],
)
def test_the_access_log_line_of_a_link_shows_no_token(path: str, shown: str) -> None:
    line = access_line(path)
    assert "s3cr3t" not in line
    assert shown in line


def test_a_running_gateways_access_log_shows_no_token(
    gateway_database: str, tmp_path: Path
) -> None:
    """The real path: uvicorn's access logger, as `python -m services.gateway` configures it."""
    env = {"GATEWAY_DATABASE_URL": gateway_database, "PYTHONUNBUFFERED": "1"}
    with service_process("gateway", env, tmp_path, role="api") as gateway:
        paths = [
            f"/sign-in/link?token={SECRETS[0]}",
            f"/language/en?next=/sign-in/link%3Ftoken%3D{SECRETS[1]}",
            f"/language/el?next=/sign-in/link%3FToken%3d{SECRETS[2]}",
            f"/sign-in/link?TOKEN={SECRETS[3]}",
        ]
        for path in paths:
            assert httpx.get(f"{gateway.base_url}{path}").status_code in (200, 303)

        def logged_all() -> str:
            log = gateway.log()
            assert log.count('"GET /language/') == 2, log
            assert log.count('"GET /sign-in/link?') == 2, log
            return log

        log = eventually(logged_all, timeout=10)
    assert not [secret for secret in SECRETS if secret.lower() in log.lower()], log
    assert "/sign-in/link?token=…" in log
    assert "/sign-in/link%3Ftoken%3D…" in log


def test_the_link_pages_language_switch_does_not_carry_the_token(gateway: TestClient) -> None:
    page = gateway.get("/sign-in/link", params={"token": SECRETS[0]}).text
    assert 'href="/language/en?next=/sign-in/link"' in page
    assert re.findall(re.escape(SECRETS[0]), page) == [SECRETS[0]], "in the form's field only"
    assert f'name="token" value="{SECRETS[0]}"' in page


def test_the_link_page_reached_without_its_token_sends_the_reader_back_to_the_email(
    gateway: TestClient,
) -> None:
    gateway.cookies.set("lang", "en")
    page = gateway.get("/sign-in/link").text
    assert 'name="token"' not in page, "no button that could only fail"
    assert "open the link in the email we sent you again" in page
    assert 'href="/sign-in"' in page
