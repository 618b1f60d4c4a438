"""An issue of the newsletter, from the unit's draft to the archive, and the archive's numbers.

The rules, each named by the check that enforces it:

* An issue has a Greek version and may have an English one, each a subject and Markdown; the
  service renders each to sanitised HTML and keeps the Markdown as the plain text
  (`issue_texts`, `rendering.py`). A text that renders to nothing is refused.
* An issue changes only until it is sent (`Issue.check_open`): edited, scheduled again,
  unscheduled, sent now. An edit names the version it was made on (`Issue.check_version`): a
  stale one is a 409 `issue_changed`, so two of the unit never overwrite each other unseen.
* A schedule names a moment still to come (`check_in_the_future`); the scheduler sends it
  when due (`jobs.py`).
* A sent issue takes the next archive number from `ArchiveNumbers`, saved in the same
  transaction as the issue: see there why two sends at once never share a number.

Over 200 lines because eventsourcing finds stored events by module and class name: every
event of the aggregate lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from pydantic import ValidationError

from contracts.errors import ErrorCode
from contracts.newsletter import IssueText
from contracts.personal import Sealed
from contracts.registration import Language
from services.newsletter.rendering import render
from services.runtime.errors import Conflict, RuleBroken


class IssueStatus(StrEnum):
    """Where an issue is: written, waiting for its moment, or sent (and in the archive)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


OPEN: Final = frozenset({IssueStatus.DRAFT, IssueStatus.SCHEDULED})
"""The states in which an issue is still changed, scheduled and sent."""

REQUIRED_LANGUAGE: Final = Language.GREEK

HTML_MAX_LENGTH: Final = 200_000
"""The contract's limit of an issue's HTML in one language (`IssueText.html`)."""


