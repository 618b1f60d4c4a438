"""The newsletter's acceptance (issue 14) on the real stack.

Registration, membership, the newsletter and notifications run as processes on one topic
prefix, each on a fresh database, with a real SMTP server (aiosmtpd) in the test that keeps
every email with its envelope sender, and the newsletter's own bounce receiver on a free port.
A body becomes a member the real way (registered, designated, verified), its main
representative reading Greek and its alternate English, so membership's `MemberActivated`
subscribes them. Three addresses subscribe on the form, one in English.

In order, on one stack (each test reads what the ones before it did):

1. each subscription sends exactly one confirmation email, whose link confirms;
2. the form's answer is the same bytes for a new, a pending and a confirmed address;
3. issue 1 reaches exactly the confirmed subscribers and the members, once each, in their
   language, with one-click headers that name them;
4. a POST of the one-click token unsubscribes at once; forged or altered tokens are refused;
5. a hard-bounce DSN to a copy's VERP return path and three soft ones hold two addresses;
6. issue 2 reaches neither of them, nor who left;
7. the unit releases the soft-bounced address: issue 3 reaches it again;
8. an unconfirmed request expires after 7 days on a clock the test sets;
9. notifications is SIGKILLed while the SMTP server holds a copy of issue 4 unanswered and
   started again: one distinct Message-ID per subscriber, the duplicates ≤ the crashes and
   equal to the re-sent-after-crash metric;
10. the archive's Atom feed parses and lists the four issues.

The one-click POST goes to the newsletter API's `/unsubscribe` with the token of the received
`List-Unsubscribe` URL, as the gateway's `/newsletter/unsubscribe/{token}` does (the gateway is
not in this stack). The notifications process is killed, not a shared server: not `serial`.
"""

from __future__ import annotations

import smtplib
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import partial
from pathlib import Path
from typing import Any, Final, cast

import httpx
import pytest

from contracts.newsletter import CONFIRMATION_DAYS
from contracts.registration import Language
from services.newsletter.expiry import expire_requests
from services.newsletter.projections import Subscribers
from services.runtime import newsletter_links
from services.runtime.newsletter_links import TokenPurpose, read_subscriber_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from services.runtime.topics import create_topics
from tests.browser import bodies
from tests.browser.stack import GatewayStack
from tests.newsletter.test_bounces import hard_bounce, soft_bounce
from tests.notifications.conftest import Received
from tests.notifications.newsletter_stack import Arrival, EnvelopeKeepingServer
from tests.notifications.test_faults import metric
from tests.registration.conftest import form
from tests.support.kafka import delete_topics
from tests.support.mailbox import read_link
from tests.support.newsletter import ADMIN, SERVICE_CALLER, NewsletterStack
from tests.support.polling import eventually, until
from tests.support.processes import RunningService, free_port, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

SERVICES: Final = ("registration", "membership", "newsletter", "notifications")
PUBLIC_URL: Final = "https://innovnet.example.gov.gr"
RETURN_DOMAIN: Final = "newsletter.innovnet.localhost"
PER_SECOND: Final = 4.0
"""Copies per second: slow enough that a kill lands in the middle of an issue."""
CRASH_AT: Final = 2
"""The copy of the crash issue the SMTP server holds unanswered while the sender is killed."""
CONFIRMATION: Final = "newsletter_confirmation"
ATOM: Final = "{http://www.w3.org/2005/Atom}"

FORM_SUBSCRIBERS: Final = {
    "a": Language.GREEK,
    "b": Language.ENGLISH,
    "c": Language.GREEK,
}
"""Who subscribes on the form, by their part in the story, and in which language."""


