"""Greek working days, and the day a designation is due.

A designation is due at the end of the `DESIGNATION_WORKING_DAYS`th working day after the day
the form was submitted, in Europe/Athens. Weekends, Greek public holidays (the Orthodox Easter
based ones included) and the closures the innovation unit adds are not working days. The
closures come from the caller: this module does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from services.registration.domain import DESIGNATION_WORKING_DAYS
from services.runtime.timezone import ATHENS

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


@cache
def greek_public_holidays(year: int) -> frozenset[date]:
    """The Greek public holidays of one year (computed once per year per process)."""
    return frozenset(holidays.country_holidays("GR", years=year))


@dataclass(frozen=True)
class DueDayChange:
    """A submission day whose designation due day a closure would move."""

    submitted: date
    due_before: date
    due_after: date


class WorkingCalendar:
    """Greek working days: not a weekend, not a public holiday, not an office closure."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self.closures: frozenset[date] = frozenset(closures)

    def is_working_day(self, day: date) -> bool:
        """Whether the innovation unit works on this day."""
        return (
            day.weekday() < _SATURDAY
            and day not in greek_public_holidays(day.year)
            and day not in self.closures
        )

    def designation_due(self, submitted_on: date) -> date:
        """The day a designation is due: the one place it is computed.

        The `DESIGNATION_WORKING_DAYS`th working day after the submission day (a submission on
        a non-working day counts from that day too).
        """
        day = submitted_on
        remaining = DESIGNATION_WORKING_DAYS
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def closure_effect(self, day: date, since: date) -> list[DueDayChange]:
        """The submission days from `since` on whose due day would move if `day` were closed.

        None when `day` is no working day already (a weekend, a holiday, a closure). Otherwise
        those submitted before `day` whose count of working days reaches it: going back from
        the day before, due days only get earlier, so the first one before `day` ends the list.
        """
        if not self.is_working_day(day):
            return []
        closed = WorkingCalendar(self.closures | {day})
        changes: list[DueDayChange] = []
        submitted = day - _ONE_DAY
        while submitted >= since and (due := self.designation_due(submitted)) >= day:
            changes.append(DueDayChange(submitted, due, closed.designation_due(submitted)))
            submitted -= _ONE_DAY
        return changes[::-1]

    @staticmethod
    def due_moment(due: date) -> datetime:
        """The end of the due day in Athens: the first instant of the next day."""
        # Combining a wall-clock midnight with the zone (rather than adding 24 hours to the
        # day's start) keeps the answer right on the days the clocks change.
        return datetime.combine(due + _ONE_DAY, time.min, tzinfo=ATHENS)

    @staticmethod
    def submission_day(instant: datetime) -> date:
        """The Athens calendar day of an aware instant."""
        if instant.utcoffset() is None:
            # A naive datetime would be read in the server's zone, silently.
            raise ValueError("the submission instant must be timezone-aware")
        return instant.astimezone(ATHENS).date()
