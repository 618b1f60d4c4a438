"""An activity as the innovation unit plans it, and the rules every plan keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from contracts.errors import ErrorCode
from contracts.membership import ActivityKind
from services.runtime.errors import RuleBroken


@dataclass(frozen=True)
class ActivityPlan:
    """An activity as the innovation unit plans it: what, when, where, seats and languages."""

    kind: ActivityKind
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    online_url: str | None
    capacity: int
    languages: Sequence[str]

    def check(self) -> None:
        """The rules of a plan: it ends after it starts, is held somewhere, has a seat and a
        language."""
        check_ends_after_starts(self.starts_at, self.ends_at)
        check_held_somewhere(self.location, self.online_url)
        check_at_least_one_seat(self.capacity)
        check_some_language(self.languages)


def check_ends_after_starts(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise RuleBroken(
            ErrorCode.ENDS_BEFORE_START, "An activity ends after it starts.", field="ends_at"
        )


def check_held_somewhere(location: str | None, online_url: str | None) -> None:
    if not location and not online_url:
        raise RuleBroken(
            ErrorCode.ACTIVITY_NOWHERE,
            "Say where the activity is held: a location, an online link, or both.",
            field="location",
        )


def check_at_least_one_seat(capacity: int) -> None:
    if capacity < 1:
        raise RuleBroken(
            ErrorCode.CAPACITY_TOO_SMALL, "An activity has at least one seat.", field="capacity"
        )


def check_some_language(languages: Sequence[str]) -> None:
    if not languages:
        raise RuleBroken(
            ErrorCode.LANGUAGES_REQUIRED,
            "Name the language(s) of the activity.",
            field="languages",
        )
