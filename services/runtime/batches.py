"""Applying a batch of consumed messages so that none blocks its partition.

The consumer loop and a rebuild apply through the same `BatchApplier`: one parser, the same
retries and dead letters. A message that does not parse is a dead letter at once; a batch that
fails is retried one message at a time, and a message that fails on its own a few times is a
dead letter (see `deadletters`). A database that is away is waited for, never dead-lettered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Final, Protocol, TypeVar

from contracts.envelope import MalformedMessage
from services.runtime.connections import TRANSIENT_ERRORS
from services.runtime.deliveries import (
    AlreadyTracked,
    Delivery,
    EventTypes,
    InvalidEventData,
    RawMessage,
    UnknownEventType,
    parse_delivery,
)
from services.runtime.failures import describe
from services.runtime.metrics import (
    APPLY_DURATION,
    BATCH_RETRIES,
    DUPLICATES_SKIPPED,
    MESSAGES_APPLIED,
)
from services.runtime.supervision import Health

log = logging.getLogger(__name__)

RETRY_WAIT_SECONDS = 1.0

ATTEMPTS_BEFORE_DEAD: Final = 3
"""How often one message is tried on its own before it is a dead letter."""

TopicPartitionKey = tuple[str, int]

T = TypeVar("T")


class Processor(Protocol):
    """Applies deliveries atomically with their tracking records."""

    @property
    def name(self) -> str:
        """Names the processor in logs and metrics."""
        ...

    @property
    def topics(self) -> Sequence[str]:
        """The topics it consumes."""
        ...

    @property
    def event_types(self) -> EventTypes:
        """The event types it accepts; a message of another type is a dead letter."""
        ...

    def stored_offsets(
        self, partitions: Sequence[TopicPartitionKey]
    ) -> dict[TopicPartitionKey, int]:
        """The last applied offset of each partition that has one."""
        ...

    def process(self, batch: Sequence[Delivery]) -> None:
        """Apply `batch` and its tracking records in one transaction.

        A delivery whose key an open dead letter holds is recorded as held, not applied.
        Raises AlreadyTracked when a tracking record shows the batch, or part of it, was
        applied already; nothing of the batch is then stored. Any other error (an
        IntegrityError of the processor's own tables too) is the batch's failure.
        """
        ...

    def dead_letter(self, raw: RawMessage, reason: str, error: str) -> None:
        """Store `raw` as a dead letter with its tracking record (AlreadyTracked as above)."""
        ...

    def open_dead_letters(self) -> dict[tuple[str, str], int]:
        """Open dead letters by (processor, state)."""
        ...


def poison_reason(error: MalformedMessage) -> str:
    """The dead-letter reason (a metric label) of a message that does not parse."""
    if isinstance(error, UnknownEventType):
        return "unknown_type"
    if isinstance(error, InvalidEventData):
        return "invalid_data"
    return "malformed"


class PositionsMoved(AlreadyTracked):
    """The processor's stored positions moved under it (a rebuilt generation took over):
    the loop re-reads them; nothing of the batch counts as applied."""


class Stopped(Exception):
    """The loop was asked to stop while a batch waited to be retried."""


class BatchApplier:
    """Applies consumed messages through a processor so that none blocks its partition.

    The consumer loop and a rebuild both apply through this: the same parsing, retries and
    dead letters.
    """

    def __init__(
        self,
        processor: Processor,
        stop: threading.Event,
        attempts: int = ATTEMPTS_BEFORE_DEAD,
        retry_wait: float = RETRY_WAIT_SECONDS,
        health: Health | None = None,
    ) -> None:
        self._processor = processor
        self._stop = stop
        self._attempts = attempts
        self._retry_wait = retry_wait
        self._health = health or Health()
        """Where a wait for the database shows, so readiness names the stuck consumer."""

    def apply(self, messages: Sequence[RawMessage]) -> None:
        """Apply `messages` in order; raise AlreadyTracked if some were applied by another.

        Messages that do not parse split the batch: each is a dead letter in its place, so a
        partition's tracking records are written in offset order.
        """
        run: list[Delivery] = []
        for raw in messages:
            try:
                run.append(parse_delivery(raw, self._processor.event_types))
            except MalformedMessage as malformed:
                self._apply_run(run)
                run = []
                log.error("%s: dead letter %s", self._processor.name, _where(raw, malformed))
                self._retrying(
                    partial(
                        self._processor.dead_letter,
                        raw,
                        poison_reason(malformed),
                        describe(malformed),
                    )
                )
        self._apply_run(run)

    def _apply_run(self, batch: list[Delivery]) -> None:
        if not batch:
            return
        started = time.perf_counter()
        try:
            self._retrying(partial(self._processor.process, batch))
        except (AlreadyTracked, Stopped):
            raise
        except Exception:
            BATCH_RETRIES.labels(self._processor.name).inc()
            log.exception(
                "%s failed to apply a batch of %s; trying one message at a time",
                self._processor.name,
                len(batch),
            )
            for delivery in batch:
                self._apply_alone(delivery)
        APPLY_DURATION.labels(self._processor.name).observe(time.perf_counter() - started)
        MESSAGES_APPLIED.labels(self._processor.name).inc(len(batch))

    def _apply_alone(self, delivery: Delivery) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                self._retrying(partial(self._processor.process, [delivery]))
                return
            except PositionsMoved:
                raise
            except AlreadyTracked:
                # Applied already: by the failed batch's first part (policies commit each
                # delivery alone) or by another member of the group. Its position is stored.
                DUPLICATES_SKIPPED.labels(self._processor.name, "tracking").inc()
                return
            except Stopped:
                raise
            except Exception as error:
                last = error
                if attempt < self._attempts:
                    BATCH_RETRIES.labels(self._processor.name).inc()
                    self._wait()
        assert delivery.raw is not None, "a consumed delivery keeps its message"
        raw = delivery.raw
        log.error("%s: dead letter %s", self._processor.name, _where(raw, last))
        self._retrying(partial(self._processor.dead_letter, raw, "failed", describe(last)))

    def _retrying(self, action: Callable[[], None]) -> None:
        """Run `action`, waiting out transient errors; any other error is raised."""
        retrying(self._processor.name, action, self._health, self._stop, self._retry_wait)

    def _wait(self) -> None:
        if self._stop.wait(self._retry_wait):
            raise Stopped


def retrying(
    name: str, action: Callable[[], T], health: Health, stop: threading.Event, wait: float
) -> T:
    """`action`'s result, waiting out transient errors (noted in `health`) until `stop`.

    Any other error is raised; a stop while waiting raises Stopped.
    """
    while True:
        try:
            result = action()
        except TRANSIENT_ERRORS as error:
            health.trouble(error)
            BATCH_RETRIES.labels(name).inc()
            log.warning("%s: the database is away (%s); retrying", name, describe(error))
            if stop.wait(wait):
                raise Stopped from error
            continue
        return result


def _where(raw: RawMessage, error: BaseException) -> str:
    return f"at {raw.topic}:{raw.partition}:{raw.offset}: {describe(error)}"
