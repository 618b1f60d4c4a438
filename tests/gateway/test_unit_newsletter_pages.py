"""The unit's newsletter pages in process, against the newsletter service as a process.

The gateway runs in FastAPI's TestClient on a fresh database; a member of staff signs in
through the sign-in link the stand-in of the notifications endpoint receives (which answers
404 for an issue's progress: the progress page then shows nothing sent yet).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import (
    BASE_URL,
    PUBLIC_URL,
    STAFF,
    SignInLinks,
    ask_for_link,
    csrf_token,
    use_link,
)
from tests.support.newsletter import NewsletterStack, newsletter_api
from tests.support.servers import fresh_database


@pytest.fixture(scope="module")
def newsletter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    with newsletter_api(Path(tmp_path_factory.mktemp("newsletter"))) as running:
        yield running


@pytest.fixture(scope="module")
def unit(newsletter: NewsletterStack) -> Iterator[TestClient]:
    links = SignInLinks()
    links.start()
    with pytest.MonkeyPatch.context() as env, fresh_database("gateway") as database:
        env.setenv("GATEWAY_DATABASE_URL", database)
        env.setenv("GATEWAY_NOTIFICATIONS_URL", links.url)
        env.setenv("GATEWAY_NEWSLETTER_URL", newsletter.service.base_url)
        env.setenv("INNOVNET_PUBLIC_URL", PUBLIC_URL)
        env.setenv("GATEWAY_SUBMIT_PER_CLIENT", "1000")
        env.setenv("GATEWAY_STAFF_SUBMIT_PER_ADDRESS", "1000")
        app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
        try:
            with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
                ask_for_link(client, STAFF)
                assert use_link(client, links.token()).status_code == 303
                yield client
        finally:
            links.stop()


def post(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    token = csrf_token(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data})


def kept_moment(html: str) -> str:
    found = re.search(r'name="send_at" value="([^"]+)"', html)
    assert found, "the check page keeps no moment"
    return found.group(1)


def test_the_subscribers_page_counts_by_state_and_language(unit: TestClient) -> None:
    page = unit.get("/unit/newsletter")
    assert page.status_code == 200
    assert 'href="/unit/newsletter"' in page.text  # in the unit's navigation
    assert 'id="state-confirmed"' in page.text
    assert "<table" in page.text


def test_an_issue_is_written_previewed_and_sent_after_a_check(unit: TestClient) -> None:
    missing = post(
        unit, "/unit/newsletter/issues/new", "/unit/newsletter/issues/new", {"el_subject": ""}
    )
    assert missing.status_code == 422
    assert 'href="#el-subject"' in missing.text
    assert 'href="#el-markdown"' in missing.text

    made = post(
        unit,
        "/unit/newsletter/issues/new",
        "/unit/newsletter/issues/new",
        {"el_subject": "Τεύχος 1", "el_markdown": "## Νέα\n\nΚείμενο <script>x</script>"},
    )
    assert made.status_code == 303
    issue = made.headers["location"]
    preview = unit.get(issue)
    assert "<h2>Νέα</h2>" in preview.text
    assert "<script>x" not in preview.text

    edit = unit.get(f"{issue}/edit")
    version = re.search(r'name="version" value="(\d+)"', edit.text)
    assert version
    stale = unit.post(
        f"{issue}/edit",
        data={
            "csrf_token": csrf_token(edit.text),
            "version": str(int(version.group(1)) - 1 or 99),
            "el_subject": "Αλλαγή",
            "el_markdown": "Κείμενο",
        },
    )
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.text or "άλλαξε" in stale.text

    asked = post(unit, f"{issue}/send", f"{issue}/send", {"when": "now"})
    assert asked.status_code == 200
    assert f'action="{issue}/send/confirm"' in asked.text
    sent = unit.post(f"{issue}/send/confirm", data={"csrf_token": csrf_token(asked.text)})
    assert sent.status_code == 303
    progress = unit.get(sent.headers["location"])
    assert progress.status_code == 200
    # The stand-in of notifications cannot say how far it is: the page says so and reloads.
    assert 'http-equiv="refresh"' in progress.text
    listed = unit.get("/unit/newsletter/issues")
    assert 'data-status="published"' in listed.text


def test_a_schedule_is_shown_back_in_athens_time(unit: TestClient) -> None:
    made = post(
        unit,
        "/unit/newsletter/issues/new",
        "/unit/newsletter/issues/new",
        {"el_subject": "Τεύχος 2", "el_markdown": "Κείμενο"},
    )
    issue = made.headers["location"]
    asked = post(
        unit,
        f"{issue}/send",
        f"{issue}/send",
        {"when": "later", "send_on": "15/3/2099", "send_time": "09:30"},
    )
    assert "09:30" in asked.text
    done = unit.post(
        f"{issue}/send/confirm",
        data={
            "csrf_token": csrf_token(asked.text),
            "send_at": kept_moment(asked.text),
        },
    )
    assert done.status_code == 303
    page = unit.get(issue)
    assert 'id="scheduled"' in page.text
    assert "09:30" in page.text
