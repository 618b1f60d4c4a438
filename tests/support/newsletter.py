"""The newsletter as one process on a fresh topic prefix and database, fed membership's events.

`newsletter_api(tmp_path)` starts it (every role) and yields a `NewsletterStack`: an HTTP
client, the prefix and database, `produce` to publish a membership event onto its topic as the
membership service would, `events` to read the newsletter's own topic, and `stores()` — the
service's application, projections and sealer opened on the same database in the test's own
process, to run a job at a chosen `now` (`expire_requests(stores, now=...)`) or to seal a
member's address as membership does. `subscribe`/`confirmed` use the form and its link,
`activate`/`deactivate` publish a member's joining and leaving, `confirm_token` and
`unsubscribe_token` sign links as the notifications service does. `SERVICE_CALLER` and `ADMIN`
are the bearer headers of the gateway and of an innovation-unit member. The bounce receiver is
off (`NEWSLETTER_BOUNCE_PORT=0`) unless `newsletter_api(tmp_path, env)` gives it a port.

A module-scoped fixture of a test file:

    @pytest.fixture(scope="module")
    def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
        with newsletter_api(tmp_path_factory.mktemp("newsletter")) as running:
            yield running
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Producer

from contracts import membership
from contracts.envelope import to_kafka_message
from contracts.events import ContractEvent
from contracts.registration import Language, Level, Role
from contracts.topics import topic_of
from services.newsletter.domain import blind_index_of, subscriber_id
from services.newsletter.service import SERVICE
from services.runtime import newsletter_links
from services.runtime.auth import mint_token
from services.runtime.relay import producer_config
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from services.runtime.startup import Stores, opened_stores
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics, read_topic
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

STAFF = "staff-0123456789abcdef0123"
"""The subject of the innovation-unit member, as the gateway mints it."""


def bearer(role: str, subject: str, email: str | None = None) -> dict[str, str]:
    minted = mint_token(DEVELOPMENT_JWT_SECRET, subject=subject, role=role, email=email)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {minted}"}


SERVICE_CALLER = bearer("service", "gateway")
"""The gateway, which alone calls the public form's and links' routes."""
ADMIN = bearer("admin", STAFF, "unit@innovation.gov.gr")


def newsletter_env(database_url: str, prefix: str) -> dict[str, str]:
    """The newsletter's environment on `database_url`, its topics and groups under `prefix`."""
    return {
        "NEWSLETTER_DATABASE_URL": database_url,
        "NEWSLETTER_BOUNCE_PORT": "0",
        "KAFKA_TOPIC_PREFIX": prefix,
        "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
        "INNOVNET_ENV": "test",
    }


