"""Who calls the observatory's member routes: FastAPI dependencies every router of it shares.

A member's token names a representative (`subject`) of a body (`body_id`); whether they are a
member now, and of that body, is what the observatory's own `Members` projection says. A
route hands the record to the command, whose domain checks it (`check_active_member`, the
practice's body); a route that needs an active member up front (the attachments') takes
`ActiveRepresentative`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from services.observatory.application import ObservatoryApplication
from services.observatory.domain import Representative, check_active_member
from services.observatory.projections import Desk, Members
from services.runtime.auth import MemberPrincipal, Principal, require_role
from services.runtime.dependencies import projection, service_application

App = Annotated[ObservatoryApplication, Depends(service_application)]
MembersIndex = Annotated[Members, Depends(projection("members"))]
DeskIndex = Annotated[Desk, Depends(projection("desk"))]
MemberOrAdmin = Annotated[Principal, Depends(require_role("member", "admin"))]
"""A member or the innovation unit: an applicant or a service sees nothing."""


def representative_of(principal: Principal, members: Members) -> Representative | None:
    """The caller's membership record, when the token's subject has been a member of the
    token's body; None for anyone else (an admin, a non-member, another body's token)."""
    if principal.role != "member":
        return None
    try:
        representative_id = UUID(principal.subject)
    except ValueError:
        return None
    found = members.representative(representative_id)
    if found is None or found.body_id != principal.body_id:
        return None
    return found


def caller(principal: MemberPrincipal, members: MembersIndex) -> Representative | None:
    return representative_of(principal, members)


def active_caller(principal: MemberPrincipal, members: MembersIndex) -> Representative:
    return check_active_member(representative_of(principal, members))


CallerRepresentative = Annotated[Representative | None, Depends(caller)]
"""A member route's caller as the membership record knows them (None: never a member); the
command checks they are active and of the practice's body."""
ActiveRepresentative = Annotated[Representative, Depends(active_caller)]
"""A member route's caller, an active member of their token's body (else 403
`not_active_member`); the route still checks the practice is of `body_id`."""
