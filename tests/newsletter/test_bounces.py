"""The bounce receiver: real delivery status notifications sent over SMTP, then on the service.

The first tests send RFC 3464 reports (as Postfix writes them), an auto-reply, garbage and a
hostile report with smtplib to a receiver on a free port, in this process, whose application
only records what it is asked. The last ones send them to the return paths of the running
newsletter service's receiver: a hard bounce, or three soft ones, put a confirmed address on
hold, a mail to the unsubscribe address unsubscribes, and a receiver that cannot bind its port
shows in `/ready`.
"""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest
from prometheus_client import REGISTRY

from contracts.newsletter import BounceKind, UnsubscribeReason
from services.newsletter.bounces import BounceHandler, BounceReceiver
from services.newsletter.settings import DEFAULT_RETURN_DOMAIN
from services.runtime import newsletter_links
from services.runtime.newsletter_links import TokenPurpose
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.support.newsletter import SERVICE_CALLER, NewsletterStack, newsletter_api
from tests.support.polling import eventually
from tests.support.processes import free_port, service_process

SECRET = DEVELOPMENT_JWT_SECRET
DOMAIN = DEFAULT_RETURN_DOMAIN


def delivery_report(return_path: str, recipient: str, *, action: str, status: str) -> bytes:
    """A multipart/report DSN (RFC 3464) as Postfix sends it back to a copy's return path."""
    delayed = action == "delayed"
    subject = (
        "Delayed Mail (still being retried)" if delayed else "Undelivered Mail Returned to Sender"
    )
    diagnostic = (
        "452 4.2.2 <{r}>: Mailbox full, quota exceeded"
        if status.startswith("4")
        else "550 5.1.1 <{r}>: Recipient address rejected: User unknown in local recipient table"
    ).format(r=recipient)
    retry = "Will-Retry-Until: Sat, 5 Dec 2026 09:12:04 +0200 (EET)\n" if delayed else ""
    return f"""\
Return-Path: <>
Received: by mx1.athens.gov.gr (Postfix) id 4F3A21C0E2; Tue,  1 Dec 2026 09:12:04 +0200 (EET)
Date: Tue,  1 Dec 2026 09:12:04 +0200 (EET)
From: MAILER-DAEMON@mx1.athens.gov.gr (Mail Delivery System)
Subject: {subject}
To: {return_path}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F3A21C0E2.1764573124/mx1.athens.gov.gr"
Message-Id: <20261201071204.4F3A21C0E2@mx1.athens.gov.gr>

This is a MIME-encapsulated message.

--4F3A21C0E2.1764573124/mx1.athens.gov.gr
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.athens.gov.gr.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mail.athens.gov.gr[10.0.0.7] said: {diagnostic}

--4F3A21C0E2.1764573124/mx1.athens.gov.gr
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.athens.gov.gr
X-Postfix-Queue-ID: 4F3A21C0E2
X-Postfix-Sender: rfc822; {return_path}
Arrival-Date: Tue,  1 Dec 2026 09:11:58 +0200 (EET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.athens.gov.gr
Diagnostic-Code: smtp; {diagnostic}
{retry}
--4F3A21C0E2.1764573124/mx1.athens.gov.gr
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{return_path}>
From: =?utf-8?q?=CE=9D=CE=AD=CE=B1?= <newsletter@innovnet.gov.gr>
To: {recipient}
Subject: =?utf-8?q?=CE=A4=CE=B5=CF=8D=CF=87=CE=BF=CF=82_1?=
Message-ID: <5b9e0f1a-3c44-5e1b-9a53-0d7c2f1e8a11@newsletter.innovnet>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Precedence: bulk

--4F3A21C0E2.1764573124/mx1.athens.gov.gr--
""".replace("\n", "\r\n").encode()


def hard_bounce(return_path: str, recipient: str) -> bytes:
    return delivery_report(return_path, recipient, action="failed", status="5.1.1")


def soft_bounce(return_path: str, recipient: str) -> bytes:
    return delivery_report(return_path, recipient, action="delayed", status="4.2.2")


