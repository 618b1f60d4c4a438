"""Reactions record emails, once per (event, recipient, template), on the in-memory store."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
import pytest

from contracts import membership as mem
from contracts import registration as reg
from contracts.envelope import ReceivedEvent, event_id
from contracts.events import ContractEvent
from contracts.personal import Sealed
from services.notifications.application import NotificationsApplication
from services.notifications.domain import EmailStatus, Message
from services.notifications.policies import REACTIONS
from services.notifications.templates import datetime_el, datetime_en, render
from services.runtime.deliveries import Delivery
from services.runtime.invitation_links import read_invitation_answer

DUE = date(2026, 4, 15)
SECRET = "a-test-secret-of-at-least-thirty-two-bytes"
NOW = datetime(2026, 4, 9, 10, 0, tzinfo=UTC)


class FakeSealer:
    """Seals by prefixing; erasing a subject makes their values unreadable."""

    def __init__(self) -> None:
        self.erased: set[UUID] = set()

    def seal(self, subject_id: UUID, plaintext: str) -> Sealed:
        return Sealed(subject_id=subject_id, ciphertext=(plaintext.encode().hex() + "0" * 40))

    def unseal(self, sealed: Sealed) -> str | None:
        if sealed.subject_id in self.erased:
            return None
        return bytes.fromhex(sealed.ciphertext[:-40]).decode()


class Feed:
    """Contract events of one registration, delivered as the consumer would."""

    def __init__(self) -> None:
        self.registration_id = uuid.uuid4()
        self.version = 0
        self.offset = 0

    def delivery(self, event: ContractEvent, version: int | None = None) -> Delivery:
        if version is None:
            self.version += 1
            version = self.version
        self.offset += 1
        received = ReceivedEvent(
            id=event_id(self.registration_id, version),
            type=event.ce_type(),
            source="/innovnet/registration",
            aggregate_id=self.registration_id,
            aggregate_version=version,
            time=NOW,
            correlation_id="c",
            causation_id="c",
            data=event.model_dump(mode="json"),
        )
        return Delivery("innovnet.registration.v1", 0, self.offset, received)


def app_and_sealer() -> tuple[NotificationsApplication, FakeSealer]:
    sealer = FakeSealer()
    app = NotificationsApplication(sealer=sealer, reactions=REACTIONS)  # type: ignore[arg-type]
    return app, sealer


def submitted(feed: Feed, ids: list[UUID]) -> reg.RegistrationSubmitted:
    roles = [reg.Role.MAIN, reg.Role.ALTERNATE]
    return reg.RegistrationSubmitted(
        registration_id=feed.registration_id,
        body=reg.Body(name="Δήμος <Παραδείγματος>", tax_id="094014201", level=reg.Level.LOCAL),
        submitted_by=reg.Role.MAIN,
        submitted_at=NOW,
        designation_due=DUE,
        representatives=[
            reg.Nominee(representative_id=i, role=r) for i, r in zip(ids, roles, strict=False)
        ],
    )


def nominated(
    feed: Feed, sealer: FakeSealer, rid: UUID, email: str, role: reg.Role
) -> reg.RepresentativeNominated:
    return reg.RepresentativeNominated(
        registration_id=feed.registration_id,
        representative_id=rid,
        role=role,
        full_name=sealer.seal(rid, "Μαρία Παπαδοπούλου"),
        email=sealer.seal(rid, email),
        position_title="Προϊσταμένη",
        unit="Διεύθυνση",
        seniority=reg.Seniority.DIRECTORATE_HEAD,
        designation_due=DUE,
        nominated_at=NOW,
    )


def process(app: NotificationsApplication, delivery: Delivery) -> list[Any]:
    changed = list(REACTIONS(app, delivery))
    if changed:
        app.save(*changed)
    return changed


def messages(changed: list[Any]) -> list[Message]:
    return [a for a in changed if isinstance(a, Message)]


def test_a_nomination_records_the_acknowledgement_and_the_due_day_reminder() -> None:
    app, sealer = app_and_sealer()
    feed = Feed()
    main = uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main])))
    changed = process(
        app, feed.delivery(nominated(feed, sealer, main, "m@example.gov.gr", reg.Role.MAIN))
    )
    recorded = {m.template: m for m in messages(changed)}
    assert set(recorded) == {"acknowledgement", "reminder"}
    assert recorded["acknowledgement"].context["body_name"] == "Δήμος <Παραδείγματος>"
    reminder = recorded["reminder"]
    assert reminder.not_before == datetime(2026, 4, 15, 5, 0, tzinfo=UTC)  # 08:00 in Athens
    assert reminder.expires_at == datetime(2026, 4, 15, 21, 0, tzinfo=UTC)  # midnight in Athens


def test_a_redelivered_event_records_no_second_email() -> None:
    app, sealer = app_and_sealer()
    feed = Feed()
    main = uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main])))
    event = nominated(feed, sealer, main, "m@example.gov.gr", reg.Role.MAIN)
    first = process(app, feed.delivery(event, version=2))
    again = process(app, feed.delivery(event, version=2))
    assert len(messages(first)) == 2
    assert messages(again) == []


def test_a_designation_that_arrives_cancels_the_reminder() -> None:
    app, sealer = app_and_sealer()
    feed = Feed()
    main = uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main])))
    changed = process(
        app, feed.delivery(nominated(feed, sealer, main, "m@example.gov.gr", reg.Role.MAIN))
    )
    reminder = next(m for m in messages(changed) if m.template == "reminder")
    received = reg.DesignationReceived(
        registration_id=feed.registration_id,
        designation_id=uuid.uuid4(),
        representative_ids=[main],
        signed_by_name=sealer.seal(uuid.uuid4(), "Γενικός"),
        signed_by_title="Γενικός Γραμματέας",
        sha256="0" * 64,
        size_bytes=10,
        received_at=NOW,
    )
    process(app, feed.delivery(received))
    assert app.message(reminder.id).status == EmailStatus.CANCELLED


def test_overdue_notices_go_to_each_representative_and_to_the_innovation_unit() -> None:
    app, sealer = app_and_sealer()
    feed = Feed()
    main, alternate = uuid.uuid4(), uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main, alternate])))
    for rid, email, role in (
        (main, "m@example.gov.gr", reg.Role.MAIN),
        (alternate, "a@example.gov.gr", reg.Role.ALTERNATE),
    ):
        process(app, feed.delivery(nominated(feed, sealer, rid, email, role)))
    overdue = reg.DesignationOverdue(
        registration_id=feed.registration_id,
        representative_ids=[main, alternate],
        designation_due=DUE,
        recorded_at=NOW,
    )
    recorded = messages(process(app, feed.delivery(overdue)))
    assert sorted((m.template, m.recipient_id) for m in recorded) == sorted(
        [("overdue", main), ("overdue", alternate), ("overdue_unit", None)]
    )
    unit = next(m for m in recorded if m.recipient_id is None)
    assert unit.address == app.mail.innovation_unit_email
    assert unit.context["registration_url"] == (
        f"{app.public_url}/my-body?registration={feed.registration_id}"
    )
    assert all(m.status == EmailStatus.PENDING for m in recorded)


def test_a_rejection_email_carries_the_reason_escaped_in_html_and_plain_in_text() -> None:
    rendered = render(
        "rejected",
        {
            "body_name": "Δήμος",
            "upload_url": "http://127.0.0.1:8000/u",
            "reason": "<b>unsigned</b> & late",
            "name": "Μαρία",
        },
    )
    assert "&lt;b&gt;unsigned&lt;/b&gt; &amp; late" in rendered.html
    assert "<b>unsigned</b>" not in rendered.html
    assert "<b>unsigned</b> & late" in rendered.text
    assert rendered.text.index("Αιτιολογία") < rendered.text.index("The reason given")


def test_the_acknowledgement_gives_the_due_day_in_greek_and_in_english() -> None:
    rendered = render(
        "acknowledgement",
        {"body_name": "Δήμος", "due": "2026-04-15", "role": "main", "upload_url": "http://u"},
    )
    assert "Τετάρτη 15 Απριλίου 2026" in rendered.text
    assert "Wednesday, 15 April 2026" in rendered.text
    assert "Γενικό Γραμματέα, Υπηρεσιακό Γραμματέα" in rendered.html
    assert "General Secretary, Service Secretary" in rendered.html


def test_an_invitation_carries_signed_expiring_links_made_at_send_time_never_stored() -> None:
    app, sealer = app_and_sealer()
    app.jwt_secret = SECRET
    feed = Feed()
    main, activity = uuid.uuid4(), uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main])))
    process(app, feed.delivery(nominated(feed, sealer, main, "m@example.gov.gr", reg.Role.MAIN)))
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    scheduled = mem.ActivityScheduled(
        activity_id=activity,
        kind=mem.ActivityKind.GOVLAB_WORKSHOP,
        title="GOV.LAB: σχεδιασμός υπηρεσιών",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        location="Αθήνα",
        online=False,
        capacity=20,
        languages=["el"],
        scheduled_at=NOW,
    )
    process(app, feed.delivery(scheduled))
    invited = mem.InvitationSent(
        activity_id=activity,
        representative_id=main,
        body_id="094014201",
        body_name="Δήμος",
        level=reg.Level.LOCAL,
        sent_at=NOW,
    )
    invitation = messages(process(app, feed.delivery(invited)))[0]
    assert invitation.template == "invitation"
    assert not any("token" in value for value in invitation.context.values())

    context = app.render_context(invitation, "m@example.gov.gr", datetime.now(UTC))
    rendered = render("invitation", context)
    token = context["accept_url"].split("token=")[1]
    assert read_invitation_answer(SECRET, token) == (activity, main, "accepted")
    assert context["accept_url"] in rendered.text
    assert datetime_el(starts) in rendered.text
    assert datetime_en(starts) in rendered.text
    stale = app.render_context(invitation, "m@example.gov.gr", NOW - timedelta(days=30))
    stale_token = stale["decline_url"].split("token=")[1]
    with pytest.raises(jwt.ExpiredSignatureError):
        read_invitation_answer(SECRET, stale_token)
