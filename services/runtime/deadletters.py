"""Dead letters: consumed messages a processor could not apply, kept so a partition moves on.

A message that fails on its own (it does not parse, its type is unknown, its data fails the
contract, or the processor raises on it every time) is written to `dead_letters` in the same
transaction as its tracking record, so its partition moves on exactly once. Later messages with
the same key on that partition are *held* behind it: written as held dead letters (with their
tracking records) instead of being applied, so one aggregate's events still apply in order.

This module is their storage (the table, its rows, the tracking records written beside them)
and the event-store recorder that settles a replayed letter with a policy's reaction; the
operators' commands are in `dead_letter_commands`. It is longer than most modules because
the table's statements and the recorder that writes them must change together.

Projections keep the table in their generation's schema (a rebuild starts clean and meets the
same poison again); a service's policies keep it in the application's database, beside its
tracking table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Composed, Identifier

from services.runtime.deliveries import AlreadyTracked, Delivery, RawMessage
from services.runtime.metrics import DEAD_LETTERS

DEAD: Final = "dead"
HELD: Final = "held"
REPLAYED: Final = "replayed"
DISCARDED: Final = "discarded"
OPEN: Final = (DEAD, HELD)

TABLE: Final = "dead_letters"


class SettledAlready(IntegrityError):
    """The letter was replayed or discarded already (by another operator's command)."""


class NotHeld(Exception):
    """A message was to be held, but no open letter of its key is before it any more (a replay
    settled it meanwhile): it is to be applied, not kept."""


_DDL: Final = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    " id bigserial PRIMARY KEY, processor text NOT NULL,"
    ' topic text NOT NULL, partition integer NOT NULL, "offset" bigint NOT NULL,'
    " key bytea, hold_key text, header_names text[] NOT NULL, header_values bytea[] NOT NULL,"
    " value bytea, reason text NOT NULL, error text NOT NULL,"
    " state text NOT NULL CHECK (state IN ('dead', 'held', 'replayed', 'discarded')),"
    " held_behind bigint, dead_at timestamptz NOT NULL DEFAULT now(), settled_at timestamptz,"
    ' UNIQUE (processor, topic, partition, "offset"))',
    "CREATE INDEX IF NOT EXISTS {index} ON {table} (processor, topic, partition, hold_key)"
    " WHERE state IN ('dead', 'held')",
)


def create_statements(table: Composable, index: Identifier) -> list[Composed]:
    """The DDL of a dead-letter table named `table` (qualified or not)."""
    return [SQL(statement).format(table=table, index=index) for statement in _DDL]


@dataclass(frozen=True)
class DeadLetter:
    """One row of a dead-letter table."""

    id: int
    processor: str
    topic: str
    partition: int
    offset: int
    key: bytes | None
    hold_key: str | None
    headers: tuple[tuple[str, bytes | None], ...]
    value: bytes | None
    reason: str
    error: str
    state: str
    held_behind: int | None
    dead_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, row: DictRow) -> DeadLetter:
        """A dead letter from its row."""
        headers = tuple(
            (name, bytes(value) if value is not None else None)
            for name, value in zip(row["header_names"], row["header_values"], strict=True)
        )
        return cls(
            id=row["id"],
            processor=row["processor"],
            topic=row["topic"],
            partition=row["partition"],
            offset=row["offset"],
            key=bytes(row["key"]) if row["key"] is not None else None,
            hold_key=row["hold_key"],
            headers=headers,
            value=bytes(row["value"]) if row["value"] is not None else None,
            reason=row["reason"],
            error=row["error"],
            state=row["state"],
            held_behind=row["held_behind"],
            dead_at=row["dead_at"],
            settled_at=row["settled_at"],
        )

    @property
    def raw(self) -> RawMessage:
        """The message as it was consumed, to apply again."""
        return RawMessage(
            self.topic, self.partition, self.offset, self.key, self.headers, self.value
        )


