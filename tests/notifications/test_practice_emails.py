"""The observatory's emails over real Kafka and real SMTP: to the unit, and to the body's current
representatives, each in their language, once per event.

The test publishes the registration and observatory contract events itself, as those services
would (real sealed values, real topics), to one notifications process and one SMTP server for
the module. The body has a main representative who reads English, a former alternate who was
withdrawn, and the alternate named after them, whose language is unknown (both languages).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from confluent_kafka import Producer

from contracts import observatory as obs
from contracts import registration as reg
from contracts.envelope import to_kafka_message
from contracts.events import ContractEvent
from contracts.topics import topic_of
from services.notifications.application import PUBLIC_URL_DEFAULT, NotificationsApplication
from services.notifications.domain import Message
from services.notifications.policies import REACTIONS
from services.runtime.relay import producer_config
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import ServiceSettings
from services.runtime.topics import create_topics
from tests.notifications.conftest import Received, SmtpServer
from tests.notifications.test_reactions import FakeSealer, Feed, process
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

UNIT = "innovationunit@example.gov.gr"
MAIN = "e.alexiou@example.gov.gr"
FORMER = "k.dimou@example.gov.gr"
ALTERNATE = "s.karra@example.gov.gr"
BODY_NAME = "Δήμος Καλαμάτας"
TAX_ID = "090153025"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass
class Stack:
    """One notifications process on a topic prefix of its own, its SMTP server, a publisher."""

    smtp: SmtpServer
    prefix: str
    producer: Producer
    versions: dict[UUID, int] = field(default_factory=dict)
    main: UUID = field(default_factory=uuid.uuid4)
    former: UUID = field(default_factory=uuid.uuid4)
    alternate: UUID = field(default_factory=uuid.uuid4)

    def publish(self, aggregate_id: UUID, event: ContractEvent, version: int | None = None) -> int:
        """Produce `event` as its service would: the aggregate's next version, or `version`
        again (a duplicate: same event id, new offset)."""
        if version is None:
            version = self.versions.get(aggregate_id, 0) + 1
            self.versions[aggregate_id] = version
        message = to_kafka_message(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=version,
            time=NOW,
            correlation_id=aggregate_id,
            causation_id=aggregate_id,
        )
        topic = f"{self.prefix}{topic_of(event.service).name}"
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        self.producer.produce(topic, message.value, message.key, headers=headers)
        assert self.producer.flush(30) == 0
        return version


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    smtp = SmtpServer()
    smtp.start()
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    tmp_path = tmp_path_factory.mktemp("practice-emails")
    try:
        with fresh_database("notifications") as database_url:
            env = {
                "NOTIFICATIONS_DATABASE_URL": database_url,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "NOTIFICATIONS_SMTP_PORT": str(smtp.port),
                "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
                "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
            }
            create_topics(kafka_bootstrap_servers(), prefix=prefix)
            try:
                with service_process("notifications", env, tmp_path):
                    producer = Producer(producer_config(kafka_bootstrap_servers()))
                    running = Stack(smtp, prefix, producer)
                    settings = ServiceSettings(service="notifications", database_url=database_url)
                    publish_the_body(running, settings)
                    yield running
            finally:
                delete_topics(prefix)
    finally:
        smtp.stop()


def publish_the_body(stack: Stack, settings: ServiceSettings) -> None:
    """The body's registration: main and an alternate, the alternate withdrawn and succeeded."""
    vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
    sealer = Sealer(vault)
    registration_id = uuid.uuid4()
    due = date.today() + timedelta(days=30)

    def nominated(rid: UUID, role: reg.Role, name: str, email: str) -> reg.RepresentativeNominated:
        return reg.RepresentativeNominated(
            registration_id=registration_id,
            representative_id=rid,
            role=role,
            full_name=sealer.seal(rid, name),
            email=sealer.seal(rid, email),
            position_title="Προϊστάμενος Διεύθυνσης",
            unit="Διεύθυνση Καινοτομίας",
            seniority=reg.Seniority.DIRECTORATE_HEAD,
            designation_due=due,
            nominated_at=NOW,
            language=reg.Language.ENGLISH if rid == stack.main else None,
        )

    try:
        events: list[ContractEvent] = [
            reg.RegistrationSubmitted(
                registration_id=registration_id,
                body=reg.Body(name=BODY_NAME, tax_id=TAX_ID, level=reg.Level.LOCAL),
                submitted_by=reg.Role.MAIN,
                submitted_at=NOW,
                designation_due=due,
                representatives=[
                    reg.Nominee(representative_id=stack.main, role=reg.Role.MAIN),
                    reg.Nominee(representative_id=stack.former, role=reg.Role.ALTERNATE),
                ],
            ),
            nominated(stack.main, reg.Role.MAIN, "Ελένη Αλεξίου", MAIN),
            nominated(stack.former, reg.Role.ALTERNATE, "Κώστας Δήμου", FORMER),
            reg.RepresentativeWithdrawn(
                registration_id=registration_id,
                representative_id=stack.former,
                role=reg.Role.ALTERNATE,
                withdrawn_at=NOW,
            ),
            nominated(stack.alternate, reg.Role.ALTERNATE, "Σοφία Καρρά", ALTERNATE),
        ]
        for event in events:
            stack.publish(registration_id, event)
    finally:
        vault.close()
    # The last of them, in order on the registration's partition: all are in once it is sent.
    eventually(lambda: the_one(stack, ALTERNATE, "acknowledgement"), timeout=30)