def auto_reply(return_path: str) -> bytes:
    """An out-of-office answer that went to the return path: no failure in it."""
    return f"""\
From: Maria Papadopoulou <m.papadopoulou@athens.gov.gr>
To: {return_path}
Subject: =?utf-8?q?=CE=95=CE=BA=CF=84=CF=8C=CF=82_=CE=B3=CF=81=CE=B1=CF=86=CE=B5=CE=AF=CE=BF=CF=85?=
Auto-Submitted: auto-replied
X-Autoreply: yes
Date: Tue, 1 Dec 2026 09:20:00 +0200
Message-ID: <ooo-1@athens.gov.gr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am out of the office until 7 December with no access to email.
For urgent matters please contact the secretariat.
""".replace("\n", "\r\n").encode()


GARBAGE = b"\r\n".join(bytes((line * 7 + i) % 256 for i in range(76)) for line in range(200))
"""Binary noise in lines of 76 bytes: no headers, NUL bytes, bare carriage returns and line
feeds, invalid UTF-8."""


def hostile_report(return_path: str) -> bytes:
    """A report whose recipient is not ASCII: the DSN detector gives up on it (unreadable)."""
    report = hard_bounce(return_path, "nobody@athens.gov.gr")
    return report.replace(b"rfc822; nobody@", "rfc822; δοκιμή@".encode()).replace(
        b"rfc822;nobody@", "rfc822;δοκιμή@".encode()
    )


@dataclass
class Recorded:
    """What the receiver asked of the application, in order."""

    bounces: list[tuple[UUID, BounceKind]] = field(default_factory=list)
    unsubscribed: list[tuple[UUID, UnsubscribeReason]] = field(default_factory=list)
    failing: bool = False
    """When set, every call raises, as with the database away."""

    def record_bounce(self, subscriber_id: UUID, kind: BounceKind) -> None:
        if self.failing:
            raise ConnectionError("the database is away")
        self.bounces.append((subscriber_id, kind))

    def unsubscribe(self, subscriber_id: UUID, reason: UnsubscribeReason) -> bool:
        if self.failing:
            raise ConnectionError("the database is away")
        self.unsubscribed.append((subscriber_id, reason))
        return True


@dataclass
class Receiver:
    port: int
    recorded: Recorded


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    recorded = Recorded()
    handler = BounceHandler(recorded, SECRET, DOMAIN)
    bounce_receiver = BounceReceiver(handler, "127.0.0.1", free_port())
    stop = threading.Event()
    thread = threading.Thread(target=bounce_receiver.run, args=(stop,), daemon=True)
    thread.start()
    assert bounce_receiver.listening.wait(10), "the receiver did not start listening"
    try:
        yield Receiver(bounce_receiver.port, recorded)
    finally:
        stop.set()
        thread.join(10)


@pytest.fixture(autouse=True)
def fresh_record(receiver: Receiver) -> None:
    receiver.recorded.bounces.clear()
    receiver.recorded.unsubscribed.clear()
    receiver.recorded.failing = False


def bounces_address(subscriber: UUID) -> str:
    return newsletter_links.return_path(SECRET, DOMAIN, subscriber)


def send(port: int, to: str, content: bytes) -> tuple[int, bytes]:
    """One message with the null sender of a DSN; the answer to its DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo("mx1.athens.gov.gr")
        code, answer = smtp.mail("")
        assert code == 250, answer
        code, answer = smtp.rcpt(to)
        assert code == 250, (code, answer)
        return smtp.data(content)


def counted(kind: str | None = None) -> float:
    """This process's count of bounces of `kind`, or of unreadable ones without a kind."""
    if kind is None:
        return REGISTRY.get_sample_value("innovnet_newsletter_bounces_unreadable_total") or 0.0
    return REGISTRY.get_sample_value("innovnet_newsletter_bounces_total", {"kind": kind}) or 0.0


def rcpt_code(port: int, to: str) -> int:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo("mx1.athens.gov.gr")
        smtp.mail("")
        return smtp.rcpt(to)[0]


def test_a_5_1_1_report_is_a_hard_bounce_and_a_4_2_2_delay_a_soft_one(receiver: Receiver) -> None:
    hard, soft = uuid4(), uuid4()
    before = counted("hard"), counted("soft")
    hard_to, soft_to = bounces_address(hard), bounces_address(soft)
    assert send(receiver.port, hard_to, hard_bounce(hard_to, "a@athens.gov.gr"))[0] == 250
    assert send(receiver.port, soft_to, soft_bounce(soft_to, "b@athens.gov.gr"))[0] == 250
    assert receiver.recorded.bounces == [(hard, BounceKind.HARD), (soft, BounceKind.SOFT)]
    assert (counted("hard"), counted("soft")) == (before[0] + 1, before[1] + 1)


