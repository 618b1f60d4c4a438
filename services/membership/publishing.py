"""The membership service's domain events as the contract events of its topic."""

from __future__ import annotations

from contracts import membership as contract
from services.membership.domain import Activity, Member
from services.runtime.fields import copy_fields
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


@to_contract.maps(Member.Activated)
def _(e: Member.Activated) -> contract.MemberActivated:
    # A member activated before the form asked the language has none among its facts.
    facts = {"language": None, **e.member}
    return copy_fields(contract.MemberActivated, e, representative_id=e.originator_id, **facts)


@to_contract.maps(Member.Deactivated)
def _(e: Member.Deactivated) -> contract.MemberDeactivated:
    return copy_fields(
        contract.MemberDeactivated,
        e,
        representative_id=e.originator_id,
        registration_id=e.member["registration_id"],
        body_id=e.member["body_id"],
        role=e.member["role"],
    )


@to_contract.maps(Activity.Scheduled)
def _(e: Activity.Scheduled) -> contract.ActivityScheduled:
    # The link stays in the service: the contract says only whether it is held online.
    return copy_fields(
        contract.ActivityScheduled, e, activity_id=e.originator_id, online=bool(e.online_url)
    )


@to_contract.maps(Activity.Rescheduled)
def _(e: Activity.Rescheduled) -> contract.ActivityRescheduled:
    return copy_fields(
        contract.ActivityRescheduled, e, activity_id=e.originator_id, online=bool(e.online_url)
    )


# Copied field by field, the activity's id as `activity_id`.
to_contract.copies(
    (Activity.InvitationSent, contract.InvitationSent),
    (Activity.InvitationAnswered, contract.InvitationAnswered),
    (Activity.WaitingListMoved, contract.WaitingListMoved),
    (Activity.AttendanceRecorded, contract.AttendanceRecorded),
    (Activity.Cancelled, contract.ActivityCancelled),
    id_as="activity_id",
)
