"""The membership service's domain events as the contract events of its topic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts import membership as contract
from contracts.events import ContractEvent

Mapping = Callable[[Any], ContractEvent]
MAPPINGS: dict[str, Mapping] = {}
"""Domain event class (`Member.Activated`) → its contract event."""


def to_contract(domain_event: Any) -> ContractEvent | None:
    """The contract event of a domain event; nominations and body registrations stay inside."""
    mapping = MAPPINGS.get(type(domain_event).__qualname__)
    return mapping(domain_event) if mapping else None


def maps(event_name: str) -> Callable[[Mapping], Mapping]:
    """Register the mapping of the domain event class named `event_name`."""

    def register(mapping: Mapping) -> Mapping:
        MAPPINGS[event_name] = mapping
        return mapping

    return register


@maps("Member.Activated")
def _(e: Any) -> ContractEvent:
    return contract.MemberActivated(
        representative_id=e.originator_id,
        designation_id=e.designation_id,
        activated_at=e.activated_at,
        **e.member,
    )


@maps("Member.Deactivated")
def _(e: Any) -> ContractEvent:
    return contract.MemberDeactivated(
        representative_id=e.originator_id,
        registration_id=e.member["registration_id"],
        body_id=e.member["body_id"],
        role=e.member["role"],
        reason=e.reason,
        deactivated_at=e.deactivated_at,
    )


@maps("Activity.Scheduled")
def _(e: Any) -> ContractEvent:
    return contract.ActivityScheduled(
        activity_id=e.originator_id,
        kind=e.kind,
        title=e.title,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        location=e.location,
        online=bool(e.online_url),
        capacity=e.capacity,
        languages=list(e.languages),
        scheduled_at=e.scheduled_at,
    )


@maps("Activity.InvitationSent")
def _(e: Any) -> ContractEvent:
    return contract.InvitationSent(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        body_name=e.body_name,
        level=e.level,
        sent_at=e.sent_at,
    )


@maps("Activity.InvitationAnswered")
def _(e: Any) -> ContractEvent:
    return contract.InvitationAnswered(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        answer=e.answer,
        seat=e.seat,
        answered_at=e.answered_at,
    )


@maps("Activity.WaitingListMoved")
def _(e: Any) -> ContractEvent:
    return contract.WaitingListMoved(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        moved_at=e.moved_at,
    )


@maps("Activity.AttendanceRecorded")
def _(e: Any) -> ContractEvent:
    return contract.AttendanceRecorded(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        attended=e.attended,
        recorded_at=e.recorded_at,
    )


@maps("Activity.Rescheduled")
def _(e: Any) -> ContractEvent:
    return contract.ActivityRescheduled(
        activity_id=e.originator_id,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        location=e.location,
        online=bool(e.online_url),
        invitee_ids=list(e.invitee_ids),
        rescheduled_at=e.rescheduled_at,
    )


@maps("Activity.Cancelled")
def _(e: Any) -> ContractEvent:
    return contract.ActivityCancelled(
        activity_id=e.originator_id,
        reason=e.reason,
        invitee_ids=list(e.invitee_ids),
        cancelled_at=e.cancelled_at,
    )
