"""What the membership API accepts and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, HttpUrl, StrictBool, StrictInt

from contracts.membership import ActivityKind, Answer, Seat
from contracts.registration import Level, Role, TaxId
from services.membership.domain import ActivityState, BodyStatus, MemberState
from services.membership.plans import ActivityPlan
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
    """Whom to invite: every active member, or the active members of the bodies named."""

    body_ids: list[BodyId] | None = Field(
        None,
        max_length=10_000,
        description="Tax numbers of the bodies to invite; omitted: every active member.",
    )


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


class RepresentativeOnRoster(BaseModel):
    """A representative of a body, member now or before; name and email when allowed."""

    representative_id: UUID
    role: Role
    status: MemberState
    since: datetime
    activated_at: datetime
    deactivated_at: datetime | None
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
