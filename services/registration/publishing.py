"""The registration service's domain events as the contract events of its topic."""

from __future__ import annotations

from typing import Any

from contracts import registration as contract
from contracts.events import ContractEvent
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


@to_contract.maps("Registration.Submitted")
def _(e: Any) -> ContractEvent:
    body = e.body
    return contract.RegistrationSubmitted(
        registration_id=e.originator_id,
        body=contract.Body(
            name=body.name,
            tax_id=body.tax_id,
            level=body.level,
            parent=body.parent,
            website=body.website,
        ),
        submitted_by=e.submitted_by,
        submitted_at=e.submitted_at,
        designation_due=e.designation_due,
        representatives=[contract.Nominee(**r) for r in e.representatives],
    )


@to_contract.maps("Registration.RepresentativeNominated")
def _(e: Any) -> ContractEvent:
    n = e.nomination
    return contract.RepresentativeNominated(
        registration_id=e.originator_id,
        representative_id=n.representative_id,
        role=n.role,
        full_name=n.full_name,
        email=n.email,
        phone=n.phone,
        position_title=n.position_title,
        unit=n.unit,
        seniority=n.seniority,
        seniority_justification=n.seniority_justification,
        designation_due=e.designation_due,
        nominated_at=e.nominated_at,
    )


@to_contract.maps("Registration.DesignationReceived")
def _(e: Any) -> ContractEvent:
    return contract.DesignationReceived(
        registration_id=e.originator_id,
        designation_id=e.designation_id,
        representative_ids=list(e.representative_ids),
        signed_by_name=e.signed_by_name,
        signed_by_title=e.signed_by_title,
        sha256=e.sha256,
        size_bytes=e.size_bytes,
        received_at=e.received_at,
    )


@to_contract.maps("Registration.DesignationVerified")
def _(e: Any) -> ContractEvent:
    return contract.DesignationVerified(
        registration_id=e.originator_id,
        designation_id=e.designation_id,
        representative_ids=list(e.representative_ids),
        verified_at=e.verified_at,
    )


@to_contract.maps("Registration.DesignationRejected")
def _(e: Any) -> ContractEvent:
    return contract.DesignationRejected(
        registration_id=e.originator_id,
        designation_id=e.designation_id,
        representative_ids=list(e.representative_ids),
        reason=e.reason,
        rejected_at=e.rejected_at,
    )


@to_contract.maps("Registration.DesignationOverdue")
def _(e: Any) -> ContractEvent:
    return contract.DesignationOverdue(
        registration_id=e.originator_id,
        representative_ids=list(e.representative_ids),
        designation_due=e.designation_due,
        recorded_at=e.recorded_at,
    )


@to_contract.maps("Registration.RepresentativeWithdrawn")
def _(e: Any) -> ContractEvent:
    return contract.RepresentativeWithdrawn(
        registration_id=e.originator_id,
        representative_id=e.representative_id,
        role=e.role,
        reason=e.reason,
        withdrawn_at=e.withdrawn_at,
    )


@to_contract.maps("Registration.Withdrawn")
def _(e: Any) -> ContractEvent:
    return contract.RegistrationWithdrawn(
        registration_id=e.originator_id, reason=e.reason, withdrawn_at=e.withdrawn_at
    )
