"""A test-only service, `tally`, that exercises the runtime the way a real service does.

A tally belongs to an owner (personal data, sealed with the owner's key) and is incremented;
its events are published to a topic of the test's own, and the `TallyTotals` projection folds
them. Fault-injection tests run it as processes: `python -m tests.runtime.tally --role relay`.
Environment: `TALLY_TOPIC` (the topic), `TALLY_PAUSE_FILE` (a pause point: see below),
`TALLY_RELAY_DEAD_FILE`, `TALLY_CONSUMER_DEAD_FILE` and `TALLY_MAPPING_FIXED` (relay and
consumer faults: see below),
`TALLY_POISON_BY` (an increment the projection and the policy raise on), `TALLY_POISON_OPENED`
(the policy raises on every tally opened).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from psycopg import Cursor
from psycopg.rows import DictRow

from contracts.envelope import to_kafka_message
from contracts.events import ContractEvent
from contracts.personal import PersonalDataErased, Sealed
from contracts.topics import Topic
from services.runtime.application import ServiceApplication
from services.runtime.deliveries import Delivery, EventTypes, RawMessage, event_types_of
from services.runtime.projection import Projection
from services.runtime.reactions import Reactions
from services.runtime.relay import OutboxRelay
from services.runtime.runner import run
from services.runtime.service import ServiceDefinition


class TallyOpened(ContractEvent):
    """A tally was opened for an owner."""

    service = "tally"
    tally_id: UUID
    owner: Sealed


class TallyIncremented(ContractEvent):
    """A tally went up."""

    service = "tally"
    tally_id: UUID
    by: int


class TallyOwnerErased(PersonalDataErased):
    """The owner's key was destroyed."""

    service = "tally"


class Tally(Aggregate):
    """A counter that belongs to someone."""

    @event("Opened")
    def __init__(self, owner: Sealed) -> None:
        self.owner = owner
        self.total = 0

    @event("Incremented")
    def increment(self, by: int) -> None:
        self.total += by


class Receipt(Aggregate):
    """What the tally service's policy issues, once, for every tally opened (a random id, so a
    reaction that ran twice would leave two)."""

    @event("Issued")
    def __init__(self, tally_id: UUID) -> None:
        self.tally_id = tally_id


class TallyApplication(ServiceApplication):
    """Opens and increments tallies; issues a receipt when it sees a tally opened on Kafka."""

    service_name = "tally"

    def open(self, owner: Sealed) -> UUID:
        tally = Tally(owner)
        self.save(tally)
        return tally.id

    def increment(self, tally_id: UUID, by: int = 1) -> None:
        tally: Tally = self.repository.get(tally_id)
        tally.increment(by)
        self.save(tally)


UNMAPPABLE_BY = 13
"""An increment by this much maps to an invalid contract event, unless `TALLY_MAPPING_FIXED`
is set: an event the relay cannot publish, and the fix that later makes it publishable."""


def to_contract(domain_event: Any) -> ContractEvent | None:
    """Tally domain events as contract events."""
    if isinstance(domain_event, Tally.Opened):
        return TallyOpened(tally_id=domain_event.originator_id, owner=domain_event.owner)
    if isinstance(domain_event, Tally.Incremented):
        by = domain_event.by
        if by == UNMAPPABLE_BY and not os.environ.get("TALLY_MAPPING_FIXED"):
            by = "unlucky"  # fails the contract's validation, as a mapping bug would
        return TallyIncremented(tally_id=domain_event.originator_id, by=by)
    return None


REACTIONS = Reactions[TallyApplication]()


@REACTIONS.to(TallyOpened)
def issue_a_receipt(
    app: TallyApplication, e: TallyOpened, delivery: Delivery
) -> Sequence[Aggregate]:
    if os.environ.get("TALLY_POISON_OPENED"):
        raise PoisonIncrement("tally refuses to issue a receipt")
    return [Receipt(e.tally_id)]


@REACTIONS.to(TallyIncremented)
def refuse_poison(
    app: TallyApplication, e: TallyIncremented, delivery: Delivery
) -> Sequence[Aggregate]:
    refuse_if_poison(e.by)
    return []


class PoisonIncrement(ValueError):
    """Raised by the projection and the policy on a message a test marked as poison."""


def refuse_if_poison(by: int) -> None:
    """Fail on the increment a test marked as poison (as a processor with a bug would)."""
    if os.environ.get("TALLY_POISON_BY") == str(by):
        raise PoisonIncrement(f"tally refuses an increment by {by}")


