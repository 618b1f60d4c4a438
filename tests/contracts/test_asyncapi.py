"""The AsyncAPI document other ministries read: generated from the topic registry."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from contracts.asyncapi import build_document
from contracts.generate import ASYNCAPI, CONTRACTS_DIR
from contracts.topics import TOPICS, Topic


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The committed asyncapi.yaml, parsed."""
    parsed: dict[str, Any] = yaml.safe_load((CONTRACTS_DIR / ASYNCAPI).read_text(encoding="utf-8"))
    return parsed


def test_the_document_is_asyncapi_3(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "innovnet"


def test_the_committed_document_is_the_built_one(document: dict[str, Any]) -> None:
    assert document == build_document()


@pytest.mark.parametrize("topic", TOPICS, ids=[topic.name for topic in TOPICS])
def test_each_topic_is_a_channel_at_its_address_with_its_events(
    document: dict[str, Any], topic: Topic
) -> None:
    channel = document["channels"][topic.producer]

    assert channel["address"] == topic.name
    assert channel["bindings"]["kafka"]["partitions"] == topic.partitions
    assert channel["bindings"]["kafka"]["topicConfiguration"]["retention.ms"] == -1
    assert [resolve(document, ref["$ref"])["name"] for ref in channel["messages"].values()] == [
        event.__name__ for event in topic.events
    ]


@pytest.mark.parametrize("topic", TOPICS, ids=[topic.name for topic in TOPICS])
def test_each_producer_sends_on_its_channel(document: dict[str, Any], topic: Topic) -> None:
    operation = document["operations"][f"{topic.producer}.publish"]

    assert operation["action"] == "send"
    assert resolve(document, operation["channel"]["$ref"]) == document["channels"][topic.producer]


def test_a_message_describes_its_json_payload_its_headers_and_its_key(
    document: dict[str, Any],
) -> None:
    message = document["components"]["messages"][
        "gr.innovnet.registration.RepresentativeNominated.v1"
    ]

    assert message["contentType"] == "application/json"
    assert resolve(document, message["payload"]["$ref"])["title"] == "RepresentativeNominated"
    assert message["headers"]["allOf"][1]["properties"]["ce_type"] == {
        "const": "gr.innovnet.registration.RepresentativeNominated.v1"
    }
    assert message["bindings"]["kafka"]["key"]["format"] == "uuid"
    assert message["x-personal-data-fields"] == ["full_name", "email", "phone"]


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    references = list(_references(document))

    assert references
    for reference in references:
        resolve(document, reference)


def resolve(document: dict[str, Any], reference: str) -> Any:
    """The value a local `$ref` points to."""
    assert reference.startswith("#/")
    target: Any = document
    for token in reference[2:].split("/"):
        target = target[token.replace("~1", "/").replace("~0", "~")]
    return target


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []
