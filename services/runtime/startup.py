"""A service's stores opened at start-up, tried again until the databases let them open.

Processes starting together (every service of `make up`, several instances of one) take turns
on their DDL under advisory locks held in the database the DDL changes, so they do not race.
What still fails at start-up is usually passing: a database not created yet, a server still
starting, a lock held a little too long. The service then says why in one line and tries again
with backoff, instead of exiting (which would take `make up`'s every other service down with it).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final, TypeVar

from services.runtime.application import ServiceApplication
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.eventstore import open_application
from services.runtime.failures import describe
from services.runtime.leadership import exclusively
from services.runtime.projection import Projection
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from services.runtime.supervision import backoff_seconds

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0

PASSING_FAILURES: Final = TRANSIENT_ERRORS
"""What start-up tries again: a database away or busy (see `connections.TRANSIENT_ERRORS`).

Anything else (a refused setting, a wrong master key, a bug) stops the process: waiting would
not mend it.
"""


@dataclass(frozen=True)
class Stores:
    """What a service keeps in PostgreSQL: the vault, its event store and its projections."""

    vault: KeyVault
    application: ServiceApplication
    projections: dict[str, Projection]
    sealer: Sealer

    def projection(
        self, projection_class: type[Projection], database_url: str, generation: int | None = None
    ) -> Projection:
        """Another projection of the service, built the way the running service builds it."""
        return projection_class(
            database_url, application=self.application, sealer=self.sealer, generation=generation
        )

    def close(self) -> None:
        """Close the projections, the event store and the vault, newest first."""
        for projection in self.projections.values():
            projection.close()
        self.application.close()
        self.vault.close()


@contextmanager
def opened_stores(definition: ServiceDefinition, settings: ServiceSettings) -> Iterator[Stores]:
    """The stores opened once (an operator's command fails rather than waits); closed after."""
    stores = _open_stores_once(definition, settings)
    try:
        yield stores
    finally:
        stores.close()


def open_stores(definition: ServiceDefinition, settings: ServiceSettings) -> Stores:
    """Open the service's stores, creating their tables; tried again while the database fails."""
    return retrying(definition.name, lambda: _open_stores_once(definition, settings))


def retrying(
    service: str, attempt: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep
) -> T:
    """Call `attempt` until it does not fail with a passing failure, waiting longer each time."""
    for tries in itertools.count(1):
        delay = backoff_seconds(tries, FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS)
        try:
            return attempt()
        except PASSING_FAILURES as error:
            log.warning(
                "%s could not start (attempt %d): %s; trying again in %.1f s",
                service,
                tries,
                describe(error, first_line=True),
                delay,
            )
        sleep(delay)
    raise AssertionError("unreachable: itertools.count never ends")


def _open_stores_once(definition: ServiceDefinition, settings: ServiceSettings) -> Stores:
    vault = KeyVault(settings.vault_database_url, master_key_from_setting(settings.master_key))
    opened: list[Callable[[], None]] = [vault.close]
    try:
        vault.create_table()
        sealer = Sealer(vault)
        # Tables are created at start: processes of one service starting together take turns.
        with exclusively(settings.database_url, "schema"):
            application = open_application(
                definition.application_class,
                settings,
                sealer=sealer,
                reactions=definition.reactions,
            )
            opened.append(application.close)
            projections: dict[str, Projection] = {}
            for p in definition.projections:
                projections[p.name] = p(
                    settings.database_url, application=application, sealer=sealer
                )
                opened.append(projections[p.name].close)
    except BaseException:
        # Closed newest first, so a failed attempt leaves no pool behind to leak connections.
        for close in reversed(opened):
            close()
        raise
    return Stores(vault, application, projections, sealer)
