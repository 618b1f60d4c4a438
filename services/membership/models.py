"""What the membership API accepts and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import (
    BaseModel,
    Field,
    HttpUrl,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from contracts.errors import ErrorCode
from contracts.membership import ActivityKind, Answer, Seat
from contracts.registration import Level, Role, TaxId
from services.membership.domain import ActivityState, BodyStatus, MemberState
from services.membership.history import ActivityHistoryWhat
from services.membership.plans import ActivityPlan
from services.runtime.errors import refusal
from services.runtime.paging import PageOf
from services.runtime.requests import RequestBody
from services.runtime.text import CleanText
from services.runtime.values import Moment

Language = Annotated[
    str,
    Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, e.g. el, en"),
    CleanText(max_length=2),
]
Title = Annotated[str, CleanText(min_length=3, max_length=300)]
Location = Annotated[str, CleanText(min_length=2, max_length=300)]
OnlineUrl = Annotated[HttpUrl, CleanText(max_length=2000)]
Reason = Annotated[str, CleanText(min_length=0, max_length=1000, multiline=True)]
BodyId = Annotated[TaxId, CleanText(max_length=9)]
SearchText = Annotated[str, CleanText(min_length=0, max_length=200)]


class ActivityTimeAndPlace(RequestBody):
    """When and where an activity is held."""

    starts_at: Moment
    ends_at: Moment
    location: Location | None = None
    online_url: OnlineUrl | None = None

    @property
    def link(self) -> str | None:
        """The online link as text, if any."""
        return str(self.online_url) if self.online_url else None


class ActivityCreate(ActivityTimeAndPlace):
    """An activity the innovation unit schedules."""

    kind: ActivityKind
    title: Title
    capacity: StrictInt = Field(gt=0, le=100_000)
    languages: list[Language] = Field(min_length=1, max_length=10)

    def plan(self) -> ActivityPlan:
        """The activity as the domain plans it: the same fields, the link as text."""
        return ActivityPlan(**{**dict(self), "online_url": self.link})


class ActivityUpdate(ActivityTimeAndPlace):
    """A new time or place for an activity."""


class Cancellation(RequestBody):
    """Why an activity is cancelled."""

    reason: Reason | None = None


class InvitationCreate(RequestBody):
    """Whom to invite: every active member, those of the bodies named, or those of one level."""

    body_ids: list[BodyId] | None = Field(
        None,
        max_length=10_000,
        description="Tax numbers of the bodies to invite; omitted: every active member.",
    )
    level: Level | None = Field(
        None,
        description="Invite the active members of this level of government; not with body_ids.",
    )

    @field_validator("level")
    @classmethod
    def check_not_with_bodies(cls, value: Level | None, info: ValidationInfo) -> Level | None:
        """Bodies named or a level: both would leave unsaid which one decides."""
        if value is not None and info.data.get("body_ids") is not None:
            raise refusal(ErrorCode.LEVEL_WITH_BODIES, ErrorCode.LEVEL_WITH_BODIES.meaning)
        return value


class AnswerCreate(RequestBody):
    """An invitee's answer."""

    answer: Answer


class AttendanceCreate(RequestBody):
    """Who attended (or, with `attended` false, who did not)."""

    representative_ids: list[UUID] = Field(min_length=1, max_length=10_000)
    attended: StrictBool = True


class Created(BaseModel):
    """The id of what was created."""

    id: UUID


class Invited(BaseModel):
    """The representatives invited by this request (those invited before are left out)."""

    invited: list[UUID]


class InvitationPublic(BaseModel):
    """An invitation as the API shows it."""

    representative_id: UUID
    body_id: str
    body_name: str
    level: Level
    sent_at: datetime
    answer: Answer | None
    seat: Seat | None
    waiting_position: int | None
    """1 for the first on the waiting list."""
    answered_at: datetime | None
    attended: bool | None


class ActivityHistoryEntry(BaseModel):
    """A step of an activity's history: what happened, when, to whom and who decided.

    An invitee's steps name them and their body; the activity's own steps (scheduled,
    rescheduled, cancelled) name no one.
    """

    at: datetime
    what: ActivityHistoryWhat
    representative_id: UUID | None
    body_id: str | None
    body_name: str | None
    answer: Answer | None
    """For `answered`: the invitee's answer."""
    seat: Seat | None
    """For `answered` (an acceptance) and `waiting_list_moved`: where the invitee stands."""
    attended: bool | None
    """For `attendance_recorded`."""
    reason: str | None
    """For `cancelled`: why, if given."""
    decided_by: str | None
    """The subject id of the innovation-unit member who decided, shown to the unit only; None
    for anyone else, for a member's own answer, and for steps recorded before it was kept."""


class ActivitySummary(BaseModel):
    """An activity in a list."""

    id: UUID
    kind: ActivityKind
    title: str
    status: ActivityState
    starts_at: datetime
    ends_at: datetime
    capacity: int


class ActivityPublic(ActivitySummary):
    """An activity with its place, languages, seats and invitations."""

    location: str | None
    online_url: str | None
    languages: list[str]
    confirmed: int
    waiting: int
    invitations: list[InvitationPublic]
    history: list[ActivityHistoryEntry]
    """Oldest first; a member sees the activity's own steps and their own body's."""


class RepresentativeOnRoster(BaseModel):
    """A representative of a body, member now or before; name and email when allowed."""

    representative_id: UUID
    role: Role
    status: MemberState
    since: datetime
    activated_at: datetime
    deactivated_at: datetime | None
    reason: str | None = None
    """Why they stopped being a member (as registration said: withdrawn, replaced, …); shown to
    those who act for the body."""
    position_title: str
    full_name: str | None = None
    email: str | None = None


class MemberBody(BaseModel):
    """A body of the network: a member while its main representative is."""

    body_id: str
    name: str
    level: Level
    status: BodyStatus
    since: datetime
    main: RepresentativeOnRoster | None
    alternate: RepresentativeOnRoster | None


class MemberBodyDetail(MemberBody):
    """A body with every representative it has had."""

    history: list[RepresentativeOnRoster]


class ParticipationCount(BaseModel):
    """Invitations, acceptances and attendances of a body or a level of government."""

    invited: int
    accepted: int
    """Invitations accepted and not declined since, with a confirmed seat or waiting."""
    confirmed: int
    """Acceptances with a confirmed seat."""
    attended: int


class BodyParticipation(ParticipationCount):
    """One body's participation."""

    body_id: str
    body_name: str
    level: Level


class LevelParticipation(ParticipationCount):
    """One level of government's participation."""

    level: Level


class ParticipationReport(BaseModel):
    """Participation in the activities that start within the period asked for."""

    bodies: list[BodyParticipation]
    levels: list[LevelParticipation]


class MemberPage(PageOf[MemberBody]):
    """A page of the roster."""


class ActivityPage(PageOf[ActivitySummary]):
    """A page of activities, soonest first."""
