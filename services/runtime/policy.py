"""Policies: a service's application reacting to consumed events, exactly once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import Identifier

from services.runtime import deadletters
from services.runtime.application import ServiceApplication
from services.runtime.deadletters import DeadLetterProcessRecorder, DeadLetterReplay
from services.runtime.deliveries import (
    Delivery,
    EventTypes,
    RawMessage,
    event_types_of,
    tracking_name,
)
from services.runtime.metrics import DEAD_LETTERS


class PolicyProcessor:
    """Feeds deliveries to `application.process_event`: new events and tracking in one commit.

    eventsourcing's process recorder inserts the tracking record in the transaction that stores
    the reaction's events; a redelivered offset violates it and nothing is stored twice. Dead
    letters live beside the tracking table, written with their tracking record on one
    connection of the application's datastore.
    """

    def __init__(
        self,
        application: ServiceApplication,
        topics: Sequence[str],
        event_types: EventTypes | None = None,
    ) -> None:
        self._application = application
        self.topics: Sequence[str] = tuple(topics)
        self.event_types = event_types if event_types is not None else event_types_of(topics)
        """What it accepts: the registry's types on `topics` unless given."""
        self.name = f"policies.{application.service_name}"
        recorder = application.recorder
        if not isinstance(recorder, DeadLetterProcessRecorder):
            raise TypeError("policies need the event store's DeadLetterProcessRecorder")
        self._recorder = recorder

    def stored_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """The last processed offset of each partition that has one."""
        found = {}
        for topic, partition in partitions:
            offset = self._recorder.max_tracking_id(tracking_name(topic, partition))
            if offset is not None:
                found[(topic, partition)] = offset
        return found

    def process(self, batch: Sequence[Delivery]) -> None:
        """React to each delivery in its own transaction, in order; held keys are held."""
        with self.dead_letter_cursor() as (curs, table):
            held = deadletters.held_keys(
                curs, table, self.name, {(d.topic, d.partition) for d in batch}
            )
        for delivery in batch:
            if (delivery.topic, delivery.partition, delivery.hold_key) in held:
                assert delivery.raw is not None, "a consumed delivery keeps its message"
                self.dead_letter(delivery.raw, "held", "its key is held")
            else:
                self._application.process_event(delivery, delivery.tracking)  # type: ignore[arg-type]

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        """Keep `raw` as a dead letter and move its partition past it, in one transaction."""
        with self.dead_letter_cursor() as (curs, table):
            _, state = deadletters.record(curs, table, self.name, raw, reason, error)
            deadletters.write_tracking(curs, self._recorder.tracking_table, [raw.tracking])
        DEAD_LETTERS.labels(self.name, reason if state == deadletters.DEAD else "held").inc()

    @contextmanager
    def dead_letter_cursor(self) -> Iterator[tuple[Cursor[DictRow], Identifier]]:
        """A transaction on the application's database, and its dead-letter table."""
        with self._recorder.datastore.transaction(commit=True) as curs:
            yield curs, self._recorder.dead_letters_table

    def replay(self, letter: deadletters.DeadLetter, delivery: Delivery) -> None:
        """React to a dead letter's delivery; the letter is marked replayed in that commit."""
        mark = DeadLetterReplay(delivery.tracking.application_name, letter.offset, letter.id)
        self._application.process_event(delivery, mark)  # type: ignore[arg-type]

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        """Open dead letters of these policies, by (processor, state)."""
        with self.dead_letter_cursor() as (curs, table):
            counts = deadletters.open_counts(curs, table)
        return {key: n for key, n in counts.items() if key[0] == self.name}
