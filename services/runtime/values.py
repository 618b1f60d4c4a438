"""Bounded dates and strict booleans for request models.

Without bounds, `9999-12-31` passes validation and overflows the first date arithmetic or
time-zone conversion; without strictness, `"yes"` or `1` counts as consent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StrictBool
from pydantic_core import PydanticCustomError

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def within_range(value: datetime) -> datetime:
    """A moment whose own calendar day lies between EARLIEST and LATEST."""
    # The range is far from datetime's own limits, so converting it to any zone cannot overflow.
    if not EARLIEST <= value.date() <= LATEST:
        raise PydanticCustomError(
            "datetime_out_of_range",
            "Dates must lie between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
"""A calendar day a client sends: bounded, so date arithmetic and the database never overflow."""

Moment = Annotated[AwareDatetime, AfterValidator(within_range)]
"""A moment with its time zone, bounded like `Day`."""

Consent = Annotated[StrictBool, Field(json_schema_extra={"const": True})]
"""A box that must be ticked: JSON `true` only, never "yes" or 1; the model refuses `false`."""