def write_tracking(curs: Cursor[DictRow], table: Composable, trackings: Iterable[Tracking]) -> None:
    """Record positions in eventsourcing's single-row tracking table, in one statement.

    Raises AlreadyTracked, leaving the transaction to roll back, if a position is not newer
    than the one stored: the table's primary key and the `<` guard are the duplicate check.
    eventsourcing's own insert is private and fetches a row per record, which breaks inside a
    psycopg pipeline; this runs after it.
    """
    last: dict[str, int] = {}
    for tracking in trackings:
        last[tracking.application_name] = tracking.notification_id
    if not last:
        return
    rows = curs.execute(
        SQL(
            "INSERT INTO {t} AS t (application_name, notification_id)"
            " SELECT * FROM unnest(%s::text[], %s::bigint[])"
            " ON CONFLICT (application_name)"
            " DO UPDATE SET notification_id = EXCLUDED.notification_id"
            " WHERE t.notification_id < EXCLUDED.notification_id RETURNING application_name"
        ).format(t=table),
        (list(last), list(last.values())),
    ).fetchall()
    if len(rows) != len(last):
        stored = {row["application_name"] for row in rows}
        raise AlreadyTracked(f"already tracked: {sorted(set(last) - stored)}")


def held(
    curs: Cursor[DictRow], table: Composable, processor: str, batch: Sequence[Delivery]
) -> list[Delivery]:
    """The deliveries of `batch` whose key an open dead letter holds on their partition.

    Rows are locked in share mode, so a replay settling them at the same moment is waited for
    and its outcome seen, rather than a batch holding a message behind a letter just replayed.
    (That holds while the caller writes in this transaction; one that writes later meets
    `NotHeld` from `record` instead.)
    """
    keys = _held_keys(curs, table, processor, {(d.topic, d.partition) for d in batch})
    return [d for d in batch if (d.topic, d.partition, d.hold_key) in keys]


def _held_keys(
    curs: Cursor[DictRow], table: Composable, processor: str, partitions: set[tuple[str, int]]
) -> set[tuple[str, int, str]]:
    topics, numbers = zip(*partitions, strict=True) if partitions else ((), ())
    rows = curs.execute(
        SQL(
            "SELECT topic, partition, hold_key FROM {t}"
            " WHERE processor = %s AND state IN ('dead', 'held') AND hold_key IS NOT NULL"
            " AND (topic, partition) IN (SELECT * FROM unnest(%s::text[], %s::integer[]))"
            " FOR SHARE"
        ).format(t=table),
        (processor, list(topics), list(numbers)),
    ).fetchall()
    return {(row["topic"], row["partition"], row["hold_key"]) for row in rows}


def record(
    curs: Cursor[DictRow],
    table: Composable,
    processor: str,
    raw: RawMessage,
    reason: str,
    error: str,
) -> tuple[int, str]:
    """Write a dead letter; (its id, its state): held if an open one of its key is before it.

    A message to be held (`reason` HELD) whose key holds nothing any more raises NotHeld,
    writing nothing: the caller applies it instead.
    """
    head = None
    if raw.hold_key is not None:
        head = curs.execute(
            SQL(
                "SELECT id FROM {t} WHERE processor = %s AND topic = %s AND partition = %s"
                " AND hold_key = %s AND state IN ('dead', 'held') ORDER BY \"offset\" LIMIT 1"
            ).format(t=table),
            (processor, raw.topic, raw.partition, raw.hold_key),
        ).fetchone()
    if head is None and reason == HELD:
        raise NotHeld(f"{raw.topic}:{raw.partition}:{raw.offset}: its key holds nothing now")
    state = HELD if head is not None else DEAD
    row = curs.execute(
        SQL(
            'INSERT INTO {t} (processor, topic, partition, "offset", key, hold_key, header_names,'
            " header_values, value, reason, error, state, held_behind)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
        ).format(t=table),
        (
            processor,
            raw.topic,
            raw.partition,
            raw.offset,
            raw.key,
            raw.hold_key,
            [name.replace("\x00", "\\x00") for name, _ in raw.headers],
            [value for _, value in raw.headers],
            raw.value,
            HELD if head is not None else reason,
            (error if head is None else f"held behind dead letter {head['id']} ({error})").replace(
                "\x00", "\\x00"
            ),
            state,
            head["id"] if head is not None else None,
        ),
    ).fetchone()
    assert row is not None
    return int(row["id"]), state


def keep(
    curs: Cursor[DictRow],
    table: Composable,
    tracking_table: Composable,
    processor: str,
    raw: RawMessage,
    reason: str,
    error: str,
) -> str:
    """Write `raw` as a dead letter with its tracking record, so its partition moves past it
    once; its state (AlreadyTracked and NotHeld as `write_tracking` and `record` raise them)."""
    _, state = record(curs, table, processor, raw, reason, error)
    write_tracking(curs, tracking_table, [raw.tracking])
    return state


def count(processor: str, reason: str, state: str) -> None:
    """Count a dead letter written: by its reason, or as held."""
    DEAD_LETTERS.labels(processor, reason if state == DEAD else HELD).inc()