def received(stack: Stack, to: str, template: str, about: UUID | None = None) -> list[Received]:
    """The emails `template` to `to` (about the practice `about`: its id in a link)."""
    return [
        e
        for e in stack.smtp.emails()
        if e.to == [to]
        and e.template == template
        and (about is None or str(about) in e.part("plain"))
    ]


def the_one(stack: Stack, to: str, template: str, about: UUID | None = None) -> Received:
    found = received(stack, to, template, about)
    assert len(found) == 1, f"{len(found)} {template} to {to}"
    return found[0]


def words(email: Received, part: str = "plain") -> str:
    return " ".join(email.part(part).split())


def submitted(by: UUID, practice: UUID, title: str, again: bool = False) -> obs.PracticeSubmitted:
    return obs.PracticeSubmitted(
        practice_id=practice,
        body_id=TAX_ID,
        level=reg.Level.LOCAL,
        submitted_by=by,
        title=title,
        languages=[reg.Language.GREEK, reg.Language.ENGLISH],
        resubmission=again,
        submitted_at=NOW,
    )


def changes_requested(practice: UUID, comment: str) -> obs.PracticeChangesRequested:
    return obs.PracticeChangesRequested(
        practice_id=practice,
        body_id=TAX_ID,
        comment=comment,
        decided_by="staff-0a1b2c3d4e5f60718293",
        requested_at=NOW,
    )


def texts(title: str) -> obs.PracticeTexts:
    return obs.PracticeTexts(
        title=title,
        short_explanation="Σύντομη περιγραφή.",
        overview="Επισκόπηση.",
        innovativeness="Καινοτομία.",
    )


def published(practice: UUID, comment: str) -> obs.PracticePublished:
    return obs.PracticePublished(
        practice_id=practice,
        body_id=TAX_ID,
        comment=comment,
        decided_by="staff-0a1b2c3d4e5f60718293",
        practice=obs.PublicPractice(
            practice_id=practice,
            body_id=TAX_ID,
            body_name=BODY_NAME,
            level=reg.Level.LOCAL,
            languages=[reg.Language.GREEK, reg.Language.ENGLISH],
            texts={
                reg.Language.GREEK: texts("Ψηφιακές άδειες στάθμευσης"),
                reg.Language.ENGLISH: texts("Digital parking permits"),
            },
            stage=obs.Stage.IMPLEMENTATION,
            facets=[obs.Facet.ENHANCEMENT],
            sector=obs.Sector.TRANSPORT,
            year_launched=2024,
            tags=["στάθμευση", "άδειες", "ψηφιακό"],
            first_published_at=NOW,
            published_at=NOW,
        ),
    )


