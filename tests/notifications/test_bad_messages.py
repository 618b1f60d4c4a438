"""One email that cannot be sent is dead-lettered with its reason; the others still go out."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.personal import Sealed
from services.notifications.application import NotificationsApplication
from services.notifications.delivery import deliver_due
from services.notifications.domain import EmailStatus, Message
from tests.notifications.conftest import SmtpServer
from tests.notifications.test_delivery_job import ADDRESS, running  # noqa: F401


def welcome(app: NotificationsApplication, address: Sealed, template: str = "welcome") -> Message:
    """A due email to a person; recorded a little earlier so that it is looked at first."""
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    subject = address.subject_id
    message = Message(
        template=template,
        caused_by=uuid.uuid4(),
        recipient_id=subject,
        address=address,
        name=None,
        context={"body_name": "Δήμος Παραδείγματος", "role": "main"},
        not_before=earlier,
        expires_at=None,
        recorded_at=earlier,
    )
    app.save(message)
    return message


def tampered(app: NotificationsApplication) -> Sealed:
    """A sealed address whose ciphertext was changed after sealing: it never unseals."""
    sealed = app.sealer.seal(uuid.uuid4(), ADDRESS)
    raw = bytearray(base64.urlsafe_b64decode(sealed.ciphertext + "=="))
    raw[-1] ^= 0xFF
    return sealed.model_copy(
        update={"ciphertext": base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")}
    )


def test_a_tampered_address_and_a_broken_template_are_dead_and_the_rest_is_sent(
    running: Any,  # noqa: F811
    smtp_server: SmtpServer,
) -> None:
    app: NotificationsApplication = running.application
    unreadable = welcome(app, tampered(app))
    no_such_template = welcome(
        app, app.sealer.seal(uuid.uuid4(), "other@example.gov.gr"), template="no-such-template"
    )
    good = welcome(app, app.sealer.seal(uuid.uuid4(), ADDRESS))

    deliver_due(running)

    dead = app.message(unreadable.id)
    assert dead.status == EmailStatus.DEAD
    assert dead.last_error == "address not readable: TamperedCiphertext"
    broken = app.message(no_such_template.id)
    assert broken.status == EmailStatus.DEAD
    assert broken.last_error is not None
    assert broken.last_error.startswith("not rendered")
    assert app.message(good.id).status == EmailStatus.SENT
    assert [e.to for e in smtp_server.emails()] == [[ADDRESS]]
    assert deliver_due(running) == 0, "dead emails are not tried again by themselves"
