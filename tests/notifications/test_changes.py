"""Both representatives hear of every change to their body and of its lapse, in their language.

On the in-memory store, like `test_reactions.py`: what each registration event records, for
whom, with what; and that the emails render in the one language their reader asked for.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from uuid import UUID

from contracts import membership as mem
from contracts import registration as reg
from services.notifications.application import NotificationsApplication
from services.notifications.domain import EmailStatus, Message
from services.notifications.templates import date_el, date_en, render
from tests.notifications.test_reactions import (
    DUE,
    NOW,
    FakeSealer,
    Feed,
    app_and_sealer,
    messages,
    nominated,
    process,
    submitted,
)

MAIN_EMAIL = "m@example.gov.gr"
ALTERNATE_EMAIL = "a@example.gov.gr"
LAPSES_ON = date(2026, 5, 15)


class Body:
    """A registered body: its feed, the app that hears it, and its representatives' ids."""

    def __init__(self, languages: tuple[str | None, str | None] = (None, None)) -> None:
        self.app, self.sealer = app_and_sealer()
        self.feed = Feed()
        self.main, self.alternate = uuid.uuid4(), uuid.uuid4()
        self.recorded: list[Message] = []
        process(self.app, self.feed.delivery(submitted(self.feed, [self.main, self.alternate])))
        for rid, email, role, language in (
            (self.main, MAIN_EMAIL, reg.Role.MAIN, languages[0]),
            (self.alternate, ALTERNATE_EMAIL, reg.Role.ALTERNATE, languages[1]),
        ):
            self.hear(self.nomination(rid, email, role, language))

    def nomination(
        self, rid: UUID, email: str, role: reg.Role, language: str | None = None
    ) -> reg.RepresentativeNominated:
        event = nominated(self.feed, self.sealer, rid, email, role)
        return event.model_copy(update={"language": reg.Language(language) if language else None})

    def hear(self, event: reg.RegistrationEvent | mem.MembershipEvent) -> list[Message]:
        """The emails the event records (each kept in `recorded`, the body's every email)."""
        delivery = self.feed.delivery(event)
        changed = messages(process(self.app, delivery))
        recorded = [m for m in changed if m.caused_by == delivery.event.id]
        self.recorded += recorded
        return recorded


def sent_to(recorded: list[Message]) -> list[tuple[str, UUID | None]]:
    return sorted((m.template, m.recipient_id) for m in recorded)


def rendered_for(app: NotificationsApplication, message: Message) -> tuple[str, str]:
    """The email's subject and plain text as the delivery job would render it now."""
    email = render(message.template, app.render_context(message, "x@example.gov.gr", NOW))
    return email.subject, email.text


def test_the_form_s_own_nominations_tell_nobody_of_a_change() -> None:
    body = Body()
    assert {m.template for m in body.recorded} == {"acknowledgement", "reminder"}


def test_an_alternate_added_later_is_news_to_the_main_and_the_newcomer_is_acknowledged() -> None:
    app, sealer = app_and_sealer()
    feed = Feed()
    main, alternate = uuid.uuid4(), uuid.uuid4()
    process(app, feed.delivery(submitted(feed, [main])))
    process(app, feed.delivery(nominated(feed, sealer, main, MAIN_EMAIL, reg.Role.MAIN)))
    added = nominated(feed, sealer, alternate, ALTERNATE_EMAIL, reg.Role.ALTERNATE)
    recorded = messages(process(app, feed.delivery(added)))
    assert sent_to(recorded) == sorted(
        [
            ("representative_nominated", main),
            ("acknowledgement", alternate),
            ("reminder", alternate),
        ]
    )
    notice = next(m for m in recorded if m.template == "representative_nominated")
    assert notice.context["role"] == "alternate"
    assert notice.context["their_id"] == str(alternate)
    assert "Μαρία Παπαδοπούλου" not in str(notice.context), "names are unsealed only to send"
    subject, text = rendered_for(app, notice)
    assert "Νέος εκπρόσωπος του φορέα Δήμος <Παραδείγματος>" in subject
    assert "αναπληρωματικό μέλος" in text
    assert "Μαρία Παπαδοπούλου" in text  # the newcomer's name (the fake sealer's only name)
    assert "If you did not expect this change" in text


def test_a_successor_is_news_to_both_current_representatives_once() -> None:
    body = Body()
    successor = uuid.uuid4()
    event = body.nomination(successor, "s@example.gov.gr", reg.Role.MAIN)
    recorded = body.hear(event)
    notices = [m for m in recorded if m.template == "representative_nominated"]
    assert sorted(m.recipient_id for m in notices) == sorted([body.main, body.alternate])  # type: ignore[type-var]
    again = messages(process(body.app, body.feed.delivery(event, version=body.feed.version)))
    assert again == [], "a redelivered nomination records nothing more"


