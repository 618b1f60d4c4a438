"""The unit's issues: draft, preview, edit on a version, test copy, schedule, send, archive.

One stack for the module (tests/support/newsletter.py): the newsletter as its own process on a
fresh database and topic prefix. The scheduler and the concurrent sends run in this process on
the service's stores (`send_due_issues(stores, now=...)`), on a clock the test moves. The
archive is shared by the module's tests: they compare numbers with each other, never with 1.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contracts import newsletter as contract
from contracts.registration import Language
from contracts.topics import topic_of
from services.newsletter import issue_commands
from services.newsletter.issue_schedule import send_due_issues
from services.newsletter.issues import IssueStatus
from services.newsletter.projections.issues import Issues
from services.newsletter.service import SERVICE
from services.runtime.application import ServiceApplication
from services.runtime.rebuild import rebuild_projection
from tests.membership.conftest import token
from tests.support.kafka import read_topic
from tests.support.newsletter import (
    ADMIN,
    NewsletterStack,
    bearer,
    drafted,
    newsletter_api,
    texts,
)
from tests.support.polling import eventually

ATOM = "{http://www.w3.org/2005/Atom}"
ADMIN_EMAIL = "unit@innovation.gov.gr"
"""The address in `ADMIN`'s token."""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    with newsletter_api(tmp_path_factory.mktemp("newsletter")) as running:
        yield running


def newsletter_events(stack: NewsletterStack) -> list[contract.NewsletterEvent]:
    """Every event on the newsletter's topic, parsed."""
    topic = topic_of("newsletter")
    found = read_topic(f"{stack.prefix}{topic.name}", topic.partitions)
    return [e.parse_event() for _, _, e, _ in found]  # type: ignore[misc]


def codes(answer: httpx.Response) -> list[tuple[str, list[str]]]:
    return [(d["type"], d.get("loc", [])) for d in answer.json()["detail"]]


def test_a_draft_shows_its_sanitised_html_as_the_preview_and_edits_need_the_version(
    stack: NewsletterStack,
) -> None:
    issue_id = drafted(stack, markdown="# Νέα\n\n<script>alert(1)</script> [x](javascript:y)")
    view = stack.client.get(f"/issues/{issue_id}", headers=ADMIN).json()
    assert view["status"] == "draft"
    assert view["version"] == 1
    assert view["texts"]["el"]["html"] == (
        "<h2>Νέα</h2>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:y)</p>"
    )
    assert view["texts"]["el"]["text"] == "# Νέα\n\n<script>alert(1)</script> [x](javascript:y)"
    assert view["texts"]["en"]["html"] == "<p>Good morning <strong>everyone</strong>.</p>"

    edit = {"version": 1, "texts": texts("Διορθωμένο", en=False)}
    answer = stack.client.put(f"/issues/{issue_id}", json=edit, headers=ADMIN)
    assert answer.json() == {"version": 2}
    view = stack.client.get(f"/issues/{issue_id}", headers=ADMIN).json()
    assert set(view["texts"]) == {"el"}
    assert view["texts"]["el"]["subject"] == "Διορθωμένο"

    stale = stack.client.put(f"/issues/{issue_id}", json=edit, headers=ADMIN)
    assert stale.status_code == 409
    assert codes(stale) == [("issue_changed", ["body", "version"])]
    assert stale.json()["detail"][0]["ctx"] == {"version": 2}


