"""An activity as the innovation unit's pages read it from the membership service.

`GET /activities` and `GET /activities/{id}` answer the service's public views; this module
reads the parts the pages show (unknown fields are ignored, so the service can add some) and
sorts the invitations into the lists the unit works with: the confirmed, the waiting list in
its order, the declined and those who have not answered. The members' pages may read an
activity through `ActivityRead` too; the words live in the templates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from services.gateway.i18n import N_

ShownStatus = Literal["scheduled", "cancelled", "past"]

KIND_NAMES: Final[dict[str, str]] = {
    "govlab_workshop": N_("GOV.LAB workshop"),
    "event": N_("Event"),
    "conference": N_("Conference"),
    "international_conference": N_("International conference"),
    "webinar": N_("Webinar"),
    "joint_action": N_("Joint action"),
}
"""The kinds of `contracts.membership.ActivityKind`, in the order the form offers them."""

STATUS_NAMES: Final[dict[str, str]] = {
    "scheduled": N_("Scheduled"),
    "cancelled": N_("Cancelled"),
    "past": N_("Held"),
}
LANGUAGE_NAMES: Final[dict[str, str]] = {"el": N_("Greek"), "en": N_("English")}
LEVEL_NAMES: Final[dict[str, str]] = {
    "central": N_("Central government"),
    "regional": N_("Regional government"),
    "local": N_("Local government"),
}


class Read(BaseModel):
    """A part of the service's answer: the fields named, the rest ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ActivityLine(Read):
    """An activity in the list."""

    id: UUID
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int

    def shown_status(self, now: datetime | None = None) -> ShownStatus:
        """Scheduled, cancelled, or past once a scheduled activity has ended."""
        if self.status == "cancelled":
            return "cancelled"
        return "past" if self.ends_at <= (now or datetime.now(UTC)) else "scheduled"

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or datetime.now(UTC))


class InvitationRead(Read):
    """An invitation: its invitee and body, the answer, the seat, attendance."""

    representative_id: UUID
    body_id: str
    body_name: str
    level: str
    sent_at: datetime
    answer: str | None = None
    seat: str | None = None
    waiting_position: int | None = None
    answered_at: datetime | None = None
    attended: bool | None = None


class HistoryRead(Read):
    """A step of the activity's history."""

    at: datetime
    what: str
    representative_id: UUID | None = None
    body_id: str | None = None
    body_name: str | None = None
    answer: str | None = None
    seat: str | None = None
    attended: bool | None = None
    reason: str | None = None
    decided_by: str | None = None


class ActivityRead(ActivityLine):
    """An activity with its place, seats, invitations and history."""

    location: str | None = None
    online_url: str | None = None
    languages: list[str]
    confirmed: int
    waiting: int
    invitations: list[InvitationRead] = []
    history: list[HistoryRead] = []

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    def confirmed_list(self) -> list[InvitationRead]:
        """Those with a seat, by body name."""
        return sorted(
            (i for i in self.invitations if i.answer == "accepted" and i.seat == "confirmed"),
            key=lambda i: i.body_name,
        )

    def waiting_list(self) -> list[InvitationRead]:
        """Those waiting for a seat, first on the list first."""
        waiting = [i for i in self.invitations if i.answer == "accepted" and i.seat == "waiting"]
        return sorted(waiting, key=lambda i: i.waiting_position or 0)

    def declined(self) -> list[InvitationRead]:
        return sorted(
            (i for i in self.invitations if i.answer == "declined"), key=lambda i: i.body_name
        )

    def not_answered(self) -> list[InvitationRead]:
        return sorted((i for i in self.invitations if i.answer is None), key=lambda i: i.body_name)

    def attended_count(self) -> int:
        return sum(1 for i in self.invitations if i.attended)