def pause_if_asked(point: str) -> None:
    """At a named point, write a marker and sleep, so a test can kill the process right there."""
    pause_file = os.environ.get("TALLY_PAUSE_FILE")
    if pause_file and os.environ.get("TALLY_PAUSE_AT") == point and not Path(pause_file).exists():
        Path(pause_file).write_text(point)
        time.sleep(600)


class PausingRelay(OutboxRelay):
    """The runtime's relay, with a pause point after the broker acknowledged a batch, and a
    kill switch: while the file `TALLY_RELAY_DEAD_FILE` exists, the relay fails at each batch."""

    def before_batch(self) -> None:
        dead_file = os.environ.get("TALLY_RELAY_DEAD_FILE")
        if dead_file and Path(dead_file).exists():
            raise RuntimeError("the relay is held dead by the test")

    def _record_position(self, conn: Any, position: int) -> None:
        pause_if_asked("relay-before-record")
        super()._record_position(conn, position)


class TallyTotals(Projection):
    """Totals per tally, every applied version logged, and the owner's name in clear."""

    name = "tally_totals"

    @property  # type: ignore[override]
    def topics(self) -> tuple[str, ...]:
        return (tally_topic().name,)

    @property
    def event_types(self) -> EventTypes:
        return event_types_of(self.topics, also=(tally_topic(),))

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        # The consumer loop counts these as it starts: while the file `TALLY_CONSUMER_DEAD_FILE`
        # exists, the projection's consumer dies right there, and after each restart.
        dead_file = os.environ.get("TALLY_CONSUMER_DEAD_FILE")
        if dead_file and Path(dead_file).exists():
            raise RuntimeError("the projection's consumer is held dead by the test")
        return super().open_dead_letters()

    def process(self, batch: Sequence[Delivery]) -> None:
        super().process(batch)
        pause_if_asked("projection-after-commit")

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS totals (tally_id uuid PRIMARY KEY, total bigint NOT NULL,"
            " owner_subject uuid, owner_name text)"
        )
        # No unique key on purpose: a version applied twice must show up as two rows.
        curs.execute(
            "CREATE TABLE IF NOT EXISTS applied"
            " (seq bigserial, tally_id uuid NOT NULL, version bigint NOT NULL)"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        data, received = delivery.event.data, delivery.event
        if received.type == TallyOpened.ce_type():
            owner = Sealed.model_validate(data["owner"])
            name = self.sealer.unseal(owner)
            curs.execute(
                "INSERT INTO totals VALUES (%s, 0, %s, %s)",
                (received.aggregate_id, owner.subject_id, name),
            )
        elif received.type == TallyIncremented.ce_type():
            refuse_if_poison(data["by"])
            curs.execute(
                "UPDATE totals SET total = total + %s WHERE tally_id = %s",
                (data["by"], received.aggregate_id),
            )
        elif received.type == TallyOwnerErased.ce_type():
            curs.execute(
                "UPDATE totals SET owner_name = NULL WHERE owner_subject = %s",
                (data["subject_id"],),
            )
        curs.execute(
            "INSERT INTO applied (tally_id, version) VALUES (%s, %s)",
            (received.aggregate_id, received.aggregate_version),
        )
        pause_if_asked("projection-inside-transaction")


def consumed(topic: str, aggregate_id: UUID, events: Sequence[ContractEvent]) -> list[RawMessage]:
    """`events` of one aggregate as consumed at offsets 0, 1, … of `topic`'s partition 0."""
    found = []
    for offset, contract_event in enumerate(events):
        message = to_kafka_message(
            contract_event,
            aggregate_id=aggregate_id,
            aggregate_version=offset + 1,
            time=datetime.now(UTC),
            correlation_id="c",
            causation_id="c",
        )
        found.append(
            RawMessage(topic, 0, offset, message.key, tuple(message.headers), message.value)
        )
    return found


def tally_topic() -> Topic:
    """The topic of this run, from the environment."""
    name = os.environ.get("TALLY_TOPIC", "test.tally")
    return Topic(name, 3, "tally", (TallyOpened, TallyIncremented, TallyOwnerErased))


def definition() -> ServiceDefinition:
    """The tally service as the runtime runs it."""
    return ServiceDefinition(
        name="tally",
        application_class=TallyApplication,
        to_contract=to_contract,
        projections=(TallyTotals,),
        topic=tally_topic(),
        relay_class=PausingRelay,
        erased_event=TallyOwnerErased,
        reactions=REACTIONS,
    )


if __name__ == "__main__":
    # Run the module's importable twin, not `__main__`: stored events name their classes by
    # module path, and `tests.runtime.tally.Tally` is not `__main__.Tally`.
    from tests.runtime import tally

    run(tally.definition())