def select(
    curs: Cursor[DictRow],
    table: Composable,
    processor: str | None = None,
    ids: Sequence[int] = (),
    open_only: bool = False,
) -> list[DeadLetter]:
    """Dead letters in (processor, topic, partition, offset) order."""
    rows = curs.execute(
        SQL(
            "SELECT * FROM {t} WHERE (%(p)s::text IS NULL OR processor = %(p)s)"
            " AND (cardinality(%(ids)s::bigint[]) = 0 OR id = ANY(%(ids)s))"
            " AND (NOT %(open)s OR state IN ('dead', 'held'))"
            ' ORDER BY processor, topic, partition, "offset"'
        ).format(t=table),
        {"p": processor, "ids": list(ids), "open": open_only},
    ).fetchall()
    return [DeadLetter.of(row) for row in rows]


def chain_of(curs: Cursor[DictRow], table: Composable, letter: DeadLetter) -> list[DeadLetter]:
    """The open letters of `letter`'s key on its partition from it on, in offset order."""
    if letter.hold_key is None:
        return select(curs, table, letter.processor, [letter.id], open_only=True)
    rows = curs.execute(
        SQL(
            "SELECT * FROM {t} WHERE processor = %s AND topic = %s AND partition = %s"
            " AND hold_key = %s AND state IN ('dead', 'held') AND \"offset\" >= %s"
            ' ORDER BY "offset"'
        ).format(t=table),
        (letter.processor, letter.topic, letter.partition, letter.hold_key, letter.offset),
    ).fetchall()
    return [DeadLetter.of(row) for row in rows]


def settle(curs: Cursor[DictRow], table: Composable, letter_id: int, state: str) -> None:
    """Mark an open letter `replayed` or `discarded`; SettledAlready if it is settled already."""
    row = curs.execute(
        SQL(
            "UPDATE {t} SET state = %s, settled_at = now()"
            " WHERE id = %s AND state IN ('dead', 'held') RETURNING id"
        ).format(t=table),
        (state, letter_id),
    ).fetchone()
    if row is None:
        raise SettledAlready(f"dead letter {letter_id} is settled already")


def fail_again(
    curs: Cursor[DictRow], table: Composable, letter_id: int, error: str, behind: Sequence[int]
) -> None:
    """A replayed letter failed again: it is the dead head of its key, with the new error, and
    the letters `behind` it are held behind it."""
    curs.execute(
        SQL("UPDATE {t} SET state = 'dead', error = %s, held_behind = NULL WHERE id = %s").format(
            t=table
        ),
        (error, letter_id),
    )
    curs.execute(
        SQL("UPDATE {t} SET held_behind = %s WHERE id = ANY(%s)").format(t=table),
        (letter_id, list(behind)),
    )


def open_counts(curs: Cursor[DictRow], table: Composable) -> dict[tuple[str, str], int]:
    """How many letters are open, by (processor, state)."""
    rows = curs.execute(
        SQL(
            "SELECT processor, state, count(*) AS n FROM {t}"
            " WHERE state IN ('dead', 'held') GROUP BY processor, state"
        ).format(t=table)
    ).fetchall()
    return {(row["processor"], row["state"]): int(row["n"]) for row in rows}


@dataclass(frozen=True)
class DeadLetterReplay(Tracking):
    """Passed where a tracking record goes: settles a dead letter instead of tracking."""

    dead_letter_id: int


class DeadLetterProcessRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, with a dead-letter table beside its tracking table.

    A reaction replayed from a dead letter is recorded with a `DeadLetterReplay` in place of
    its tracking record: the letter is marked replayed in the transaction that stores the
    reaction's events, and a letter settled already rolls them back.
    """

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ) -> None:
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name=tracking_table_name
        )
        self.dead_letters_table = Identifier(datastore.schema, TABLE)
        self.sql_create_statements.extend(
            create_statements(self.dead_letters_table, Identifier(f"{TABLE}_open"))
        )

    @property
    def tracking_table(self) -> Identifier:
        """The qualified tracking table."""
        return Identifier(self.datastore.schema, self.tracking_table_name)

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        tracking = kwargs.get("tracking")
        if isinstance(tracking, DeadLetterReplay):
            settle(curs, self.dead_letters_table, tracking.dead_letter_id, REPLAYED)
            kwargs = {**kwargs, "tracking": None}
        super()._insert_events(curs, stored_events, **kwargs)