@dataclass
class Site:
    """The running services, the SMTP server, the people and the issues sent."""

    stack: GatewayStack
    newsletter: NewsletterStack
    smtp: EnvelopeKeepingServer
    env: dict[str, str]
    tmp_path: Path
    running: ExitStack
    people: dict[str, str] = field(default_factory=dict)
    """Address of each person by their part (a, b, c, main, alternate)."""
    languages: dict[str, Language] = field(default_factory=dict)
    issues: dict[int, uuid.UUID] = field(default_factory=dict)
    """Each sent issue's id by its number in the archive."""
    crashes: int = 0

    @property
    def notifications(self) -> RunningService:
        return self.stack.services["notifications"]

    def restart_notifications(self) -> RunningService:
        """A new notifications process on the same database and consumer groups."""
        process = service_process("notifications", self.env, self.tmp_path, port=free_port())
        restarted = self.running.enter_context(process)
        self.stack.services["notifications"] = restarted
        return restarted

    def copies_of(self, number: int) -> list[Arrival]:
        """What the SMTP server received of issue `number` (re-sends included), in order."""
        issue = str(self.issues[number])
        return [
            arrival
            for arrival in list(self.smtp.arrivals)
            if arrival.received.message["X-Innovnet-Issue"] == issue
        ]

    def state_of(self, who: str) -> str:
        """The subscriber's state, as their preferences page reads it."""
        token = self.newsletter.unsubscribe_token(self.newsletter.subscriber_id(self.people[who]))
        answer = self.newsletter.client.get(f"/preferences/{token}", headers=SERVICE_CALLER)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["state"])

    def wait_state(self, who: str, state: str, timeout: float = 60) -> None:
        def reached() -> None:
            assert self.state_of(who) == state, f"{who}: {self.state_of(who)}, not {state}"

        eventually(reached, timeout=timeout, interval=0.2)

    def send_issue(self, number: int) -> uuid.UUID:
        """The unit writes issue `number` in Greek and English and sends it now."""
        texts = {
            "el": {"subject": f"Τεύχος {number}", "markdown": f"Νέα του **Δικτύου**, {number}."},
            "en": {"subject": f"Issue {number}", "markdown": f"News of the **Network**, {number}."},
        }
        client = self.newsletter.client
        drafted = client.post("/issues", json={"texts": texts}, headers=ADMIN)
        assert drafted.status_code == 201, drafted.text
        issue = uuid.UUID(drafted.json()["issue_id"])
        self.issues[number] = issue
        sent = client.post(f"/issues/{issue}/send", headers=ADMIN)
        assert sent.status_code == 200, sent.text
        assert sent.json()["number"] == number
        return issue

    def progress(self, number: int) -> dict[str, int]:
        with httpx.Client(base_url=self.notifications.base_url, headers=ADMIN) as client:
            answer = client.get(f"/newsletter/issues/{self.issues[number]}/progress", timeout=10)
        assert answer.status_code == 200, answer.text  # 404 until the issue is folded in
        return dict(answer.json())

    def wait_sent(self, number: int, timeout: float = 90) -> dict[str, int]:
        """The issue's progress once its copies exist and none is pending."""

        def done() -> dict[str, int]:
            progress = self.progress(number)
            assert progress["total"] > 0, progress  # all zero until the copies exist
            assert progress["pending"] == 0, progress
            return progress

        return eventually(done, timeout=timeout, interval=0.3)

    def who_got(self, number: int) -> dict[str, list[Received]]:
        """The copies of issue `number` by the part of who got them."""
        by_address = {address.lower(): who for who, address in self.people.items()}
        got: dict[str, list[Received]] = {}
        for arrival in self.copies_of(number):
            (to,) = arrival.received.to
            got.setdefault(by_address.get(to.lower(), to), []).append(arrival.received)
        return got


def register_member_body(stack: GatewayStack) -> bodies.Body:
    """A body registered, designated and verified; its main reads Greek, its alternate English."""
    main_email = bodies.new_email("main")
    alternate_email = bodies.new_email("alternate")
    filled: dict[str, Any] = form(bodies.next_tax_id(), with_alternate=True)
    filled["main"].update(email=main_email, language="el")
    filled["alternate"].update(email=alternate_email, language="en")
    with stack.api("registration", bodies.bearer("applicant", email=main_email)) as api:
        answer = api.post("/registrations", json=filled)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    ids = {ref["role"]: ref["id"] for ref in created["representatives"]}
    body = bodies.Body(
        created["id"],
        filled["body"]["tax_id"],
        filled["body"]["name"],
        main_email,
        ids["main"],
        alternate_email,
        ids["alternate"],
    )
    bodies.send_designation(stack, body)
    assert bodies.verify_designation(stack, body.registration_id)["status"] == "active"
    return body