def test_a_withdrawn_representative_and_the_other_one_both_hear_of_it() -> None:
    body = Body()
    withdrawn = reg.RepresentativeWithdrawn(
        registration_id=body.feed.registration_id,
        representative_id=body.alternate,
        role=reg.Role.ALTERNATE,
        reason="Μετακίνηση σε άλλη υπηρεσία",
        withdrawn_at=NOW,
    )
    recorded = body.hear(withdrawn)
    assert sent_to(recorded) == sorted(
        [("representative_withdrawn", body.main), ("representative_withdrawn", body.alternate)]
    )
    to_them = next(m for m in recorded if m.recipient_id == body.alternate)
    to_main = next(m for m in recorded if m.recipient_id == body.main)
    assert to_them.context["about_you"] == "yes"
    assert to_main.context["about_you"] == ""
    _, text = rendered_for(body.app, to_them)
    assert "Δεν είστε πλέον αναπληρωματικό μέλος" in text
    assert "Μετακίνηση σε άλλη υπηρεσία" in text
    _, text = rendered_for(body.app, to_main)
    assert "Μαρία Παπαδοπούλου δεν είναι\nπλέον αναπληρωματικό μέλος" in text

    # Withdrawn now: the body's later news reaches the main member only.
    extended = reg.RegistrationExtended(
        registration_id=body.feed.registration_id,
        lapses_on=LAPSES_ON,
        reason="Αναμένεται υπογραφή",
        extended_at=NOW,
    )
    assert sent_to(body.hear(extended)) == [("registration_extended", body.main)]


def test_a_withdrawn_registration_is_told_to_each_current_representative() -> None:
    body = Body()
    recorded = body.hear(
        reg.RegistrationWithdrawn(
            registration_id=body.feed.registration_id, reason=None, withdrawn_at=NOW
        )
    )
    assert sent_to(recorded) == sorted(
        [("registration_withdrawn", body.main), ("registration_withdrawn", body.alternate)]
    )
    reminders = [body.app.message(m.id) for m in body.recorded if m.template == "reminder"]
    assert [m.status for m in reminders] == [EmailStatus.CANCELLED] * 2
    _, text = rendered_for(body.app, recorded[0])
    assert "ανακλήθηκε" in text
    assert "Αιτιολογία" not in text


def test_the_lapse_is_warned_of_extended_and_announced_to_both_with_the_day_and_the_links() -> None:
    body = Body()
    rid = body.feed.registration_id
    both = [body.main, body.alternate]
    lapsing = body.hear(
        reg.RegistrationLapsing(
            registration_id=rid, representative_ids=both, lapses_on=LAPSES_ON, warned_at=NOW
        )
    )
    assert sent_to(lapsing) == sorted(("registration_lapsing", r) for r in both)
    subject, text = rendered_for(body.app, lapsing[0])
    assert date_el(LAPSES_ON) in subject
    assert date_en(LAPSES_ON) in text
    assert f"http://localhost:8000/registrations/{rid}/designation" in text

    later = date(2026, 6, 1)
    extended = body.hear(
        reg.RegistrationExtended(
            registration_id=rid, lapses_on=later, reason="Αναμένεται υπογραφή", extended_at=NOW
        )
    )
    assert sent_to(extended) == sorted(("registration_extended", r) for r in both)
    _, text = rendered_for(body.app, extended[0])
    assert date_el(later) in text
    assert "Αναμένεται υπογραφή" in text

    lapsed = body.hear(
        reg.RegistrationLapsed(
            registration_id=rid,
            representative_ids=both,
            lapsed_at=datetime(2026, 5, 31, 22, 30, tzinfo=UTC),  # 1 June in Athens
        )
    )
    assert sent_to(lapsed) == sorted(("registration_lapsed", r) for r in both)
    _, text = rendered_for(body.app, lapsed[0])
    assert date_el(date(2026, 6, 1)) in text
    assert "http://localhost:8000/register" in text


def test_each_representative_s_emails_are_in_their_language_and_unknown_is_both_greek_first() -> (
    None
):
    body = Body(languages=("en", None))
    acknowledgements = {m.recipient_id: m for m in body.recorded if m.template == "acknowledgement"}
    english = acknowledgements[body.main]
    unknown = acknowledgements[body.alternate]
    assert english.context["language"] == "en"
    assert "language" not in unknown.context

    subject, text = rendered_for(body.app, english)
    assert subject == "We received the registration of Δήμος <Παραδείγματος>"
    assert date_en(DUE) in text
    assert date_el(DUE) not in text
    assert "Αγαπητή" not in text
    subject, text = rendered_for(body.app, unknown)
    assert subject.index("Λάβαμε") < subject.index("We received")
    assert text.index(date_el(DUE)) < text.index(date_en(DUE))

    # Every later email follows the same person's language.
    verified = body.hear(
        reg.DesignationVerified(
            registration_id=body.feed.registration_id,
            designation_id=uuid.uuid4(),
            representative_ids=[body.main, body.alternate],
            verified_at=NOW,
        )
    )
    languages = {m.recipient_id: m.context.get("language") for m in verified}
    assert languages == {body.main: "en", body.alternate: None}


def test_the_welcome_is_in_the_language_of_the_activation_else_of_the_nomination() -> None:
    body = Body(languages=("en", None))
    sealer = FakeSealer()

    def activated(rid: UUID, language: reg.Language | None) -> mem.MemberActivated:
        return mem.MemberActivated(
            representative_id=rid,
            registration_id=body.feed.registration_id,
            designation_id=uuid.uuid4(),
            body_id="094014201",
            body_name="Δήμος",
            level=reg.Level.LOCAL,
            role=reg.Role.MAIN,
            full_name=sealer.seal(rid, "Μαρία"),
            email=sealer.seal(rid, MAIN_EMAIL),
            position_title="Προϊσταμένη",
            activated_at=NOW,
            language=language,
        )

    [from_the_nomination] = body.hear(activated(body.main, None))
    assert from_the_nomination.context["language"] == "en"
    [from_the_activation] = body.hear(activated(body.alternate, reg.Language.GREEK))
    assert from_the_activation.context["language"] == "el"
    subject, _ = rendered_for(body.app, from_the_activation)
    assert subject == "Καλώς ήρθατε στο Δίκτυο Καινοτομίας του Δημοσίου Τομέα"
