"""The unit's delivery log in process, against the real services and a real SMTP server: the
log by template and status, and the retry of an email the relay refused, until it is sent.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.browser.stack import GatewayStack
from tests.gateway.unit_site import (
    admin,
    error_summary,
    invite_directly,
    member_body,
    schedule,
    stack,
    unit,
)
from tests.support.polling import eventually

__all__ = ["stack", "unit"]  # the module's fixtures


def log(stack: GatewayStack, **filters: str) -> list[dict[str, Any]]:
    with stack.api("notifications", admin()) as api:
        answer = api.get("/messages", params=filters)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_a_refused_email_is_shown_given_up_and_sent_again_on_retry(
    unit: TestClient, stack: GatewayStack
) -> None:
    unit.cookies.set("lang", "en")
    body = member_body(stack, "Περιφέρεια Δοκιμών")
    eventually(lambda: _nothing_waiting(stack), timeout=30)
    stack.smtp.answer = "550 5.1.1 mailbox unavailable"
    try:
        activity_id = schedule(stack, title="Εργαστήριο επιστολών")
        invite_directly(stack, activity_id, [body.tax_id])

        def given_up() -> dict[str, Any]:
            dead = log(stack, template="invitation", status="dead")
            assert dead, log(stack, template="invitation")
            return dead[0]

        message = eventually(given_up, timeout=30)
    finally:
        stack.smtp.answer = "250 OK"

    page = unit.get("/unit/deliveries", params={"template": "invitation", "status": "dead"})
    assert page.status_code == 200, page.text
    row = page.text.split(f'id="message-{message["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Given up" in row
    assert body.main_email in row
    assert f'action="/unit/deliveries/{message["id"]}/retry"' in row
    assert "Retry" in row
    assert 'value="dead" selected' in page.text, "the filter stays chosen"

    sent_ones = unit.get("/unit/deliveries", params={"status": "sent"})
    assert "/retry" not in sent_ones.text, "a sent email has no retry"

    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    retried = unit.post(f"/unit/deliveries/{message['id']}/retry", data={"csrf_token": token})
    assert retried.status_code == 303, retried.text
    confirmation = unit.get(retried.headers["location"])
    assert "The email will be sent again" in confirmation.text

    def sent() -> None:
        found = [m for m in log(stack, template="invitation") if m["id"] == message["id"]]
        assert found[0]["status"] == "sent", found

    eventually(sent, timeout=30)
    again = unit.post(f"/unit/deliveries/{message['id']}/retry", data={"csrf_token": token})
    assert again.status_code == 409
    assert "Only an email that failed can be sent again" in error_summary(again.text)


def _nothing_waiting(stack: GatewayStack) -> None:
    """Every email so far is sent: the relay's refusal then touches the next ones only."""
    waiting = [m for m in log(stack) if m["status"] in ("pending", "sending", "failed")]
    assert not waiting, waiting


def test_the_log_filters_by_recipient_and_says_when_nothing_matches(
    unit: TestClient, stack: GatewayStack
) -> None:
    unit.cookies.set("lang", "en")
    page = unit.get("/unit/deliveries", params={"recipient": "nobody@example.gov.gr"})
    assert page.status_code == 200
    assert "No email matches." in page.text
    assert unit.get("/unit/deliveries", params={"status": "bogus"}).status_code == 200
    assert unit.get("/unit/deliveries").status_code == 200
    unit.cookies.set("lang", "el")
    assert '<html lang="el">' in unit.get("/unit/deliveries").text
