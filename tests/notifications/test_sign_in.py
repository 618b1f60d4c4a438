"""Sign-in emails the gateway asks for: sent once, in their language, and the link left nowhere.

On the real stack (PostgreSQL, Kafka, an SMTP server): the link carries the token that lets its
holder in, so after the email is done no row of the service's database holds it, nor the
published NotificationSent, nor the service's log; only the mail the server received does.
"""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
from psycopg import sql

from contracts.topics import topic_of
from services.notifications.templates import datetime_el, datetime_en
from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.notifications.conftest import NotificationsStack, Received
from tests.registration.conftest import token
from tests.support.kafka import read_topic
from tests.support.polling import eventually

PUBLIC_URL = ServiceSettings.model_fields["public_url"].default
GATEWAY = {
    "Authorization": "Bearer "
    + mint_token(DEVELOPMENT_JWT_SECRET, subject="gateway", role="service")
}


def sign_in_request(
    email: str, language: str = "en", minutes: float = 15
) -> tuple[dict[str, Any], str]:
    """A request as the gateway makes it, and the secret token its link carries."""
    secret = secrets.token_urlsafe(32)
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes)
    request = {
        "request_id": str(uuid.uuid4()),
        "email": email,
        "language": language,
        "sign_in_url": f"{PUBLIC_URL}/sign-in/link?token={secret}",
        "expires_at": expires.isoformat(),
    }
    return request, secret


def ask(stack: NotificationsStack, request: dict[str, Any], **headers: str) -> httpx.Response:
    assert stack.notifications is not None
    with httpx.Client(base_url=stack.notifications.base_url, timeout=30) as client:
        return client.post("/internal/sign-in-links", json=request, headers=headers or GATEWAY)


def sign_in_emails(stack: NotificationsStack, count: int) -> list[Received]:
    def arrived() -> list[Received]:
        found = [e for e in stack.smtp.emails() if e.template == "sign_in"]
        assert len(found) == count
        return found

    return eventually(arrived, timeout=30, interval=0.2)


def tables_holding(database_url: str, secret: str) -> list[str]:
    """The tables of the database with a row that holds `secret`, as text or as bytes."""
    as_hex = secret.encode().hex()
    holding = []
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        assert len(tables) >= 4  # the events, the tracking, the delivery log, the held links
        for schema, table in tables:
            rows = conn.execute(
                sql.SQL("SELECT t::text FROM {}.{} AS t").format(
                    sql.Identifier(schema), sql.Identifier(table)
                )
            ).fetchall()
            if any(secret in row[0] or as_hex in row[0] for row in rows):
                holding.append(f"{schema}.{table}")
    return holding


def logged(stack: NotificationsStack, **params: str) -> list[dict[str, Any]]:
    with stack.notifications_client() as client:
        return list(client.get("/messages", params=params).json()["items"])


def the_one_logged(stack: NotificationsStack, **params: str) -> dict[str, Any]:
    items = logged(stack, **params)
    assert len(items) == 1, items
    return items[0]


