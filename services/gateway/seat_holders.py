"""Who holds an invitation, by name and role, for the unit's activity pages.

An invitation names its representative by id and body only, and a body's main and alternate
may both hold a seat: the pages tell them apart by the roster's record of each (the name, which
the innovation unit may read, and the role), one roster read per body invited.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from fastapi import Request

from services.gateway.activity_views import InvitationRead
from services.gateway.calls import calls_of, read_as, service_unavailable
from services.gateway.sessions import SignedIn
from services.gateway.unit_views import RosterBodyDetail, RosterPerson


def seat_holders(
    request: Request, person: SignedIn, invitations: Iterable[InvitationRead]
) -> dict[UUID, RosterPerson]:
    """The roster's record of each invitee, by representative id (none for one not found)."""
    found: dict[UUID, RosterPerson] = {}
    for body_id in sorted({invitation.body_id for invitation in invitations}):
        response = calls_of(request).get("membership", f"/members/{body_id}", person)
        if response.status_code == 404:  # not on the roster now: the body's name says enough
            continue
        if response.status_code != 200:
            raise service_unavailable()
        body = read_as(response, RosterBodyDetail)
        for representative in (body.main, body.alternate, *body.history):
            if representative is not None:
                found.setdefault(representative.representative_id, representative)
    return found
