"""The registration service's domain events as the contract events of its topic."""

from __future__ import annotations

from contracts import registration as contract
from services.registration.domain import Registration
from services.runtime.publishing import ContractMappings, copy_fields

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


@to_contract.maps(Registration.Submitted)
def _(e: Registration.Submitted) -> contract.RegistrationSubmitted:
    return copy_fields(
        contract.RegistrationSubmitted,
        e,
        registration_id=e.originator_id,
        body=contract.Body.model_validate(e.body, from_attributes=True),
        representatives=[contract.Nominee(**r) for r in e.representatives],
    )


@to_contract.maps(Registration.RepresentativeNominated)
def _(e: Registration.RepresentativeNominated) -> contract.RepresentativeNominated:
    # The nomination's fields, with the event's own due day and moment.
    return copy_fields(
        contract.RepresentativeNominated,
        e.nomination,
        registration_id=e.originator_id,
        designation_due=e.designation_due,
        nominated_at=e.nominated_at,
    )


@to_contract.maps(Registration.DesignationReceived)
def _(e: Registration.DesignationReceived) -> contract.DesignationReceived:
    return copy_fields(contract.DesignationReceived, e, registration_id=e.originator_id)


@to_contract.maps(Registration.DesignationVerified)
def _(e: Registration.DesignationVerified) -> contract.DesignationVerified:
    return copy_fields(contract.DesignationVerified, e, registration_id=e.originator_id)


@to_contract.maps(Registration.DesignationRejected)
def _(e: Registration.DesignationRejected) -> contract.DesignationRejected:
    return copy_fields(contract.DesignationRejected, e, registration_id=e.originator_id)


@to_contract.maps(Registration.DesignationOverdue)
def _(e: Registration.DesignationOverdue) -> contract.DesignationOverdue:
    return copy_fields(contract.DesignationOverdue, e, registration_id=e.originator_id)


@to_contract.maps(Registration.RepresentativeWithdrawn)
def _(e: Registration.RepresentativeWithdrawn) -> contract.RepresentativeWithdrawn:
    return copy_fields(contract.RepresentativeWithdrawn, e, registration_id=e.originator_id)


@to_contract.maps(Registration.Withdrawn)
def _(e: Registration.Withdrawn) -> contract.RegistrationWithdrawn:
    return copy_fields(contract.RegistrationWithdrawn, e, registration_id=e.originator_id)
