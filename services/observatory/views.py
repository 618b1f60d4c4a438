"""The observatory's aggregates and read-model rows as its API answers them."""

from __future__ import annotations

from dataclasses import asdict

from services.observatory.domain import Practice, PracticeStep, Representative
from services.observatory.models import (
    HistoryEntry,
    PracticeDraft,
    PracticeSummary,
    PracticeView,
)
from services.observatory.projections.desk import PracticeRow
from services.runtime.auth import Principal


def may_read(practice: Practice, principal: Principal, caller: Representative | None) -> bool:
    """The innovation unit; the body's active representatives; its author, even after leaving."""
    if principal.is_admin:
        return True
    if principal.body_id != practice.body_id:
        return False
    return (caller is not None and caller.active) or principal.subject == str(practice.author_id)


def practice_view(
    practice: Practice, principal: Principal, caller: Representative | None
) -> PracticeView:
    """The practice for its body or the unit: who decided for the unit only."""
    return PracticeView(
        practice_id=practice.id,
        body_id=practice.body_id,
        body_name=practice.body_name,
        level=practice.level,
        status=practice.status,
        version=practice.version,
        author_id=practice.author_id,
        draft=PracticeDraft.of(practice.content),
        attachments=list(practice.attachments.values()),
        history=[history_entry(step, principal) for step in practice.history],
        can_edit=practice.may_edit(caller),
        missing=practice.missing(),
    )


def history_entry(step: PracticeStep, principal: Principal) -> HistoryEntry:
    """A step of the history, who decided only for the unit."""
    return HistoryEntry(
        what=step.what,
        at=step.at,
        by_role=step.by_role,
        comment=step.comment,
        decided_by=step.decided_by if principal.is_admin else None,
    )


def practice_summary(row: PracticeRow) -> PracticeSummary:
    """A practice of the desk in a list."""
    return PracticeSummary.model_validate(asdict(row))
