"""Consumed Kafka messages as processors see them, and the one parser that makes them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from confluent_kafka import Message
from eventsourcing.persistence import IntegrityError, Tracking
from pydantic import ValidationError

from contracts.envelope import MalformedMessage, ReceivedEvent, read_kafka_message
from contracts.events import ContractEvent
from contracts.topics import TOPICS, Topic

Headers = tuple[tuple[str, bytes | None], ...]

EventTypes = Mapping[str, type[ContractEvent]]
"""The contract event classes a processor accepts, by CloudEvents type."""


def tracking_name(topic: str, partition: int) -> str:
    """The tracking record's application name for one topic-partition."""
    return f"{topic}:{partition}"


class AlreadyTracked(IntegrityError):
    """A position was stored already: the message was applied before (by this consumer or
    another member of its group). Distinct from an IntegrityError of the processor's own
    tables, which is the message's failure."""


def event_types_of(topic_names: Iterable[str], also: Sequence[Topic] = ()) -> EventTypes:
    """The event types the registry (or the `also` topics) declares on `topic_names`."""
    wanted = set(topic_names)
    return {
        event.ce_type(): event
        for topic in (*TOPICS, *also)
        if topic.name in wanted
        for event in topic.events
    }


class AtPosition:
    """Something consumed at a (topic, partition, offset): its tracking record."""

    topic: str
    partition: int
    offset: int

    @property
    def tracking(self) -> Tracking:
        """The tracking record to store in the same transaction as this message's effect."""
        return Tracking(tracking_name(self.topic, self.partition), self.offset)


@dataclass(frozen=True)
class RawMessage(AtPosition):
    """A consumed message as the broker gave it: what a dead letter keeps."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: Headers
    value: bytes | None

    @classmethod
    def of(cls, message: Message) -> RawMessage:
        """The raw parts of a confluent-kafka message (one without error)."""
        topic, partition, offset = message.topic(), message.partition(), message.offset()
        assert topic is not None
        assert partition is not None
        assert offset is not None
        key = message.key()
        headers = cast("list[tuple[str, bytes | None]] | None", message.headers()) or []
        return cls(
            topic,
            partition,
            offset,
            key.encode() if isinstance(key, str) else key,
            tuple(headers),
            message.value(),
        )

    @property
    def hold_key(self) -> str | None:
        """What later messages are held by when this one is dead: its key (the aggregate id)."""
        if self.key is None:
            return None
        # Kept as text in the dead-letter table, which holds no NUL.
        return self.key.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


class UnknownEventType(MalformedMessage):
    """A well-formed CloudEvent of a type no topic the processor consumes declares."""


class InvalidEventData(MalformedMessage):
    """A known event type whose data fails its contract model."""


@dataclass(frozen=True)
class Delivery(AtPosition):
    """A message at its (topic, partition, offset), with the event it carries."""

    topic: str
    partition: int
    offset: int
    event: ReceivedEvent
    contract: ContractEvent | None = field(default=None, compare=False, repr=False)
    """The validated contract event, set by `parse_delivery`."""
    raw: RawMessage | None = field(default=None, compare=False, repr=False)
    """The message as consumed, kept for a dead letter."""

    @property
    def message(self) -> RawMessage:
        """The message it came in (rebuilt from its event for one made by hand)."""
        if self.raw is not None:
            return self.raw
        event = self.event
        return RawMessage(
            self.topic,
            self.partition,
            self.offset,
            str(event.aggregate_id).encode(),
            (("ce_type", event.type.encode()), ("ce_id", str(event.id).encode())),
            json.dumps(event.data).encode(),
        )

    @property
    def model(self) -> ContractEvent | None:
        """The contract event (or, built by hand without one, None for an unknown type)."""
        return self.contract if self.contract is not None else self.event.parse_event()

    @property
    def hold_key(self) -> str | None:
        """The key later messages of the same aggregate are held by."""
        return self.message.hold_key


def parse_delivery(raw: RawMessage, event_types: EventTypes) -> Delivery:
    """The delivery a raw message carries; raise MalformedMessage (or a subclass) if none.

    The consumer loop and a rebuild both parse with this, so a message is poison to both or
    to neither. A type no consumed topic declares is poison, not ignored: topics declare every
    type before a producer publishes it, so it was sent outside the contract, and a dead letter
    keeps it for a replay once the contract knows it.
    """
    event = read_kafka_message(raw.headers, raw.value)
    event_cls = event_types.get(event.type)
    if event_cls is None:
        raise UnknownEventType(f"unknown event type {event.type!r} on {raw.topic}")
    try:
        contract = event_cls.model_validate(event.data)
    except ValidationError as error:
        raise InvalidEventData(f"{event.type} {event.id}: {error}") from error
    return Delivery(raw.topic, raw.partition, raw.offset, event, contract, raw)