def _answers(service: RunningService) -> None:
    assert service.process.poll() is None, f"{service.name} exited:\n{service.log()}"
    httpx.get(f"{service.base_url}/health", timeout=1).raise_for_status()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp_path = tmp_path_factory.mktemp("newsletter-acceptance")
    smtp = EnvelopeKeepingServer()
    smtp.start()
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    ports = {name: free_port() for name in SERVICES}
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            databases = {name: running.enter_context(fresh_database(name)) for name in SERVICES}
            env = {
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "INNOVNET_PUBLIC_URL": PUBLIC_URL,
                "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
                "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
                "NOTIFICATIONS_NEWSLETTER_EVERY_SECONDS": "0.2",
                "NOTIFICATIONS_NEWSLETTER_PER_SECOND": str(PER_SECOND),
                "NOTIFICATIONS_NEWSLETTER_RETRY_BASE_SECONDS": "1",
                "NEWSLETTER_BOUNCE_PORT": str(free_port()),
                "NEWSLETTER_RETURN_DOMAIN": RETURN_DOMAIN,
                **{f"{name.upper()}_DATABASE_URL": url for name, url in databases.items()},
            }
            services = {
                name: running.enter_context(
                    service_process(name, env, tmp_path, wait=False, port=ports[name])
                )
                for name in SERVICES
            }
            for service in services.values():
                eventually(partial(_answers, service), timeout=90, interval=0.2)
            stack = GatewayStack(services, smtp, PUBLIC_URL, prefix)
            client = running.enter_context(
                httpx.Client(base_url=services["newsletter"].base_url, timeout=30)
            )
            newsletter = NewsletterStack(
                client, prefix, databases["newsletter"], services["newsletter"]
            )
            site = Site(stack, newsletter, smtp, env, tmp_path, running)
            body = register_member_body(stack)
            assert body.alternate_email is not None
            site.people.update(main=body.main_email, alternate=body.alternate_email)
            site.languages.update(main=Language.GREEK, alternate=Language.ENGLISH)
            yield site
    finally:
        delete_topics(prefix)
        smtp.stop()


def confirmations_to(site: Site, address: str) -> list[Received]:
    address = address.lower()
    return [
        received
        for received in site.smtp.emails()
        if address in (to.lower() for to in received.to) and received.template == CONFIRMATION
    ]


def confirm_token(site: Site, address: str, since: int = 0) -> str:
    link = read_link(
        site.smtp, to=address, contains="/newsletter/confirm?token=", since=since, timeout=60
    )
    assert link.startswith(f"{PUBLIC_URL}/newsletter/confirm?token="), link
    return link.partition("token=")[2]


# 1-2. The form, its confirmation email and its one answer.


