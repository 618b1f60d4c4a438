"""An issue of the newsletter delivered over real Kafka, PostgreSQL and SMTP, a crash included.

Thirty subscribers receive (some in English), one was put on hold and one left before the
issue; one more leaves while the issue is being sent. The notifications process is killed
(SIGKILL) while the SMTP server holds the tenth copy unanswered, then started again: every
subscriber who receives gets one copy (one distinct Message-ID) in their language, the only
duplicate is that one copy, counted by the metric, and the pace stays within the setting.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from email.utils import parseaddr

import pytest

from contracts import newsletter as nl
from contracts.registration import Language
from services.runtime.newsletter_links import NotOurToken, TokenPurpose, read_subscriber_token
from services.runtime.settings import ServiceSettings
from tests.notifications.conftest import Received
from tests.notifications.newsletter_stack import (
    NOW,
    NewsletterStack,
    newsletter_stack,
    published,
)
from tests.notifications.test_faults import metric
from tests.support.polling import eventually, until

PER_SECOND = 8.0
RECEIVING = 30
CRASH_AT = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    env = {
        "NOTIFICATIONS_NEWSLETTER_PER_SECOND": str(PER_SECOND),
        "NOTIFICATIONS_NEWSLETTER_RETRY_BASE_SECONDS": "1",
    }
    with newsletter_stack(tmp_path_factory.mktemp("newsletter-delivery"), env) as running:
        yield running


def address(subscriber: uuid.UUID) -> str:
    return f"reader-{subscriber.hex[:12]}@example.gov.gr"


def test_an_issue_reaches_each_subscriber_once_in_their_language_through_a_crash(
    stack: NewsletterStack,
) -> None:
    receiving = sorted(uuid.uuid4() for _ in range(RECEIVING))
    english = set(receiving[::3])
    held, left = uuid.uuid4(), uuid.uuid4()
    for subscriber in [*receiving, held, left]:
        language = Language.ENGLISH if subscriber in english else Language.GREEK
        stack.confirm(subscriber, address(subscriber), language)
    stack.publish(
        held,
        nl.SubscriptionHeld(subscriber_id=held, reason=nl.HoldReason.HARD_BOUNCE, held_at=NOW),
    )
    stack.publish(
        left,
        nl.Unsubscribed(
            subscriber_id=left, reason=nl.UnsubscribeReason.ONE_CLICK, unsubscribed_at=NOW
        ),
    )
    leaving = receiving[-1]  # sent last: it leaves while the copies before it are sent
    issue = uuid.uuid4()

    crashed = threading.Event()

    def crash_before_the_relay_answers(got: Received) -> None:
        if len(stack.smtp.emails()) >= CRASH_AT and not crashed.is_set():
            crashed.set()
            assert stack.notifications is not None
            os.kill(stack.notifications.process.pid, signal.SIGKILL)

    stack.smtp.on_data = crash_before_the_relay_answers
    with stack.client() as client:
        assert client.get(f"/newsletter/issues/{issue}/progress").status_code == 404
    stack.publish(issue, published(issue, 1))
    until(crashed.is_set, timeout=60, what="the tenth copy reached the SMTP server")
    stack.smtp.on_data = None
    stack.publish(
        leaving,
        nl.Unsubscribed(
            subscriber_id=leaving, reason=nl.UnsubscribeReason.PREFERENCES, unsubscribed_at=NOW
        ),
    )

    restarted = stack.restart()
    with stack.client() as client:

        def all_done() -> dict[str, int]:
            progress = client.get(f"/newsletter/issues/{issue}/progress").json()
            assert progress["pending"] == 0, progress
            return dict(progress)

        progress = eventually(all_done, timeout=90)
    resent = metric(restarted.base_url, "innovnet_newsletter_copies_resent_after_crash_total")

    arrivals = stack.smtp.arrivals
    by_subscriber: dict[uuid.UUID, list[Received]] = {}
    for arrival in arrivals:
        subscriber = subscriber_of(arrival.received)
        by_subscriber.setdefault(subscriber, []).append(arrival.received)
        # The envelope sender is the subscriber's own VERP return path.
        local, _, domain = arrival.mail_from.partition("@")
        assert domain == "newsletter.innovnet.localhost"
        assert local.startswith("bounces+")
        token = local.removeprefix("bounces+")
        assert read_subscriber_token(secret(), token, TokenPurpose.BOUNCE) == subscriber

    expected = set(receiving) - {leaving}
    sent_to = set(by_subscriber)
    assert expected <= sent_to <= set(receiving), "copies only to those who receive"
    for subscriber, copies in by_subscriber.items():
        assert len({c.message_id for c in copies}) == 1, f"one Message-ID for {subscriber}"
        assert copies[0].to == [address(subscriber)]
        subject = str(copies[0].message["Subject"])
        content_language = str(copies[0].message["Content-Language"])
        if subscriber in english:
            assert (content_language, subject) == ("en", "Issue 1: news of the Network")
            assert "Good practices" in copies[0].part("plain")
        else:
            assert (content_language, subject) == ("el", "Τεύχος 1: νέα του Δικτύου")
            assert "Καλές πρακτικές" in copies[0].part("plain")
    duplicates = len(arrivals) - len(by_subscriber)
    print(f"\n{len(arrivals)} copies received, {duplicates} duplicate(s) after one crash")
    assert duplicates <= 1
    assert resent == duplicates == 1, "the copy in flight at the crash was sent again, counted"
    left_in_time = leaving not in sent_to
    assert progress == {
        "total": RECEIVING,
        "sent": RECEIVING - 1 if left_in_time else RECEIVING,
        "failed": 0,
        "pending": 0,
        "skipped": 1 if left_in_time else 0,
    }

    def gauge_counts_them() -> None:  # set at the end of the run, just after the last copy
        gauge = metric(restarted.base_url, "innovnet_newsletter_copies", status="sent")
        assert gauge == progress["sent"]

    eventually(gauge_counts_them, timeout=10)

    # The pace after the restart: no faster than the setting (a little slack for timers).
    after = [a.at for a in arrivals[CRASH_AT:]]
    rate = (len(after) - 1) / (after[-1] - after[0])
    print(f"pace after the restart: {rate:.1f} copies/s (setting {PER_SECOND})")
    assert rate <= PER_SECOND * 1.25


def test_each_copy_carries_one_click_headers_that_name_its_subscriber(
    stack: NewsletterStack,
) -> None:
    """RFC 8058 and RFC 2369 headers, parsed from a received copy, and the footer's links."""
    copies = [a.received for a in stack.smtp.arrivals]
    assert copies, "the delivery test sends the copies this test reads"
    public_url = ServiceSettings(service="notifications").public_url.rstrip("/")
    for copy in copies[:5]:
        subscriber = subscriber_of(copy)
        message = copy.message
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Precedence"] == "bulk"
        assert message["List-Id"] == "<newsletter.innovnet.localhost>"
        https, mailto = (v.strip().strip("<>") for v in str(message["List-Unsubscribe"]).split(","))
        assert https.startswith(f"{public_url}/newsletter/unsubscribe/")
        token = https.rsplit("/", 1)[1]
        assert read_subscriber_token(secret(), token, TokenPurpose.UNSUBSCRIBE) == subscriber
        local, _, domain = parseaddr(mailto.removeprefix("mailto:"))[1].partition("@")
        assert domain == "newsletter.innovnet.localhost"
        mailto_token = local.removeprefix("unsubscribe+")
        assert read_subscriber_token(secret(), mailto_token, TokenPurpose.UNSUBSCRIBE) == subscriber
        assert https in copy.part("html")
        assert https in copy.part("plain")
        assert f"{public_url}/newsletter/preferences/{token}" in copy.part("plain")
    tampered = token[:-1] + ("a" if token[-1] != "a" else "b")
    with pytest.raises(NotOurToken):
        read_subscriber_token(secret(), tampered, TokenPurpose.UNSUBSCRIBE)