def test_a_practice_from_submission_to_publication_reaches_the_unit_then_the_representatives(
    stack: Stack,
) -> None:
    practice = uuid.uuid4()
    review = f"{PUBLIC_URL_DEFAULT}/unit/practices/{practice}"
    mine = f"{PUBLIC_URL_DEFAULT}/my-body/practices/{practice}"
    public = f"{PUBLIC_URL_DEFAULT}/observatory/practices/{practice}"

    stack.publish(practice, submitted(stack.main, practice, "Άδειες στάθμευσης <online>"))
    unit = eventually(lambda: the_one(stack, UNIT, "practice_submitted", practice), timeout=30)
    assert unit.message["Subject"] == (
        "Νέα καλή πρακτική προς έλεγχο: Άδειες στάθμευσης <online> (Δήμος Καλαμάτας)"
        " / A new good practice to review: Άδειες στάθμευσης <online> (Δήμος Καλαμάτας)"
    )
    text = words(unit)
    assert text.index("Ο φορέας «Δήμος Καλαμάτας» υπέβαλε την καλή πρακτική") < text.index(
        '"Δήμος Καλαμάτας" submitted the good practice "Άδειες στάθμευσης <online>"'
    )
    assert f"Ελέγξτε την εδώ: {review}" in text
    assert f"Review it here: {review}" in text
    assert f'<a href="{review}">' in unit.part("html")
    assert "Άδειες στάθμευσης &lt;online&gt;" in unit.part("html")

    comment = "Συμπληρώστε τα αποτελέσματα.\nAdd the number of permits issued."
    stack.publish(practice, changes_requested(practice, comment))
    to_main = eventually(
        lambda: the_one(stack, MAIN, "practice_changes_requested", practice), timeout=30
    )
    to_alternate = eventually(
        lambda: the_one(stack, ALTERNATE, "practice_changes_requested", practice), timeout=30
    )
    assert to_main.message["Content-Language"] == "en"
    assert to_main.message["Subject"] == "Changes requested: Άδειες στάθμευσης <online>"
    assert "Dear Ελένη Αλεξίου," in words(to_main)
    assert "asks for changes" in words(to_main)
    assert "ζητά αλλαγές" not in words(to_main)
    assert "Add the number of permits issued." in words(to_main)
    assert f"Make the changes and submit it again: {mine}" in words(to_main)
    both = words(to_alternate)
    assert to_alternate.message["Content-Language"] == "el, en"
    assert both.index("ζητά αλλαγές") < both.index("asks for changes")
    assert both.count("Συμπληρώστε τα αποτελέσματα. Add the number of permits issued.") == 2
    assert f"υποβάλετέ την ξανά: {mine}" in both
    assert f"submit it again: {mine}" in both
    assert "Συμπληρώστε τα αποτελέσματα.\nAdd the number" in to_alternate.part("html")

    stack.publish(
        practice, submitted(stack.main, practice, "Ψηφιακές άδειες στάθμευσης", again=True)
    )

    def the_resubmission() -> Received:
        found = received(stack, UNIT, "practice_submitted", practice)
        assert len(found) == 2, f"{len(found)} emails to the unit about it"
        return next(e for e in found if "Ψηφιακές" in e.message["Subject"])

    again = eventually(the_resubmission, timeout=30)
    assert again.message["Subject"].startswith("Ξανά προς έλεγχο: Ψηφιακές άδειες στάθμευσης")
    assert "submitted again, after the changes you asked for," in words(again)

    stack.publish(practice, published(practice, "Εξαιρετική δουλειά."))
    to_main = eventually(lambda: the_one(stack, MAIN, "practice_published", practice), timeout=30)
    to_alternate = eventually(
        lambda: the_one(stack, ALTERNATE, "practice_published", practice), timeout=30
    )
    assert to_main.message["Subject"] == "Your good practice is published: Digital parking permits"
    assert f"Its public page: {public}" in words(to_main)
    assert f"Its page for your body: {mine}" in words(to_main)
    assert "Εξαιρετική δουλειά." in words(to_main)
    both = words(to_alternate)
    assert to_alternate.message["Subject"] == (
        "Η καλή πρακτική δημοσιεύθηκε: Ψηφιακές άδειες στάθμευσης"
        " / Your good practice is published: Digital parking permits"
    )
    assert f"Η δημόσια σελίδα της: {public}" in both
    assert f"Η σελίδα της για τον φορέα σας: {mine}" in both
    assert f"Its public page: {public}" in both
    assert both.count("Εξαιρετική δουλειά.") == 2
    assert f'<a href="{public}">' in to_alternate.part("html")
    assert received(stack, FORMER, "practice_changes_requested") == []
    assert received(stack, FORMER, "practice_published") == []


