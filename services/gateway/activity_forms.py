"""The innovation unit's forms about an activity: what they post, how it becomes a request.

A day and a time are typed in separate fields, in Athens time; the request carries aware
datetimes. The gateway checks only what it must to build the request (a real day, a real
time, a whole number); every other rule is the membership service's, and its refusals come
back to the fields named here. The answers wait in the session's draft, under `DRAFT_KEY`,
between the question page and check your answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, Final

from babel.dates import format_datetime as babel_format_datetime
from fastapi import Request

from services.gateway.i18n import N_, Language, babel_locale
from services.gateway.posted import clean_text
from services.gateway.sessions import Visitor
from services.runtime.timezone import ATHENS

DRAFT_KEY: Final = "unit_activity"
"""The key of the unit's activity forms in the session's JSON (one form at a time)."""

SCHEDULE_FIELDS: Final = (
    "kind",
    "title",
    "starts_on",
    "starts_time",
    "ends_on",
    "ends_time",
    "location",
    "online_url",
    "capacity",
    "languages",
)
PLACE_FIELDS: Final = ("starts_on", "starts_time", "ends_on", "ends_time", "location", "online_url")
"""What a reschedule asks: a new time and place."""

FIELD_OF_LOC: Final = {
    "kind": "kind",
    "title": "title",
    "starts_at": "starts_on",
    "ends_at": "ends_on",
    "location": "location",
    "online_url": "online_url",
    "capacity": "capacity",
    "languages": "languages",
    "reason": "reason",
    "body_ids": "tax_ids",
    "level": "level",
}
"""Where each of the service's refusals (by its `loc`) goes on the form."""

MISSING: Final[dict[str, str]] = {
    "kind": N_("Choose the kind of activity"),
    "title": N_("Enter the title of the activity"),
    "starts_on": N_("Enter the day the activity starts"),
    "starts_time": N_("Enter the time the activity starts"),
    "ends_on": N_("Enter the day the activity ends"),
    "ends_time": N_("Enter the time the activity ends"),
    "capacity": N_("Enter how many seats the activity has"),
    "languages": N_("Choose the language of the activity"),
}
NOT_A_DAY: Final = N_("Enter a real date, like 15/04/2027")
NOT_A_TIME: Final = N_("Enter a time of day, like 09:30")
NOT_A_NUMBER: Final = N_("Enter the number of seats as a whole number, like 40")

_DAY_TYPED: Final = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME_TYPED: Final = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_day(typed: str) -> date | None:
    """A day as typed (15/04/2027, 15.4.2027) or in ISO form (2027-04-15); None if not one."""
    try:
        return date.fromisoformat(typed)
    except ValueError:
        pass
    found = _DAY_TYPED.match(typed)
    if found is None:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_time(typed: str) -> time | None:
    """A time of day as typed (09:30, 9.30); None if not one."""
    found = _TIME_TYPED.match(typed)
    if found is None:
        return None
    hour, minute = (int(part) for part in found.groups())
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def athens_moment(day: date, at: time) -> datetime:
    """The aware moment of a day and time in Athens (summer time or not)."""
    return datetime.combine(day, at, tzinfo=ATHENS)


def form_values(moment: datetime) -> tuple[str, str]:
    """A moment as the day and time fields show it (15/04/2027, 09:30), in Athens time."""
    local = moment.astimezone(ATHENS)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


