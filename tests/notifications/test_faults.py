"""Crashes, an SMTP outage and an erasure: at most one duplicate, nothing lost, nothing in clear."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any
from uuid import UUID

import httpx
import psycopg

from services.registration.application import RegistrationApplication
from services.runtime.eventstore import open_application
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import ServiceSettings
from tests.notifications.conftest import NotificationsStack, Received, restart_notifications
from tests.notifications.test_delivery import ALTERNATE, MAIN, submit, upload, wait_for
from tests.registration.conftest import ADMIN
from tests.support.polling import eventually, until

OUTAGE_SECONDS = 60.0


def metric(base_url: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus sample over the series matching `labels`."""
    total = 0.0
    for line in httpx.get(f"{base_url}/metrics", timeout=10).text.splitlines():
        if not line.startswith(f"{name}{{") and not line.startswith(f"{name} "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_a_crash_between_sending_and_recording_sends_at_most_one_duplicate_with_the_same_message_id(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    crashed = threading.Event()

    in_flight: list[str] = []

    def crash_before_the_relay_answers(received: Received) -> None:
        if not crashed.is_set():
            in_flight.append(received.message_id)
            crashed.set()
            stack.kill_notifications()  # the email is here; the sender never hears "250"

    stack.smtp.on_data = crash_before_the_relay_answers
    with stack.registration_client() as client:
        submit(client)
    until(crashed.is_set, timeout=60, what="the first email reached the SMTP server")
    assert stack.notifications is not None
    stack.notifications.process.wait(timeout=10)
    stack.smtp.on_data = None

    with restart_notifications(stack) as restarted:
        _distinct_acknowledgements(stack)
        time.sleep(3)  # let anything else that would come arrive
        emails = stack.smtp.emails()
        copies = Counter(e.message_id for e in emails)
        duplicates = len(emails) - len(copies)
        print(f"\nmeasured after one crash: {len(emails)} received, {duplicates} duplicate(s)")
        assert len(copies) == 2
        assert duplicates <= 1
        assert max(copies.values()) <= 2
        assert [m for m, n in copies.items() if n > 1] in ([], in_flight), "only the one in flight"
        resent = metric(restarted.base_url, "innovnet_emails_resent_after_crash_total")
        assert resent == duplicates


def _distinct_acknowledgements(stack: NotificationsStack) -> list[Received]:
    def both() -> list[Received]:
        emails = stack.smtp.emails()
        assert {(e.to[0], e.template) for e in emails} == {
            (MAIN, "acknowledgement"),
            (ALTERNATE, "acknowledgement"),
        }
        return emails

    return eventually(both, timeout=60, interval=0.3)


def test_with_smtp_down_for_a_minute_nothing_is_lost_and_the_metrics_show_the_retries(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    assert stack.notifications is not None
    base_url = stack.notifications.base_url
    stack.smtp.stop()
    went_down = time.monotonic()
    with stack.registration_client() as client:
        submit(client)

    with stack.notifications_client() as log:

        def failing() -> None:
            items = log.get("/messages", params={"status": "failed"}).json()["items"]
            assert len(items) == 2
            assert all(i["attempts"] >= 2 for i in items)

        eventually(failing, timeout=40)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - went_down)))
        stack.smtp.start()
        emails = wait_for(
            stack, Counter({(MAIN, "acknowledgement"): 1, (ALTERNATE, "acknowledgement"): 1})
        )
        assert len({e.message_id for e in emails}) == 2

        def all_sent() -> list[dict[str, Any]]:
            items = log.get("/messages", params={"status": "sent"}).json()["items"]
            assert len(items) == 2
            return list(items)

        items = eventually(all_sent, timeout=20)
    assert all(i["attempts"] > 1 for i in items)
    retries = metric(base_url, "innovnet_email_retries_total", template="acknowledgement")
    failures = metric(base_url, "innovnet_emails_failed_total", outcome="failed")
    assert retries >= 2
    assert failures >= 2
    assert metric(base_url, "innovnet_emails_sent_total", template="acknowledgement") == 2
    assert metric(base_url, "innovnet_emails_failed_total", outcome="dead") == 0


def test_after_a_person_is_erased_the_delivery_log_shows_no_address_of_theirs(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    with stack.registration_client() as client:
        created = submit(client)
        wait_for(stack, Counter({(MAIN, "acknowledgement"): 1, (ALTERNATE, "acknowledgement"): 1}))
        main_id = next(r["id"] for r in created["representatives"] if r["role"] == "main")
        erase(stack, main_id)
        upload(client, created["id"])
        verified = client.post(f"/registrations/{created['id']}/designation/verify", headers=ADMIN)
        assert verified.status_code == 200, verified.text

    with stack.notifications_client() as log:

        def verified_and_cancelled() -> list[dict[str, Any]]:
            items = log.get("/messages").json()["items"]
            emails = [i for i in items if i["template"] != "reminder"]  # cancelled: it arrived
            assert Counter(i["status"] for i in emails) == {"sent": 3, "cancelled": 1}
            return list(items)

        items = eventually(verified_and_cancelled, timeout=60)
        theirs = [i for i in items if i["recipient_id"] == main_id]
        assert {i["template"] for i in theirs} == {"acknowledgement", "reminder", "verified"}
        assert all(i["recipient"] is None and i["recipient_erased"] for i in theirs)
        assert {i["recipient"] for i in items if i["recipient_id"] != main_id} == {ALTERNATE}
        assert log.get("/messages", params={"recipient": MAIN}).json()["items"] == []
        assert "papadopoulou" not in log.get("/messages").text
    received = Counter((e.to[0], e.template) for e in stack.smtp.emails())
    assert (MAIN, "verified") not in received, "an erased person gets nothing more"
    with psycopg.connect(stack.notifications_database) as conn:
        dump = conn.execute(
            "SELECT (SELECT string_agg(m::text, '') FROM message_log m)"
            " || (SELECT string_agg(convert_from(state, 'UTF8'), '')"
            "     FROM notificationsapplication_events)"
        ).fetchone()
    assert dump is not None
    assert "papadopoulou" not in str(dump[0]).lower()


def erase(stack: NotificationsStack, subject_id: str) -> None:
    """Erase a person the way the registration service does: key destroyed, erasure published."""
    settings = ServiceSettings(service="registration", database_url=stack.registration_database)
    vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
    app = open_application(RegistrationApplication, settings, sealer=Sealer(vault))
    try:
        assert app.erase_personal_data(UUID(subject_id)) is True
    finally:
        app.close()
        vault.close()
