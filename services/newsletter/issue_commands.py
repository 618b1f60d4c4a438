"""The innovation unit's commands on issues, and the queries of the drafts and scheduled ones.

Functions of the service's application rather than methods of it, so the issues stay one
module's concern beside the subscriptions'. Every command returns the issue's new version.

Drafts and schedules are events inside the service (the contract publishes the test copies
and the sent issues only), so the unit's list of open issues is read from the event store:
the notification log, filtered to the issues' `Drafted` events, names every issue. A
newsletter has some issues a month; reading them all is cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Final
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from contracts.errors import ErrorCode
from contracts.registration import Language
from services.newsletter.issues import ArchiveNumbers, Issue, IssueStatus
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict, RuleBroken
from services.runtime.paging import Listed, Page

log = logging.getLogger(__name__)

Written = Mapping[Language, tuple[str, str]]
"""Each language's (subject, Markdown), as the unit typed them."""

SEND_ATTEMPTS: Final = 5
"""How often a send is tried when another send took the archive's next number first."""

DRAFTED_TOPIC: Final = get_topic(Issue.Drafted)
SCHEDULED_TOPIC: Final = get_topic(Issue.Scheduled)
SCHEDULE_TOPICS: Final = (
    SCHEDULED_TOPIC,
    get_topic(Issue.Unscheduled),
    get_topic(Issue.Published),
)
"""The events that put an issue on the scheduler's list and take it off."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def issue(app: ServiceApplication, issue_id: UUID) -> Issue:
    """The issue, or a 404 `issue_not_found`."""
    return app.get(issue_id, Issue, "No issue with that id.", ErrorCode.ISSUE_NOT_FOUND)


def _changed() -> Conflict:
    return Conflict(
        ErrorCode.ISSUE_CHANGED, "The issue was changed meanwhile; read it again.", field="version"
    )


def _on_issue(app: ServiceApplication, issue_id: UUID, command: Callable[[Issue], None]) -> int:
    """Run `command` on the issue and save it; a save another beat is a 409 `issue_changed`."""
    found = issue(app, issue_id)
    command(found)
    app.save_or_conflict(found, conflict=_changed())
    return found.version


def draft(app: ServiceApplication, written: Written, by: str, now: datetime | None = None) -> Issue:
    """A new draft."""
    new = Issue.draft(written, by, _now(now))
    app.save_or_conflict(new)
    return new


def edit(
    app: ServiceApplication,
    issue_id: UUID,
    written: Written,
    version: int,
    by: str,
    now: datetime | None = None,
) -> int:
    return _on_issue(app, issue_id, lambda i: i.edit(written, version, by, _now(now)))


def schedule(
    app: ServiceApplication, issue_id: UUID, send_at: datetime, by: str, now: datetime | None = None
) -> int:
    return _on_issue(app, issue_id, lambda i: i.schedule(send_at, by, _now(now)))


def unschedule(
    app: ServiceApplication, issue_id: UUID, by: str, now: datetime | None = None
) -> int:
    return _on_issue(app, issue_id, lambda i: i.unschedule(by, _now(now)))


def request_test_copy(
    app: ServiceApplication,
    issue_id: UUID,
    email: str | None,
    language: Language,
    now: datetime | None = None,
) -> UUID:
    """A test copy to `email` (the staff member's own); returns the request's id, the key its
    sealed address is sealed with."""
    if not email:
        raise RuleBroken(
            ErrorCode.TEST_COPY_NO_EMAIL,
            "The staff member's sign-in names no email address to send the test copy to.",
        )
    request_id = uuid4()
    sealed = app.sealer.seal(request_id, email)
    _on_issue(app, issue_id, lambda i: i.request_test_copy(request_id, sealed, language, _now(now)))
    return request_id


def send(
    app: ServiceApplication, issue_id: UUID, by: str | None, now: datetime | None = None
) -> int:
    """Send it now with the archive's next number; returns the number.

    The issue and the counter are saved together: a concurrent send that took the number
    first makes this save fail as a whole, and it is tried again on what is stored then (an
    issue sent meanwhile by the other is then a 409 `issue_wrong_status`).
    """
    for _ in range(SEND_ATTEMPTS):
        found = issue(app, issue_id)
        found.check_open()
        numbers = app.find(ArchiveNumbers.create_id(), ArchiveNumbers) or ArchiveNumbers()
        number = numbers.take(issue_id)
        found.publish(number, by, _now(now))
        try:
            app.save(found, numbers)
        except IntegrityError:
            continue
        return number
    raise _changed()


def publish_due(app: ServiceApplication, now: datetime | None = None) -> list[int]:
    """Send every scheduled issue whose moment has come; returns the numbers given.

    One issue that fails (unscheduled or sent meanwhile, a database hiccup) is logged and
    left to the next run; the others are sent.
    """
    at = _now(now)
    sent = []
    for candidate in _scheduled(app):
        due = candidate.send_at is not None and candidate.send_at <= at
        if candidate.status is not IssueStatus.SCHEDULED or not due:
            continue
        try:
            sent.append(send(app, candidate.id, None, at))
        except Exception:
            log.exception("issue %s: not sent when due; tried again next run", candidate.id)
    return sent


# Queries.


def _notifications(app: ServiceApplication, topics: list[str]) -> list[tuple[UUID, str]]:
    """(issue id, event topic) of every stored event of `topics`, in the order recorded."""
    found: list[tuple[UUID, str]] = []
    start = 1
    while True:
        page = app.recorder.select_notifications(start, 500, topics=topics)
        found.extend((n.originator_id, n.topic) for n in page)  # type: ignore[misc]
        if len(page) < 500:
            return found
        start = page[-1].id + 1


def _issues_of(app: ServiceApplication, issue_ids: list[UUID]) -> list[Issue]:
    found = (app.find(issue_id, Issue) for issue_id in issue_ids)
    return [i for i in found if i is not None]


def _scheduled(app: ServiceApplication) -> list[Issue]:
    """The issues whose last schedule event is `Scheduled`: only these are read whole."""
    last = dict(_notifications(app, list(SCHEDULE_TOPICS)))
    return _issues_of(app, [i for i, topic in last.items() if topic == SCHEDULED_TOPIC])


def issues(app: ServiceApplication, page: Page, status: IssueStatus | None = None) -> Listed[Issue]:
    """A page of the issues (of one status, or all), the last changed first."""
    drafted = list(dict(_notifications(app, [DRAFTED_TOPIC])))
    found = [i for i in _issues_of(app, drafted) if status is None or i.status is status]
    found.sort(key=lambda i: (i.updated_at, str(i.id)), reverse=True)
    return Listed(found[page.offset : page.offset + page.limit], len(found))
