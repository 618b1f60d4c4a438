"""Policies: a service's application reacting to consumed events, exactly once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from eventsourcing.persistence import IntegrityError
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import Identifier

from services.runtime import deadletters
from services.runtime.application import ServiceApplication
from services.runtime.deadletters import DeadLetterProcessRecorder, DeadLetterReplay
from services.runtime.deliveries import (
    AlreadyTracked,
    Delivery,
    EventTypes,
    RawMessage,
    event_types_of,
    tracking_name,
)


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
        """React to each delivery in its own transaction, in order; held keys are held.

        Which keys are held is read once for the batch; a letter a replay settles meanwhile
        makes `record` refuse to hold its key's next message, which is then reacted to.
        """
        with self.dead_letter_cursor() as (curs, table):
            held = deadletters.held(curs, table, self.name, batch)
        for delivery in batch:
            if delivery in held:
                try:
                    self.dead_letter(delivery.message, deadletters.HELD, "its key is held")
                    continue
                except deadletters.NotHeld:
                    pass
            self._react(delivery)

    def _react(self, delivery: Delivery) -> None:
        """Process one delivery with its tracking record; AlreadyTracked only if it really is.

        eventsourcing raises IntegrityError for any conflict: a tracking record stored
        already, but also an aggregate version a concurrent command took. Only the stored
        offset tells them apart; the other is the delivery's failure, retried, then dead.
        """
        try:
            self._application.process_event(delivery, delivery.tracking)  # type: ignore[arg-type]
        except IntegrityError as error:
            key = (delivery.topic, delivery.partition)
            if self.stored_offsets([key]).get(key, -1) >= delivery.offset:
                raise AlreadyTracked(str(error)) from error
            raise

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        """Keep `raw` as a dead letter and move its partition past it, in one transaction."""
        with self.dead_letter_cursor() as (curs, table):
            tracking_table = self._recorder.tracking_table
            state = deadletters.keep(curs, table, tracking_table, self.name, raw, reason, error)
        deadletters.count(self.name, reason, state)

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
