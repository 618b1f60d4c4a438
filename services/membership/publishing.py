"""The membership service's domain events as the contract events of its topic."""

from __future__ import annotations

from typing import Any

from contracts import membership as contract
from contracts.events import ContractEvent
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


@to_contract.maps("Member.Activated")
def _(e: Any) -> ContractEvent:
    return contract.MemberActivated(
        representative_id=e.originator_id,
        designation_id=e.designation_id,
        activated_at=e.activated_at,
        **e.member,
    )


@to_contract.maps("Member.Deactivated")
def _(e: Any) -> ContractEvent:
    return contract.MemberDeactivated(
        representative_id=e.originator_id,
        registration_id=e.member["registration_id"],
        body_id=e.member["body_id"],
        role=e.member["role"],
        reason=e.reason,
        deactivated_at=e.deactivated_at,
    )


@to_contract.maps("Activity.Scheduled")
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


@to_contract.maps("Activity.InvitationSent")
def _(e: Any) -> ContractEvent:
    return contract.InvitationSent(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        body_name=e.body_name,
        level=e.level,
        sent_at=e.sent_at,
    )


@to_contract.maps("Activity.InvitationAnswered")
def _(e: Any) -> ContractEvent:
    return contract.InvitationAnswered(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        answer=e.answer,
        seat=e.seat,
        answered_at=e.answered_at,
    )


@to_contract.maps("Activity.WaitingListMoved")
def _(e: Any) -> ContractEvent:
    return contract.WaitingListMoved(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        moved_at=e.moved_at,
    )


@to_contract.maps("Activity.AttendanceRecorded")
def _(e: Any) -> ContractEvent:
    return contract.AttendanceRecorded(
        activity_id=e.originator_id,
        representative_id=e.representative_id,
        body_id=e.body_id,
        attended=e.attended,
        recorded_at=e.recorded_at,
    )


@to_contract.maps("Activity.Rescheduled")
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


@to_contract.maps("Activity.Cancelled")
def _(e: Any) -> ContractEvent:
    return contract.ActivityCancelled(
        activity_id=e.originator_id,
        reason=e.reason,
        invitee_ids=list(e.invitee_ids),
        cancelled_at=e.cancelled_at,
    )
