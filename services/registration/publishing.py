"""The registration service's domain events as the contract events of its topic."""

from __future__ import annotations

from contracts import registration as contract
from services.registration.domain import Registration
from services.runtime.fields import copy_fields
from services.runtime.publishing import ContractMappings

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


# Copied field by field, the registration's id as `registration_id`.
to_contract.copies(
    (Registration.DesignationReceived, contract.DesignationReceived),
    (Registration.DesignationVerified, contract.DesignationVerified),
    (Registration.DesignationRejected, contract.DesignationRejected),
    (Registration.DesignationOverdue, contract.DesignationOverdue),
    (Registration.RepresentativeWithdrawn, contract.RepresentativeWithdrawn),
    (Registration.Withdrawn, contract.RegistrationWithdrawn),
    (Registration.Lapsing, contract.RegistrationLapsing),
    (Registration.Extended, contract.RegistrationExtended),
    (Registration.Lapsed, contract.RegistrationLapsed),
    id_as="registration_id",
)
