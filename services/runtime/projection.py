"""Projections: read models built from Kafka topics, each in a schema of the service's database.

A projection lives in a PostgreSQL schema named after it and its generation
(`members_g1`, `members_g2`, …) holding its tables, the last applied version of each aggregate
and eventsourcing's tracking table (one record per topic-partition). Applying a batch, the
versions it claims and its tracking records commit together, so the projection is exactly what
a fold of the events gives: a redelivered offset fails its tracking record, and a re-published
event (same aggregate version, new offset) fails its version claim.

The tracking rows are written by one statement of ours after the pipelined batch (see
`deadletters.write_tracking`), and a message the projection cannot apply is a dead letter in the
generation's own `dead_letters` table (see `deadletters`).

Rebuilding fills the next generation from offset 0 while the current one keeps serving, then
switches a pointer in one transaction; the running worker sees the switch at its next batch and
continues on the new generation from its tracking records. (Over 300 lines: generations,
version claims and tracking are one transaction's parts, and read together.)
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from services.runtime import deadletters
from services.runtime.batches import PositionsMoved
from services.runtime.connections import TimedDatastore, connection_options
from services.runtime.deadletters import HELD
from services.runtime.deliveries import (
    Delivery,
    EventTypes,
    RawMessage,
    event_types_of,
    tracking_name,
)
from services.runtime.leadership import exclusively
from services.runtime.metrics import DUPLICATES_SKIPPED
from services.runtime.paging import Listed, Page
from services.runtime.sealing import Sealer

log = logging.getLogger(__name__)

POINTER_DDL = (
    "CREATE TABLE IF NOT EXISTS public.projection_generation "
    "(name text PRIMARY KEY, generation integer NOT NULL)"
)


READ_ACTIVE_GENERATION = (
    "SELECT set_config('search_path', quote_ident(%(name)s || '_g' || coalesce("
    "(SELECT generation FROM public.projection_generation WHERE name = %(name)s), 1)), true)"
)
"""`SET LOCAL search_path` to the active generation's schema (as `schema()` names it)."""

SCHEMA_LOCK = "projection-schema"
"""Taken around projection DDL, which processes starting together would otherwise race on."""


class GenerationSwitched(PositionsMoved):
    """The projection was rebuilt and switched while this batch was applied: re-read offsets."""


def datastore_for(database_url: str, schema: str, max_overflow: int = 2) -> PostgresDatastore:
    """An eventsourcing datastore on `database_url` whose tables live in `schema`: two
    connections kept, up to `max_overflow` more opened when busy (and closed when idle)."""
    parts = conninfo_to_dict(database_url)
    return TimedDatastore(
        dbname=str(parts["dbname"]),
        host=str(parts.get("host", "127.0.0.1")),
        port=str(parts.get("port", "5432")),
        user=str(parts.get("user", "")),
        password=str(parts.get("password", "")),
        schema=schema,
        pool_size=2,
        max_overflow=max_overflow,
    )


