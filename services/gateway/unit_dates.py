"""A day typed in the three boxes of a date field (day, month, year), as the unit's forms ask.

A field `name` posts `name_day`, `name_month` and `name_year`; `typed_day` reads them as a date
or says what is wrong, as a refusal code the page words in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from contracts.errors import ErrorCode

PARTS: Final = ("day", "month", "year")


def part_names(name: str) -> tuple[str, ...]:
    """The posted names of a date field's boxes."""
    return tuple(f"{name}_{part}" for part in PARTS)


def typed_parts(values: Mapping[str, str], name: str) -> dict[str, str]:
    """What was typed in each box (the draft keeps these, to show them again)."""
    return {posted: values.get(posted, "").strip() for posted in part_names(name)}


def typed_day(values: Mapping[str, str], name: str) -> tuple[date | None, ErrorCode | None]:
    """The day typed, or why there is none: nothing typed (`missing`) or no such day."""
    day, month, year = typed_parts(values, name).values()
    if not (day or month or year):
        return None, ErrorCode.MISSING
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return None, ErrorCode.DATE_PARSING
    try:
        return date(int(year), int(month), int(day)), None
    except ValueError:
        return None, ErrorCode.DATE_PARSING


def as_parts(name: str, day: date) -> dict[str, str]:
    """A day as the boxes show it."""
    return dict(zip(part_names(name), (str(day.day), str(day.month), str(day.year)), strict=True))
