"""The CloudEvents Kafka binding: what producers send and what consumers get back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4, uuid5

import pytest

from contracts.envelope import (
    REQUIRED_HEADERS,
    MalformedMessage,
    ReceivedEvent,
    read_kafka_message,
    to_kafka_message,
)
from contracts.registration import RepresentativeNominated

ATHENS_SUMMER = timezone(timedelta(hours=3))
CORRELATION_ID = UUID("0b7e1d0c-3f59-4d57-8a3e-7c1e5f0f7a11")


def wrap(event: RepresentativeNominated, version: int = 2) -> list[tuple[str, bytes]]:
    """The headers of `event` published as version `version` of its registration."""
    return to_kafka_message(
        event,
        aggregate_id=event.registration_id,
        aggregate_version=version,
        time=datetime(2026, 4, 9, 10, 30, 0, 125000, tzinfo=ATHENS_SUMMER),
        correlation_id=CORRELATION_ID,
        causation_id="command-submit-registration",
    ).headers


def replaced(
    headers: list[tuple[str, bytes]], name: str, value: bytes
) -> list[tuple[str, bytes | None]]:
    """`headers` with the value of `name` replaced."""
    return [(key, value if key == name else old) for key, old in headers]


def test_a_message_reads_back_as_the_event_it_carries(
    nomination: RepresentativeNominated,
) -> None:
    message = to_kafka_message(
        nomination,
        aggregate_id=nomination.registration_id,
        aggregate_version=2,
        time=datetime(2026, 4, 9, 10, 30, tzinfo=UTC),
        correlation_id=CORRELATION_ID,
        causation_id="command-submit-registration",
    )

    received = read_kafka_message(message.headers, message.value)

    assert received.parse_event() == nomination
    assert received == ReceivedEvent(
        id=uuid5(nomination.registration_id, "2"),
        type="gr.innovnet.registration.RepresentativeNominated.v1",
        source="/innovnet/registration",
        aggregate_id=nomination.registration_id,
        aggregate_version=2,
        time=datetime(2026, 4, 9, 10, 30, tzinfo=UTC),
        correlation_id=str(CORRELATION_ID),
        causation_id="command-submit-registration",
        data=nomination.model_dump(mode="json"),
    )


def test_the_key_is_the_aggregate_id_and_the_value_compact_json(
    nomination: RepresentativeNominated,
) -> None:
    message = to_kafka_message(
        nomination,
        aggregate_id=nomination.registration_id,
        aggregate_version=2,
        time=datetime.now(UTC),
        correlation_id=CORRELATION_ID,
        causation_id=CORRELATION_ID,
    )

    assert message.key == str(nomination.registration_id).encode()
    assert (
        message.value
        == json.dumps(nomination.model_dump(mode="json"), separators=(",", ":")).encode()
    )


def test_every_cloudevents_header_is_set(nomination: RepresentativeNominated) -> None:
    headers = dict(wrap(nomination, version=2))

    assert headers == {
        "ce_specversion": b"1.0",
        "ce_id": str(uuid5(nomination.registration_id, "2")).encode(),
        "ce_source": b"/innovnet/registration",
        "ce_type": b"gr.innovnet.registration.RepresentativeNominated.v1",
        "ce_time": b"2026-04-09T07:30:00.125000Z",
        "ce_subject": str(nomination.registration_id).encode(),
        "content-type": b"application/json",
        "ce_sequence": b"2",
        "ce_correlationid": str(CORRELATION_ID).encode(),
        "ce_causationid": b"command-submit-registration",
    }


def test_publishing_the_same_aggregate_version_again_keeps_its_id(
    nomination: RepresentativeNominated,
) -> None:
    first, again, next_version = wrap(nomination, 2), wrap(nomination, 2), wrap(nomination, 3)

    assert dict(first)["ce_id"] == dict(again)["ce_id"]
    assert dict(first)["ce_id"] != dict(next_version)["ce_id"]


def test_an_event_time_without_timezone_is_refused(nomination: RepresentativeNominated) -> None:
    with pytest.raises(ValueError, match="timezone"):
        to_kafka_message(
            nomination,
            aggregate_id=nomination.registration_id,
            aggregate_version=1,
            time=datetime(2026, 4, 9, 10, 30),
            correlation_id=CORRELATION_ID,
            causation_id=CORRELATION_ID,
        )


def test_an_unknown_event_type_is_read_but_not_parsed(nomination: RepresentativeNominated) -> None:
    headers = replaced(wrap(nomination), "ce_type", b"gr.innovnet.membership.MemberActivated.v7")

    received = read_kafka_message(headers, b'{"member_id": "m-1"}')

    assert received.type == "gr.innovnet.membership.MemberActivated.v7"
    assert received.data == {"member_id": "m-1"}
    assert received.parse_event() is None


def test_consumers_read_data_with_fields_added_later(nomination: RepresentativeNominated) -> None:
    value = json.dumps(nomination.model_dump(mode="json") | {"added_later": True}).encode()

    assert read_kafka_message(wrap(nomination), value).parse_event() == nomination


@pytest.mark.parametrize("header", REQUIRED_HEADERS)
def test_a_message_without_a_required_header_is_malformed(
    nomination: RepresentativeNominated, header: str
) -> None:
    headers = [(name, value) for name, value in wrap(nomination) if name != header]

    with pytest.raises(MalformedMessage, match=header):
        read_kafka_message(headers, nomination.model_dump_json().encode())


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("ce_specversion", b"0.3"),
        ("ce_id", b"not-a-uuid"),
        ("ce_subject", b"registration-1"),
        ("ce_sequence", b"second"),
        ("ce_time", b"2026-04-09T10:30:00"),
        ("content-type", b"application/avro"),
    ],
)
def test_a_message_with_an_invalid_header_is_malformed(
    nomination: RepresentativeNominated, header: str, value: bytes
) -> None:
    headers = replaced(wrap(nomination), header, value)

    with pytest.raises(MalformedMessage, match=header.removeprefix("ce_")):
        read_kafka_message(headers, nomination.model_dump_json().encode())


@pytest.mark.parametrize("value", [None, b"not json", b"[1, 2]"])
def test_a_message_whose_value_is_no_json_object_is_malformed(
    nomination: RepresentativeNominated, value: bytes | None
) -> None:
    with pytest.raises(MalformedMessage):
        read_kafka_message(wrap(nomination), value)


def test_known_data_that_breaks_its_schema_is_malformed(
    nomination: RepresentativeNominated,
) -> None:
    received = read_kafka_message(wrap(nomination), b'{"registration_id": "not-a-uuid"}')

    with pytest.raises(MalformedMessage, match="RepresentativeNominated"):
        received.parse_event()


def test_a_malformed_message_is_a_value_error() -> None:
    assert issubclass(MalformedMessage, ValueError)
    with pytest.raises(ValueError, match="ce_id"):
        read_kafka_message(None, b"{}")


def test_the_last_of_repeated_headers_wins(nomination: RepresentativeNominated) -> None:
    other = uuid4()
    headers: list[tuple[str, bytes | None]] = [
        *wrap(nomination),
        ("ce_subject", str(other).encode()),
    ]

    assert read_kafka_message(headers, nomination.model_dump_json().encode()).aggregate_id == other


@pytest.mark.parametrize("sequence", [b"-1", b"+2", b" 2", b"1_000"])
def test_a_sequence_is_a_plain_decimal_number(
    nomination: RepresentativeNominated, sequence: bytes
) -> None:
    headers = replaced(wrap(nomination), "ce_sequence", sequence)

    with pytest.raises(MalformedMessage, match="ce_sequence"):
        read_kafka_message(headers, nomination.model_dump_json().encode())
