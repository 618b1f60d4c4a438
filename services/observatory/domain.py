"""Good practices of the network's bodies, from a member's draft to the public catalogue.

The rules, each named by the check that enforces it:

* Only an active member acts for a body, and only for their own (`check_active_member`,
  `Practice.check_the_bodys`): a representative who left keeps authorship (`author_id`) but
  edits, submits and withdraws no more.
* A draft may be partial, but has a title in one of its languages (`check_titled`); its texts
  and fields are checked as they are typed by the request models (limits, no email address).
* A practice is edited only while a draft or returned with changes requested
  (`Practice.check_editable`), and an edit names the version it was made on: a stale one is
  refused, so two co-editors never overwrite each other unseen (`Practice.check_version`).
* A submitted practice has every field OPSI's case form needs (`missing`,
  `check_complete`): each language's title, short explanation, overview and what makes it
  innovative; its stage, at least one facet, its sector, the year it was launched and at
  least `MIN_TAGS` tags.
* The innovation unit decides on a submitted practice (changes requested, published,
  rejected) and archives a published one, each with a comment, recording who decided
  (`Practice.check_status`).
* The body withdraws a draft, a submitted, a returned or a published practice (`WITHDRAWABLE`).
* At most `MAX_ATTACHMENTS` attachments, added and removed while it is editable.

Over 300 lines because eventsourcing finds stored events by module and class name
(`services.observatory.domain:Practice.Drafted`): every event of the aggregate lives here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from contracts.errors import ErrorCode
from contracts.observatory import (
    EDITABLE,
    MAX_ATTACHMENTS,
    MIN_TAGS,
    REQUIRED_TEXTS,
    WITHDRAWABLE,
    Attachment,
    Facet,
    PracticeStatus,
    PracticeTexts,
    PublicPractice,
    Sector,
    Stage,
)
from contracts.registration import Language, Level
from services.runtime.errors import Conflict, NotAllowed, NotFound, RuleBroken


class HistoryWhat(StrEnum):
    """What a step of a practice's history was."""

    DRAFTED = "drafted"
    EDITED = "edited"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"


class ByRole(StrEnum):
    """Who took a step: the body's representative or the innovation unit."""

    MEMBER = "member"
    ADMIN = "admin"


@dataclass(frozen=True)
class PracticeStep:
    """One step of the history: a member's names their representative id, a decision who
    decided (the unit member's subject) and its comment."""

    at: datetime
    what: HistoryWhat
    by_role: ByRole
    representative_id: UUID | None = None
    comment: str | None = None
    decided_by: str | None = None


@dataclass(frozen=True)
class Representative:
    """A representative as the observatory's own record of the membership knows them."""

    representative_id: UUID
    body_id: str
    body_name: str
    level: Level
    active: bool


@dataclass(frozen=True)
class Content:
    """What a practice says: partial in a draft, complete once submitted."""

    languages: tuple[Language, ...]
    texts: Mapping[Language, Mapping[str, str]] = field(default_factory=dict)
    """Per language, the texts filled in (a missing key is a field not filled in yet)."""
    stage: Stage | None = None
    facets: tuple[Facet, ...] = ()
    sector: Sector | None = None
    year_launched: int | None = None
    tags: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()

    @property
    def title(self) -> str | None:
        """The title in the first language that has one."""
        for language in self.languages:
            title = self.texts.get(language, {}).get("title")
            if title:
                return title
        return None

    def recorded(self) -> dict[str, Any]:
        """As a stored event keeps it: JSON values only."""
        return {
            "languages": [language.value for language in self.languages],
            "texts": {
                language.value: {name: text for name, text in texts.items() if text}
                for language, texts in self.texts.items()
            },
            "stage": self.stage.value if self.stage else None,
            "facets": [facet.value for facet in self.facets],
            "sector": self.sector.value if self.sector else None,
            "year_launched": self.year_launched,
            "tags": list(self.tags),
            "websites": list(self.websites),
        }

    @classmethod
    def of(cls, recorded: Mapping[str, Any]) -> Content:
        """The content a stored event recorded."""
        return cls(
            languages=tuple(Language(language) for language in recorded["languages"]),
            texts={Language(k): dict(v) for k, v in recorded["texts"].items()},
            stage=Stage(recorded["stage"]) if recorded["stage"] else None,
            facets=tuple(Facet(facet) for facet in recorded["facets"]),
            sector=Sector(recorded["sector"]) if recorded["sector"] else None,
            year_launched=recorded["year_launched"],
            tags=tuple(recorded["tags"]),
            websites=tuple(recorded["websites"]),
        )


