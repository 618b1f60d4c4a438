"""The issues' domain events as the contract events of the newsletter's topic.

A test copy and a sent issue are published; drafts, edits and schedules stay inside the
service (the relay publishes nothing for them).
"""

from __future__ import annotations

from contracts import newsletter as contract
from contracts.registration import Language
from services.newsletter.issues import Issue, recorded_texts
from services.runtime.publishing import ContractMappings


def map_issue_events(to_contract: ContractMappings) -> None:
    """Register the mappings of the issues' published events on the service's mappings."""

    @to_contract.maps(Issue.TestCopyRequested)
    def _(e: Issue.TestCopyRequested) -> contract.IssueTestCopyRequested:
        return contract.IssueTestCopyRequested(
            issue_id=e.originator_id,
            request_id=e.request_id,
            email=e.email,
            language=Language(e.language),
            texts=recorded_texts(e.texts),
            requested_at=e.requested_at,
        )

    @to_contract.maps(Issue.Published)
    def _(e: Issue.Published) -> contract.IssuePublished:
        return contract.IssuePublished(
            issue_id=e.originator_id,
            number=e.number,
            texts=recorded_texts(e.texts),
            published_at=e.published_at,
        )
