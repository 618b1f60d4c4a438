"""The network's time zone: days (due days, closures, activities' dates) are Athens days."""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

ATHENS_NAME: Final = "Europe/Athens"
"""As PostgreSQL knows it: pass it as a parameter (`AT TIME ZONE %(tz)s`), never a literal."""

ATHENS: Final = ZoneInfo(ATHENS_NAME)
