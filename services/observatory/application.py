"""The observatory's application: practices from a member's draft to the catalogue.

Commands return the practice's id or new version; queries return the aggregate. Who is a
member comes from the observatory's own projection of membership's topic (`Members`): the API
reads the caller's record there and hands it to the command as a `Representative`, whose
rules the domain checks (active, of the practice's body).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from contracts.errors import ErrorCode
from contracts.observatory import Attachment
from services.observatory.domain import Content, Practice, Representative
from services.runtime.application import ServiceApplication
from services.runtime.errors import Conflict


class ObservatoryApplication(ServiceApplication):
    """Good practices of the network's bodies: drafts, submissions, the unit's decisions."""

    service_name = "observatory"

    # The body's commands.

    def draft(self, author: Representative | None, content: Content) -> Practice:
        """Start a practice of the author's body; returns it (its id and version)."""
        practice = Practice.draft(author, content, datetime.now(UTC))
        self.save_or_conflict(practice)
        return practice

    def edit(
        self, practice_id: UUID, editor: Representative | None, content: Content, version: int
    ) -> int:
        """Replace a draft's content, made on `version`; returns the new version."""
        return self.on_practice(
            practice_id, lambda p: p.edit(editor, content, version, datetime.now(UTC))
        )

    def submit(self, practice_id: UUID, member: Representative | None, version: int) -> int:
        """Send it, complete, to the innovation unit."""
        return self.on_practice(practice_id, lambda p: p.submit(member, version, datetime.now(UTC)))

    def withdraw(self, practice_id: UUID, member: Representative | None, reason: str) -> int:
        """The body takes it back (a published one leaves the catalogue)."""
        return self.on_practice(
            practice_id, lambda p: p.withdraw(member, reason, datetime.now(UTC))
        )

    def attach(
        self, practice_id: UUID, representative_id: UUID, body_id: str, attachment: Attachment
    ) -> int:
        """Add an attachment (stored already, by its SHA-256) to an editable practice of
        `body_id`; the caller has checked that the representative is an active member of it."""
        return self.on_practice(
            practice_id,
            lambda p: p.attach(representative_id, body_id, attachment, datetime.now(UTC)),
        )

    def detach(self, practice_id: UUID, representative_id: UUID, body_id: str, sha256: str) -> int:
        """Remove an attachment of an editable practice of `body_id` (the caller checked the
        representative is an active member of it)."""
        return self.on_practice(
            practice_id, lambda p: p.detach(representative_id, body_id, sha256, datetime.now(UTC))
        )

    # The innovation unit's decisions (`decided_by`: the subject of the admin's token).

    def request_changes(
        self, practice_id: UUID, comment: str, decided_by: str, version: int | None = None
    ) -> int:
        return self.on_practice(
            practice_id,
            lambda p: p.request_changes(comment, decided_by, datetime.now(UTC), version),
        )

    def publish(
        self, practice_id: UUID, comment: str, decided_by: str, version: int | None = None
    ) -> int:
        return self.on_practice(
            practice_id, lambda p: p.publish(comment, decided_by, datetime.now(UTC), version)
        )

    def reject(
        self, practice_id: UUID, comment: str, decided_by: str, version: int | None = None
    ) -> int:
        return self.on_practice(
            practice_id, lambda p: p.reject(comment, decided_by, datetime.now(UTC), version)
        )

    def archive(
        self, practice_id: UUID, comment: str, decided_by: str, version: int | None = None
    ) -> int:
        return self.on_practice(
            practice_id, lambda p: p.archive(comment, decided_by, datetime.now(UTC), version)
        )

    # Queries.

    def practice(self, practice_id: UUID) -> Practice:
        """The practice, or NotFound."""
        return self.get(
            practice_id, Practice, "No practice with that id.", ErrorCode.PRACTICE_NOT_FOUND
        )

    # Helpers.

    def on_practice(self, practice_id: UUID, command: Callable[[Practice], None]) -> int:
        """Run `command` on the practice and save; another command saved first is a 409
        `practice_changed` (never retried: the caller decided on what it read)."""
        practice = self.practice(practice_id)
        command(practice)
        changed = Conflict(
            ErrorCode.PRACTICE_CHANGED,
            "The practice was changed meanwhile; read it again.",
            field="version",
        )
        self.save_or_conflict(practice, conflict=changed)
        return practice.version
