"""Every email of the registration flow, over real SMTP: exactly once, bilingual, and private."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from babel.dates import format_date

from contracts.topics import topic_of
from services.registration.application import RegistrationApplication
from services.registration.calendar import WorkingCalendar
from services.runtime.eventstore import open_application
from services.runtime.settings import ServiceSettings
from tests.notifications.conftest import NotificationsStack, Received
from tests.registration.conftest import ADMIN, PDF, TAX_IDS, form, token
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.tokens import applicant_for

MAIN = "m.papadopoulou@example.gov.gr"
ALTERNATE = "g.nikolaou@example.gov.gr"


def submit(
    client: httpx.Client, tax_id: str = TAX_IDS[0], languages: tuple[str, str] = ("el", "en")
) -> dict[str, Any]:
    """A form naming both representatives, the main reading Greek, the alternate English."""
    filled = form(tax_id=tax_id, with_alternate=True)
    filled["main"]["language"], filled["alternate"]["language"] = languages
    response = client.post("/registrations", json=filled, headers=applicant_for(filled))
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(client: httpx.Client, registration_id: str, tax_id: str = TAX_IDS[0]) -> None:
    response = client.post(
        f"/registrations/{registration_id}/designation",
        files={"file": ("designation.pdf", PDF, "application/pdf")},
        data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
        headers=token("member", body_id=tax_id),
    )
    assert response.status_code == 201, response.text


def received_templates(stack: NotificationsStack) -> Counter[tuple[str, str]]:
    return Counter((r.to[0], r.template) for r in stack.smtp.emails())


def wait_for(stack: NotificationsStack, expected: Counter[tuple[str, str]]) -> list[Received]:
    def arrived() -> list[Received]:
        assert received_templates(stack) == expected
        return stack.smtp.emails()

    return eventually(arrived, timeout=60, interval=0.3)


def test_the_registration_flow_sends_exactly_the_expected_emails_each_in_its_reader_s_language(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    due = WorkingCalendar().designation_due(WorkingCalendar.submission_day(datetime.now(UTC)))
    with stack.registration_client() as client:
        registration_id = submit(client)["id"]
        acknowledgements = wait_for(
            stack, Counter({(MAIN, "acknowledgement"): 1, (ALTERNATE, "acknowledgement"): 1})
        )
        upload(client, registration_id)
        rejected = client.post(
            f"/registrations/{registration_id}/designation/reject",
            json={"reason": "Δεν φέρει υπογραφή <Γενικού Γραμματέα>"},
            headers=ADMIN,
        )
        assert rejected.status_code == 200, rejected.text
        upload(client, registration_id)
        verified = client.post(
            f"/registrations/{registration_id}/designation/verify", headers=ADMIN
        )
        assert verified.status_code == 200, verified.text

    expected = Counter(
        {
            (address, template): 1
            for address in (MAIN, ALTERNATE)
            for template in ("acknowledgement", "rejected", "verified")
        }
    )
    emails = wait_for(stack, expected)
    time.sleep(3)  # nothing else follows: no reminder (the designation arrived), no duplicate
    assert received_templates(stack) == expected
    assert len({e.message_id for e in emails}) == len(emails)

    greek_due = format_date(due, format="full", locale="el")
    english_due = format_date(due, format="full", locale="en_GB")
    by_address = {e.to[0]: e for e in acknowledgements}
    greek, english = by_address[MAIN], by_address[ALTERNATE]
    assert greek.message["Content-Language"] == "el"
    assert english.message["Content-Language"] == "en"
    assert greek.message["Subject"] == "Λάβαμε την αίτηση εγγραφής του φορέα Δήμος Παραδείγματος"
    assert english.message["Subject"] == "We received the registration of Δήμος Παραδείγματος"
    for part in ("plain", "html"):
        assert greek_due in greek.part(part)
        assert english_due not in greek.part(part)
        assert "Dear" not in greek.part(part)
        assert english_due in english.part(part)
        assert greek_due not in english.part(part)
        assert "Αγαπητή" not in english.part(part)
    assert "Γενικό Γραμματέα, Υπηρεσιακό Γραμματέα" in greek.part("plain")
    assert "General Secretary, Service Secretary" in english.part("plain")
    upload_link = f"{ServiceSettings.model_fields['public_url'].default}/registrations/"
    for acknowledgement in acknowledgements:
        assert f"{upload_link}{registration_id}/designation" in acknowledgement.part("plain")
    assert "Μαρία Παπαδοπούλου" in greek.part("plain")
    assert "Γιώργος Νικολάου" in english.part("plain")
    for rejection in (e for e in emails if e.template == "rejected"):
        assert "Δεν φέρει υπογραφή <Γενικού Γραμματέα>" in rejection.part("plain")
        assert "Δεν φέρει υπογραφή &lt;Γενικού Γραμματέα&gt;" in rejection.part("html")
        english_reader = rejection.to[0] == ALTERNATE
        assert ("The reason given" in rejection.part("plain")) is english_reader

    with stack.notifications_client() as client:

        def logged() -> list[dict[str, Any]]:
            items = client.get("/messages", params={"status": "sent"}).json()["items"]
            assert len(items) == 6
            return list(items)

        items = eventually(logged, timeout=20)
        assert Counter(i["recipient"] for i in items) == {MAIN: 3, ALTERNATE: 3}
        mine = client.get("/messages", params={"recipient": MAIN, "template": "verified"})
        assert [i["template"] for i in mine.json()["items"]] == ["verified"]
        assert client.get("/messages", headers={"Authorization": ""}).status_code == 401
        member = token("member", body_id=TAX_IDS[0])
        assert client.get("/messages", headers=member).status_code == 403

    published = eventually(lambda: _notifications_published(stack, 6), timeout=30)
    recipients = {e.data["recipient_id"] for e in published}
    assert len(recipients) == 2
    for event in published:
        assert event.data["recipient"]["subject_id"] == event.data["recipient_id"]
        assert "example.gov.gr" not in json.dumps(event.data)


def _notifications_published(stack: NotificationsStack, count: int) -> list[Any]:
    topic = topic_of("notifications")
    messages = read_topic(f"{stack.env['KAFKA_TOPIC_PREFIX']}{topic.name}", topic.partitions)
    sent = [e for _, _, e, _ in messages if e.type.endswith(".NotificationSent.v1")]
    assert len(sent) == count
    return sent


def test_a_refused_email_is_dead_lettered_then_sent_when_the_innovation_unit_retries_it(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    stack.smtp.answer = "550 5.1.1 mailbox unavailable"
    with stack.registration_client() as client:
        submit(client)
    with stack.notifications_client() as log:

        def dead() -> list[dict[str, Any]]:
            items = log.get("/messages", params={"status": "dead"}).json()["items"]
            assert len(items) == 2
            return list(items)

        items = eventually(dead, timeout=60)
        assert all(i["last_error"] == "the relay answered 550" for i in items)
        stack.smtp.answer = "250 OK"
        main = next(i for i in items if i["recipient"] == MAIN)
        retried = log.post(f"/messages/{main['id']}/retry")
        assert retried.status_code == 202, retried.text
        wait_for(stack, Counter({(MAIN, "acknowledgement"): 1}))
        assert log.post(f"/messages/{main['id']}/retry").status_code == 409
        member = token("member", body_id=TAX_IDS[0])
        assert log.post(f"/messages/{main['id']}/retry", headers=member).status_code == 403
        statuses = {
            i["recipient"]: i["status"]
            for i in log.get("/messages").json()["items"]
            if i["template"] == "acknowledgement"
        }
        assert statuses == {MAIN: "sent", ALTERNATE: "dead"}


def test_an_overdue_designation_notifies_both_representatives_and_the_innovation_unit(
    notifications_stack: NotificationsStack,
) -> None:
    stack = notifications_stack
    with stack.registration_client() as client:
        created = submit(client)
    wait_for(stack, Counter({(MAIN, "acknowledgement"): 1, (ALTERNATE, "acknowledgement"): 1}))
    due = date.fromisoformat(created["designation_due"])
    the_day_after = datetime.combine(due + timedelta(days=1), datetime.min.time(), UTC)
    settings = ServiceSettings(service="registration", database_url=stack.registration_database)
    registration = open_application(RegistrationApplication, settings)
    try:
        assert registration.record_overdue(UUID(created["id"]), now=the_day_after) is True
    finally:
        registration.close()

    emails = wait_for(
        stack,
        Counter(
            {
                (MAIN, "acknowledgement"): 1,
                (ALTERNATE, "acknowledgement"): 1,
                (MAIN, "overdue"): 1,
                (ALTERNATE, "overdue"): 1,
                ("innovationunit@example.gov.gr", "overdue_unit"): 1,
            }
        ),
    )
    unit = next(e for e in emails if e.template == "overdue_unit")
    assert "Δήμος Παραδείγματος" in unit.part("plain")
    assert format_date(due, format="full", locale="el") in unit.part("plain")
    assert format_date(due, format="full", locale="en_GB") in unit.part("html")