@dataclass
class NewsletterStack:
    client: httpx.Client
    prefix: str
    database_url: str
    service: RunningService
    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    @property
    def settings(self) -> ServiceSettings:
        """The service's settings, as its process reads them."""
        return ServiceSettings(service="newsletter", database_url=self.database_url)

    @contextmanager
    def stores(self) -> Iterator[Stores]:
        """The service's stores opened in this process, on the same database; closed after."""
        with opened_stores(SERVICE, self.settings) as stores:
            yield stores

    def produce(self, event: ContractEvent, aggregate_id: uuid.UUID) -> None:
        """Publish a membership event as the membership service would (the aggregate's next
        version, now)."""
        self.versions[aggregate_id] = self.versions.get(aggregate_id, 1) + 1
        message = to_kafka_message(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=self.versions[aggregate_id],
            time=datetime.now(UTC),
            correlation_id=aggregate_id,
            causation_id=aggregate_id,
        )
        producer = Producer(producer_config(kafka_bootstrap_servers()))
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        producer.produce(
            f"{self.prefix}{topic_of('membership').name}",
            message.value,
            message.key,
            headers=headers,
        )
        assert producer.flush(30) == 0

    def events(self) -> list[tuple[uuid.UUID, str]]:
        """(aggregate id, event name) of every event on the newsletter's topic, in order."""
        topic = topic_of("newsletter")
        messages = read_topic(f"{self.prefix}{topic.name}", topic.partitions)
        return [(e.aggregate_id, e.type.split(".")[-2]) for _, _, e, _ in messages]

    def subscribe(self, address: str, language: Language = Language.GREEK) -> httpx.Response:
        """The gateway's POST of the public form."""
        body = {"email": address, "language": language.value}
        return self.client.post("/subscriptions", json=body, headers=SERVICE_CALLER)

    def confirmed(self, address: str, language: Language = Language.GREEK) -> uuid.UUID:
        """Subscribe `address` on the form and follow its confirmation link; its subscriber id."""
        assert self.subscribe(address, language).status_code == 202
        subscriber = self.subscriber_id(address)
        token = self.confirm_token(subscriber, datetime.now(UTC) + timedelta(days=7))
        answer = self.client.post(
            "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
        )
        assert answer.status_code == 200, answer.text
        return subscriber

    def subscriber_id(self, address: str) -> uuid.UUID:
        """The subscriber id the service derives from `address`."""
        return subscriber_id(blind_index_of(self.settings.jwt_secret, address))

    def confirm_token(self, subscriber: uuid.UUID, expires: datetime) -> str:
        """The token of a confirmation link, as the notifications service signs it."""
        url = newsletter_links.confirm_url(
            self.settings.jwt_secret, self.settings.public_url, subscriber, expires
        )
        return url.partition("token=")[2]

    def unsubscribe_token(self, subscriber: uuid.UUID) -> str:
        """The subscriber's token of their unsubscribe and preferences links."""
        return newsletter_links.subscriber_token(
            self.settings.jwt_secret, subscriber, newsletter_links.TokenPurpose.UNSUBSCRIBE
        )

    def activate(self, address: str, language: Language | None = None) -> uuid.UUID:
        """A new member whose address is `address` (sealed as membership seals it); their id."""
        representative_id = uuid.uuid4()
        with self.stores() as stores:
            seal = stores.sealer.sealing_for(representative_id)
            event = membership.MemberActivated(
                representative_id=representative_id,
                registration_id=uuid.uuid4(),
                designation_id=uuid.uuid4(),
                body_id="094014201",
                body_name="Δήμος Παραδείγματος",
                level=Level.LOCAL,
                role=Role.MAIN,
                full_name=seal("Μαρία Παπαδοπούλου"),
                email=seal(address),
                position_title="Προϊσταμένη Διεύθυνσης",
                activated_at=datetime.now(UTC),
                language=language,
            )
        self.produce(event, representative_id)
        return representative_id

    def deactivate(self, representative_id: uuid.UUID) -> None:
        """The member leaves."""
        event = membership.MemberDeactivated(
            representative_id=representative_id,
            registration_id=uuid.uuid4(),
            body_id="094014201",
            role=Role.MAIN,
            reason="αντικαταστάθηκε",
            deactivated_at=datetime.now(UTC),
        )
        self.produce(event, representative_id)


def texts(
    subject: str = "Τεύχος", markdown: str = "Καλημέρα **σε όλους**.", en: bool = True
) -> dict[str, Any]:
    """An issue's texts: Greek, and English unless `en` is False."""
    written: dict[str, Any] = {"el": {"subject": subject, "markdown": markdown}}
    if en:
        written["en"] = {"subject": f"{subject} (en)", "markdown": "Good morning **everyone**."}
    return written


def drafted(stack: NewsletterStack, **kwargs: Any) -> str:
    """A draft issue made by the unit (`texts(**kwargs)`); its id."""
    answer = stack.client.post("/issues", json={"texts": texts(**kwargs)}, headers=ADMIN)
    assert answer.status_code == 201, answer.text
    issue_id: str = answer.json()["issue_id"]
    return issue_id


@contextmanager
def newsletter_api(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[NewsletterStack]:
    """The newsletter (every role) on its own prefix and database, with `env` added (its bounce
    receiver's port, say); stopped and dropped after."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with fresh_database("newsletter") as url:
            full_env = {**newsletter_env(url, prefix), **(env or {})}
            with (
                service_process("newsletter", full_env, tmp_path) as service,
                httpx.Client(base_url=service.base_url, timeout=30) as client,
            ):
                yield NewsletterStack(client, prefix, url, service)
    finally:
        delete_topics(prefix)
