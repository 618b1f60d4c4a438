"""`innovnet relay release`: publish a service's parked events after the fix that maps them.

Under the parking lock (so the relay cannot decide a batch meanwhile), each parked event is
read from the event store and mapped again, in notification order. An aggregate's events are
published up to its first one that still fails; that one and those behind it stay parked,
with the new reason. Released rows are deleted only after the broker acknowledged them, so a
crash re-publishes, never loses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from uuid import UUID

import psycopg
from confluent_kafka import KafkaException
from eventsourcing.application import Application

from contracts.envelope import KafkaMessage
from services.runtime.connections import connection_options
from services.runtime.erasure import publishing_erasures
from services.runtime.failures import describe
from services.runtime.parking import (
    ParkedEvent,
    create_parked_table,
    note_reason,
    parked_events,
    parking_lock,
    unpark,
)
from services.runtime.relay import (
    DeliveryFailed,
    Publisher,
    ToContract,
    message_of,
)
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings
from services.runtime.startup import opened_stores


@dataclass
class ReleaseOutcome:
    """What a release published, and what stays parked and why."""

    released: list[ParkedEvent] = field(default_factory=list)
    still_parked: list[ParkedEvent] = field(default_factory=list)


def release_parked(
    application: Application[UUID],
    database_url: str,
    topic: str,
    to_contract: ToContract,
    bootstrap_servers: str,
) -> ReleaseOutcome:
    """Publish every parked event of `topic` that maps now, in order per aggregate."""
    outcome = ReleaseOutcome()
    # It waits for the parking lock as long as a relay batch holds it: no time-outs.
    with psycopg.connect(
        database_url, autocommit=True, **connection_options(waits_for_locks=True)
    ) as conn:
        create_parked_table(conn)
        with parking_lock(conn, topic):
            messages: list[KafkaMessage] = []
            blocked: set[UUID] = set()
            for parked in parked_events(conn, topic):
                if parked.aggregate_id in blocked:
                    outcome.still_parked.append(parked)
                    continue
                notification = application.recorder.select_notifications(
                    start=parked.notification_id, limit=1
                )[0]
                try:
                    message = message_of(application, to_contract, notification)
                except Exception as error:  # still unmappable: it and its followers wait
                    reason = describe(error)
                    note_reason(conn, topic, parked.notification_id, reason)
                    blocked.add(parked.aggregate_id)
                    outcome.still_parked.append(_with_reason(parked, reason))
                    continue
                if message is not None:
                    messages.append(message)
                outcome.released.append(parked)
            publisher = Publisher(bootstrap_servers, topic)
            publisher.publish(messages, threading.Event())
            unpark(conn, topic, [p.notification_id for p in outcome.released])
    return outcome


def _with_reason(parked: ParkedEvent, reason: str) -> ParkedEvent:
    return ParkedEvent(
        parked.notification_id,
        parked.aggregate_id,
        parked.aggregate_version,
        parked.event_type,
        reason,
        parked.parked_at,
    )


def release_service(definition: ServiceDefinition, settings: ServiceSettings) -> int:
    """Release the parked events of a service, print what happened; 1 if some stay parked."""
    if definition.to_contract is None:
        print(f"innovnet: {definition.name} publishes nothing, so nothing is parked")
        return 2
    topic = definition.published_topic(settings.topic_prefix).name
    try:
        with opened_stores(definition, settings) as stores:
            outcome = release_parked(
                stores.application,
                settings.database_url,
                topic,
                publishing_erasures(definition.to_contract, definition.erased_event),
                settings.kafka_bootstrap_servers,
            )
    except (DeliveryFailed, KafkaException) as error:
        # Nothing was unparked: running the command again publishes them (at least once).
        print(f"innovnet: the broker did not take the parked events ({error}); nothing released")
        return 3
    print(f"relay of {topic}: released {len(outcome.released)} parked events")
    if not outcome.still_parked:
        return 0
    print(f"relay of {topic}: {len(outcome.still_parked)} events still parked:")
    for parked in outcome.still_parked:
        print(
            f"  notification {parked.notification_id}: aggregate {parked.aggregate_id}"
            f" version {parked.aggregate_version} ({parked.event_type}): {parked.reason}"
        )
    return 1
