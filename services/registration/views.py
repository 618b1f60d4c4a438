"""A registration as the API shows it: personal data unsealed only for those who may see it."""

from __future__ import annotations

from contracts.registration import Role
from services.registration.domain import Registration
from services.registration.models import (
    BodyPublic,
    DesignationPublic,
    RegistrationCreated,
    RegistrationPublic,
    RegistrationSummary,
    RepresentativePublic,
    RepresentativeRef,
)
from services.registration.projections import RegistrationLine
from services.runtime.sealing import Sealer


def public_view(
    sealer: Sealer, registration: Registration, with_personal_data: bool
) -> RegistrationPublic:
    """A registration as the caller may see it."""
    unseal = sealer.unseal
    representatives = []
    for r in sorted(
        registration.representatives.values(), key=lambda r: (r.role is not Role.MAIN, str(r.id))
    ):
        n = r.nomination
        personal = (
            {
                "full_name": unseal(n.full_name),
                "email": unseal(n.email),
                "phone": unseal(n.phone) if n.phone else None,
                "language": n.language,
            }
            if with_personal_data
            else {}
        )
        representatives.append(
            RepresentativePublic(
                id=r.id,
                role=r.role,
                state=r.state,
                designation_due=r.designation_due,
                position_title=n.position_title,
                unit=n.unit,
                seniority=n.seniority,
                seniority_justification=n.seniority_justification,
                replaces=r.replaces,
                **personal,
            )
        )
    latest = registration.latest_designation()
    designation = None
    if latest is not None:
        designation = DesignationPublic(
            id=latest.designation_id,
            state=latest.state,
            received_at=latest.received_at,
            signed_by_title=latest.signed_by_title,
            signed_by_name=unseal(latest.signed_by_name) if with_personal_data else None,
            sha256=latest.sha256,
            size_bytes=latest.size_bytes,
            reason=latest.reason,
        )
    return RegistrationPublic(
        id=registration.id,
        status=registration.status,
        designation_due=registration.designation_due,
        submitted_at=registration.submitted_at,
        body=BodyPublic.model_validate(registration.body, from_attributes=True),
        representatives=representatives,
        designation=designation,
        withdrawn_at=registration.withdrawn_at,
        lapses_on=registration.lapses_on,
        lapsed_at=registration.lapsed_at,
    )


def created_view(registration: Registration) -> RegistrationCreated:
    """The answer to a submitted form: the registration's id, status and representatives."""
    return RegistrationCreated(
        id=registration.id,
        status=registration.status,
        designation_due=registration.designation_due,
        representatives=[RepresentativeRef(id=r.id, role=r.role) for r in registration.current()],
    )


def summary_view(line: RegistrationLine) -> RegistrationSummary:
    """One line of the innovation unit's list."""
    return RegistrationSummary.model_validate(line, from_attributes=True)