def test_an_auto_reply_and_garbage_are_accepted_and_ignored(receiver: Receiver) -> None:
    subscriber = uuid4()
    address = bounces_address(subscriber)
    before = counted("ignored")
    assert send(receiver.port, address, auto_reply(address))[0] == 250
    assert send(receiver.port, address, GARBAGE)[0] == 250
    assert receiver.recorded.bounces == []
    assert counted("ignored") == before + 2


def test_an_unreadable_report_is_dropped_and_the_receiver_goes_on(receiver: Receiver) -> None:
    subscriber = uuid4()
    address = bounces_address(subscriber)
    before = counted()
    assert send(receiver.port, address, hostile_report(address))[0] == 250
    assert receiver.recorded.bounces == []
    assert counted() == before + 1
    assert send(receiver.port, address, hard_bounce(address, "a@x.gr"))[0] == 250
    assert receiver.recorded.bounces == [(subscriber, BounceKind.HARD)]


def test_a_bounce_not_recorded_is_451_so_the_relay_sends_it_again(receiver: Receiver) -> None:
    subscriber = uuid4()
    address = bounces_address(subscriber)
    receiver.recorded.failing = True
    assert send(receiver.port, address, hard_bounce(address, "a@x.gr"))[0] == 451
    receiver.recorded.failing = False
    assert send(receiver.port, address, hard_bounce(address, "a@x.gr"))[0] == 250
    assert receiver.recorded.bounces == [(subscriber, BounceKind.HARD)]


def test_a_mail_to_the_unsubscribe_address_unsubscribes_by_mailto(receiver: Receiver) -> None:
    subscriber = uuid4()
    address = newsletter_links.unsubscribe_mailto(SECRET, DOMAIN, subscriber)
    assert send(receiver.port, address.upper(), b"Subject: unsubscribe\r\n\r\n")[0] == 250
    assert receiver.recorded.unsubscribed == [(subscriber, UnsubscribeReason.MAILTO)]
    assert receiver.recorded.bounces == []


def test_only_our_addresses_with_tokens_of_their_purpose_are_accepted(receiver: Receiver) -> None:
    subscriber = uuid4()
    bounce_token = newsletter_links.subscriber_token(SECRET, subscriber, TokenPurpose.BOUNCE)
    other_secret = newsletter_links.return_path("another-secret", DOMAIN, subscriber)
    altered = bounce_token[:-1] + ("a" if bounce_token[-1] != "a" else "b")
    refused = [
        f"bounces+{bounce_token}@elsewhere.gr",
        f"postmaster@{DOMAIN}",
        f"bounces@{DOMAIN}",
        f"bounces+{altered}@{DOMAIN}",
        f"bounces+{bounce_token[:30]}@{DOMAIN}",
        f"unsubscribe+{bounce_token}@{DOMAIN}",  # a return path's token does not unsubscribe
        f"other+{bounce_token}@{DOMAIN}",
        other_secret,
        "",
    ]
    assert {to: rcpt_code(receiver.port, to) for to in refused} == dict.fromkeys(refused, 550)
    assert rcpt_code(receiver.port, bounces_address(subscriber).upper()) == 250


def test_a_second_recipient_waits_for_another_message(receiver: Receiver) -> None:
    with smtplib.SMTP("127.0.0.1", receiver.port, timeout=10) as smtp:
        smtp.ehlo("mx1.athens.gov.gr")
        smtp.mail("")
        assert smtp.rcpt(bounces_address(uuid4()))[0] == 250
        assert smtp.rcpt(bounces_address(uuid4()))[0] == 452


def test_a_message_over_one_mebibyte_is_refused_with_552(receiver: Receiver) -> None:
    address = bounces_address(uuid4())
    big = hard_bounce(address, "a@x.gr") + b"x" * 998 + (b"\r\n" + b"x" * 998) * 1100
    assert send(receiver.port, address, big)[0] == 552
    assert receiver.recorded.bounces == []


# The running service.


