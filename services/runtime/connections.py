"""How the project connects to PostgreSQL: the one place that says which options a session gets.

Every connection has TCP keepalives, so a peer that vanished (a server rebooted, a NAT or a
firewall that forgot the flow) is noticed in about a minute instead of the kernel's two hours.
Request-path sessions also have a statement and a lock time-out, so a blocked table makes a
request fail fast (the API answers 503) instead of holding a worker for ever. Sessions that wait
for an advisory lock as long as it takes (start-up DDL, leadership, rebuild switch-over) have
neither: their wait is the point.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, cast

import psycopg
from eventsourcing import persistence
from eventsourcing.persistence import DatabaseError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from psycopg import Connection
from psycopg.errors import LockNotAvailable, QueryCanceled
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

KEEPALIVES: Final[dict[str, int]] = {
    "keepalives": 1,
    "keepalives_idle": 30,  # seconds of silence before the first probe
    "keepalives_interval": 10,
    "keepalives_count": 3,
}

STATEMENT_TIMEOUT_VARIABLE: Final = "POSTGRES_STATEMENT_TIMEOUT"
LOCK_TIMEOUT_VARIABLE: Final = "POSTGRES_LOCK_TIMEOUT"
"""The variable eventsourcing reads for its event-table lock; the project's sessions use it too."""

DEFAULT_STATEMENT_TIMEOUT_SECONDS: Final = 10.0
DEFAULT_LOCK_TIMEOUT_SECONDS: Final = 5


@dataclass(frozen=True)
class Timeouts:
    """How long one statement may run, and how long it may wait for a lock (0: no limit)."""

    statement_seconds: float
    lock_seconds: int
    """Whole seconds (rounded up): eventsourcing writes it as `SET LOCAL lock_timeout = '<n>s'`."""

    @classmethod
    def from_environment(cls) -> Timeouts:
        """`POSTGRES_STATEMENT_TIMEOUT` and `POSTGRES_LOCK_TIMEOUT`, in seconds, or the defaults."""
        return cls(
            statement_seconds=_seconds(
                STATEMENT_TIMEOUT_VARIABLE, DEFAULT_STATEMENT_TIMEOUT_SECONDS
            ),
            lock_seconds=math.ceil(_seconds(LOCK_TIMEOUT_VARIABLE, DEFAULT_LOCK_TIMEOUT_SECONDS)),
        )

    def session_options(self) -> str:
        """The libpq `options` that set these time-outs on a new session."""
        statement_ms = round(self.statement_seconds * 1000)
        return f"-c statement_timeout={statement_ms} -c lock_timeout={self.lock_seconds * 1000}"


UNBOUNDED: Final = Timeouts(statement_seconds=0, lock_seconds=0)


def connection_options(
    *, waits_for_locks: bool = False, timeouts: Timeouts | None = None
) -> dict[str, Any]:
    """Keyword arguments for `psycopg.connect` or a pool's `kwargs`: keepalives and time-outs.

    `waits_for_locks` is for a session that waits for an advisory lock as long as it takes;
    `timeouts` for one that needs its own (a health check's are shorter than a request's).
    """
    if timeouts is None:
        timeouts = UNBOUNDED if waits_for_locks else Timeouts.from_environment()
    return {**KEEPALIVES, "options": timeouts.session_options()}


def connection_pool(
    database_url: str,
    *,
    name: str,
    max_size: int,
    dict_rows: bool = False,
    autocommit: bool = False,
    timeout: float = 30.0,
) -> ConnectionPool[Connection[Any]]:
    """A pool of connections with the project's keepalives and time-outs, opened now.

    Each connection is checked before it is handed out, so a pool outlives a database restart
    instead of handing out dead connections. `timeout`: how long to wait for a connection.
    """
    options: dict[str, Any] = {"autocommit": autocommit, **connection_options()}
    if dict_rows:
        options["row_factory"] = dict_row
    return ConnectionPool(
        database_url,
        min_size=1,
        max_size=max_size,
        open=True,
        kwargs=options,
        name=name,
        timeout=timeout,
        check=ConnectionPool.check_connection,
    )


class DatabaseTimedOut(DatabaseError, TimeoutError):
    """A statement ran past its time-out or waited too long for a lock: the database is busy.

    Not one of eventsourcing's `OperationalError`s on purpose: eventsourcing retries those ten
    times, which would turn a five-second lock time-out into a minute-long request. A
    `TimeoutError`, so whoever waits out passing failures (consumers, relay) waits this out too.
    """


TIMED_OUT: Final = (QueryCanceled, LockNotAvailable)

TRANSIENT_ERRORS: Final[tuple[type[Exception], ...]] = (
    # psycopg's: the server is gone or restarting, a statement or lock time-out
    # (QueryCanceled, LockNotAvailable), a deadlock, no pooled connection in time (PoolTimeout).
    psycopg.OperationalError,
    psycopg.InterfaceError,
    # eventsourcing's own, which it raises in place of psycopg's (and after its own retries).
    persistence.OperationalError,
    persistence.InterfaceError,
    DatabaseTimedOut,
    ConnectionError,
    TimeoutError,
)
"""Database failures that pass: whoever meets one waits it out (consumers, relay, start-up) or
answers 503. Anything else (a DataError, a ProgrammingError, a violated constraint) is not the
server's fault and is not retried."""


class TimedDatastore(PostgresDatastore):
    """eventsourcing's datastore on connections with the project's options, failing fast."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Take eventsourcing's arguments; its pool opens on first use, with the options added."""
        super().__init__(*args, **kwargs)
        _add_connection_options(self)

    @classmethod
    def adopt(cls, datastore: PostgresDatastore) -> TimedDatastore:
        """Turn a datastore eventsourcing built itself (its factory has no hook for the class)."""
        _add_connection_options(datastore)
        datastore.__class__ = cls  # adds behaviour only: no state of its own to initialise
        return cast(TimedDatastore, datastore)

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        """eventsourcing's pooled connection; a time-out raises `DatabaseTimedOut`."""
        try:
            with super().get_connection() as connection:
                yield connection
        except OperationalError as error:
            if isinstance(error.__cause__, TIMED_OUT):
                raise DatabaseTimedOut(str(error)) from error.__cause__
            raise


def _add_connection_options(datastore: PostgresDatastore) -> None:
    kwargs = datastore.pool.kwargs
    assert isinstance(kwargs, dict), "eventsourcing gives its pool a dict of connection arguments"
    kwargs.update(connection_options())


def _seconds(variable: str, default: float) -> float:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{variable} must be a number of seconds, not {value!r}") from None
    if seconds < 0:
        raise ValueError(f"{variable} must be 0 (no limit) or a positive number of seconds")
    return seconds
