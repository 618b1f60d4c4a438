"""The delivery job on a real database and SMTP server: due-day timing, dead letters, retry."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from services.notifications.application import NotificationsApplication
from services.notifications.delivery import deliver_due
from services.notifications.domain import EmailStatus, Message, end_of_day
from services.notifications.settings import MailSettings
from services.runtime.eventstore import open_application
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import ServiceSettings
from services.runtime.timezone import ATHENS
from tests.notifications.conftest import SmtpServer
from tests.support.servers import fresh_database

ADDRESS = "e.georgiou@example.gov.gr"


@pytest.fixture
def running(smtp_server: SmtpServer) -> Iterator[Any]:
    with fresh_database("notifications") as url:
        settings = ServiceSettings(service="notifications", database_url=url)
        vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
        vault.create_table()
        app = open_application(NotificationsApplication, settings, sealer=Sealer(vault))
        app.mail = MailSettings(smtp_port=smtp_server.port, retry_base_seconds=1)
        try:
            yield SimpleNamespace(application=app)
        finally:
            app.close()
            vault.close()


def reminder(app: NotificationsApplication, due_day: datetime) -> Message:
    subject = uuid.uuid4()
    morning = datetime.combine(due_day.date(), time(8), ATHENS)
    message = Message(
        template="reminder",
        caused_by=uuid.uuid4(),
        recipient_id=subject,
        address=app.sealer.seal(subject, ADDRESS),
        name=app.sealer.seal(subject, "Ελένη Γεωργίου"),
        context={
            "body_name": "Περιφέρεια Παραδείγματος",
            "due": due_day.date().isoformat(),
            "role": "main",
            "upload_url": "http://127.0.0.1:8000/registrations/x/designation",
        },
        not_before=morning,
        expires_at=end_of_day(due_day.date()),
        recorded_at=datetime.now(UTC),
    )
    app.save(message)
    return message


def test_the_due_day_reminder_goes_out_once_on_the_morning_of_the_due_day(
    running: Any, smtp_server: SmtpServer
) -> None:
    app: NotificationsApplication = running.application
    due_day = datetime.now(ATHENS) + timedelta(days=2)
    message = reminder(app, due_day)
    the_evening_before = datetime.combine(due_day.date() - timedelta(days=1), time(20), ATHENS)
    assert deliver_due(running, now=the_evening_before) == 0
    seven = datetime.combine(due_day.date(), time(7, 59), ATHENS)
    assert deliver_due(running, now=seven) == 0
    eight = datetime.combine(due_day.date(), time(8, 1), ATHENS)
    assert deliver_due(running, now=eight) == 1
    assert deliver_due(running, now=eight + timedelta(hours=1)) == 0
    assert app.message(message.id).status == EmailStatus.SENT
    assert [(e.to, e.template) for e in smtp_server.emails()] == [([ADDRESS], "reminder")]


def test_a_reminder_for_a_day_that_is_over_is_cancelled_not_sent(
    running: Any, smtp_server: SmtpServer
) -> None:
    app: NotificationsApplication = running.application
    message = reminder(app, datetime.now(ATHENS) - timedelta(days=1))
    assert deliver_due(running) == 0
    assert app.message(message.id).status == "cancelled"
    assert smtp_server.emails() == []


def test_a_refused_email_is_dead_lettered_and_sent_when_the_unit_retries_it(
    running: Any, smtp_server: SmtpServer
) -> None:
    app: NotificationsApplication = running.application
    smtp_server.answer = "550 mailbox unavailable"
    message = reminder(app, datetime.now(ATHENS))
    in_the_morning = datetime.combine(datetime.now(ATHENS).date(), time(8, 30), ATHENS)
    deliver_due(running, now=max(in_the_morning, datetime.now(UTC)))
    dead = app.message(message.id)
    assert dead.status == EmailStatus.DEAD
    assert dead.last_error == "the relay answered 550"
    smtp_server.answer = "250 OK"
    app.retry(message.id)
    assert app.message(message.id).status == EmailStatus.PENDING
    deliver_due(running, now=max(in_the_morning, datetime.now(UTC)))
    assert app.message(message.id).status == EmailStatus.SENT
    assert app.message(message.id).attempts == 2
    assert len(smtp_server.emails()) == 1