def test_refusals_name_their_fields(stack: NewsletterStack) -> None:
    no_greek = {"texts": {"en": {"subject": "S", "markdown": "M"}}}
    answer = stack.client.post("/issues", json=no_greek, headers=ADMIN)
    assert answer.status_code == 422
    assert ("missing", ["body", "texts", "el"]) in codes(answer)

    image_only = {"texts": {"el": {"subject": "S", "markdown": "![x](https://e.gr/x.png)"}}}
    answer = stack.client.post("/issues", json=image_only, headers=ADMIN)
    assert answer.status_code == 422
    assert codes(answer) == [("issue_text_empty", ["body", "texts", "el", "markdown"])]

    answer = stack.client.get(f"/issues/{uuid.uuid4()}", headers=ADMIN)
    assert answer.status_code == 404
    assert codes(answer) == [("issue_not_found", [])]

    member = token("member", body_id="090165560")
    answer = stack.client.post("/issues", json={"texts": texts()}, headers=member)
    assert answer.status_code == 403
    assert stack.client.get("/issues").status_code == 401

    issue_id = drafted(stack)
    past = {"send_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    answer = stack.client.post(f"/issues/{issue_id}/schedule", json=past, headers=ADMIN)
    assert answer.status_code == 422
    assert codes(answer) == [("issue_send_at_past", ["body", "send_at"])]
    answer = stack.client.post(f"/issues/{issue_id}/unschedule", headers=ADMIN)
    assert answer.status_code == 409
    assert codes(answer) == [("issue_wrong_status", [])]


def test_a_test_copy_goes_to_the_staff_members_own_address_sealed_with_the_request(
    stack: NewsletterStack,
) -> None:
    issue_id = drafted(stack)
    answer = stack.client.post(
        f"/issues/{issue_id}/test-copy", json={"language": "en"}, headers=ADMIN
    )
    assert answer.status_code == 202, answer.text
    request_id = uuid.UUID(answer.json()["request_id"])

    def published() -> contract.IssueTestCopyRequested:
        found = [
            e
            for e in newsletter_events(stack)
            if isinstance(e, contract.IssueTestCopyRequested) and e.request_id == request_id
        ]
        assert len(found) == 1
        return found[0]

    copy = eventually(published, timeout=30)
    assert copy.issue_id == uuid.UUID(issue_id)
    assert copy.language == "en"
    assert copy.email.subject_id == request_id
    with stack.stores() as stores:
        assert stores.sealer.unseal(copy.email) == ADMIN_EMAIL
    assert copy.texts[Language.GREEK].html == "<p>Καλημέρα <strong>σε όλους</strong>.</p>"

    no_email = bearer("admin", "staff-without-address")
    answer = stack.client.post(f"/issues/{issue_id}/test-copy", json={}, headers=no_email)
    assert answer.status_code == 422
    assert codes(answer) == [("test_copy_no_email", [])]
    view = stack.client.get(f"/issues/{issue_id}", headers=ADMIN).json()
    assert view["status"] == "draft"  # a test copy sends nothing to subscribers


def test_a_scheduled_issue_is_sent_once_when_due_and_reaches_the_archive(
    stack: NewsletterStack,
) -> None:
    issue_id = drafted(stack, subject="Προγραμματισμένο")
    send_at = datetime.now(UTC) + timedelta(days=1)
    answer = stack.client.post(
        f"/issues/{issue_id}/schedule", json={"send_at": send_at.isoformat()}, headers=ADMIN
    )
    assert answer.json() == {"version": 2}
    listed = stack.client.get("/issues?status=scheduled", headers=ADMIN).json()
    assert issue_id in [i["issue_id"] for i in listed["items"]]

    with stack.stores() as stores:
        assert send_due_issues(stores, now=send_at - timedelta(seconds=1)) == []
        numbers = send_due_issues(stores, now=send_at)
        assert len(numbers) == 1
        assert send_due_issues(stores, now=send_at + timedelta(days=1)) == []
    view = stack.client.get(f"/issues/{issue_id}", headers=ADMIN).json()
    assert (view["status"], view["number"], view["send_at"]) == ("published", numbers[0], None)

    def archived() -> dict[str, Any]:
        answer = stack.client.get(f"/archive/{numbers[0]}")
        assert answer.status_code == 200
        found: dict[str, Any] = answer.json()
        return found

    page = eventually(archived, timeout=30)
    assert page["issue_id"] == issue_id
    assert page["texts"]["el"]["subject"] == "Προγραμματισμένο"

    again = stack.client.post(f"/issues/{issue_id}/send", headers=ADMIN)
    assert again.status_code == 409
    assert again.json()["detail"][0]["ctx"] == {"status": "published"}
    edit = {"version": view["version"], "texts": texts()}
    assert stack.client.put(f"/issues/{issue_id}", json=edit, headers=ADMIN).status_code == 409


def test_concurrent_sends_give_distinct_numbers_and_one_issue_one_number(
    stack: NewsletterStack,
) -> None:
    issue_ids = [uuid.UUID(drafted(stack)) for _ in range(6)]
    same = issue_ids[0]
    with stack.stores() as stores, ThreadPoolExecutor(max_workers=8) as pool:
        app = stores.application
        # Each issue sent twice at once: one of each pair wins, the other is refused.
        futures = [pool.submit(issue_commands.send, app, i, "staff") for i in issue_ids * 2]
        outcomes: list[int | str] = []
        for future in futures:
            try:
                outcomes.append(future.result())
            except Exception as error:  # the loser of a pair
                outcomes.append(type(error).__name__)
    numbers = [o for o in outcomes if isinstance(o, int)]
    refusals = [o for o in outcomes if isinstance(o, str)]
    assert len(numbers) == len(issue_ids)
    assert len(set(numbers)) == len(numbers)
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers)))
    assert refusals == ["Conflict"] * len(issue_ids)
    answer = stack.client.get(f"/issues/{same}", headers=ADMIN)
    assert answer.json()["number"] in numbers

    published = [e for e in newsletter_events(stack) if isinstance(e, contract.IssuePublished)]
    assert len({e.number for e in published}) == len(published)


