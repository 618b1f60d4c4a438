"""The operators' side of dead letters: `innovnet deadletters list|replay|discard`.

A replay applies an open key's letters in offset order, each in one transaction with the mark
that settles it (`replayed`), never through the tracking table: a second replay finds nothing
open and applies nothing twice. Discarding settles one letter without applying it; the letters
held behind it stay held and the next replay applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import Identifier

from services.runtime.deadletters import (
    DISCARDED,
    REPLAYED,
    DeadLetter,
    SettledAlready,
    chain_of,
    fail_again,
    select,
    settle,
)
from services.runtime.deliveries import Delivery, EventTypes, parse_delivery
from services.runtime.failures import describe


class Keeper(Protocol):
    """A processor as the dead-letter commands see it."""

    @property
    def name(self) -> str:
        """The processor's name, as in the table's `processor` column."""
        ...

    @property
    def event_types(self) -> EventTypes:
        """The event types it accepts."""
        ...

    def dead_letter_cursor(self) -> AbstractContextManager[tuple[Cursor[DictRow], Identifier]]:
        """A transaction, and the table its dead letters are in."""
        ...

    def replay(self, letter: DeadLetter, delivery: Delivery) -> None:
        """Apply `delivery` and settle `letter` as replayed, in one transaction.

        Raises SettledAlready if the letter is settled already.
        """
        ...


@dataclass(frozen=True)
class Outcome:
    """What a command did to one letter."""

    letter: DeadLetter
    result: str
    """`replayed`, `discarded`, `failed: <error>` or `settled already`."""


def letters_of(keeper: Keeper, ids: Sequence[int] = (), open_only: bool = True) -> list[DeadLetter]:
    """The keeper's dead letters (the open ones, unless told otherwise), optionally by id."""
    with keeper.dead_letter_cursor() as (curs, table):
        return select(curs, table, keeper.name, ids, open_only)


def replay(keeper: Keeper, ids: Sequence[int] = ()) -> list[Outcome]:
    """Apply open letters (those named, or all) and the letters held behind them, in order.

    Each key's letters apply in offset order, each in one transaction with its `replayed`
    mark. One that fails again stays dead with the new error, and the rest of its key stay
    held behind it.
    """
    outcomes: list[Outcome] = []
    chosen = letters_of(keeper, ids)
    firsts: dict[tuple[str, int, str | int], DeadLetter] = {}
    for letter in chosen:
        key = (letter.topic, letter.partition, letter.hold_key or letter.id)
        firsts.setdefault(key, letter)
    for first in firsts.values():
        # Again until the key is free: the live consumer may hold more behind it meanwhile.
        while True:
            with keeper.dead_letter_cursor() as (curs, table):
                chain = chain_of(curs, table, first)
            done = list(_replay_chain(keeper, chain))
            outcomes.extend(done)
            if not any(outcome.result == REPLAYED for outcome in done) or any(
                outcome.result.startswith("failed") for outcome in done
            ):
                break
    return outcomes


def _replay_chain(keeper: Keeper, chain: list[DeadLetter]) -> Iterable[Outcome]:
    for position, letter in enumerate(chain):
        try:
            keeper.replay(letter, parse_delivery(letter.raw, keeper.event_types))
        except SettledAlready:
            yield Outcome(letter, "settled already")
            continue
        except Exception as error:  # poison still, or the processor raises again
            message = describe(error)
            behind = [later.id for later in chain[position + 1 :]]
            with keeper.dead_letter_cursor() as (curs, table):
                fail_again(curs, table, letter.id, message, behind)
            yield Outcome(letter, f"failed: {message}")
            return
        yield Outcome(letter, REPLAYED)


def discard(keeper: Keeper, ids: Sequence[int]) -> list[Outcome]:
    """Settle the named letters without applying them; letters held behind stay held."""
    outcomes = []
    for letter in letters_of(keeper, ids, open_only=False):
        with keeper.dead_letter_cursor() as (curs, table):
            try:
                settle(curs, table, letter.id, DISCARDED)
            except SettledAlready:
                outcomes.append(Outcome(letter, "settled already"))
                continue
        outcomes.append(Outcome(letter, DISCARDED))
    return outcomes