class Projection(ABC):
    """A read model of some topics: subclasses create their tables and apply one delivery."""

    name: ClassVar[str]
    """Names the schema, the consumer group and the metrics; a valid SQL identifier."""
    topics: ClassVar[Sequence[str]]
    read_overflow: ClassVar[int] = 2
    """How many connections beyond the pool's two readers may open together when busy: a
    projection read by many requests at once raises it (its own pool only)."""

    def __init__(
        self,
        database_url: str,
        *,
        application: Application[UUID],
        sealer: Sealer,
        generation: int | None = None,
    ) -> None:
        self.application = application
        """The service's own application, for a projection that indexes its own aggregates."""
        self.sealer = sealer
        """Unseals personal data the projection keeps in clear."""
        self._database_url = database_url
        self._datastore_cache: dict[int, PostgresDatastore] = {}
        self._admin = datastore_for(database_url, "public")
        with exclusively(database_url, SCHEMA_LOCK), self._admin_cursor() as curs:
            curs.execute(POINTER_DDL)
            curs.execute(
                "INSERT INTO public.projection_generation VALUES (%s, 1) "
                "ON CONFLICT (name) DO NOTHING",
                (self.name,),
            )
        # The live instance follows the active generation; one built for a rebuild stays put.
        self._follows_switches = generation is None
        self.generation = generation or self.active_generation()
        self._bind(self.generation)

    def schema(self, generation: int | None = None) -> str:
        """The schema of a generation (the bound one by default)."""
        return f"{self.name}_g{self.generation if generation is None else generation}"

    @abstractmethod
    def create_tables(self, curs: Cursor[DictRow]) -> None:
        """Create the projection's tables (`search_path` is the generation's schema)."""

    @abstractmethod
    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        """Apply one new aggregate version to the tables (`search_path` is set)."""

    def apply_all(self, curs: Cursor[DictRow], deliveries: Sequence[Delivery]) -> None:
        """Apply a batch's new versions in order; a projection may do it in fewer statements."""
        for delivery in deliveries:
            self.apply(curs, delivery)

    # The processor side: what the consumer loop calls.

    def stored_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """The last applied offset of each partition, from the active generation's tracking.

        Read only: it never binds to a switched generation (readiness calls it from its own
        thread), so the consumer's next batch still meets the switch, raises
        GenerationSwitched and re-reads its positions. A rebuild's instance reads its own.
        """
        generation = self.active_generation() if self._follows_switches else self.generation
        names = {
            tracking_name(topic, partition): (topic, partition) for topic, partition in partitions
        }
        table = Identifier(self.schema(generation), self._tracking.tracking_table_name)
        with self._datastores(generation).transaction(commit=False) as curs:
            rows = curs.execute(
                SQL(
                    "SELECT application_name, max(notification_id) AS offset FROM {t}"
                    " WHERE application_name = ANY(%s) GROUP BY application_name"
                ).format(t=table),
                (list(names),),
            ).fetchall()
        return {names[row["application_name"]]: int(row["offset"]) for row in rows}

    @property
    def event_types(self) -> EventTypes:
        """The contract's event types on the projection's topics; any other is poison."""
        return event_types_of(self.topics)

    def process(self, batch: Sequence[Delivery]) -> None:
        """Apply new versions of `batch` and its tracking records in one transaction.

        A delivery whose key an open dead letter holds on its partition is held too, not applied.
        """
        self._raise_if_switched()
        with self._transaction() as curs:
            # Checked and written in one transaction: the held rows stay locked meanwhile.
            held = deadletters.held(curs, self._dead_letters, self.name, batch)
            for delivery in held:
                deadletters.record(
                    curs, self._dead_letters, self.name, delivery.message, HELD, "its key is held"
                )
            to_apply = [d for d in batch if d not in held]
            new = self._claim_versions(curs, to_apply)
            skipped = len(to_apply) - len(new)
            if skipped:
                DUPLICATES_SKIPPED.labels(self.name, "version").inc(skipped)
            # Pipelined: the batch's statements go to the server without a round trip each.
            with curs.connection.pipeline():
                self.apply_all(curs, new)
            # Raises AlreadyTracked, rolling everything back, if an offset is not new.
            deadletters.write_tracking(curs, self._tracking_table, (d.tracking for d in batch))
        for _ in held:
            deadletters.count(self.name, HELD, HELD)

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        """Keep `raw` as a dead letter and move its partition past it, in one transaction."""
        self._raise_if_switched()
        with self._transaction() as curs:
            state = deadletters.keep(
                curs, self._dead_letters, self._tracking_table, self.name, raw, reason, error
            )
        deadletters.count(self.name, reason, state)

    # Dead letters, for `innovnet deadletters`: the active generation's.

    @contextmanager
    def dead_letter_cursor(self) -> Iterator[tuple[Cursor[DictRow], Identifier]]:
        """A transaction on the active generation, and its dead-letter table."""
        self._follow_switch()
        with self._transaction() as curs:
            yield curs, self._dead_letters

    def replay(self, letter: deadletters.DeadLetter, delivery: Delivery) -> None:
        """Apply a dead letter's delivery and mark it replayed, in one transaction."""
        with self._transaction() as curs:
            deadletters.settle(curs, self._dead_letters, letter.id, deadletters.REPLAYED)
            self.apply_all(curs, self._claim_versions(curs, [delivery]))

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        """Open dead letters of the bound generation, by (processor, state)."""
        with self._transaction() as curs:
            return deadletters.open_counts(curs, self._dead_letters)

    # Reading, for the service's API.

    @contextmanager
    def reading(self, *, one_snapshot: bool = False) -> Iterator[Cursor[DictRow]]:
        """A read-only cursor whose `search_path` is the active generation.

        The generation is read in the reading transaction itself, by the statement that sets
        the `search_path` (one round trip, no transaction of its own). Each statement sees
        what was committed when it began; with `one_snapshot`, every statement sees what was
        committed when the first began (REPEATABLE READ, a round trip more): for a count and
        the rows it counts, which a batch applied between them would otherwise set apart."""
        with self._datastores(self.generation).transaction(commit=False) as curs:
            if one_snapshot:
                curs.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            curs.execute(READ_ACTIVE_GENERATION, {"name": self.name})
            yield curs

    def page_of(
        self,
        count_sql: str | Composed,
        rows_sql: str | Composed,
        parameters: dict[str, Any],
        page: Page,
    ) -> Listed[DictRow]:
        """One page of rows and the count of them all, read in one transaction.

        `rows_sql` takes `%(limit)s` and `%(offset)s` besides `parameters`. Both see the same
        snapshot, so the count is the number of the rows listed, whatever is applied meanwhile.
        """
        with self.reading(one_snapshot=True) as curs:
            counted = curs.execute(count_sql, parameters).fetchone()
            rows = curs.execute(
                rows_sql, {**parameters, "limit": page.limit, "offset": page.offset}
            ).fetchall()
        return Listed(rows, int(next(iter(counted.values()))) if counted else 0)

    # Generations.

    def active_generation(self) -> int:
        """The generation readers and the live worker use."""
        with self._admin_cursor() as curs:
            row = curs.execute(
                "SELECT generation FROM public.projection_generation WHERE name = %s", (self.name,)
            ).fetchone()
        return int(row["generation"]) if row else 1

    def prepare_generation(self, generation: int) -> None:
        """Create an empty generation (dropping a leftover of an interrupted rebuild)."""
        schema = self.schema(generation)
        with self._admin_cursor() as curs:
            curs.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))
        self._bind(generation)

    def switch_to(self, generation: int, drop_previous: bool = True) -> None:
        """Make `generation` the active one; drop the one it replaces."""
        previous = self.active_generation()
        with self._admin_cursor() as curs:
            curs.execute(
                "UPDATE public.projection_generation SET generation = %s WHERE name = %s",
                (generation, self.name),
            )
        if drop_previous and previous != generation:
            # The pointer is committed: the drop waits out readers of the old generation, as
            # long as it takes, rather than time out and leave the old schema behind.
            with psycopg.connect(
                self._database_url, autocommit=True, **connection_options(waits_for_locks=True)
            ) as conn:
                conn.execute(
                    SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                        Identifier(self.schema(previous))
                    )
                )

    def close(self) -> None:
        """Close the connection pools."""
        for datastore in (self._admin, *self._datastore_cache.values()):
            datastore.close()

    # Internals.

    def _datastores(self, generation: int) -> PostgresDatastore:
        if generation not in self._datastore_cache:
            self._datastore_cache[generation] = datastore_for(
                self._database_url, self.schema(generation), self.read_overflow
            )
        return self._datastore_cache[generation]

    def _bind(self, generation: int) -> None:
        with exclusively(self._database_url, SCHEMA_LOCK):
            self._create_generation(generation)
        self.generation = generation

    def _create_generation(self, generation: int) -> None:
        schema = self.schema(generation)
        datastore = self._datastores(generation)
        with datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))
            curs.execute(SQL("SET LOCAL search_path TO {}").format(Identifier(schema)))
            curs.execute(
                "CREATE TABLE IF NOT EXISTS aggregate_versions "
                "(aggregate_id uuid PRIMARY KEY, version bigint NOT NULL)"
            )
            for statement in deadletters.create_statements(
                Identifier(deadletters.TABLE), Identifier(f"{deadletters.TABLE}_open")
            ):
                curs.execute(statement)
            self.create_tables(curs)
        tracking = PostgresTrackingRecorder(datastore)
        tracking.create_table()
        self._tracking = tracking
        self._tracking_table = Identifier(schema, tracking.tracking_table_name)
        self._dead_letters = Identifier(schema, deadletters.TABLE)

    def _raise_if_switched(self) -> None:
        if self._follow_switch():
            raise GenerationSwitched(f"{self.name} switched to generation {self.generation}")

    def _follow_switch(self) -> bool:
        """Bind to the active generation if a rebuild switched it; True when it did."""
        if not self._follows_switches:
            return False
        active = self.active_generation()
        if active == self.generation:
            return False
        log.info("%s follows the switch to generation %s", self.name, active)
        self._bind(active)
        return True

    @contextmanager
    def _transaction(self) -> Iterator[Cursor[DictRow]]:
        with self._datastores(self.generation).transaction(commit=True) as curs:
            curs.execute(SQL("SET LOCAL search_path TO {}").format(Identifier(self.schema())))
            yield curs

    @contextmanager
    def _admin_cursor(self) -> Iterator[Cursor[DictRow]]:
        with self._admin.transaction(commit=True) as curs:
            yield curs

    @staticmethod
    def _claim_versions(curs: Cursor[DictRow], batch: Sequence[Delivery]) -> list[Delivery]:
        """The deliveries that carry a version newer than the last applied, now recorded.

        Two statements a batch: the aggregates' last versions are read (and locked), and the
        batch's newest version of each is written back. Per-aggregate order within a batch is
        the partition's order, which is the relay's order.
        """
        aggregate_ids = list({d.event.aggregate_id for d in batch})
        rows = curs.execute(
            "SELECT aggregate_id, version FROM aggregate_versions"
            " WHERE aggregate_id = ANY(%s) FOR UPDATE",
            (aggregate_ids,),
        ).fetchall()
        last = {row["aggregate_id"]: int(row["version"]) for row in rows}
        new = []
        for delivery in batch:
            event = delivery.event
            if event.aggregate_version > last.get(event.aggregate_id, -1):
                last[event.aggregate_id] = event.aggregate_version
                new.append(delivery)
        claimed = {d.event.aggregate_id: last[d.event.aggregate_id] for d in new}
        if claimed:
            curs.execute(
                "INSERT INTO aggregate_versions AS v"
                " SELECT * FROM unnest(%s::uuid[], %s::bigint[])"
                " ON CONFLICT (aggregate_id) DO UPDATE SET version = EXCLUDED.version",
                (list(claimed), list(claimed.values())),
            )
        return new