def missing(content: Content) -> list[str]:
    """The fields (dotted paths, as `texts.el.overview`) still needed to submit `content`."""
    needed = [
        f"texts.{language.value}.{name}"
        for language in content.languages
        for name in REQUIRED_TEXTS
        if not content.texts.get(language, {}).get(name)
    ]
    if content.stage is None:
        needed.append("stage")
    if not content.facets:
        needed.append("facets")
    if content.sector is None:
        needed.append("sector")
    if content.year_launched is None:
        needed.append("year_launched")
    if len(content.tags) < MIN_TAGS:
        needed.append("tags")
    return needed


class PracticeIncomplete(RuleBroken):
    """A submission missing fields: one refusal per field, each naming it."""

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(
            ErrorCode.PRACTICE_INCOMPLETE,
            "A field a submitted practice needs is not filled in yet.",
            field=fields[0],
        )
        self.fields = list(fields)


def check_complete(content: Content) -> None:
    """A submitted practice has every field OPSI's case form needs."""
    if needed := missing(content):
        raise PracticeIncomplete(needed)


def check_titled(content: Content) -> None:
    """A draft has a title in one of its languages, so it can be listed and named."""
    if content.title is None:
        first = content.languages[0].value if content.languages else "el"
        raise RuleBroken(
            ErrorCode.MISSING, "A draft needs its title.", field=f"texts.{first}.title"
        )


def check_active_member(representative: Representative | None) -> Representative:
    """Only active members act for a body: a non-member or one who left is refused."""
    if representative is None or not representative.active:
        raise NotAllowed(
            ErrorCode.NOT_ACTIVE_MEMBER,
            "Only active members take part; this representative is not one.",
        )
    return representative


