"""A service's eventsourcing Application on its own PostgreSQL database."""

from __future__ import annotations

import os
from typing import Any, TypeVar

from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import EnvType, get_topic

from services.runtime.application import ServiceApplication
from services.runtime.connections import LOCK_TIMEOUT_VARIABLE, TimedDatastore, Timeouts
from services.runtime.reactions import Reactions
from services.runtime.sealing import Sealer
from services.runtime.settings import ServiceSettings

TApplication = TypeVar("TApplication", bound=ServiceApplication)

TRUTHY = {"y", "yes", "t", "true", "on", "1"}


class UnsafeEventStoreSetting(RuntimeError):
    """A setting that would weaken the event store's guarantees is switched on."""


def refuse_database_functions() -> None:
    """Refuse eventsourcing's PostgreSQL database functions.

    In eventsourcing 9.5 `POSTGRES_ENABLE_DB_FUNCTIONS` inserts events through a stored
    function that skips the table lock giving notification ids in commit order, and the
    process recorder then drops the tracking record written with the new events. Both are
    what the relay and the exactly-once policies rely on.
    """
    value = os.environ.get("POSTGRES_ENABLE_DB_FUNCTIONS", "")
    if value.strip().lower() in TRUTHY:
        raise UnsafeEventStoreSetting(
            "POSTGRES_ENABLE_DB_FUNCTIONS is switched on; innovnet needs it off "
            "(it drops tracking records and the insert lock). Unset it and start again."
        )


class TimedPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL persistence on connections with keepalives and time-outs."""

    def __init__(self, env: EnvType | None) -> None:
        """Build eventsourcing's datastore from `env`, then give it the project's options."""
        super().__init__(env)
        self.datastore = TimedDatastore.adopt(self.datastore)


def open_application(
    app_class: type[TApplication],
    settings: ServiceSettings,
    *,
    sealer: Sealer | None = None,
    reactions: Reactions[Any] | None = None,
) -> TApplication:
    """Construct `app_class` on the service's own database, creating its tables if needed."""
    refuse_database_functions()
    env = settings.eventsourcing_env()
    env["PERSISTENCE_MODULE"] = get_topic(TimedPostgresFactory)
    # The event table's insert lock waits this long, then the command fails (the API says 503).
    env[LOCK_TIMEOUT_VARIABLE] = str(Timeouts.from_environment().lock_seconds)
    # A connection that cannot be had within this fails the request (503) instead of hanging
    # for eventsourcing's default of 30 s while the database is away.
    env["POSTGRES_CONNECT_TIMEOUT"] = "5"
    env["CREATE_TABLE"] = "true"
    # Its process recorder keeps the policies' dead letters beside their tracking records.
    env["PROCESS_RECORDER_TOPIC"] = "services.runtime.deadletters:DeadLetterProcessRecorder"
    # Recently used aggregates stay in memory and are brought up to date from their newer
    # events only (fast-forward), instead of being replayed from version 1 at every command.
    env["AGGREGATE_CACHE_MAXSIZE"] = "10000"
    env["AGGREGATE_CACHE_FASTFORWARD"] = "true"
    return app_class(env=env, settings=settings, sealer=sealer, reactions=reactions)