def test_a_duplicate_event_sends_once_and_a_rejection_names_the_title_kept_from_submission(
    stack: Stack,
) -> None:
    practice = uuid.uuid4()
    mine = f"{PUBLIC_URL_DEFAULT}/my-body/practices/{practice}"
    first = stack.publish(practice, submitted(stack.main, practice, "Κοινό γραφείο"))
    stack.publish(practice, submitted(stack.main, practice, "Κοινό γραφείο"), version=first)
    asked = stack.publish(practice, changes_requested(practice, "Λείπει η αξιολόγηση."))
    stack.publish(practice, changes_requested(practice, "Λείπει η αξιολόγηση."), version=asked)
    stack.publish(
        practice, submitted(stack.main, practice, "Κοινό γραφείο εξυπηρέτησης", again=True)
    )
    reason = "Δεν πρόκειται για καινοτομία.\nIt repeats a practice already published."
    stack.publish(
        practice,
        obs.PracticeRejected(practice_id=practice, body_id=TAX_ID, comment=reason, rejected_at=NOW),
    )

    # The rejection comes last on the practice's partition: once it is sent, the duplicates'
    # emails would have been recorded, and sent, before it.
    to_main = eventually(lambda: the_one(stack, MAIN, "practice_rejected", practice), timeout=30)
    to_alternate = eventually(
        lambda: the_one(stack, ALTERNATE, "practice_rejected", practice), timeout=30
    )
    assert len(received(stack, UNIT, "practice_submitted", practice)) == 2
    assert len(received(stack, MAIN, "practice_changes_requested", practice)) == 1
    assert len(received(stack, ALTERNATE, "practice_changes_requested", practice)) == 1

    assert to_main.message["Subject"] == (
        "Your good practice will not be published: Κοινό γραφείο εξυπηρέτησης"
    )
    assert "It repeats a practice already published." in words(to_main)
    assert f"The practice and its history: {mine}" in words(to_main)
    both = words(to_alternate)
    assert both.index("Αιτιολογία:") < both.index("The reason given:")
    assert both.count("Δεν πρόκειται για καινοτομία.") == 2
    assert f"Η πρακτική και το ιστορικό της: {mine}" in both
    assert received(stack, FORMER, "practice_rejected") == []


def test_unknown_practices_and_submitters_and_a_body_that_left_in_memory() -> None:
    """A decision on a practice never submitted here records nothing; a submitter this service
    does not know leaves the unit's notice naming the body by its tax id; once the body's
    registration is withdrawn its representatives hear nothing more of its practices."""
    sealer = FakeSealer()
    app = NotificationsApplication(sealer=sealer, reactions=REACTIONS)  # type: ignore[arg-type]
    feed = Feed()
    unseen, practice = uuid.uuid4(), uuid.uuid4()

    def emails(event: ContractEvent) -> list[Message]:
        return [a for a in process(app, feed.delivery(event)) if isinstance(a, Message)]

    assert emails(changes_requested(unseen, "Λείπουν πεδία.")) == []
    [notice] = emails(submitted(uuid.uuid4(), practice, "Πρακτική"))
    assert (notice.template, notice.address) == ("practice_submitted", UNIT)
    assert notice.context["body_name"] == TAX_ID
    assert emails(changes_requested(practice, "Λείπουν πεδία.")) == []

    main = uuid.uuid4()
    for event in (
        reg.RegistrationSubmitted(
            registration_id=feed.registration_id,
            body=reg.Body(name=BODY_NAME, tax_id=TAX_ID, level=reg.Level.LOCAL),
            submitted_by=reg.Role.MAIN,
            submitted_at=NOW,
            designation_due=NOW.date(),
            representatives=[reg.Nominee(representative_id=main, role=reg.Role.MAIN)],
        ),
        reg.RepresentativeNominated(
            registration_id=feed.registration_id,
            representative_id=main,
            role=reg.Role.MAIN,
            full_name=sealer.seal(main, "Ελένη Αλεξίου"),
            email=sealer.seal(main, MAIN),
            position_title="Προϊσταμένη",
            unit="Διεύθυνση",
            seniority=reg.Seniority.DIRECTORATE_HEAD,
            designation_due=NOW.date(),
            nominated_at=NOW,
        ),
    ):
        process(app, feed.delivery(event))
    ours = uuid.uuid4()
    [notice] = emails(submitted(main, ours, "Δική μας"))
    assert notice.context["body_name"] == BODY_NAME
    [returned] = emails(changes_requested(ours, "Λείπουν πεδία."))
    assert (returned.recipient_id, returned.context["title_el"]) == (main, "Δική μας")
    withdrawn = reg.RegistrationWithdrawn(registration_id=feed.registration_id, withdrawn_at=NOW)
    process(app, feed.delivery(withdrawn))
    rejected = obs.PracticeRejected(
        practice_id=ours, body_id=TAX_ID, comment="Ο φορέας αποχώρησε.", rejected_at=NOW
    )
    assert emails(rejected) == []
