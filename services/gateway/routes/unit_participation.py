"""The innovation unit's participation page (charts with their tables) and its CSV download.

Both read `GET /participation` of the membership service with the filters of the page's GET
form: a level of government and the first and last day activities start on (Athens days).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRouter

from services.gateway.activity_forms import NOT_A_DAY, parse_day
from services.gateway.activity_views import LEVEL_NAMES
from services.gateway.calls import calls_of, read_as, refusal_detail, service_unavailable
from services.gateway.charts import bar_chart
from services.gateway.i18n import (
    N_,
    Language,
    Reading,
    format_date,
    language_of,
    reset_reading,
    set_reading,
    translate,
)
from services.gateway.pages import render
from services.gateway.participation_report import (
    Report,
    as_csv,
    body_chart,
    level_chart,
    level_name,
    series,
)
from services.gateway.refusals import FormErrors, field_errors
from services.gateway.sessions import SignedIn, Staff

router = APIRouter(include_in_schema=False)

FILTER_FIELDS: Final = ("level", "from", "to")
TO_BEFORE_FROM: Final = N_("The last day must be on or after the first day")
CSV_NAME: Final = "participation.csv"


def read_filters(
    language: Language, level: str, from_: str, to: str
) -> tuple[dict[str, str], dict[str, str], FormErrors]:
    """The filters as typed, the query for the service, and what is wrong with them."""
    typed = {"level": level.strip(), "from": from_.strip(), "to": to.strip()}
    errors = FormErrors()
    query: dict[str, str] = {}
    if typed["level"] in LEVEL_NAMES:
        query["level"] = typed["level"]
    days: dict[str, date] = {}
    for name in ("from", "to"):
        if typed[name]:
            day = parse_day(typed[name])
            if day is None:
                errors.add(name, translate(language, NOT_A_DAY))
            else:
                days[name] = day
                query[name] = day.isoformat()
    if "from" in days and "to" in days and days["to"] < days["from"]:
        errors.add("to", translate(language, TO_BEFORE_FROM))
    return typed, query, errors


def report_of(
    request: Request, person: SignedIn, query: dict[str, str], errors: FormErrors
) -> Report | None:
    """The service's report for `query`; None (with its refusal in `errors`) when refused."""
    response = calls_of(request).get("membership", "/participation", person, params=query)
    if response.status_code == 422:
        found = field_errors(
            refusal_detail(response),
            {name: name for name in FILTER_FIELDS},
            language_of(request),
        )
        for name, message in found.summary:
            errors.add(name, message)
        return None
    if response.status_code != 200:
        raise service_unavailable()
    return read_as(response, Report)


def period_words(language: Language, query: dict[str, str]) -> str:
    """The period in words, for the charts' descriptions."""
    token = set_reading(Reading(language, ""))
    try:
        first = format_date(query["from"]) if "from" in query else None
        last = format_date(query["to"]) if "to" in query else None
    finally:
        reset_reading(token)
    if first and last:
        return translate(language, N_("from %(first)s to %(last)s"), first=first, last=last)
    if first:
        return translate(language, N_("from %(first)s on"), first=first)
    if last:
        return translate(language, N_("up to %(last)s"), last=last)
    return translate(language, N_("all activities"))


@router.get("/unit/participation", response_class=HTMLResponse)
def participation(
    request: Request, person: Staff, level: str = "", from_: str = "", to: str = ""
) -> HTMLResponse:
    """Participation per level and per body: a chart and a table of each."""
    language = language_of(request)
    from_ = request.query_params.get("from", from_)
    typed, query, errors = read_filters(language, level, from_, to)
    report = None if errors else report_of(request, person, query, errors)
    charts = {}

    def number(value: int) -> str:
        return str(format_decimal(value, locale=language))

    if report is not None:
        period = period_words(language, query)
        charts = {
            "levels": bar_chart(level_chart(report, language, period), number),
            "bodies": bar_chart(body_chart(report, language, period), number),
        }
    return render(
        request,
        "unit/participation.html",
        status_code=422 if errors else 200,
        typed=typed,
        query=query,
        errors=errors,
        report=report,
        charts=charts,
        series=series(language),
        level_choices=[(value, translate(language, name)) for value, name in LEVEL_NAMES.items()],
        level_name=lambda value: level_name(value, language),
    )


@router.get("/unit/participation.csv")
def participation_csv(request: Request, person: Staff, level: str = "", to: str = "") -> Response:
    """The same figures as CSV: a row per level, then a row per body."""
    language = language_of(request)
    typed, query, errors = read_filters(language, level, request.query_params.get("from", ""), to)
    report = None if errors else report_of(request, person, query, errors)
    if report is None:
        return participation(request, person, level, typed["from"], to)
    return Response(
        as_csv(report, language),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_NAME}"'},
    )
