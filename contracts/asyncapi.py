"""The AsyncAPI 3.0 document of innovnet's topics, built from the topic registry and the models."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

from contracts import envelope
from contracts.events import ContractEvent
from contracts.personal import personal_data_fields
from contracts.topics import TOPIC_CONFIG, TOPICS, Topic

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
# The API's compatibility lives in topic names (`.v1`) and event types (`.v<N>`); this is
# the version of the document as a whole.
DOCUMENT_VERSION = "1.0.0"

HEADERS_SCHEMA = "CloudEventHeaders"

_DESCRIPTION = """\
The public events of the Public Sector Innovation Network (innovnet).

Each topic has one producing service and keeps its events forever: a new subscriber can read
the whole history from offset 0. Messages follow the CloudEvents 1.0 Kafka protocol binding in
binary mode: the value is the event's JSON data, the metadata travels in `ce_` headers, and
the key is the aggregate id (`ce_subject`), so one aggregate's events arrive in order.
Deliveries are at least once: deduplicate on `ce_id`, which stays the same when an event is
published again. Read tolerantly: ignore properties you do not know and event types you do
not handle. A breaking change is published as a new event version beside the old one.

Personal data (schemas marked `x-personal-data`) is sealed with a key per person and never
appears in clear; when a person is erased their key is destroyed and a PersonalDataErased
event asks every reader to drop what it derived from it.
"""


def build_document() -> dict[str, Any]:
    """The AsyncAPI document, as plain data ready for YAML."""
    schemas: dict[str, Any] = {HEADERS_SCHEMA: _cloudevent_headers_schema()}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        for event in topic.events:
            _add_schemas(schemas, event)
            messages[event.ce_type()] = _message(event)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "innovnet", "version": DOCUMENT_VERSION, "description": _DESCRIPTION},
        "defaultContentType": envelope.CONTENT_TYPE,
        "channels": {topic.producer: _channel(topic) for topic in TOPICS},
        "operations": {f"{topic.producer}.publish": _operation(topic) for topic in TOPICS},
        "components": {
            "schemas": schemas,
            "messages": messages,
            "correlationIds": {
                "correlationId": {
                    "description": "The request or flow that started a chain of events.",
                    "location": f"$message.header#/{envelope.CORRELATION_ID_HEADER}",
                }
            },
        },
    }


def _channel(topic: Topic) -> dict[str, Any]:
    return {
        "address": topic.name,
        "title": f"{topic.producer} events",
        "description": f"The events the {topic.producer} service publishes, keyed by aggregate id.",
        "messages": {
            event.__name__: {"$ref": f"#/components/messages/{event.ce_type()}"}
            for event in topic.events
        },
        "bindings": {
            "kafka": {
                "topic": topic.name,
                "partitions": topic.partitions,
                "topicConfiguration": {
                    "cleanup.policy": TOPIC_CONFIG["cleanup.policy"].split(","),
                    "retention.ms": int(TOPIC_CONFIG["retention.ms"]),
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operation(topic: Topic) -> dict[str, Any]:
    return {
        "action": "send",
        "title": f"{topic.producer} publishes its events",
        "channel": {"$ref": f"#/channels/{topic.producer}"},
        "messages": [
            {"$ref": f"#/channels/{topic.producer}/messages/{event.__name__}"}
            for event in topic.events
        ],
    }


def _message(event: type[ContractEvent]) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": event.__name__,
        "title": _title(event),
        "summary": inspect.getdoc(event) or "",
        "contentType": envelope.CONTENT_TYPE,
        "correlationId": {"$ref": "#/components/correlationIds/correlationId"},
        "headers": {
            "type": "object",
            "allOf": [
                {"$ref": f"#/components/schemas/{HEADERS_SCHEMA}"},
                {
                    "type": "object",
                    "properties": {
                        envelope.TYPE_HEADER: {"const": event.ce_type()},
                        envelope.SOURCE_HEADER: {"const": f"/innovnet/{event.service}"},
                    },
                },
            ],
        },
        "payload": {"$ref": f"#/components/schemas/{event.ce_type()}"},
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "format": "uuid",
                    "description": "The aggregate id, as in ce_subject.",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }
    if sealed := personal_data_fields(event):
        message["x-personal-data-fields"] = sealed
    return message


def _add_schemas(schemas: dict[str, Any], event: type[ContractEvent]) -> None:
    """Add the event's schema under its type, and its nested models under their names."""
    schema = event.model_json_schema(ref_template="#/components/schemas/{model}")
    # Sorted like the committed JSON Schemas, so the document's diff follows theirs.
    schema = json.loads(json.dumps(schema, sort_keys=True))
    nested = schema.pop("$defs", {})
    for name, definition in {**nested, event.ce_type(): schema}.items():
        if schemas.setdefault(name, definition) != definition:
            raise ValueError(f"two different contract models are named {name}: rename one")


def _title(event: type[ContractEvent]) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", event.event_name).lower().capitalize()
    return f"{words} (v{event.version})"


def _cloudevent_headers_schema() -> dict[str, Any]:
    def text(description: str, **constraints: str) -> dict[str, str]:
        return {"type": "string", **constraints, "description": description}

    properties = {
        envelope.SPECVERSION_HEADER: text("The CloudEvents version.", const=envelope.SPECVERSION),
        envelope.ID_HEADER: text(
            "uuid5(aggregate id, aggregate version): the same each time the event is"
            " published again, so deduplicate on it.",
            format="uuid",
        ),
        envelope.SOURCE_HEADER: text("The producing service, `/innovnet/<service>`."),
        envelope.TYPE_HEADER: text("The event type, `gr.innovnet.<service>.<Event>.v<N>`."),
        envelope.TIME_HEADER: text("When the event happened (RFC 3339, UTC).", format="date-time"),
        envelope.SUBJECT_HEADER: text("The aggregate id, also the message key.", format="uuid"),
        envelope.SEQUENCE_HEADER: text(
            "The aggregate version, in decimal: orders one aggregate's events.", pattern="^[0-9]+$"
        ),
        envelope.CORRELATION_ID_HEADER: text("The request or flow that started the chain."),
        envelope.CAUSATION_ID_HEADER: text("The command or event that caused this event."),
        envelope.CONTENT_TYPE_HEADER: text(
            "The media type of the value.", const=envelope.CONTENT_TYPE
        ),
    }
    return {
        "type": "object",
        "description": "The CloudEvents 1.0 attributes, as Kafka headers (binary content mode).",
        "required": [*envelope.REQUIRED_HEADERS, envelope.CONTENT_TYPE_HEADER],
        "properties": properties,
    }
