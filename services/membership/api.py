"""The membership API: the roster, activities and their invitations, participation."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from contracts.errors import ErrorCode
from contracts.registration import Level, TaxId
from services.membership import views
from services.membership.application import MembershipApplication
from services.membership.domain import BodyStatus
from services.membership.models import (
    ActivityCreate,
    ActivityPage,
    ActivityPublic,
    ActivityUpdate,
    AnswerCreate,
    AttendanceCreate,
    Cancellation,
    Created,
    InvitationCreate,
    InvitationPublic,
    Invited,
    MemberBodyDetail,
    MemberPage,
    ParticipationReport,
    SearchText,
)
from services.membership.projections import Participation, Roster
from services.runtime.auth import AdminPrincipal, MemberPrincipal, Principal, require_role
from services.runtime.dependencies import projection, service_application
from services.runtime.errors import NotAllowed, NotFound
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging
from services.runtime.values import Day

router = APIRouter(tags=["membership"])


App = Annotated[MembershipApplication, Depends(service_application)]
RosterIndex = Annotated[Roster, Depends(projection("roster"))]
ParticipationIndex = Annotated[Participation, Depends(projection("participation"))]
MemberOrAdmin = Annotated[Principal, Depends(require_role("member", "admin"))]
"""A member or the innovation unit: an applicant or a service, bound to no body, sees nothing."""

# OpenAPI links: where an activity's or a body's id leads next (the API fuzz tests follow them).
ONE_ACTIVITY = "/activities/{activity_id}"
ANSWER = f"{ONE_ACTIVITY}/invitations/{{representative_id}}/answer"


def activity_links(activity_id: str) -> dict[str, dict[str, Any]]:
    """Links to what can be done with the activity whose id the expression gives."""
    return {
        "GetActivity": link("GET", ONE_ACTIVITY, activity_id=activity_id),
        "Invite": link("POST", f"{ONE_ACTIVITY}/invitations", activity_id=activity_id),
        "Reschedule": link("POST", f"{ONE_ACTIVITY}/reschedule", activity_id=activity_id),
        "Cancel": link("POST", f"{ONE_ACTIVITY}/cancel", activity_id=activity_id),
        "RecordAttendance": link("POST", f"{ONE_ACTIVITY}/attendance", activity_id=activity_id),
    }


# The roster.


@router.get(
    "/members",
    responses=linked_response(
        status.HTTP_200_OK,
        GetMember=link("GET", "/members/{body_id}", body_id="$response.body#/items/0/body_id"),
    ),
)
def list_members(
    index: RosterIndex,
    principal: MemberOrAdmin,
    paging: Paging,
    level: Level | None = None,
    status: BodyStatus | None = None,
    q: Annotated[SearchText | None, Query(description="Text in the body's name")] = None,
) -> MemberPage:
    """The roster of the network: bodies, their level, status and representatives."""
    found = index.bodies(level=level, status=status, text=q, page=paging)
    return MemberPage.of(
        found, paging, lambda body: views.member_body(body, principal, index.sealer)
    )


@router.get("/members/{body_id}")
def get_member(body_id: TaxId, index: RosterIndex, principal: MemberOrAdmin) -> MemberBodyDetail:
    """A body of the network with its main and alternate representative and their history."""
    body = index.body(body_id)
    if body is None:
        raise NotFound(ErrorCode.BODY_NOT_FOUND, "No member body with that tax number.")
    return views.member_body_detail(body, principal, index.sealer)


# Activities.


@router.post(
    "/activities",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **activity_links("$response.body#/id")),
)
def schedule_activity(activity: ActivityCreate, app: App, principal: AdminPrincipal) -> Created:
    """Schedule a GOV.LAB workshop, event, conference, webinar or joint action."""
    return Created(id=app.schedule_activity(activity.plan(), principal.subject))


@router.get(
    "/activities",
    responses=linked_response(status.HTTP_200_OK, **activity_links("$response.body#/items/0/id")),
)
def list_activities(
    index: ParticipationIndex, principal: MemberOrAdmin, paging: Paging
) -> ActivityPage:
    """Every activity for the innovation unit; for a member, those their body is invited to."""
    # A member always has a body (Principal refuses one without): None means every activity.
    visible_to = None if principal.is_admin else principal.body_id
    found = index.activities(visible_to=visible_to, page=paging)
    return ActivityPage.of(found, paging, views.activity_summary)


@router.get(
    "/activities/{activity_id}",
    responses=linked_response(
        status.HTTP_200_OK,
        Answer=link(
            "POST",
            ANSWER,
            activity_id="$response.body#/id",
            representative_id="$response.body#/invitations/0/representative_id",
        ),
        **activity_links("$response.body#/id"),
    ),
)
def get_activity(activity_id: UUID, app: App, principal: MemberOrAdmin) -> ActivityPublic:
    """An activity, its seats, its invitations and its history; a member sees only those their
    body is invited to, and only their own body's invitations and history steps."""
    activity = app.activity(activity_id)
    if not views.may_see_activity(activity, principal):
        # As if it did not exist: a member learns nothing of activities of other bodies.
        raise NotFound(ErrorCode.ACTIVITY_NOT_FOUND, "No activity with that id.")
    return views.activity_view(activity, principal)


