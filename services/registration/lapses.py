"""The days of a lapse: nobody holds a body's ΑΦΜ by filling a form and walking away.

A registration whose main representative has no designation verified or waiting for the
innovation unit's decision (overdue, or its designation rejected) lapses at the end of its
lapse day, Europe/Athens: `LAPSE_DAYS` calendar days after the designation's due day, so 30 days
after the end of the due day made it overdue. Its warning is recorded once the warning day,
`WARNING_DAYS` before the lapse day, has ended: exactly a week before the lapse. A warning never
gives less than a week (the service was down, the unit extended to a near day, or a rejection
came late): then the lapse day moves to `WARNING_DAYS - 1` days after the day of the warning.

Example: due Wednesday 15 April 2026 → lapse day Friday 15 May; warned at 00:00 on Saturday
9 May (the warning day, 8 May, has ended); lapsed at 00:00 on Saturday 16 May.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Final

LAPSE_DAYS: Final = 30
"""Calendar days after the designation's due day that a registration without one lapses on."""

WARNING_DAYS: Final = 7
"""The warning goes out once the day this many days before the lapse day has ended."""


class LapseStep(StrEnum):
    """What the lapse check recorded for a registration."""

    WARNED = "warned"
    LAPSED = "lapsed"


def lapse_day(designation_due: date) -> date:
    """The day whose end a registration with no designation lapses at, unless extended."""
    return designation_due + timedelta(days=LAPSE_DAYS)


def warning_day(lapses_on: date) -> date:
    """The day whose end brings the warning: a week before the lapse."""
    return lapses_on - timedelta(days=WARNING_DAYS)


def warned_lapse_day(lapses_on: date, warned_on: date) -> date:
    """The lapse day a warning on `warned_on` announces: never less than a week after it."""
    return max(lapses_on, warned_on + timedelta(days=WARNING_DAYS - 1))