def test_the_archive_lists_newest_first_and_its_feed_parses(stack: NewsletterStack) -> None:
    first = stack.client.post(f"/issues/{drafted(stack, subject='Πρώτο')}/send", headers=ADMIN)
    second = stack.client.post(f"/issues/{drafted(stack, subject='Δεύτερο')}/send", headers=ADMIN)
    numbers = [first.json()["number"], second.json()["number"]]
    assert numbers[1] == numbers[0] + 1

    def listed() -> dict[str, Any]:
        found: dict[str, Any] = stack.client.get("/archive?page_size=200").json()
        assert numbers[1] in [i["number"] for i in found["items"]]
        return found

    page = eventually(listed, timeout=30)
    shown = [i["number"] for i in page["items"]]
    assert shown == sorted(shown, reverse=True)
    assert page["total"] == len(shown)
    assert page["items"][0]["subjects"] == {"el": "Δεύτερο", "en": "Δεύτερο (en)"}

    feed = stack.client.get("/archive/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - the service under test wrote it
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[:2] == ["Δεύτερο", "Πρώτο"]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    public_url = stack.settings.public_url.rstrip("/")
    assert link.get("href") == f"{public_url}/newsletter/archive/{numbers[1]}"
    assert entries[0].findtext(f"{ATOM}content") == ("<p>Καλημέρα <strong>σε όλους</strong>.</p>")
    assert stack.client.get("/archive/999999").status_code == 404


def test_an_issue_at_its_limits_is_taken_and_html_beyond_the_contracts_is_refused(
    stack: NewsletterStack,
) -> None:
    greek = ("Καινοτομία στο Δημόσιο. " * 2100)[:50_000]
    full = {
        "texts": {
            "el": {"subject": "Σ" * 150, "markdown": greek},
            "en": {"subject": "S" * 150, "markdown": greek},
        }
    }
    body = json.dumps(full, ensure_ascii=True)  # every Greek letter as \\uXXXX: ~600 KB
    answer = stack.client.post(
        "/issues", content=body, headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert answer.status_code == 201, answer.text[:300]

    many_links = ("[a](b) " * 7200)[:50_000]
    too_much = {"texts": {"el": {"subject": "S", "markdown": many_links}}}
    answer = stack.client.post("/issues", json=too_much, headers=ADMIN)
    assert answer.status_code == 422
    assert codes(answer) == [("string_too_long", ["body", "texts", "el", "markdown"])]


def test_the_scheduler_sends_what_is_scheduled_now_not_what_was_once() -> None:
    app = ServiceApplication()  # in memory: the scheduler's reading of the event store
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)
    kept, unscheduled, moved, sent = (
        issue_commands.draft(app, {Language.GREEK: (name, "Κείμενο")}, "staff", now)
        for name in ("kept", "unscheduled", "moved", "sent")
    )
    for issue in (kept, unscheduled, moved, sent):
        issue_commands.schedule(app, issue.id, later, "staff", now)
    issue_commands.unschedule(app, unscheduled.id, "staff", now)
    issue_commands.schedule(app, moved.id, later + timedelta(days=1), "staff", now)
    issue_commands.send(app, sent.id, "staff", now)

    assert issue_commands.publish_due(app, later - timedelta(seconds=1)) == []
    assert issue_commands.publish_due(app, later) == [2]
    assert issue_commands.issue(app, kept.id).number == 2
    assert issue_commands.issue(app, unscheduled.id).status is IssueStatus.DRAFT
    assert issue_commands.publish_due(app, later + timedelta(days=1)) == [3]
    assert issue_commands.publish_due(app, later + timedelta(days=9)) == []


def test_the_archive_rebuilt_from_the_topic_is_the_same(stack: NewsletterStack) -> None:
    sent = stack.client.post(f"/issues/{drafted(stack, subject='Πριν')}/send", headers=ADMIN)
    number = sent.json()["number"]

    def archive() -> dict[str, Any]:
        found: dict[str, Any] = stack.client.get("/archive?page_size=200").json()
        assert found["items"][0]["number"] == number
        return found

    before = eventually(archive, timeout=30)
    settings = stack.settings.model_copy(
        update={"topic_prefix": stack.prefix, "consumer_group_prefix": stack.prefix}
    )
    generation = rebuild_projection(SERVICE, Issues, settings)
    assert generation >= 2
    assert eventually(archive, timeout=30) == before
