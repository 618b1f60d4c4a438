"""The membership API: the roster, activities and their invitations, participation."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from psycopg.sql import SQL

from contracts.personal import Sealed
from contracts.registration import Level, Role, TaxId
from services.membership.application import MembershipApplication
from services.membership.domain import Activity, Invitation, Invitee
from services.membership.models import (
    ActivityCreate,
    ActivityPage,
    ActivityPublic,
    ActivitySummary,
    ActivityUpdate,
    AnswerCreate,
    AttendanceCreate,
    BodyParticipation,
    Cancellation,
    Created,
    InvitationCreate,
    InvitationPublic,
    Invited,
    LevelParticipation,
    MemberBody,
    MemberBodyDetail,
    MemberPage,
    ParticipationReport,
    RepresentativeOnRoster,
    SearchText,
)
from services.runtime.auth import AdminPrincipal, CurrentPrincipal, MemberPrincipal, Principal
from services.runtime.dependencies import projection, service_application
from services.runtime.errors import NotAllowed, NotFound
from services.runtime.openapi_links import link, linked_response
from services.runtime.paging import Paging
from services.runtime.projection import Projection
from services.runtime.values import Day

router = APIRouter(tags=["membership"])


App = Annotated[MembershipApplication, Depends(service_application)]
RosterIndex = Annotated[Projection, Depends(projection("roster"))]
ParticipationIndex = Annotated[Projection, Depends(projection("participation"))]

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


# A body's name, level, status and since-when, from its representatives' rows. A body is a
# member while a main representative is; it has been one since its current registration's
# first main was activated, and it stopped being one when its last main was deactivated.
BODIES_SQL = """
WITH current_registrations AS (
    SELECT DISTINCT body_id, registration_id FROM members
    WHERE role = 'main' AND status = 'active'
), active_since AS (
    SELECT m.body_id, min(m.activated_at) AS since
    FROM members m JOIN current_registrations USING (body_id, registration_id)
    WHERE m.role = 'main' GROUP BY m.body_id
), bodies AS (
    SELECT body_id,
        (array_agg(body_name ORDER BY activated_at DESC))[1] AS name,
        (array_agg(level ORDER BY activated_at DESC))[1] AS level,
        CASE WHEN bool_or(role = 'main' AND status = 'active') THEN 'active' ELSE 'inactive'
        END AS status,
        coalesce(max(deactivated_at) FILTER (WHERE role = 'main'), min(activated_at))
            AS inactive_since
    FROM members GROUP BY body_id
)
SELECT b.body_id, b.name, b.level, b.status,
    CASE WHEN b.status = 'active' THEN a.since ELSE b.inactive_since END AS since
FROM bodies b LEFT JOIN active_since a USING (body_id)
WHERE (%(level)s::text IS NULL OR b.level = %(level)s)
    AND (%(status)s::text IS NULL OR b.status = %(status)s)
    AND (%(q)s::text IS NULL OR b.name ILIKE '%%' || %(q)s || '%%')
    AND (%(body_id)s::text IS NULL OR b.body_id = %(body_id)s)
"""

COUNT_BODIES = SQL("SELECT count(*) AS n FROM ({}) b").format(SQL(BODIES_SQL))
PAGE_OF_BODIES = SQL("{} ORDER BY b.name, b.body_id LIMIT %(limit)s OFFSET %(offset)s").format(
    SQL(BODIES_SQL)
)

# A member sees an activity when any representative of their body is invited to it.
VISIBLE_ACTIVITIES = """
FROM activities a WHERE %(body)s::text IS NULL OR EXISTS (
    SELECT 1 FROM invitations i WHERE i.activity_id = a.activity_id AND i.body_id = %(body)s)
"""
ACTIVITIES_COUNT_SQL = SQL("SELECT count(*) AS n {}").format(SQL(VISIBLE_ACTIVITIES))
ACTIVITIES_SQL = SQL(
    "SELECT a.* {} ORDER BY a.starts_at, a.activity_id LIMIT %(limit)s OFFSET %(offset)s"
).format(SQL(VISIBLE_ACTIVITIES))

PARTICIPATION_SQL = """
SELECT i.body_id, (array_agg(i.body_name ORDER BY i.activity_id))[1] AS body_name,
    (array_agg(i.level ORDER BY i.activity_id))[1] AS level,
    count(*) AS invited,
    count(*) FILTER (WHERE i.answer = 'accepted') AS accepted,
    count(*) FILTER (WHERE i.answer = 'accepted' AND i.seat = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE i.attended) AS attended
