"""Activities as a body's representatives read them from the membership service.

`GET /activities` (a page of those the body is invited to) and `GET /activities/{id}` (one,
with the body's own invitations) are called with the representative's `member` token; this
module reads the parts the members' pages show (unknown fields are ignored, so the service can
add some) and says, for each invitation, where its representative stands. The words live in
the templates (`activities/words.html`), so they are translated with the others.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal
from uuid import UUID

from fastapi import HTTPException, Request
from pydantic import Field

from services.gateway.body_view import Read
from services.gateway.calls import calls_of, read_as, refusal_detail, service_unavailable
from services.gateway.i18n import Language
from services.gateway.refusals import FormErrors, field_errors
from services.gateway.sessions import SignedIn

Standing = Literal["invited", "seat", "waiting", "declined", "attended", "absent"]
"""Where an invitee stands: not answered, a confirmed seat, on the waiting list, declined,
attended, or recorded as not attending."""

PAGE_SIZE: Final = 10
"""Activities per page: each one shown is one more call for its invitations."""


class InvitationRead(Read):
    """An invitation of one of the body's representatives."""

    representative_id: UUID
    body_id: str
    answer: str | None = None
    seat: str | None = None
    waiting_position: int | None = None
    answered_at: datetime | None = None
    attended: bool | None = None

    @property
    def standing(self) -> Standing:
        if self.attended is True:
            return "attended"
        if self.attended is False:
            return "absent"
        if self.answer == "declined":
            return "declined"
        if self.answer == "accepted":
            return "waiting" if self.seat == "waiting" else "seat"
        return "invited"


class ActivityLine(Read):
    """An activity in the list."""

    id: UUID
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


class StepRead(Read):
    """A step of the activity's history (a member sees the activity's own and their body's)."""

    what: str
    reason: str | None = None


class ActivityRead(ActivityLine):
    """An activity with its place, seats and the body's invitations."""

    location: str | None = None
    online_url: str | None = None
    languages: list[str]
    confirmed: int
    waiting: int
    invitations: list[InvitationRead]
    history: list[StepRead] = Field(default_factory=list)

    @property
    def cancellation_reason(self) -> str | None:
        """Why the activity was cancelled, if the innovation unit said."""
        return next((s.reason for s in self.history if s.what == "cancelled" and s.reason), None)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def is_over(self, now: datetime | None = None) -> bool:
        """Ended: the service takes no more answers."""
        return (now or datetime.now(UTC)) >= self.ends_at

    def answerable(self, now: datetime | None = None) -> bool:
        """Invitations can still be answered: not cancelled and not over."""
        return not self.cancelled and not self.is_over(now)

    def invitation_of(self, representative_id: UUID | None) -> InvitationRead | None:
        return next((i for i in self.invitations if i.representative_id == representative_id), None)


class ActivityList(Read):
    """A page of the activities the body is invited to."""

    items: list[ActivityLine]
    total: int
    page: int
    page_size: int


class RosterPerson(Read):
    """A representative as the roster names them to their own body."""

    representative_id: UUID
    role: str
    full_name: str | None = None


class BodyRoster(Read):
    """The body on the roster: every representative it has had."""

    body_id: str
    name: str
    history: list[RosterPerson]


def activity_of(request: Request, person: SignedIn, activity_id: UUID) -> ActivityRead:
    """One activity as `person` may see it; the 404 page when their body is not invited."""
    response = calls_of(request).get("membership", f"/activities/{activity_id}", person)
    if response.status_code in (404, 422):
        raise HTTPException(404)
    if response.status_code == 403:
        raise HTTPException(403)
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, ActivityRead)


def activities_of(request: Request, person: SignedIn, page: int) -> ActivityList:
    """A page of the activities the body of `person` is invited to, soonest first."""
    response = calls_of(request).get(
        "membership", "/activities", person, params={"page": page, "page_size": PAGE_SIZE}
    )
    if response.status_code == 422:
        raise HTTPException(404)  # a page past the last one the service pages to
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, ActivityList)


def body_roster(request: Request, person: SignedIn) -> BodyRoster | None:
    """The body of `person` on the roster, for its representatives' names (None if not there)."""
    response = calls_of(request).get("membership", f"/members/{person.body_id}", person)
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, BodyRoster)


def names_of(roster: BodyRoster | None) -> dict[UUID, RosterPerson]:
    """The body's representatives by id (an invitation names only the id)."""
    return {p.representative_id: p for p in roster.history} if roster else {}


def send_answer(
    request: Request,
    person: SignedIn,
    activity_id: UUID,
    representative_id: UUID,
    answer: str,
    language: Language,
) -> InvitationRead | FormErrors:
    """Answer an invitation as `person`: the invitation as it stands now, or the refusal in words.

    Another body's activity or invitation is the 404 page, another representative's the 403
    page (the service refuses it); a cancelled or ended activity is a refusal to show (409).
    """
    response = calls_of(request).post(
        "membership",
        f"/activities/{activity_id}/invitations/{representative_id}/answer",
        person,
        json={"answer": answer},
    )
    if response.status_code == 200:
        return read_as(response, InvitationRead)
    if response.status_code == 404:
        raise HTTPException(404)
    if response.status_code == 403:
        raise HTTPException(403)
    errors = field_errors(refusal_detail(response), {}, language)
    if response.status_code not in (409, 422) or not errors:
        raise service_unavailable()
    return errors
