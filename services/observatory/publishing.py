"""The observatory's domain events as the contract events of its topic.

Attachments added and removed stay inside the service: the published record names the
attachments a practice has when it is published.
"""

from __future__ import annotations

from contracts import observatory as contract
from services.observatory.domain import Content, Practice
from services.runtime.fields import copy_fields
from services.runtime.publishing import ContractMappings

to_contract = ContractMappings()
"""Published domain events; the others stay inside the service."""


@to_contract.maps(Practice.Drafted)
def _(e: Practice.Drafted) -> contract.PracticeDrafted:
    content = Content.of(e.content)
    return copy_fields(
        contract.PracticeDrafted,
        e,
        practice_id=e.originator_id,
        title=content.title,
        languages=list(content.languages),
    )


@to_contract.maps(Practice.Edited)
def _(e: Practice.Edited) -> contract.PracticeEdited:
    content = Content.of(e.content)
    return copy_fields(
        contract.PracticeEdited,
        e,
        practice_id=e.originator_id,
        title=content.title,
        languages=list(content.languages),
    )


@to_contract.maps(Practice.Published)
def _(e: Practice.Published) -> contract.PracticePublished:
    return copy_fields(
        contract.PracticePublished,
        e,
        practice_id=e.originator_id,
        practice=contract.PublicPractice.model_validate(e.practice),
    )


# Copied field by field, the practice's id as `practice_id`.
to_contract.copies(
    (Practice.Submitted, contract.PracticeSubmitted),
    (Practice.ChangesRequested, contract.PracticeChangesRequested),
    (Practice.Rejected, contract.PracticeRejected),
    (Practice.Archived, contract.PracticeArchived),
    (Practice.Withdrawn, contract.PracticeWithdrawn),
    id_as="practice_id",
)