FROM invitations i JOIN activities a USING (activity_id)
WHERE NOT a.cancelled
    AND (%(level)s::text IS NULL OR i.level = %(level)s)
    AND (%(body)s::text IS NULL OR i.body_id = %(body)s)
    AND (%(from)s::date IS NULL OR (a.starts_at AT TIME ZONE 'Europe/Athens')::date >= %(from)s)
    AND (%(to)s::date IS NULL OR (a.starts_at AT TIME ZONE 'Europe/Athens')::date <= %(to)s)
GROUP BY i.body_id ORDER BY i.body_id
"""


def may_see_personal_data(principal: Principal, body_id: str) -> bool:
    """Admins, and the representatives of the body itself."""
    return principal.role == "admin" or principal.body_id == body_id


def like_pattern(text: str | None) -> str | None:
    """`text` with LIKE's wildcards taken literally."""
    if not text:
        return None
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def on_roster(row: dict[str, Any], index: Projection, personal: bool) -> RepresentativeOnRoster:
    """A representative's roster row, unsealed when the caller may see personal data."""

    def unsealed(value: Any) -> str | None:
        if not personal or value is None or index.sealer is None:
            return None
        return index.sealer.unseal(Sealed.model_validate(value))

    return RepresentativeOnRoster(
        representative_id=row["representative_id"],
        role=row["role"],
        status=row["status"],
        since=row["deactivated_at"] or row["activated_at"],
        activated_at=row["activated_at"],
        deactivated_at=row["deactivated_at"],
        position_title=row["position_title"],
        full_name=unsealed(row["full_name"]),
        email=unsealed(row["email"]),
    )


def current(
    representatives: list[RepresentativeOnRoster], role: Role
) -> RepresentativeOnRoster | None:
    """The active representative in `role`, else the one most recently activated."""
    in_role = [r for r in representatives if r.role is role]
    in_role.sort(key=lambda r: (r.status == "active", r.activated_at), reverse=True)
    return in_role[0] if in_role else None


def read_bodies(
    index: Projection,
    principal: Principal,
    filters: dict[str, Any],
    limit: int = 1,
    offset: int = 0,
) -> tuple[list[tuple[dict[str, Any], list[RepresentativeOnRoster]]], int]:
    """A page of bodies with their representatives, and how many bodies match."""
    with index.reading() as curs:
        counted = curs.execute(COUNT_BODIES, filters).fetchone()
        bodies = curs.execute(
            PAGE_OF_BODIES,
            {**filters, "limit": limit, "offset": offset},
        ).fetchall()
        rows = curs.execute(
            "SELECT * FROM members WHERE body_id = ANY(%s) ORDER BY activated_at",
            ([b["body_id"] for b in bodies],),
        ).fetchall()
    by_body: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_body[row["body_id"]].append(row)
    found = [
        (
            body,
            [
                on_roster(row, index, may_see_personal_data(principal, body["body_id"]))
                for row in by_body[body["body_id"]]
            ],
        )
        for body in bodies
    ]
    return found, int(counted["n"]) if counted else 0


def member_body(body: dict[str, Any], history: list[RepresentativeOnRoster]) -> dict[str, Any]:
    return {
        "body_id": body["body_id"],
        "name": body["name"],
        "level": body["level"],
        "status": body["status"],
        "since": body["since"],
        "main": current(history, Role.MAIN),
        "alternate": current(history, Role.ALTERNATE),
    }


@router.get(
    "/members",
    responses=linked_response(
        status.HTTP_200_OK,
        GetMember=link("GET", "/members/{body_id}", body_id="$response.body#/items/0/body_id"),
    ),
)
def list_members(
    index: RosterIndex,
    principal: CurrentPrincipal,
    paging: Paging,
    level: Level | None = None,
    status: Literal["active", "inactive"] | None = None,
    q: Annotated[SearchText | None, Query(description="Text in the body's name")] = None,
) -> MemberPage:
    """The roster of the network: bodies, their level, status and representatives."""
    filters = {
        "level": level.value if level else None,
        "status": status,
        "q": like_pattern(q),
        "body_id": None,
    }
    found, total = read_bodies(index, principal, filters, paging.limit, paging.offset)
    return MemberPage(
        items=[MemberBody(**member_body(body, history)) for body, history in found],
        total=total,
        page=paging.number,
        page_size=paging.size,
    )