def issue_texts(written: Mapping[Language, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Each language's (subject, Markdown) with its rendered HTML and text, as events keep them.

    Greek is required; a Markdown whose HTML is empty (only an image, only spaces) is refused
    naming its field.
    """
    if REQUIRED_LANGUAGE not in written:
        raise RuleBroken(ErrorCode.MISSING, "An issue needs its Greek version.", field="texts.el")
    texts: dict[str, dict[str, str]] = {}
    for language, (subject, markdown) in written.items():
        rendered = render(markdown)
        if not rendered.readable:
            raise RuleBroken(
                ErrorCode.ISSUE_TEXT_EMPTY,
                "The Markdown renders to nothing: write some text.",
                field=f"texts.{language.value}.markdown",
            )
        try:
            text = IssueText(
                subject=subject, markdown=markdown, html=rendered.html, text=rendered.text
            )
        except ValidationError:
            # Within the Markdown's own limit, yet its HTML beyond the contract's (many links).
            raise RuleBroken(
                ErrorCode.STRING_TOO_LONG,
                "The Markdown renders to more HTML than an issue may carry.",
                field=f"texts.{language.value}.markdown",
                max_length=HTML_MAX_LENGTH,
            ) from None
        texts[language.value] = text.model_dump(mode="json")
    return texts


def check_in_the_future(send_at: datetime, now: datetime) -> None:
    """A schedule names a moment still to come."""
    if send_at <= now:
        raise RuleBroken(
            ErrorCode.ISSUE_SEND_AT_PAST,
            "An issue is scheduled for a moment still to come.",
            field="send_at",
            now=now,
        )


class Issue(Aggregate):
    """One issue: its texts in Greek (and English), its status, its schedule and number."""

    class Drafted(Aggregate.Created):
        texts: dict[str, dict[str, str]]
        drafted_by: str
        drafted_at: datetime

    class Edited(Aggregate.Event):
        texts: dict[str, dict[str, str]]
        edited_by: str
        edited_at: datetime

    class Scheduled(Aggregate.Event):
        send_at: datetime
        scheduled_by: str
        scheduled_at: datetime

    class Unscheduled(Aggregate.Event):
        unscheduled_by: str
        unscheduled_at: datetime

    class TestCopyRequested(Aggregate.Event):
        request_id: UUID
        email: Sealed
        language: str
        texts: dict[str, dict[str, str]]
        requested_at: datetime

    class Published(Aggregate.Event):
        number: int
        texts: dict[str, dict[str, str]]
        published_by: str | None
        """The staff member who sent it now; None when the scheduler sent it when due."""
        published_at: datetime

    @event(Drafted)
    def __init__(
        self, texts: dict[str, dict[str, str]], drafted_by: str, drafted_at: datetime
    ) -> None:
        self.texts = texts
        self.status = IssueStatus.DRAFT
        self.send_at: datetime | None = None
        self.number: int | None = None
        self.drafted_at = drafted_at
        self.updated_at = drafted_at
        self.published_at: datetime | None = None

    @classmethod
    def draft(cls, written: Mapping[Language, tuple[str, str]], by: str, at: datetime) -> Issue:
        """A new draft of the unit's texts."""
        return cls(texts=issue_texts(written), drafted_by=by, drafted_at=at)

    # Derived state.

    def text(self, language: Language) -> IssueText | None:
        """The version in `language`, if the issue has one."""
        found = self.texts.get(language.value)
        return IssueText.model_validate(found) if found else None

    def contract_texts(self) -> dict[Language, IssueText]:
        """Every version, as the contract events carry them."""
        return {Language(k): IssueText.model_validate(v) for k, v in self.texts.items()}

    # Commands.

    def edit(
        self, written: Mapping[Language, tuple[str, str]], version: int, by: str, at: datetime
    ) -> None:
        """Replace the texts, made on `version` (a scheduled issue keeps its moment)."""
        self.check_open()
        self.check_version(version)
        self.edited(issue_texts(written), by, at)

    @event(Edited)
    def edited(self, texts: dict[str, dict[str, str]], edited_by: str, edited_at: datetime) -> None:
        self.texts = texts
        self.updated_at = edited_at

    def schedule(self, send_at: datetime, by: str, at: datetime) -> None:
        """Send it at `send_at` (a moment to come); a scheduled issue is moved."""
        self.check_open()
        check_in_the_future(send_at, at)
        self.scheduled(send_at, by, at)

    @event(Scheduled)
    def scheduled(self, send_at: datetime, scheduled_by: str, scheduled_at: datetime) -> None:
        self.status = IssueStatus.SCHEDULED
        self.send_at = send_at
        self.updated_at = scheduled_at

    def unschedule(self, by: str, at: datetime) -> None:
        """Back to a draft: the scheduler will not send it."""
        self.check_status({IssueStatus.SCHEDULED})
        self.unscheduled(by, at)

    @event(Unscheduled)
    def unscheduled(self, unscheduled_by: str, unscheduled_at: datetime) -> None:
        self.status = IssueStatus.DRAFT
        self.send_at = None
        self.updated_at = unscheduled_at

    def request_test_copy(
        self, request_id: UUID, email: Sealed, language: Language, at: datetime
    ) -> None:
        """A copy to the asking staff member, in `language` (Greek if the issue lacks it)."""
        self.check_open()
        chosen = language.value if language.value in self.texts else REQUIRED_LANGUAGE.value
        self.test_copy_requested(request_id, email, chosen, dict(self.texts), at)

    @event(TestCopyRequested)
    def test_copy_requested(
        self,
        request_id: UUID,
        email: Sealed,
        language: str,
        texts: dict[str, dict[str, str]],
        requested_at: datetime,
    ) -> None:
        self.updated_at = requested_at

    def publish(self, number: int, by: str | None, at: datetime) -> None:
        """Send it now, as archive issue `number`."""
        self.check_open()
        self.published(number, dict(self.texts), by, at)

    @event(Published)
    def published(
        self,
        number: int,
        texts: dict[str, dict[str, str]],
        published_by: str | None,
        published_at: datetime,
    ) -> None:
        self.status = IssueStatus.PUBLISHED
        self.number = number
        self.send_at = None
        self.published_at = published_at
        self.updated_at = published_at

    # Rules.

    def check_open(self) -> None:
        """A sent issue changes no more."""
        self.check_status(OPEN)

    def check_status(self, allowed: frozenset[IssueStatus] | set[IssueStatus]) -> None:
        if self.status not in allowed:
            raise Conflict(
                ErrorCode.ISSUE_WRONG_STATUS,
                "The issue is not in a state that allows this.",
                status=self.status.value,
            )

    def check_version(self, version: int) -> None:
        """An edit made on a version read before a later change is refused."""
        if version != self.version:
            raise Conflict(
                ErrorCode.ISSUE_CHANGED,
                "The issue was changed since it was read.",
                field="version",
                version=self.version,
            )


ARCHIVE_NUMBERS_ID: Final = uuid5(
    NAMESPACE_URL, "https://innovnet.gov.gr/newsletter/archive-numbers"
)


class ArchiveNumbers(Aggregate):
    """The archive's counter: the last number given, one event per issue sent.

    Why a counter aggregate rather than a unique constraint on the archive's projection: the
    number goes out in `IssuePublished` itself, so a clash found by the projection would come
    after two issues had been sent with one number. Saved with the issue in one transaction,
    the counter's next version is claimed by exactly one of two concurrent sends (the event
    store's unique (id, version)); the other's whole save fails, and it retries with the
    number after (`issue_commands.send`). The projection's primary key on the number stays as
    a second guard.
    """

    class Started(Aggregate.Created):
        pass

    class NumberTaken(Aggregate.Event):
        issue_id: UUID
        number: int

    @staticmethod
    def create_id() -> UUID:
        return ARCHIVE_NUMBERS_ID

    @event(Started)
    def __init__(self) -> None:
        self.last = 0

    def take(self, issue_id: UUID) -> int:
        """The next number, now given to `issue_id`."""
        self.number_taken(issue_id, self.last + 1)
        return self.last

    @event(NumberTaken)
    def number_taken(self, issue_id: UUID, number: int) -> None:
        self.last = number


def recorded_texts(texts: Mapping[str, Any]) -> dict[Language, IssueText]:
    """The texts a stored event recorded, as the contract's models."""
    return {Language(k): IssueText.model_validate(v) for k, v in texts.items()}