def test_a_subscription_sends_exactly_one_confirmation_email_whose_link_confirms(
    site: Site,
) -> None:
    for who, language in FORM_SUBSCRIBERS.items():
        address = f"{who}.{uuid.uuid4().hex[:8]}@athens.gov.gr"
        site.people[who], site.languages[who] = address, language
        answer = site.newsletter.subscribe(address, language)
        assert answer.status_code == 202, answer.text
    for who in FORM_SUBSCRIBERS:
        token = confirm_token(site, site.people[who])
        confirmed = site.newsletter.client.post(
            "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json() == {"language": site.languages[who].value}
        site.wait_state(who, "confirmed")
    for who in FORM_SUBSCRIBERS:
        received = confirmations_to(site, site.people[who])
        assert len(received) == 1, [r.to for r in received]
        expected = (
            "Επιβεβαιώστε" if site.languages[who] is Language.GREEK else "Confirm your subscription"
        )
        assert str(received[0].message["Subject"]).startswith(expected)
    forged = site.newsletter.client.post(
        "/subscriptions/confirm", json={"token": "x" + token[1:]}, headers=SERVICE_CALLER
    )
    assert forged.status_code == 422, forged.text


def test_the_subscribe_answer_is_the_same_bytes_for_a_new_a_pending_and_a_confirmed_address(
    site: Site,
) -> None:
    pending = f"pending.{uuid.uuid4().hex[:8]}@athens.gov.gr"
    site.people["pending"] = pending
    first = site.newsletter.subscribe(pending)
    assert first.status_code == 202, first.text
    confirm_token(site, pending)  # it is pending now: its email went out
    confirmed = site.newsletter.subscribe(site.people["a"])
    again = site.newsletter.subscribe(pending)
    new = f"new.{uuid.uuid4().hex[:8]}@athens.gov.gr"
    answers = {"new": site.newsletter.subscribe(new), "pending": again, "confirmed": confirmed}
    shapes = {(a.status_code, a.headers["content-type"], a.content) for a in answers.values()}
    assert len(shapes) == 1, {who: (a.status_code, a.content) for who, a in answers.items()}
    assert {a.status_code for a in answers.values()} == {202}
    # The new address's email went out after the confirmed one's request was handled: the
    # confirmed address got no second confirmation email and stays confirmed.
    confirm_token(site, new)
    assert len(confirmations_to(site, site.people["a"])) == 1
    assert site.state_of("a") == "confirmed"


# 3. An issue to the confirmed subscribers and the members.


def test_an_issue_reaches_the_confirmed_subscribers_and_the_members_once_each_in_their_language(
    site: Site,
) -> None:
    site.wait_state("main", "confirmed")
    site.wait_state("alternate", "confirmed")
    site.send_issue(1)
    progress = site.wait_sent(1)
    got = site.who_got(1)
    receivers = {"a", "b", "c", "main", "alternate"}
    assert set(got) == receivers, sorted(got)
    assert progress == {"total": 5, "sent": 5, "failed": 0, "pending": 0, "skipped": 0}
    message_ids = set()
    for who, copies in got.items():
        assert len(copies) == 1, f"{who} got {len(copies)} copies"
        (copy,) = copies
        message_ids.add(copy.message_id)
        language = site.languages[who].value
        assert copy.message["Content-Language"] == language
        subject = "Τεύχος 1" if language == "el" else "Issue 1"
        assert copy.message["Subject"] == subject
        word = "Δικτύου" if language == "el" else "Network"
        assert f"**{word}**, 1." in copy.part("plain"), "the text part is the Markdown"
        assert f"<strong>{word}</strong>, 1." in copy.part("html")
        subscriber = site.newsletter.subscriber_id(site.people[who])
        https, mailto = one_click(copy)
        assert https.startswith(f"{PUBLIC_URL}/newsletter/unsubscribe/")
        assert (
            read_subscriber_token(
                DEVELOPMENT_JWT_SECRET, https.rsplit("/", 1)[1], TokenPurpose.UNSUBSCRIBE
            )
            == subscriber
        )
        local, _, domain = parseaddr(mailto.removeprefix("mailto:"))[1].partition("@")
        assert domain == RETURN_DOMAIN
        assert local.startswith("unsubscribe+")
        assert copy.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert copy.message["Precedence"] == "bulk"
        assert f"{PUBLIC_URL}/newsletter/preferences/" in copy.part("plain")
    assert len(message_ids) == len(receivers), "one Message-ID per subscriber"
    assert site.people["pending"] not in {to for c in got.values() for to in c[0].to}


def one_click(copy: Received) -> tuple[str, str]:
    """The https URL and the mailto of a copy's `List-Unsubscribe`."""
    https, mailto = (
        v.strip().strip("<>") for v in str(copy.message["List-Unsubscribe"]).split(",")
    )
    return https, mailto


def return_path_of(site: Site, who: str) -> str:
    """The envelope sender the SMTP server saw on `who`'s copy of issue 1."""
    address = site.people[who].lower()
    for arrival in site.copies_of(1):
        if arrival.received.to[0].lower() == address:
            return arrival.mail_from
    raise AssertionError(f"no copy of issue 1 to {who}")


# 4-7. Leaving, bounces, holds and a release, each seen by the next issue.


def test_a_post_of_the_one_click_url_unsubscribes_and_forged_tokens_are_refused(
    site: Site,
) -> None:
    (copy,) = site.who_got(1)["b"]
    https, _ = one_click(copy)
    token = https.rsplit("/", 1)[1]

    def unsubscribe(token: str) -> httpx.Response:
        body = {"token": token, "reason": "one_click"}
        return site.newsletter.client.post("/unsubscribe", json=body, headers=SERVICE_CALLER)

    altered = token[:-1] + ("a" if token[-1] != "a" else "b")
    other_subscriber = token[:3] + ("a" if token[3] != "a" else "b") + token[4:]
    bounce_purpose = newsletter_links.subscriber_token(
        DEVELOPMENT_JWT_SECRET, site.newsletter.subscriber_id(site.people["b"]), TokenPurpose.BOUNCE
    )
    other_secret = newsletter_links.subscriber_token(
        "not-the-secret-" * 4,
        site.newsletter.subscriber_id(site.people["b"]),
        TokenPurpose.UNSUBSCRIBE,
    )
    for forged in (altered, other_subscriber, bounce_purpose, other_secret, token[:-2]):
        refused = unsubscribe(forged)
        assert refused.status_code == 422, (forged, refused.text)
        assert refused.json()["detail"][0]["type"] == "newsletter_link_invalid", refused.text
    assert site.state_of("b") == "confirmed", "a forged token changed nothing"
    done = unsubscribe(token)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "unsubscribed"
    assert unsubscribe(token).status_code == 200, "a second POST changes nothing"


def send_dsn(site: Site, return_path: str, report: bytes) -> None:
    """A relay's delivery status notification, over SMTP, to the newsletter's bounce receiver."""
    with smtplib.SMTP("127.0.0.1", int(site.env["NEWSLETTER_BOUNCE_PORT"]), timeout=10) as smtp:
        smtp.sendmail("", [return_path], report)


def held(site: Site) -> dict[str, str | None]:
    page = site.newsletter.client.get("/subscribers", params={"state": "held"}, headers=ADMIN)
    assert page.status_code == 200, page.text
    return {item["email"]: item["reason"] for item in page.json()["items"]}


def test_a_hard_bounce_or_three_soft_ones_to_the_return_path_hold_the_address(
    site: Site,
) -> None:
    hard, soft = return_path_of(site, "a"), return_path_of(site, "c")
    assert hard.startswith("bounces+"), hard
    assert hard.endswith(f"@{RETURN_DOMAIN}"), hard
    send_dsn(site, hard, hard_bounce(hard, site.people["a"]))
    for _ in range(2):
        send_dsn(site, soft, soft_bounce(soft, site.people["c"]))
    site.wait_state("a", "held")
    assert site.state_of("c") == "confirmed", "two soft bounces do not hold"
    send_dsn(site, soft, soft_bounce(soft, site.people["c"]))
    site.wait_state("c", "held")

    def listed() -> None:
        found = held(site)
        assert found.get(site.people["a"]) == "hard_bounce", found
        assert found.get(site.people["c"]) == "soft_bounces", found

    eventually(listed, timeout=60)
    forged = hard[: len("bounces+") + 3] + "zzz" + hard[len("bounces+") + 6 :]
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_dsn(site, forged, hard_bounce(forged, site.people["main"]))


def test_the_next_issue_reaches_neither_the_held_nor_who_left(site: Site) -> None:
    site.send_issue(2)
    progress = site.wait_sent(2)
    got = site.who_got(2)
    assert set(got) == {"main", "alternate"}, sorted(got)
    assert all(len(copies) == 1 for copies in got.values())
    assert progress == {"total": 2, "sent": 2, "failed": 0, "pending": 0, "skipped": 0}


def test_the_unit_releases_an_address_and_it_receives_the_next_issue(site: Site) -> None:
    subscriber = site.newsletter.subscriber_id(site.people["c"])
    released = site.newsletter.client.post(f"/subscribers/{subscriber}/release", headers=ADMIN)
    assert released.status_code == 200, released.text
    assert released.json() == {"state": "confirmed"}
    site.wait_state("c", "confirmed")
    until(lambda: site.people["c"] not in held(site), timeout=60, what="c off the held list")
    site.send_issue(3)
    site.wait_sent(3)
    got = site.who_got(3)
    assert set(got) == {"c", "main", "alternate"}, sorted(got)
    assert [copy.message["Content-Language"] for copy in got["c"]] == ["el"]


# 8. The expiry of unconfirmed requests, on the test's clock.


def test_an_unconfirmed_request_expires_after_seven_days(site: Site) -> None:
    late = f"late.{uuid.uuid4().hex[:8]}@athens.gov.gr"
    site.people["late"] = late
    requested_at = datetime.now(UTC)
    assert site.newsletter.subscribe(late).status_code == 202
    token = confirm_token(site, late)
    site.wait_state("late", "pending")
    subscriber = site.newsletter.subscriber_id(late)
    six_days = requested_at + timedelta(days=CONFIRMATION_DAYS - 1)
    week = requested_at + timedelta(days=CONFIRMATION_DAYS, minutes=5)
    with site.newsletter.stores() as stores:
        read_model = cast(Subscribers, stores.projections[Subscribers.name])
        # The job's candidates come from the read model: wait until it knows the request.
        until(lambda: subscriber in read_model.lapsing(week), timeout=60, what="request folded")
        assert subscriber not in read_model.lapsing(six_days)
        expire_requests(stores, now=six_days)
        assert site.state_of("late") == "pending", "not after six days"
        assert expire_requests(stores, now=week) >= 1
    assert site.state_of("late") == "expired", "after seven days"
    # The link is followed too late: refused, though its signature has not run out yet.
    answer = site.newsletter.client.post(
        "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
    )
    assert answer.status_code == 410, answer.text
    assert answer.json()["detail"][0]["type"] == "newsletter_link_expired"


# 9. A crash in the middle of an issue.


def test_notifications_killed_mid_issue_resends_at_most_the_copy_in_flight(site: Site) -> None:
    crashed = threading.Event()
    killed = site.notifications

    def kill_before_the_relay_answers(got: Received) -> None:
        issue = site.issues.get(4)
        if crashed.is_set() or issue is None or got.message["X-Innovnet-Issue"] != str(issue):
            return
        if len(site.copies_of(4)) + 1 >= CRASH_AT:  # this one is not among the arrivals yet
            crashed.set()
            killed.kill()

    site.smtp.on_data = kill_before_the_relay_answers
    try:
        site.send_issue(4)
        until(crashed.is_set, timeout=90, what=f"copy {CRASH_AT} of issue 4 arrived")
    finally:
        site.smtp.on_data = None
    site.crashes += 1
    restarted = site.restart_notifications()
    progress = site.wait_sent(4)
    resent = metric(restarted.base_url, "innovnet_newsletter_copies_resent_after_crash_total")
    copies = site.copies_of(4)
    got = site.who_got(4)
    duplicates = len(copies) - len(got)
    print(
        f"\nissue 4: {len(got)} subscribers, {len(copies)} copies received "
        f"(SIGKILL while the server held copy {CRASH_AT}), {site.crashes} crash(es), "
        f"{duplicates} duplicate(s), resent-after-crash metric {resent:g}, progress {progress}"
    )
    assert set(got) == {"c", "main", "alternate"}, sorted(got)
    message_ids = {who: {c.message_id for c in received} for who, received in got.items()}
    assert all(len(ids) == 1 for ids in message_ids.values()), message_ids
    assert len(set().union(*message_ids.values())) == len(got), "distinct across subscribers"
    assert duplicates <= site.crashes
    assert duplicates == resent, "every duplicate is a counted re-send after the crash"
    assert progress == {"total": 3, "sent": 3, "failed": 0, "pending": 0, "skipped": 0}


# 10. The archive.


def test_the_archive_feed_parses_and_lists_the_sent_issues(site: Site) -> None:
    answer = site.newsletter.client.get("/archive/feed.atom")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)  # noqa: S314 - the service under test wrote it
    assert feed.tag == f"{ATOM}feed"
    ids = [entry.findtext(f"{ATOM}id", "") for entry in feed.iter(f"{ATOM}entry")]
    assert sorted(ids) == sorted(f"urn:uuid:{issue}" for issue in site.issues.values()), ids
    titles = {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}
    assert {f"Τεύχος {n}" for n in site.issues} <= titles, titles
