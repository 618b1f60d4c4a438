"""Contract events as Kafka messages: the CloudEvents Kafka protocol binding, binary mode.

The value is the event's JSON data; the metadata travels in `ce_`-prefixed headers and the
`content-type` header. The key is the aggregate id, so one aggregate's events keep their order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid5

from pydantic import ValidationError

from contracts.events import ContractEvent
from contracts.topics import event_class

_T = TypeVar("_T")

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

SPECVERSION_HEADER = "ce_specversion"
ID_HEADER = "ce_id"
SOURCE_HEADER = "ce_source"
TYPE_HEADER = "ce_type"
TIME_HEADER = "ce_time"
SUBJECT_HEADER = "ce_subject"
SEQUENCE_HEADER = "ce_sequence"
CORRELATION_ID_HEADER = "ce_correlationid"
CAUSATION_ID_HEADER = "ce_causationid"
CONTENT_TYPE_HEADER = "content-type"

REQUIRED_HEADERS = (
    SPECVERSION_HEADER,
    ID_HEADER,
    SOURCE_HEADER,
    TYPE_HEADER,
    TIME_HEADER,
    SUBJECT_HEADER,
    SEQUENCE_HEADER,
    CORRELATION_ID_HEADER,
    CAUSATION_ID_HEADER,
)
"""The headers every innovnet message carries; `content-type` may be left out (JSON then)."""


class MalformedMessage(ValueError):
    """A Kafka message that is not a well-formed innovnet CloudEvent."""


@dataclass(frozen=True, slots=True)
class KafkaMessage:
    """What a producer sends: key, value and headers, ready for confluent-kafka."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """A consumed message's CloudEvents metadata and its JSON data."""

    id: UUID
    type: str
    source: str
    aggregate_id: UUID
    """From `ce_subject`; also the message key."""
    aggregate_version: int
    """From `ce_sequence`: orders the events of one aggregate."""
    time: datetime
    correlation_id: str
    causation_id: str
    data: dict[str, Any]

    def parse_event(self) -> ContractEvent | None:
        """The data as its contract event, or None for a type this contract does not know."""
        event_cls = event_class(self.type)
        if event_cls is None:
            return None
        try:
            return event_cls.model_validate(self.data)
        except ValidationError as error:
            raise MalformedMessage(f"{self.type} {self.id}: {error}") from error


def event_id(aggregate_id: UUID, aggregate_version: int) -> UUID:
    """The CloudEvents id: the same for every re-publication of one aggregate version."""
    return uuid5(aggregate_id, str(aggregate_version))


def to_kafka_message(
    event: ContractEvent,
    *,
    aggregate_id: UUID,
    aggregate_version: int,
    time: datetime,
    correlation_id: UUID | str,
    causation_id: UUID | str,
) -> KafkaMessage:
    """Wrap `event`, the `aggregate_version`th of its aggregate, as a Kafka message."""
    if time.tzinfo is None:
        raise ValueError("the event time must be timezone-aware")
    if aggregate_version < 0:
        raise ValueError(f"an aggregate version is never negative, got {aggregate_version}")
    headers = {
        SPECVERSION_HEADER: SPECVERSION,
        ID_HEADER: str(event_id(aggregate_id, aggregate_version)),
        SOURCE_HEADER: f"/innovnet/{event.service}",
        TYPE_HEADER: event.ce_type(),
        TIME_HEADER: _rfc3339_utc(time),
        SUBJECT_HEADER: str(aggregate_id),
        CONTENT_TYPE_HEADER: CONTENT_TYPE,
        SEQUENCE_HEADER: str(aggregate_version),
        CORRELATION_ID_HEADER: str(correlation_id),
        CAUSATION_ID_HEADER: str(causation_id),
    }
    return KafkaMessage(
        key=str(aggregate_id).encode(),
        value=json.dumps(event.model_dump(mode="json"), separators=(",", ":")).encode(),
        headers=[(name, value.encode()) for name, value in headers.items()],
    )


def read_kafka_message(
    headers: Sequence[tuple[str, bytes | None]] | None, value: bytes | None
) -> ReceivedEvent:
    """Unwrap a consumed message (`msg.headers()`, `msg.value()`); raise MalformedMessage."""
    found = _decode_headers(headers or ())
    if missing := [name for name in REQUIRED_HEADERS if name not in found]:
        raise MalformedMessage(f"missing CloudEvents headers: {', '.join(missing)}")
    if found[SPECVERSION_HEADER] != SPECVERSION:
        raise MalformedMessage(f"unsupported CloudEvents specversion {found[SPECVERSION_HEADER]}")
    media_type = found.get(CONTENT_TYPE_HEADER, CONTENT_TYPE).split(";")[0].strip().lower()
    if media_type != CONTENT_TYPE:
        raise MalformedMessage(f"unsupported content-type {found[CONTENT_TYPE_HEADER]!r}")
    return ReceivedEvent(
        id=_parse(UUID, found, ID_HEADER),
        type=found[TYPE_HEADER],
        source=found[SOURCE_HEADER],
        aggregate_id=_parse(UUID, found, SUBJECT_HEADER),
        aggregate_version=_parse(_decimal, found, SEQUENCE_HEADER),
        time=_parse(_aware_datetime, found, TIME_HEADER),
        correlation_id=found[CORRELATION_ID_HEADER],
        causation_id=found[CAUSATION_ID_HEADER],
        data=_decode_data(value),
    )


def _rfc3339_utc(time: datetime) -> str:
    return time.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _decode_headers(headers: Sequence[tuple[str, bytes | None]]) -> dict[str, str]:
    # Kafka allows repeated header names; like Java's `lastHeader`, the last one wins.
    decoded: dict[str, str] = {}
    for name, raw in headers:
        if raw is None:
            continue
        try:
            decoded[name.lower()] = raw.decode()
        except UnicodeDecodeError as error:
            raise MalformedMessage(f"header {name} is not UTF-8") from error
    return decoded


def _parse(parse: Callable[[str], _T], found: dict[str, str], name: str) -> _T:
    try:
        return parse(found[name])
    except ValueError as error:
        raise MalformedMessage(f"header {name} has an invalid value {found[name]!r}") from error


def _decimal(text: str) -> int:
    # Stricter than int(), which also takes signs, spaces, underscores and non-ASCII digits.
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError("not a decimal number")
    return int(text)


def _aware_datetime(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return parsed


def _decode_data(value: bytes | None) -> dict[str, Any]:
    if value is None:
        raise MalformedMessage("the message has no value (a tombstone is no event)")
    try:
        data = json.loads(value)
    except ValueError as error:
        raise MalformedMessage(f"the value is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise MalformedMessage(f"the value is JSON {type(data).__name__}, not an object")
    return data