def subscriber_of(copy: Received) -> uuid.UUID:
    """The subscriber a copy was for, from its one-click URL's token."""
    https = str(copy.message["List-Unsubscribe"]).split(",")[0].strip().strip("<>")
    return read_subscriber_token(secret(), https.rsplit("/", 1)[1], TokenPurpose.UNSUBSCRIBE)


def secret() -> str:
    return ServiceSettings(service="notifications").jwt_secret


def test_the_next_issue_goes_once_to_those_who_still_receive(stack: NewsletterStack) -> None:
    """A second issue: its own copies, one Message-ID each, none to who left meanwhile."""
    issue = uuid.uuid4()
    stack.publish(issue, published(issue, 2))
    with stack.client() as client:

        def done() -> dict[str, int]:
            answer = client.get(f"/newsletter/issues/{issue}/progress")
            assert answer.status_code == 200, answer.text  # 404 until the issue is folded
            progress = answer.json()
            assert progress["total"] > 0, progress  # all zero until the sender expands it
            assert progress["pending"] == 0, progress
            return dict(progress)

        progress = eventually(done, timeout=60)
    # The one who left during the first issue is not among the second's copies.
    assert progress == {
        "total": RECEIVING - 1,
        "sent": RECEIVING - 1,
        "failed": 0,
        "pending": 0,
        "skipped": 0,
    }
    ids = Counter(a.received.message_id for a in stack.smtp.arrivals[-progress["sent"] :])
    assert max(ids.values()) == 1


def test_a_refused_copy_is_failed_and_a_deferred_one_sent_later(stack: NewsletterStack) -> None:
    """5xx: the copies fail at once; 4xx: they are tried again after the backoff, then sent."""
    assert stack.notifications is not None
    base_url = stack.notifications.base_url

    def progress_of(issue: uuid.UUID) -> dict[str, int]:
        with stack.client() as client:
            answer = client.get(f"/newsletter/issues/{issue}/progress")
        assert answer.status_code == 200, answer.text
        progress = dict(answer.json())
        assert progress["total"] > 0, progress
        assert progress["pending"] == 0, progress
        return progress

    refused, deferred = uuid.uuid4(), uuid.uuid4()
    stack.smtp.answer = "550 5.7.1 not here"
    stack.publish(refused, published(refused, 3))
    progress = eventually(lambda: progress_of(refused), timeout=60)
    assert (progress["failed"], progress["sent"]) == (RECEIVING - 1, 0)

    retried_before = metric(base_url, "innovnet_newsletter_copies_failed_total", outcome="retry")
    stack.smtp.answer = "451 4.3.0 try again later"
    before = len(stack.smtp.arrivals)
    stack.publish(deferred, published(deferred, 4))

    def deferred_some() -> None:
        retried = metric(base_url, "innovnet_newsletter_copies_failed_total", outcome="retry")
        assert retried >= retried_before + 3

    eventually(deferred_some, timeout=60)
    stack.smtp.answer = "250 OK"
    progress = eventually(lambda: progress_of(deferred), timeout=90)
    assert (progress["sent"], progress["failed"]) == (RECEIVING - 1, 0)
    ids = Counter(a.received.message_id for a in stack.smtp.arrivals[before:])
    assert len(ids) == RECEIVING - 1
    assert max(ids.values()) == 1
