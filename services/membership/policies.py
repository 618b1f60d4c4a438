"""What registration's events cause: bodies and nominations known, members activated and ended.

Each reaction runs once per Kafka message (the runtime's process recorder) and is idempotent
besides, because the registration relay may publish one event again at a new offset after a
crash. The members' times are the events' own, so a replay from offset 0 does the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from eventsourcing.domain import Aggregate

from contracts import registration
from services.membership.application import MembershipApplication
from services.membership.domain import BodyRegistration, Member
from services.runtime.deliveries import Delivery
from services.runtime.reactions import Reactions

REACTIONS = Reactions[MembershipApplication]()

# The reasons a member's end records when registration's event gives none.
WITHDRAWN = "withdrawn"
REGISTRATION_WITHDRAWN = "registration withdrawn"
REGISTRATION_LAPSED = "registration lapsed"


@REACTIONS.to(registration.RegistrationSubmitted)
def know_the_body(
    app: MembershipApplication, e: registration.RegistrationSubmitted, delivery: Delivery
) -> Sequence[Aggregate]:
    """Remember the body a registration is for, once."""
    if e.registration_id in app.repository:
        return []  # published again by a restarted relay
    return [
        BodyRegistration(
            registration_id=e.registration_id,
            body_id=e.body.tax_id,
            body_name=e.body.name,
            level=e.body.level.value,
        )
    ]


@REACTIONS.to(registration.RepresentativeNominated)
def know_the_nominee(
    app: MembershipApplication, e: registration.RepresentativeNominated, delivery: Delivery
) -> Sequence[Aggregate]:
    """A nominee of a known body, not a member until their designation is verified."""
    body = app.find(e.registration_id, BodyRegistration)
    if body is None or e.representative_id in app.repository:
        return []
    body.add_representative(e.representative_id)
    member = Member(
        representative_id=e.representative_id,
        registration_id=e.registration_id,
        body_id=body.body_id,
        body_name=body.body_name,
        level=body.level.value,
        role=e.role.value,
        full_name=e.full_name,
        email=e.email,
        position_title=e.position_title,
        language=e.language.value if e.language else None,
    )
    return [body, member]


@REACTIONS.to(registration.DesignationVerified)
def activate_the_designated(
    app: MembershipApplication, e: registration.DesignationVerified, delivery: Delivery
) -> Sequence[Aggregate]:
    """Each representative the verified designation names becomes a member."""
    members = app.members(e.representative_ids)
    for member in members:
        member.activate(e.designation_id, e.verified_at)
    return members


@REACTIONS.to(registration.RepresentativeWithdrawn)
def end_the_withdrawn(
    app: MembershipApplication, e: registration.RepresentativeWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    """A withdrawn (or replaced) representative is no longer a member."""
    return ended(app.members([e.representative_id]), e.reason or WITHDRAWN, e.withdrawn_at)


@REACTIONS.to(registration.RegistrationWithdrawn)
def end_the_body_s_members(
    app: MembershipApplication, e: registration.RegistrationWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    """A withdrawn registration ends every member of the body it registered."""
    body = app.find(e.registration_id, BodyRegistration)
    if body is None:
        return []
    return ended(app.members(body.representative_ids), REGISTRATION_WITHDRAWN, e.withdrawn_at)


@REACTIONS.to(registration.RegistrationLapsed)
def end_the_lapsed_body_s_nominees(
    app: MembershipApplication, e: registration.RegistrationLapsed, delivery: Delivery
) -> Sequence[Aggregate]:
    """A lapsed registration never had members: its nominees leave without becoming one."""
    body = app.find(e.registration_id, BodyRegistration)
    if body is None:
        return []
    return ended(app.members(body.representative_ids), REGISTRATION_LAPSED, e.lapsed_at)


def ended(members: list[Member], reason: str, at: datetime) -> list[Member]:
    """The members, each no longer one (or never one, if not yet activated) from `at`."""
    for member in members:
        member.deactivate(reason, at)
    return members
