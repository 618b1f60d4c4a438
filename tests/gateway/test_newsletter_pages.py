"""The newsletter's public pages against the real newsletter service.

One stack for the module: the newsletter as a process on a fresh topic prefix and database,
and the gateway in process calling it as the gateway (role `service`); no one signed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import BASE_URL, PUBLIC_URL, csrf_token
from tests.support.newsletter import SERVICE_CALLER, NewsletterStack, newsletter_api
from tests.support.polling import eventually
from tests.support.servers import fresh_database

SUBMIT_LIMIT = 12


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    with newsletter_api(tmp_path_factory.mktemp("newsletter")) as running:
        yield running


@pytest.fixture(scope="module")
def site(stack: NewsletterStack) -> Iterator[TestClient]:
    """The gateway in process, calling the newsletter service."""
    with pytest.MonkeyPatch.context() as env, fresh_database("gateway") as database:
        env.setenv("GATEWAY_DATABASE_URL", database)
        env.setenv("GATEWAY_NEWSLETTER_URL", stack.service.base_url)
        env.setenv("GATEWAY_SUBMIT_PER_CLIENT", str(SUBMIT_LIMIT))
        env.setenv("INNOVNET_PUBLIC_URL", PUBLIC_URL)
        app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
        with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
            yield client


def subscribe(site: TestClient, email: str, language: str = "el") -> tuple[int, str]:
    form = site.get("/newsletter")
    answer = site.post(
        "/newsletter",
        data={"csrf_token": csrf_token(form.text), "email": email, "language": language},
    )
    return answer.status_code, answer.text


def main_of(page: str) -> str:
    """The page's <main>: what differs between two answers, never the CSRF cookie or token."""
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found, "the page has no <main>"
    return re.sub(r'name="csrf_token" value="[^"]+"', "", found.group(0))


def test_the_network_page_has_the_subscribe_box_posting_to_the_form(site: TestClient) -> None:
    page = site.get("/")
    assert page.status_code == 200
    assert 'action="/newsletter"' in page.text
    assert 'name="email"' in page.text
    assert 'name="language"' in page.text


def test_the_answer_is_the_same_for_a_new_a_pending_and_a_confirmed_address(
    site: TestClient, stack: NewsletterStack
) -> None:
    stack.confirmed("confirmed@dimos-a.gov.gr")
    new = subscribe(site, "new@dimos-a.gov.gr")
    pending = subscribe(site, "new@dimos-a.gov.gr")
    confirmed = subscribe(site, "confirmed@dimos-a.gov.gr")
    assert new[0] == pending[0] == confirmed[0] == 200
    assert main_of(new[1]) == main_of(pending[1]) == main_of(confirmed[1])


def test_free_webmail_is_a_field_error_linked_from_the_summary(site: TestClient) -> None:
    status, page = subscribe(site, "someone@gmail.com")
    assert status == 422
    assert 'class="govgr-error-summary"' in page
    assert 'href="#email"' in page
    assert 'value="someone@gmail.com"' in page


def test_the_confirm_link_shows_a_button_and_only_the_post_confirms(
    site: TestClient, stack: NewsletterStack
) -> None:
    address = "confirm-me@dimos-b.gov.gr"
    assert stack.subscribe(address).status_code == 202
    subscriber = stack.subscriber_id(address)
    token = stack.confirm_token(subscriber, datetime.now(UTC) + timedelta(days=7))
    page = site.get("/newsletter/confirm", params={"token": token})
    assert page.status_code == 200
    assert f'value="{token}"' in page.text
    assert "token=" not in page.text.split("<main", 1)[0]  # the language switch drops it
    preferences = f"/newsletter/preferences/{quote(stack.unsubscribe_token(subscriber))}"
    assert site.get(preferences).status_code == 200
    done = site.post(
        "/newsletter/confirm", data={"csrf_token": csrf_token(page.text), "token": token}
    )
    assert done.status_code == 200, done.text
    assert "govgr-panel--confirmation" in done.text


def test_an_expired_or_altered_confirm_link_is_a_page_saying_so(
    site: TestClient, stack: NewsletterStack
) -> None:
    subscriber = stack.subscriber_id("late@dimos-b.gov.gr")
    expired = stack.confirm_token(subscriber, datetime.now(UTC) - timedelta(days=1))
    for token in (expired, expired[:-3] + "abc", "not-a-token"):
        page = site.get("/newsletter/confirm", params={"token": token})
        answer = site.post(
            "/newsletter/confirm", data={"csrf_token": csrf_token(page.text), "token": token}
        )
        assert answer.status_code == 400, answer.text
        assert 'href="/newsletter"' in answer.text


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(
    site: TestClient, stack: NewsletterStack
) -> None:
    subscriber = stack.confirmed("leaving@dimos-c.gov.gr")
    path = f"/newsletter/unsubscribe/{quote(stack.unsubscribe_token(subscriber))}"
    shown = site.get(path)
    assert shown.status_code == 200
    assert f'action="{path}"' in shown.text
    site.cookies.clear()
    answer = site.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text

    def left() -> None:
        preferences = stack.client.get(
            f"/preferences/{stack.unsubscribe_token(subscriber)}",
            headers=SERVICE_CALLER,
        )
        assert preferences.json()["state"] == "unsubscribed", preferences.text

    eventually(left, timeout=10)


def test_a_forged_or_altered_unsubscribe_token_is_refused_never_a_500(
    site: TestClient, stack: NewsletterStack
) -> None:
    real = stack.unsubscribe_token(stack.subscriber_id("someone@dimos-c.gov.gr"))
    for token in (real[:-4] + "AAAA", "forged", "a" * 600):
        answer = site.post(f"/newsletter/unsubscribe/{quote(token)}", content=b"")
        assert answer.status_code in (400, 404), (token, answer.status_code)
        assert site.get(f"/newsletter/preferences/{quote(token)}").status_code in (400, 404)


def test_other_posts_still_need_their_csrf_token(site: TestClient, stack: NewsletterStack) -> None:
    site.cookies.clear()
    token = quote(stack.unsubscribe_token(stack.subscriber_id("x@dimos-d.gov.gr")))
    assert (
        site.post(f"/newsletter/preferences/{token}", data={"action": "leave"}).status_code == 403
    )
    assert site.post("/newsletter", data={"email": "a@dimos-d.gov.gr"}).status_code == 403
    assert site.post(f"/newsletter/unsubscribe/{token}/more", content=b"").status_code == 403


def test_preferences_change_the_language(site: TestClient, stack: NewsletterStack) -> None:
    subscriber = stack.confirmed("prefers@dimos-e.gov.gr")
    path = f"/newsletter/preferences/{quote(stack.unsubscribe_token(subscriber))}"
    page = site.get(path)
    saved = site.post(
        path, data={"csrf_token": csrf_token(page.text), "action": "save", "language": "en"}
    )
    assert saved.status_code == 200, saved.text
    assert re.search(r'value="en"\s+checked', saved.text)


def test_the_archive_lists_and_links_its_feed(site: TestClient) -> None:
    page = site.get("/newsletter/archive")
    assert page.status_code == 200
    assert '<link rel="alternate" type="application/atom+xml"' in page.text
    feed = site.get("/newsletter/archive/feed.atom")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<feed" in feed.text
    assert site.get("/newsletter/archive/999").status_code == 404


def test_too_many_subscriptions_from_one_client_are_the_429_page(site: TestClient) -> None:
    statuses = [subscribe(site, f"n{i}@dimos-f.gov.gr")[0] for i in range(SUBMIT_LIMIT + 1)]
    assert statuses[-1] == 429