def test_a_sign_in_email_is_sent_once_in_its_language_and_its_link_is_left_only_in_the_mail(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    english, english_secret = sign_in_request("e.georgiou@example.gov.gr", "en")
    greek, greek_secret = sign_in_request("k.dimou@example.gov.gr", "el")
    answer = ask(stack, english)
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"request_id": english["request_id"], "status": "accepted"}
    assert ask(stack, greek).status_code == 202

    emails = {e.to[0]: e for e in sign_in_emails(stack, 2)}
    again = ask(stack, english)
    assert (again.status_code, again.json()) == (202, answer.json())
    time.sleep(2)
    assert len(sign_in_emails(stack, 2)) == 2, "the same request id sends nothing more"

    sent = emails["e.georgiou@example.gov.gr"]
    expires = datetime.fromisoformat(english["expires_at"])
    assert sent.message["Content-Language"] == "en"
    assert sent.message["Subject"] == "Your sign-in link to the Innovation Network"
    for part in ("plain", "html"):
        words = " ".join(sent.part(part).split())
        assert english["sign_in_url"] in words
        assert datetime_en(expires) in words
        assert "(Athens time) and can be used once" in words
        assert "If you did not ask to sign in, ignore this email" in words
        assert "σύνδεσμο" not in words
    greek_sent = emails["k.dimou@example.gov.gr"]
    assert greek_sent.message["Content-Language"] == "el"
    assert greek["sign_in_url"] in greek_sent.part("plain")
    assert datetime_el(datetime.fromisoformat(greek["expires_at"])) in greek_sent.part("plain")
    assert "αγνοήστε αυτό το email" in greek_sent.part("plain")
    assert "sign in" not in greek_sent.part("plain")

    def in_the_log() -> list[dict[str, Any]]:
        items = logged(stack, template="sign_in", status="sent")
        assert len(items) == 2
        return items

    items = eventually(in_the_log, timeout=20)
    assert {i["recipient"] for i in items} == {
        "e.georgiou@example.gov.gr",
        "k.dimou@example.gov.gr",
    }
    assert {i["caused_by"] for i in items} == {english["request_id"], greek["request_id"]}

    topic = topic_of("notifications")
    name = f"{stack.env['KAFKA_TOPIC_PREFIX']}{topic.name}"

    def published() -> list[Any]:
        messages = [
            raw for _, _, e, raw in read_topic(name, topic.partitions) if "sign_in" in str(e.data)
        ]
        assert len(messages) == 2
        return messages

    for raw in eventually(published, timeout=30):
        assert raw.value() is not None
        for secret in (english_secret, greek_secret):
            assert secret.encode() not in raw.value()
            assert all(secret.encode() not in (v or b"") for _, v in raw.headers() or [])
        assert b"example.gov.gr" not in raw.value()

    for secret in (english_secret, greek_secret):
        assert tables_holding(stack.notifications_database, secret) == []
        assert secret not in stack.notifications.log()  # type: ignore[union-attr]
    # The check can fail: the address is in the log's table, sealed, and so is not found.
    assert tables_holding(stack.notifications_database, "e.georgiou@example.gov.gr") == []


def test_a_sign_in_email_given_up_or_expired_leaves_no_link_and_is_not_sent_again(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    stack.smtp.answer = "550 5.1.1 mailbox unavailable"
    refused, refused_secret = sign_in_request("nobody@example.gov.gr")
    assert ask(stack, refused).status_code == 202

    item = eventually(lambda: the_one_logged(stack, template="sign_in", status="dead"))
    assert tables_holding(stack.notifications_database, refused_secret) == []
    with stack.notifications_client() as client:
        retried = client.post(f"/messages/{item['id']}/retry")
    assert retried.status_code == 409, retried.text
    assert retried.json()["detail"][0]["type"] == "email_not_retriable"

    stack.smtp.answer = "451 4.3.0 try again later"  # tried again and again, until too late
    expiring, expiring_secret = sign_in_request("later@example.gov.gr", minutes=0.1)
    assert ask(stack, expiring).status_code == 202

    expired = eventually(lambda: the_one_logged(stack, template="sign_in", status="cancelled"))
    assert expired["attempts"] >= 1
    assert tables_holding(stack.notifications_database, expiring_secret) == []
    assert [e for e in stack.smtp.emails() if e.template == "sign_in"] == []


def test_only_the_gateway_asks_and_only_for_a_link_of_the_public_address_not_expired(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    request, secret = sign_in_request("e.georgiou@example.gov.gr")
    assert ask(stack, request, Authorization="").status_code == 401
    assert ask(stack, request, **token("admin")).status_code == 403
    assert ask(stack, request, **token("member", body_id="094014201")).status_code == 403

    for foreign in (
        f"https://innovnet.example.org/sign-in/link?token={secret}",
        f"{PUBLIC_URL}.example.org/sign-in/link?token={secret}",
    ):
        answer = ask(stack, {**request, "sign_in_url": foreign})
        assert answer.status_code == 422, answer.text
        [refusal] = answer.json()["detail"]
        assert refusal["type"] == "sign_in_url_not_ours"
        assert refusal["loc"] == ["body", "sign_in_url"]
        assert refusal["ctx"] == {"public_url": PUBLIC_URL}
        assert secret not in answer.text

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    answer = ask(stack, {**request, "expires_at": past})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["type"] == "sign_in_link_expired"
    assert answer.json()["detail"][0]["loc"] == ["body", "expires_at"]
    for field, value in (("language", "de"), ("email", "not an address")):
        answer = ask(stack, {**request, field: value})
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["loc"] == ["body", field]

    time.sleep(2)
    assert stack.smtp.emails() == []
    assert logged(stack, template="sign_in") == []