@router.get("/members/{body_id}")
def get_member(body_id: TaxId, index: RosterIndex, principal: CurrentPrincipal) -> MemberBodyDetail:
    """A body of the network with its main and alternate representative and their history."""
    filters = {"level": None, "status": None, "q": None, "body_id": body_id}
    found, _ = read_bodies(index, principal, filters)
    if not found:
        raise NotFound("No member body with that tax number.")
    body, history = found[0]
    return MemberBodyDetail(**member_body(body, history), history=history)


# Activities.


def is_invited(activity: Activity, principal: Principal) -> bool:
    """The caller is one of the activity's invitees (a member's subject is their id)."""
    return any(str(i) == principal.subject for i in activity.invitations)


def may_see_activity(activity: Activity, principal: Principal) -> bool:
    """Admins, and the members of a body one of whose representatives is invited."""
    return principal.role == "admin" or any(
        i.invitee.body_id == principal.body_id for i in activity.invitations.values()
    )


def visible_invitations(activity: Activity, principal: Principal) -> list[Invitation]:
    """Every invitation for the innovation unit; for a member, those of their own body."""
    invitations = activity.invitations.values()
    if principal.role == "admin":
        return list(invitations)
    return [i for i in invitations if i.invitee.body_id == principal.body_id]


def activity_view(activity: Activity, principal: Principal) -> ActivityPublic:
    """An activity as the caller may see it: the online link only for admins and invitees,
    the invitations of other bodies only for admins."""
    sees_link = principal.role == "admin" or is_invited(activity, principal)
    return ActivityPublic(
        id=activity.id,
        kind=activity.kind,
        title=activity.title,
        status=activity.status,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        location=activity.location,
        online_url=activity.online_url if sees_link else None,
        capacity=activity.capacity,
        languages=activity.languages,
        confirmed=len(activity.confirmed),
        waiting=len(activity.waiting_list),
        invitations=[
            invitation_view(activity, invitation)
            for invitation in visible_invitations(activity, principal)
        ],
    )


def invitation_view(activity: Activity, invitation: Invitation) -> InvitationPublic:
    representative_id = invitation.invitee.representative_id
    waiting = activity.waiting_list
    return InvitationPublic(
        representative_id=representative_id,
        body_id=invitation.invitee.body_id,
        body_name=invitation.invitee.body_name,
        level=invitation.invitee.level,
        sent_at=invitation.sent_at,
        answer=invitation.answer,
        seat=invitation.seat,
        waiting_position=waiting.index(representative_id) + 1
        if representative_id in waiting
        else None,
        answered_at=invitation.answered_at,
        attended=invitation.attended,
    )


@router.post(
    "/activities",
    status_code=status.HTTP_201_CREATED,
    responses=linked_response(status.HTTP_201_CREATED, **activity_links("$response.body#/id")),
)
def schedule_activity(activity: ActivityCreate, app: App, principal: AdminPrincipal) -> Created:
    """Schedule a GOV.LAB workshop, event, conference, webinar or joint action."""
    activity_id = app.schedule_activity(
        activity.kind,
        activity.title,
        activity.starts_at,
        activity.ends_at,
        activity.location,
        str(activity.online_url) if activity.online_url else None,
        activity.capacity,
        activity.languages,
    )
    return Created(id=activity_id)


