"""A registration as the API shows it: personal data unsealed only for those who may see it."""

from __future__ import annotations

from datetime import date

from contracts.registration import Role
from services.registration.calendar import DueDayChange
from services.registration.domain import Closure, Registration
from services.registration.history import HistoryRecord
from services.registration.models import (
    BodyPublic,
    ClosureEffect,
    ClosurePublic,
    DesignationPublic,
    DueDayChanged,
    HistoryEntry,
    RegistrationCreated,
    RegistrationPublic,
    RegistrationSummary,
    RepresentativePublic,
    RepresentativeRef,
)
from services.registration.projections import RegistrationLine
from services.runtime.sealing import Sealer


def public_view(
    sealer: Sealer, registration: Registration, with_personal_data: bool, for_admin: bool = False
) -> RegistrationPublic:
    """A registration as the caller may see it: who decided only for admins."""
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
        history=[history_view(r, with_personal_data, for_admin) for r in registration.history],
    )


def history_view(record: HistoryRecord, with_reason: bool, for_admin: bool) -> HistoryEntry:
    """One step of the history; a reason is free text the body or the unit wrote (it may name
    people), so only those who see the personal data read it."""
    return HistoryEntry(
        at=record.at,
        what=record.what,
        role=record.role,
        representative_id=record.representative_id,
        reason=record.reason if with_reason else None,
        lapses_on=record.lapses_on,
        decided_by=record.decided_by if for_admin else None,
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


def closure_view(closure: Closure) -> ClosurePublic:
    """A closure as the innovation unit lists it."""
    return ClosurePublic(
        date=closure.day,
        reason=closure.reason,
        decided_by=closure.decided_by,
        added_at=closure.added_at,
    )


def closure_effect_view(day: date, changes: list[DueDayChange]) -> ClosureEffect:
    """What closing `day` would change."""
    return ClosureEffect(
        date=day,
        changes_anything=bool(changes),
        changes=[DueDayChanged.model_validate(c, from_attributes=True) for c in changes],
    )