@router.post(
    "/activities/{activity_id}/invitations",
    responses=linked_response(
        status.HTTP_200_OK,
        Answer=link(
            "POST",
            ANSWER,
            activity_id="$request.path.activity_id",
            representative_id="$response.body#/invited/0",
        ),
        GetActivity=link("GET", ONE_ACTIVITY, activity_id="$request.path.activity_id"),
    ),
)
def invite(
    activity_id: UUID,
    invitation: InvitationCreate,
    app: App,
    index: RosterIndex,
    principal: AdminPrincipal,
) -> Invited:
    """Invite every active member, the active members of the bodies named, or those of one
    level of government."""
    app.activity(activity_id)  # a 404 before reading the roster
    invitees = index.active_invitees(invitation.body_ids, invitation.level)
    return Invited(invited=app.invite(activity_id, invitees, principal.subject))


@router.post("/activities/{activity_id}/invitations/{representative_id}/answer")
def answer_invitation(
    activity_id: UUID,
    representative_id: UUID,
    answer: AnswerCreate,
    app: App,
    principal: MemberPrincipal,
) -> InvitationPublic:
    """Accept or decline one's own invitation; an acceptance beyond capacity waits."""
    if principal.subject != str(representative_id):
        raise NotAllowed(
            ErrorCode.NOT_OWN_INVITATION, "A member answers only their own invitation."
        )
    app.answer(activity_id, representative_id, answer.answer)
    activity = app.activity(activity_id)
    return views.invitation_view(activity, activity.check_invited(representative_id))


@router.post("/activities/{activity_id}/reschedule")
def reschedule_activity(
    activity_id: UUID, update: ActivityUpdate, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Move an activity in time or place; the invitees are told."""
    app.reschedule(
        activity_id,
        update.starts_at,
        update.ends_at,
        update.location,
        update.link,
        principal.subject,
    )
    return views.activity_view(app.activity(activity_id), principal)


@router.post("/activities/{activity_id}/cancel")
def cancel_activity(
    activity_id: UUID, cancellation: Cancellation, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Cancel an activity; the invitees are told."""
    app.cancel(activity_id, cancellation.reason, principal.subject)
    return views.activity_view(app.activity(activity_id), principal)


@router.post("/activities/{activity_id}/attendance")
def record_attendance(
    activity_id: UUID, attendance: AttendanceCreate, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Record who attended, once the activity has started."""
    app.record_attendance(
        activity_id, attendance.representative_ids, attendance.attended, principal.subject
    )
    return views.activity_view(app.activity(activity_id), principal)


# Participation.


@router.get("/participation")
def participation_report(
    index: ParticipationIndex,
    principal: MemberOrAdmin,
    level: Level | None = None,
    from_: Annotated[
        Day | None, Query(alias="from", description="First day (Athens) an activity starts on")
    ] = None,
    to: Annotated[Day | None, Query(description="Last day (Athens) an activity starts on")] = None,
) -> ParticipationReport:
    """Invited, accepted and attended, per body and per level, for activities in the period;
    a member sees their own body's only."""
    own_body = None if principal.is_admin else principal.body_id
    bodies = index.by_body(level=level, body=own_body, from_=from_, to=to)
    return views.participation_report(bodies, Participation.by_level(bodies))
