"""What each caller sees of the roster, an activity and participation, as the API answers it.

Personal data (names, emails) is unsealed only for those who act for the body
(`Principal.acts_for`); a member sees the activities their body is invited to, with their own
body's invitations and history steps only, and the online link only when invited themselves or
an admin. Who of the innovation unit decided (`decided_by`) is shown to the unit only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from contracts.personal import Sealed
from contracts.registration import Role
from services.membership.domain import Activity, Invitation, MemberState
from services.membership.history import ActivityStep
from services.membership.models import (
    ActivityHistoryEntry,
    ActivityPublic,
    ActivitySummary,
    BodyParticipation,
    InvitationPublic,
    LevelParticipation,
    MemberBody,
    MemberBodyDetail,
    ParticipationReport,
    RepresentativeOnRoster,
)
from services.membership.projections.participation import (
    ActivityRecord,
    BodyCounts,
    LevelCounts,
)
from services.membership.projections.roster import BodyRecord, RepresentativeRecord
from services.runtime.auth import Principal
from services.runtime.fields import copy_fields
from services.runtime.sealing import Sealer

# The roster.


def representative_view(
    record: RepresentativeRecord, sealer: Sealer, personal: bool
) -> RepresentativeOnRoster:
    """A representative on the roster, with name and email when `personal`."""

    def unsealed(value: Sealed | None) -> str | None:
        return sealer.unseal(value) if personal and value is not None else None

    return RepresentativeOnRoster(
        representative_id=record.representative_id,
        role=record.role,
        status=record.state,
        since=record.deactivated_at or record.activated_at,
        activated_at=record.activated_at,
        deactivated_at=record.deactivated_at,
        reason=record.deactivation_reason if personal else None,
        position_title=record.position_title,
        full_name=unsealed(record.full_name),
        email=unsealed(record.email),
    )


def history(body: BodyRecord, principal: Principal, sealer: Sealer) -> list[RepresentativeOnRoster]:
    """Every representative the body has had, as the caller may see them."""
    personal = principal.acts_for(body.body_id)
    return [representative_view(r, sealer, personal) for r in body.representatives]


def current(
    representatives: Sequence[RepresentativeOnRoster], role: Role
) -> RepresentativeOnRoster | None:
    """The active representative in `role`, else the one most recently activated."""
    in_role = [r for r in representatives if r.role is role]
    in_role.sort(key=lambda r: (r.status is MemberState.ACTIVE, r.activated_at), reverse=True)
    return in_role[0] if in_role else None


def member_body(body: BodyRecord, principal: Principal, sealer: Sealer) -> MemberBody:
    """A body on the roster with its current main and alternate."""
    return MemberBody(**_body_fields(body, history(body, principal, sealer)))


def member_body_detail(body: BodyRecord, principal: Principal, sealer: Sealer) -> MemberBodyDetail:
    """A body with its current representatives and every one it has had."""
    everyone = history(body, principal, sealer)
    return MemberBodyDetail(**_body_fields(body, everyone), history=everyone)


def _body_fields(
    body: BodyRecord, representatives: list[RepresentativeOnRoster]
) -> dict[str, object]:
    return {
        "body_id": body.body_id,
        "name": body.name,
        "level": body.level,
        "status": body.status,
        "since": body.since,
        "main": current(representatives, Role.MAIN),
        "alternate": current(representatives, Role.ALTERNATE),
    }


# Activities.


def may_see_activity(activity: Activity, principal: Principal) -> bool:
    """Admins, and the members of a body one of whose representatives is invited."""
    return principal.is_admin or any(
        i.invitee.body_id == principal.body_id for i in activity.invitations.values()
    )


def is_invited(activity: Activity, principal: Principal) -> bool:
    """The caller is one of the activity's invitees (a member's subject is their id)."""
    return any(str(i) == principal.subject for i in activity.invitations)


def visible_invitations(activity: Activity, principal: Principal) -> list[Invitation]:
    """Every invitation for the innovation unit; for a member, those of their own body."""
    return [i for i in activity.invitations.values() if principal.acts_for(i.invitee.body_id)]


def activity_summary(activity: Activity | ActivityRecord) -> ActivitySummary:
    """An activity as a list shows it, from the aggregate or the read model's row."""
    return copy_fields(ActivitySummary, activity, status=activity.state)


def activity_view(activity: Activity, principal: Principal) -> ActivityPublic:
    """An activity as the caller may see it: the online link only for admins and invitees,
    the invitations of other bodies only for admins."""
    sees_link = principal.is_admin or is_invited(activity, principal)
    return ActivityPublic(
        **dict(activity_summary(activity)),
        location=activity.location,
        online_url=activity.online_url if sees_link else None,
        languages=activity.languages,
        confirmed=len(activity.confirmed),
        waiting=len(activity.waiting_list),
        invitations=[
            invitation_view(activity, invitation)
            for invitation in visible_invitations(activity, principal)
        ],
        history=[
            history_entry(step, principal)
            for step in activity.history
            if step.body_id is None or principal.acts_for(step.body_id)
        ],
    )


def history_entry(step: ActivityStep, principal: Principal) -> ActivityHistoryEntry:
    """A step of the activity's history, who decided it only for the innovation unit."""
    return ActivityHistoryEntry(
        **asdict(step) | {"decided_by": step.decided_by if principal.is_admin else None}
    )


def invitation_view(activity: Activity, invitation: Invitation) -> InvitationPublic:
    """An invitation, its invitee's facts alongside its own, and its place on the waiting list."""
    facts = asdict(invitation)
    invitee = facts.pop("invitee")
    waiting_position = activity.waiting_position(invitation.invitee.representative_id)
    return InvitationPublic(**invitee, **facts, waiting_position=waiting_position)


# Participation.


def participation_report(
    bodies: Sequence[BodyCounts], levels: Sequence[LevelCounts]
) -> ParticipationReport:
    """The counts per body and per level of government."""
    return ParticipationReport(
        bodies=[BodyParticipation.model_validate(b, from_attributes=True) for b in bodies],
        levels=[LevelParticipation.model_validate(lvl, from_attributes=True) for lvl in levels],
    )