@pytest.fixture(scope="module")
def bounce_port() -> int:
    """The service's bounce receiver's port."""
    return free_port()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, bounce_port: int) -> Iterator[NewsletterStack]:
    env = {"NEWSLETTER_BOUNCE_PORT": str(bounce_port)}
    with newsletter_api(tmp_path_factory.mktemp("newsletter"), env) as running:
        yield running


def confirmed(stack: NewsletterStack, address: str) -> UUID:
    """A subscriber who asked on the form and confirmed the link."""
    assert stack.subscribe(address).status_code == 202
    subscriber = stack.subscriber_id(address)
    token = stack.confirm_token(subscriber, datetime.now(UTC) + timedelta(days=7))
    answer = stack.client.post(
        "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
    )
    assert answer.status_code == 200, answer.text
    return subscriber


def events_of(stack: NewsletterStack, subscriber: UUID) -> list[str]:
    return [name for aggregate, name in stack.events() if aggregate == subscriber]


def send_to_service(port: int, to: str, content: bytes) -> None:
    # The receiver binds in the worker's thread, a moment after /health answers.
    code, answer = eventually(lambda: send(port, to, content), timeout=30)
    assert code == 250, answer


def _equal(found: object, expected: object) -> None:
    assert found == expected, found


def test_a_hard_bounce_puts_a_confirmed_address_on_hold(
    stack: NewsletterStack, bounce_port: int
) -> None:
    address = "hard.bounce@athens.gov.gr"
    subscriber = confirmed(stack, address)
    return_path = newsletter_links.return_path(stack.settings.jwt_secret, DOMAIN, subscriber)
    send_to_service(bounce_port, return_path, hard_bounce(return_path, address))
    expected = [
        "SubscriptionRequested",
        "SubscriptionConfirmed",
        "BounceRecorded",
        "SubscriptionHeld",
    ]
    eventually(lambda: _equal(events_of(stack, subscriber), expected), timeout=30)


def test_three_soft_bounces_put_a_confirmed_address_on_hold(
    stack: NewsletterStack, bounce_port: int
) -> None:
    address = "mailbox.full@athens.gov.gr"
    subscriber = confirmed(stack, address)
    return_path = newsletter_links.return_path(stack.settings.jwt_secret, DOMAIN, subscriber)
    for _ in range(3):
        send_to_service(bounce_port, return_path, soft_bounce(return_path, address))
    expected = [
        "SubscriptionRequested",
        "SubscriptionConfirmed",
        "BounceRecorded",
        "BounceRecorded",
        "BounceRecorded",
        "SubscriptionHeld",
    ]
    eventually(lambda: _equal(events_of(stack, subscriber), expected), timeout=30)


def test_a_mail_to_the_unsubscribe_address_unsubscribes(
    stack: NewsletterStack, bounce_port: int
) -> None:
    address = "leaving.by.mail@athens.gov.gr"
    subscriber = confirmed(stack, address)
    mailto = newsletter_links.unsubscribe_mailto(stack.settings.jwt_secret, DOMAIN, subscriber)
    send_to_service(bounce_port, mailto, b"Subject: unsubscribe\r\n\r\nunsubscribe\r\n")
    expected = ["SubscriptionRequested", "SubscriptionConfirmed", "Unsubscribed"]
    eventually(lambda: _equal(events_of(stack, subscriber), expected), timeout=30)


def test_ready_shows_the_receiver_and_a_port_it_cannot_bind(
    stack: NewsletterStack, tmp_path: Path
) -> None:
    def receiver_check(base_url: str) -> tuple[int, str]:
        answer = httpx.get(f"{base_url}/ready", timeout=5)
        return answer.status_code, str(answer.json()["checks"].get("bounce-receiver"))

    eventually(lambda: _equal(receiver_check(stack.service.base_url), (200, "ok")), timeout=30)
    # A second instance on the same database and topics, told the port the first one holds.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {
            "NEWSLETTER_DATABASE_URL": stack.database_url,
            "NEWSLETTER_BOUNCE_PORT": str(taken.getsockname()[1]),
            "KAFKA_TOPIC_PREFIX": stack.prefix,
            "KAFKA_CONSUMER_GROUP_PREFIX": stack.prefix,
        }
        with service_process("newsletter", env, tmp_path) as second:

            def down() -> None:
                status, check = receiver_check(second.base_url)
                assert status == 503, check
                assert "OSError" in check, check

            eventually(down, timeout=30)
