"""The body's participation: invited, accepted, with a seat and attended, over periods.

The membership service counts a member's own body only (`GET /participation`, with `from` and
`to` the days an activity starts on); the page asks it for all the activities so far, this
year's and last year's, and shows the counts as one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.gateway.body_view import Read
from services.gateway.calls import calls_of, read_as, service_unavailable
from services.gateway.pages import render
from services.gateway.sessions import Representative, SignedIn
from services.runtime.timezone import ATHENS

router = APIRouter(include_in_schema=False)


class Counts(Read):
    """One body's counts, as the service gives them."""

    invited: int = 0
    accepted: int = 0
    confirmed: int = 0
    attended: int = 0


class Report(Read):
    bodies: list[Counts]


@dataclass(frozen=True)
class Period:
    """A column of the table: all activities (no days), or one calendar year."""

    year: int | None
    counts: Counts


def days_of(year: int | None) -> dict[str, str]:
    """The query of a year's activities (by the day they start on); none for all of them."""
    if year is None:
        return {}
    return {"from": date(year, 1, 1).isoformat(), "to": date(year, 12, 31).isoformat()}


def counts(request: Request, person: SignedIn, params: dict[str, str]) -> Counts:
    """The body's counts for activities starting within `params`' days (none: all)."""
    response = calls_of(request).get("membership", "/participation", person, params=params)
    if response.status_code != 200:
        raise service_unavailable()
    report = read_as(response, Report)
    return report.bodies[0] if report.bodies else Counts()


@router.get("/my-body/participation", response_class=HTMLResponse)
def participation(request: Request, person: Representative) -> HTMLResponse:
    """The body's participation in the network's activities: so far, this year and last year."""
    this_year = datetime.now(UTC).astimezone(ATHENS).year
    periods = [
        Period(year, counts(request, person, days_of(year)))
        for year in (None, this_year, this_year - 1)
    ]
    return render(request, "participation/overview.html", periods=periods)