async def posted_form(request: Request) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The posted fields (a repeated one as a list) by the text rules, and their refusals."""
    values: dict[str, Any] = {}
    refused: dict[str, dict[str, Any]] = {}
    async with request.form() as form:
        for name in dict.fromkeys(form.keys()):
            texts = [v for v in form.getlist(name) if isinstance(v, str)]
            cleaned = []
            for text in texts:
                kept, problem = clean_text(name, text)
                cleaned.append(kept)
                if problem is not None and name not in refused:
                    refused[name] = problem
            values[name] = cleaned if len(cleaned) != 1 else cleaned[0]
    return values, refused


def as_list(value: Any) -> list[str]:
    """A field that may repeat (checkboxes): its values, none when absent."""
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def as_text(value: Any) -> str:
    """A field that does not repeat: its text (the last one if a client repeated it)."""
    if isinstance(value, list):
        return str(value[-1]) if value else ""
    return "" if value is None else str(value)


def time_and_place(values: Mapping[str, Any], problems: dict[str, str]) -> dict[str, Any]:
    """`starts_at`, `ends_at`, `location`, `online_url` of the request; each problem by field."""
    body: dict[str, Any] = {}
    for moment, day_field, time_field in (
        ("starts_at", "starts_on", "starts_time"),
        ("ends_at", "ends_on", "ends_time"),
    ):
        day_text, time_text = as_text(values.get(day_field)), as_text(values.get(time_field))
        day = parse_day(day_text) if day_text else None
        at = parse_time(time_text) if time_text else None
        if not day_text:
            problems.setdefault(day_field, MISSING[day_field])
        elif day is None:
            problems.setdefault(day_field, NOT_A_DAY)
        if not time_text:
            problems.setdefault(time_field, MISSING[time_field])
        elif at is None:
            problems.setdefault(time_field, NOT_A_TIME)
        if day is not None and at is not None:
            body[moment] = athens_moment(day, at).isoformat()
    body["location"] = as_text(values.get("location")) or None
    body["online_url"] = as_text(values.get("online_url")) or None
    return body


def schedule_request(
    values: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, str]]:
    """The `POST /activities` body from the form, and the gateway's own problems by field."""
    problems: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name in ("kind", "title"):
        body[name] = as_text(values.get(name))
        if not body[name]:
            problems[name] = MISSING[name]
    body.update(time_and_place(values, problems))
    capacity = as_text(values.get("capacity"))
    if not capacity:
        problems["capacity"] = MISSING["capacity"]
    elif not (capacity.isascii() and capacity.isdigit()):  # "²" is a digit, not a number
        problems["capacity"] = NOT_A_NUMBER
    else:
        body["capacity"] = int(capacity)
    body["languages"] = as_list(values.get("languages"))
    if not body["languages"]:
        problems["languages"] = MISSING["languages"]
    ordered: dict[str, str] = {n: problems[n] for n in SCHEDULE_FIELDS if n in problems}
    return body, ordered


def reschedule_request(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The `POST /activities/{id}/reschedule` body, and the gateway's own problems by field."""
    problems: dict[str, str] = {}
    body = time_and_place(values, problems)
    return body, {name: problems[name] for name in PLACE_FIELDS if name in problems}


def stored_form(visitor: Visitor, purpose: str) -> dict[str, Any] | None:
    """The answers kept for `purpose` ("schedule", "reschedule:<id>", …), if any."""
    kept = visitor.draft.get(DRAFT_KEY)
    if isinstance(kept, dict) and kept.get("purpose") == purpose:
        values = kept.get("values")
        return dict(values) if isinstance(values, dict) else None
    return None


def keep_form(visitor: Visitor, purpose: str, values: Mapping[str, Any]) -> None:
    """Keep the answers for check your answers (one form at a time: the last one wins)."""
    visitor.save_draft({**visitor.draft, DRAFT_KEY: {"purpose": purpose, "values": dict(values)}})


def drop_form(visitor: Visitor) -> None:
    """Forget the answers once sent."""
    draft = visitor.draft
    draft.pop(DRAFT_KEY, None)
    visitor.save_draft(draft)


def written_moment(moment: str | None, language: Language) -> str:
    """A request's moment (ISO text) in Athens time as the reader writes it; "" for none."""
    if not moment:
        return ""
    return babel_format_datetime(
        datetime.fromisoformat(moment),
        format="medium",
        tzinfo=ATHENS,
        locale=babel_locale(language),
    )
