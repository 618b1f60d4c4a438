"""The topic registry: every event on exactly one topic, the one of its producer."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import contracts
from contracts import registration
from contracts.events import ContractEvent
from contracts.topics import (
    EVENT_TYPES,
    REGISTRATION,
    TOPIC_CONFIG,
    TOPICS,
    Topic,
    event_class,
    topic_for_event,
    topic_of,
)

SERVICES = ("registration", "membership", "observatory", "newsletter", "notifications")


def test_each_service_produces_to_its_own_topic_of_three_partitions_but_the_newsletter() -> None:
    # The newsletter's one partition orders an issue after every subscription change before it.
    partitions = {"newsletter": 1}
    assert [(topic.producer, topic.name, topic.partitions) for topic in TOPICS] == [
        (service, f"innovnet.{service}.v1", partitions.get(service, 3)) for service in SERVICES
    ]


def test_topics_keep_events_forever_and_leave_replication_to_the_cluster() -> None:
    assert TOPIC_CONFIG == {"retention.ms": "-1", "cleanup.policy": "delete"}


@pytest.mark.parametrize("event", EVENT_TYPES.values(), ids=EVENT_TYPES.keys())
def test_every_event_is_on_exactly_one_topic_produced_by_its_service(
    event: type[ContractEvent],
) -> None:
    carriers = [topic for topic in TOPICS if event in topic.events]

    assert len(carriers) == 1
    assert carriers[0].producer == event.service
    assert topic_for_event(event) is carriers[0]


def test_every_event_model_of_the_contract_is_on_a_topic() -> None:
    # Every module of the package, so a service's new module of events is covered unasked.
    contract_modules = {
        importlib.import_module(module.name).__name__
        for module in pkgutil.iter_modules(contracts.__path__, "contracts.")
    }
    defined = {cls for cls in _subclasses(ContractEvent) if cls.__module__ in contract_modules}
    # Bases such as RegistrationEvent have subclasses; the events themselves are the leaves.
    leaves = {
        cls
        for cls in defined
        if not any(other is not cls and issubclass(other, cls) for other in defined)
    }

    assert sorted(cls.ce_type() for cls in leaves) == sorted(EVENT_TYPES)


def test_the_registration_topic_carries_the_registration_events() -> None:
    assert topic_of("registration") is REGISTRATION
    assert registration.RepresentativeNominated in REGISTRATION.events
    assert registration.PersonalDataErased in REGISTRATION.events


def test_an_unknown_service_has_no_topic() -> None:
    with pytest.raises(KeyError, match="nobody"):
        topic_of("nobody")


def test_an_event_on_no_topic_is_refused() -> None:
    class Unpublished(registration.RegistrationEvent):
        """An event nobody added to a topic."""

    with pytest.raises(KeyError, match="Unpublished"):
        topic_for_event(Unpublished)


def test_a_topic_refuses_an_event_of_another_service() -> None:
    with pytest.raises(ValueError, match="registration"):
        Topic(
            name="innovnet.membership.v1",
            partitions=3,
            producer="membership",
            events=(registration.RegistrationSubmitted,),
        )


def test_an_event_class_is_found_by_its_ce_type_and_an_unknown_type_by_none() -> None:
    ce_type = registration.DesignationVerified.ce_type()

    assert event_class(ce_type) is registration.DesignationVerified
    assert event_class("gr.innovnet.membership.MemberActivated.v9") is None


def _subclasses(cls: type[ContractEvent]) -> list[type[ContractEvent]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
