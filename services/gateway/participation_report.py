"""The participation report as the unit's page and its CSV read it from the membership service.

`GET /participation` answers per body and per level of government how many invitations were
sent, accepted (with a seat or waiting), confirmed and attended, for activities starting in a
period. This module reads it, builds the charts' rows, and writes the CSV that spreadsheets
open safely: UTF-8 with a byte-order mark (Excel then reads Greek right), and no cell a
spreadsheet would run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from pydantic import BaseModel, ConfigDict

from services.gateway.activity_views import LEVEL_NAMES
from services.gateway.charts import BarChart, Row
from services.gateway.i18n import N_, Language, translate
from services.runtime.spreadsheets import as_csv as spreadsheet_csv
from services.runtime.spreadsheets import safe_cell as safe_cell  # the report's cells

SERIES: Final = (N_("Invited"), N_("Accepted"), N_("Attended"))
MEASURES: Final = ("invited", "accepted", "attended")


class Counts(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    invited: int
    accepted: int
    confirmed: int
    attended: int

    def figures(self) -> list[int]:
        """The charted figures, in the order of `SERIES`."""
        return [getattr(self, measure) for measure in MEASURES]


class BodyCounts(Counts):
    body_id: str
    body_name: str
    level: str


class LevelCounts(Counts):
    level: str


class Report(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    bodies: list[BodyCounts]
    levels: list[LevelCounts]

    def levels_in_order(self) -> list[LevelCounts]:
        """Central, regional, local, as the network lists the levels."""
        order = list(LEVEL_NAMES)
        return sorted(
            self.levels, key=lambda c: order.index(c.level) if c.level in order else len(order)
        )

    def bodies_in_order(self) -> list[BodyCounts]:
        """The most invited first, then by name."""
        return sorted(self.bodies, key=lambda c: (-c.invited, c.body_name))


def level_name(level: str, language: Language) -> str:
    return translate(language, LEVEL_NAMES.get(level, level))


def series(language: Language) -> list[str]:
    return [translate(language, name) for name in SERIES]


def level_chart(report: Report, language: Language, period: str) -> BarChart:
    return BarChart(
        chart_id="chart-levels",
        title=translate(language, N_("Participation per level of government")),
        description=translate(
            language,
            N_("Invitations, acceptances and attendances per level of government, %(period)s."),
            period=period,
        ),
        series=series(language),
        rows=[Row(level_name(c.level, language), c.figures()) for c in report.levels_in_order()],
    )


def body_chart(report: Report, language: Language, period: str) -> BarChart:
    return BarChart(
        chart_id="chart-bodies",
        title=translate(language, N_("Participation per body")),
        description=translate(
            language,
            N_(
                "Invitations, acceptances and attendances per body, the most invited first, "
                "%(period)s."
            ),
            period=period,
        ),
        series=series(language),
        rows=[Row(c.body_name, c.figures()) for c in report.bodies_in_order()],
    )


CSV_HEADER: Final = (
    N_("Rows"),
    N_("Level of government"),
    N_("Tax number"),
    N_("Body"),
    N_("Invited"),
    N_("Accepted"),
    N_("With a seat"),
    N_("Attended"),
)


def csv_rows(report: Report, language: Language) -> Iterable[Sequence[object]]:
    """The header, then a row per level, then a row per body."""
    yield [translate(language, name) for name in CSV_HEADER]
    per_level = translate(language, N_("Per level"))
    for c in report.levels_in_order():
        name = level_name(c.level, language)
        yield [per_level, name, "", "", c.invited, c.accepted, c.confirmed, c.attended]
    per_body = translate(language, N_("Per body"))
    for b in report.bodies_in_order():
        name = level_name(b.level, language)
        yield [
            per_body,
            name,
            b.body_id,
            b.body_name,
            b.invited,
            b.accepted,
            b.confirmed,
            b.attended,
        ]


def as_csv(report: Report, language: Language) -> bytes:
    """The report as CSV: UTF-8 with a BOM, CRLF lines, every cell safe for a spreadsheet."""
    return spreadsheet_csv(csv_rows(report, language))