class Practice(Aggregate):
    """A good practice of a body, its content, attachments, status and history."""

    class Drafted(Aggregate.Created):
        body_id: str
        body_name: str
        level: str
        author_id: UUID
        content: dict[str, Any]
        drafted_at: datetime

    class Edited(Aggregate.Event):
        body_id: str
        editor_id: UUID
        content: dict[str, Any]
        edited_at: datetime

    class Submitted(Aggregate.Event):
        body_id: str
        level: str
        submitted_by: UUID
        title: str
        languages: list[str]
        resubmission: bool
        submitted_at: datetime

    class ChangesRequested(Aggregate.Event):
        body_id: str
        comment: str
        decided_by: str | None
        requested_at: datetime

    class Published(Aggregate.Event):
        body_id: str
        comment: str
        decided_by: str | None
        practice: dict[str, Any]
        """The public record (`PublicPractice`, as JSON)."""
        published_at: datetime

    class Rejected(Aggregate.Event):
        body_id: str
        comment: str
        decided_by: str | None
        rejected_at: datetime

    class Archived(Aggregate.Event):
        body_id: str
        comment: str
        decided_by: str | None
        archived_at: datetime

    class Withdrawn(Aggregate.Event):
        body_id: str
        withdrawn_by: UUID
        reason: str
        withdrawn_at: datetime

    class AttachmentAdded(Aggregate.Event):
        attachment: dict[str, Any]
        """The `Attachment`, as JSON."""
        added_by: UUID
        added_at: datetime

    class AttachmentRemoved(Aggregate.Event):
        sha256: str
        removed_by: UUID
        removed_at: datetime

    @event(Drafted)
    def __init__(
        self,
        body_id: str,
        body_name: str,
        level: str,
        author_id: UUID,
        content: dict[str, Any],
        drafted_at: datetime,
    ) -> None:
        self.body_id = body_id
        self.body_name = body_name
        self.level = Level(level)
        self.author_id = author_id
        self.content = Content.of(content)
        self.status = PracticeStatus.DRAFT
        self.attachments: dict[str, Attachment] = {}
        self.drafted_at = drafted_at
        self.updated_at = drafted_at
        self.submitted_at: datetime | None = None
        self.first_published_at: datetime | None = None
        self.published_at: datetime | None = None
        self.history = [PracticeStep(drafted_at, HistoryWhat.DRAFTED, ByRole.MEMBER, author_id)]

    @classmethod
    def draft(cls, author: Representative | None, content: Content, at: datetime) -> Practice:
        """A new practice of the author's body."""
        author = check_active_member(author)
        check_titled(content)
        return cls(
            body_id=author.body_id,
            body_name=author.body_name,
            level=author.level.value,
            author_id=author.representative_id,
            content=content.recorded(),
            drafted_at=at,
        )

    # Derived state.

    @property
    def title(self) -> str:
        """The title in the first language that has one (every draft has one)."""
        return self.content.title or ""

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def missing(self) -> list[str]:
        """The fields still needed to submit."""
        return missing(self.content)

    def may_edit(self, representative: Representative | None) -> bool:
        """Whether `representative` may edit the practice now."""
        return (
            representative is not None
            and representative.active
            and representative.body_id == self.body_id
            and self.editable
        )

    def public_record(self, at: datetime) -> PublicPractice:
        """The practice as the catalogue shows it, published at `at`."""
        content = self.content
        return PublicPractice(
            practice_id=self.id,
            body_id=self.body_id,
            body_name=self.body_name,
            level=self.level,
            languages=list(content.languages),
            texts={
                language: PracticeTexts.model_validate(dict(content.texts[language]))
                for language in content.languages
            },
            stage=content.stage,  # complete: checked on submission
            facets=list(content.facets),
            sector=content.sector,
            year_launched=content.year_launched,
            tags=list(content.tags),
            websites=list(content.websites),  # pydantic parses them
            attachments=list(self.attachments.values()),
            first_published_at=self.first_published_at or at,
            published_at=at,
        )

    # The body's commands.

    def edit(
        self, editor: Representative | None, content: Content, version: int, at: datetime
    ) -> None:
        """Replace the content, made on `version`."""
        editor = self.check_the_bodys(editor)
        self.check_editable()
        self.check_version(version)
        check_titled(content)
        self.edited(self.body_id, editor.representative_id, content.recorded(), at)

    @event(Edited)
    def edited(
        self, body_id: str, editor_id: UUID, content: dict[str, Any], edited_at: datetime
    ) -> None:
        self.content = Content.of(content)
        self.updated_at = edited_at
        self.history.append(PracticeStep(edited_at, HistoryWhat.EDITED, ByRole.MEMBER, editor_id))

    def submit(self, member: Representative | None, version: int, at: datetime) -> None:
        """Send it to the innovation unit, complete."""
        member = self.check_the_bodys(member)
        self.check_editable()
        self.check_version(version)
        check_complete(self.content)
        self.submitted(
            self.body_id,
            self.level.value,
            member.representative_id,
            self.title,
            [language.value for language in self.content.languages],
            self.status is PracticeStatus.CHANGES_REQUESTED,
            at,
        )

    @event(Submitted)
    def submitted(
        self,
        body_id: str,
        level: str,
        submitted_by: UUID,
        title: str,
        languages: list[str],
        resubmission: bool,
        submitted_at: datetime,
    ) -> None:
        self.status = PracticeStatus.SUBMITTED
        self.submitted_at = submitted_at
        self.updated_at = submitted_at
        self.history.append(
            PracticeStep(submitted_at, HistoryWhat.SUBMITTED, ByRole.MEMBER, submitted_by)
        )

    def withdraw(self, member: Representative | None, reason: str, at: datetime) -> None:
        """The body takes it back; a published one leaves the catalogue."""
        member = self.check_the_bodys(member)
        self.check_status(WITHDRAWABLE)
        self.withdrawn(self.body_id, member.representative_id, reason, at)

    @event(Withdrawn)
    def withdrawn(
        self, body_id: str, withdrawn_by: UUID, reason: str, withdrawn_at: datetime
    ) -> None:
        self.status = PracticeStatus.WITHDRAWN
        self.updated_at = withdrawn_at
        self.history.append(
            PracticeStep(
                withdrawn_at, HistoryWhat.WITHDRAWN, ByRole.MEMBER, withdrawn_by, comment=reason
            )
        )

    def attach(
        self, representative_id: UUID, body_id: str, attachment: Attachment, at: datetime
    ) -> None:
        """Add an attachment (the same one again changes nothing)."""
        self.check_body_id(body_id)
        self.check_editable()
        if attachment.sha256 in self.attachments:
            return
        if len(self.attachments) >= MAX_ATTACHMENTS:
            raise RuleBroken(
                ErrorCode.TOO_LONG,
                f"A practice has at most {MAX_ATTACHMENTS} attachments.",
                field="attachments",
                max_length=MAX_ATTACHMENTS,
            )
        self.attachment_added(attachment.model_dump(mode="json"), representative_id, at)

    @event(AttachmentAdded)
    def attachment_added(
        self, attachment: dict[str, Any], added_by: UUID, added_at: datetime
    ) -> None:
        added = Attachment.model_validate(attachment)
        self.attachments[added.sha256] = added
        self.updated_at = added_at

    def detach(self, representative_id: UUID, body_id: str, sha256: str, at: datetime) -> None:
        """Remove an attachment."""
        self.check_body_id(body_id)
        self.check_editable()
        if sha256 not in self.attachments:
            raise NotFound(ErrorCode.ATTACHMENT_NOT_FOUND, "No attachment with that SHA-256 here.")
        self.attachment_removed(sha256, representative_id, at)

    @event(AttachmentRemoved)
    def attachment_removed(self, sha256: str, removed_by: UUID, removed_at: datetime) -> None:
        del self.attachments[sha256]
        self.updated_at = removed_at

    # The innovation unit's decisions.

    def request_changes(
        self, comment: str, decided_by: str | None, at: datetime, version: int | None = None
    ) -> None:
        """Send it back to the body with what to change."""
        self.check_decision(PracticeStatus.SUBMITTED, version)
        self.changes_requested(self.body_id, comment, decided_by, at)

    @event(ChangesRequested)
    def changes_requested(
        self, body_id: str, comment: str, decided_by: str | None, requested_at: datetime
    ) -> None:
        self.status = PracticeStatus.CHANGES_REQUESTED
        self.decided(requested_at, HistoryWhat.CHANGES_REQUESTED, comment, decided_by)

    def publish(
        self, comment: str, decided_by: str | None, at: datetime, version: int | None = None
    ) -> None:
        """Publish it in the catalogue, under the open licence."""
        self.check_decision(PracticeStatus.SUBMITTED, version)
        record = self.public_record(at)
        self.published(self.body_id, comment, decided_by, record.model_dump(mode="json"), at)

    @event(Published)
    def published(
        self,
        body_id: str,
        comment: str,
        decided_by: str | None,
        practice: dict[str, Any],
        published_at: datetime,
    ) -> None:
        self.status = PracticeStatus.PUBLISHED
        self.first_published_at = self.first_published_at or published_at
        self.published_at = published_at
        self.decided(published_at, HistoryWhat.PUBLISHED, comment, decided_by)

    def reject(
        self, comment: str, decided_by: str | None, at: datetime, version: int | None = None
    ) -> None:
        """Decline to publish it."""
        self.check_decision(PracticeStatus.SUBMITTED, version)
        self.rejected(self.body_id, comment, decided_by, at)

    @event(Rejected)
    def rejected(
        self, body_id: str, comment: str, decided_by: str | None, rejected_at: datetime
    ) -> None:
        self.status = PracticeStatus.REJECTED
        self.decided(rejected_at, HistoryWhat.REJECTED, comment, decided_by)

    def archive(
        self, comment: str, decided_by: str | None, at: datetime, version: int | None = None
    ) -> None:
        """Take a published practice out of the catalogue, keeping its history."""
        self.check_decision(PracticeStatus.PUBLISHED, version)
        self.archived(self.body_id, comment, decided_by, at)

    @event(Archived)
    def archived(
        self, body_id: str, comment: str, decided_by: str | None, archived_at: datetime
    ) -> None:
        self.status = PracticeStatus.ARCHIVED
        self.decided(archived_at, HistoryWhat.ARCHIVED, comment, decided_by)

    def decided(
        self, at: datetime, what: HistoryWhat, comment: str, decided_by: str | None
    ) -> None:
        """Record a decision of the unit (applying an event: no new event)."""
        self.updated_at = at
        self.history.append(
            PracticeStep(at, what, ByRole.ADMIN, comment=comment, decided_by=decided_by)
        )

    # Rules.

    def check_the_bodys(self, representative: Representative | None) -> Representative:
        """An active member of the practice's own body."""
        representative = check_active_member(representative)
        self.check_body_id(representative.body_id)
        return representative

    def check_body_id(self, body_id: str) -> None:
        if body_id != self.body_id:
            raise NotAllowed(
                ErrorCode.NOT_THE_BODYS,
                "Only the body's representatives or the innovation unit may do this.",
            )

    def check_editable(self) -> None:
        """Edited only while a draft or returned with changes requested."""
        if not self.editable:
            raise Conflict(
                ErrorCode.PRACTICE_NOT_EDITABLE,
                "A practice is edited only while a draft or returned with changes requested.",
                status=self.status.value,
            )

    def check_version(self, version: int | None) -> None:
        """A command made on a version read before a later change is refused."""
        if version is not None and version != self.version:
            raise Conflict(
                ErrorCode.PRACTICE_CHANGED,
                "The practice was changed since it was read.",
                field="version",
                version=self.version,
            )

    def check_status(self, allowed: Iterable[PracticeStatus]) -> None:
        if self.status not in set(allowed):
            raise Conflict(
                ErrorCode.PRACTICE_WRONG_STATUS,
                "The practice is not in a state that allows this.",
                status=self.status.value,
            )

    def check_decision(self, status: PracticeStatus, version: int | None) -> None:
        """A decision is taken in its state, on the version the unit read if it names one."""
        self.check_status({status})
        self.check_version(version)