@router.get(
    "/activities",
    responses=linked_response(status.HTTP_200_OK, **activity_links("$response.body#/items/0/id")),
)
def list_activities(
    index: ParticipationIndex,
    principal: CurrentPrincipal,
    paging: Paging,
) -> ActivityPage:
    """Every activity for the innovation unit; for a member, those their body is invited to."""
    # A member always has a body (Principal refuses one without): None means every activity.
    body = None if principal.role == "admin" else principal.body_id
    with index.reading() as curs:
        counted = curs.execute(ACTIVITIES_COUNT_SQL, {"body": body}).fetchone()
        rows = curs.execute(
            ACTIVITIES_SQL, {"body": body, "limit": paging.limit, "offset": paging.offset}
        ).fetchall()
    return ActivityPage(
        items=[
            ActivitySummary(
                id=row["activity_id"],
                kind=row["kind"],
                title=row["title"],
                status="cancelled" if row["cancelled"] else "scheduled",
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                capacity=row["capacity"],
            )
            for row in rows
        ],
        total=int(counted["n"]) if counted else 0,
        page=paging.number,
        page_size=paging.size,
    )


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
def get_activity(activity_id: UUID, app: App, principal: CurrentPrincipal) -> ActivityPublic:
    """An activity, its seats and its invitations; a member sees only those their body is
    invited to, and only their own body's invitations."""
    activity = app.activity(activity_id)
    if not may_see_activity(activity, principal):
        # As if it did not exist: a member learns nothing of activities of other bodies.
        raise NotFound("No activity with that id.")
    return activity_view(activity, principal)


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
    """Invite every active member, or the active members of the bodies named."""
    app.activity(activity_id)
    with index.reading() as curs:
        rows = curs.execute(
            "SELECT representative_id, body_id, body_name, level FROM members"
            " WHERE status = 'active' AND (%(b)s::text[] IS NULL OR body_id = ANY(%(b)s))"
            " ORDER BY body_name, body_id, role DESC",
            {"b": invitation.body_ids},
        ).fetchall()
    invitees = [
        Invitee(r["representative_id"], r["body_id"], r["body_name"], Level(r["level"]))
        for r in rows
    ]
    return Invited(invited=app.invite(activity_id, invitees))


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
        raise NotAllowed("A member answers only their own invitation.")
    invitation = app.answer(activity_id, representative_id, answer.answer)
    return invitation_view(app.activity(activity_id), invitation)


@router.post("/activities/{activity_id}/reschedule")
def reschedule_activity(
    activity_id: UUID, update: ActivityUpdate, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Move an activity in time or place; the invitees are told."""
    online_url = str(update.online_url) if update.online_url else None
    app.reschedule(activity_id, update.starts_at, update.ends_at, update.location, online_url)
    return activity_view(app.activity(activity_id), principal)


@router.post("/activities/{activity_id}/cancel")
def cancel_activity(
    activity_id: UUID, cancellation: Cancellation, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Cancel an activity; the invitees are told."""
    app.cancel(activity_id, cancellation.reason)
    return activity_view(app.activity(activity_id), principal)


@router.post("/activities/{activity_id}/attendance")
def record_attendance(
    activity_id: UUID, attendance: AttendanceCreate, app: App, principal: AdminPrincipal
) -> ActivityPublic:
    """Record who attended, once the activity has started."""
    app.record_attendance(activity_id, attendance.representative_ids, attendance.attended)
    return activity_view(app.activity(activity_id), principal)


@router.get("/participation")
def participation_report(
    index: ParticipationIndex,
    principal: CurrentPrincipal,
    level: Level | None = None,
    from_: Annotated[
        Day | None, Query(alias="from", description="First day (Athens) an activity starts on")
    ] = None,
    to: Annotated[Day | None, Query(description="Last day (Athens) an activity starts on")] = None,
) -> ParticipationReport:
    """Invited, accepted and attended, per body and per level, for activities in the period;
    a member sees their own body's only."""
    own_body = None if principal.role == "admin" else principal.body_id
    with index.reading() as curs:
        rows = curs.execute(
            PARTICIPATION_SQL,
            {"level": level.value if level else None, "body": own_body, "from": from_, "to": to},
        ).fetchall()
    bodies = [BodyParticipation(**row) for row in rows]
    levels: dict[Level, dict[str, int]] = {}
    for body in bodies:
        totals = levels.setdefault(
            body.level, {"invited": 0, "accepted": 0, "confirmed": 0, "attended": 0}
        )
        for name in totals:
            totals[name] += getattr(body, name)
    return ParticipationReport(
        bodies=bodies,
        levels=[LevelParticipation(level=lvl, **totals) for lvl, totals in sorted(levels.items())],
    )
