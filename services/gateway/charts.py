"""Horizontal bar charts as SVG, drawn on the server and placed inline in a page.

Nothing depends on colour: each series has a fill pattern of its own (solid, hatched, dotted)
and every bar has its series' name and its figure written beside it. The chart is one image
to assistive technology (`role="img"`, named by its `<title>`, described by its `<desc>`);
the page puts a table with the same figures beside it. The CSP allows no `style` attribute,
so the drawing uses presentation attributes (`fill=`, `stroke=`) and the stylesheet's classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

BAR_HEIGHT: Final = 20
BAR_GAP: Final = 5
GROUP_GAP: Final = 20
LABEL_WIDTH: Final = 260
"""Room on the left for a row's name."""
PLOT_WIDTH: Final = 330
FIGURE_ROOM: Final = 210
"""Room on the right of the longest bar for the series' name and the figure."""
TOP: Final = 8
NAME_CHARS: Final = 34
"""A row's name longer than this is cut (the table beside the chart has it whole)."""

PATTERNS: Final = ("solid", "hatched", "dotted")
"""One fill per series, by its place: told apart without colour."""


@dataclass(frozen=True)
class Row:
    """A row of the chart: its name and one figure per series."""

    name: str
    values: Sequence[int]


@dataclass(frozen=True)
class BarChart:
    """A chart's words (already in the reader's language) and its rows."""

    chart_id: str
    title: str
    description: str
    series: Sequence[str]
    rows: Sequence[Row]


def _defs(chart_id: str) -> str:
    """The fill patterns of the series, with ids of this chart (several share a page)."""
    return (
        "<defs>"
        f'<pattern id="{chart_id}-hatched" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d4f91" stroke-width="3"/></pattern>'
        f'<pattern id="{chart_id}-dotted" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#ffffff"/>'
        '<circle cx="2.5" cy="2.5" r="1.4" fill="#0b0c0c"/></pattern>'
        "</defs>"
    )


def _fill(chart_id: str, index: int) -> str:
    pattern = PATTERNS[index % len(PATTERNS)]
    return "#1d4f91" if pattern == "solid" else f"url(#{chart_id}-{pattern})"


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def bar_chart(chart: BarChart, format_number: Callable[[int], str] = str) -> Markup:
    """The chart as inline SVG markup (every text escaped)."""
    largest = max((v for row in chart.rows for v in row.values), default=0) or 1
    per_group = len(chart.series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = TOP + max(1, len(chart.rows)) * per_group
    width = LABEL_WIDTH + PLOT_WIDTH + FIGURE_ROOM
    title_id, desc_id = f"{chart.chart_id}-title", f"{chart.chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="innovnet-chart" id="{chart.chart_id}"'
        f' role="img" aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" font-size="15">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
        _defs(chart.chart_id),
    ]
    y = TOP
    for row in chart.rows:
        group_middle = y + (len(chart.series) * (BAR_HEIGHT + BAR_GAP)) / 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{group_middle:.0f}" text-anchor="end"'
            f' dominant-baseline="middle" fill="#0b0c0c" font-weight="bold">'
            f"{escape(_short(row.name))}</text>"
        )
        for index, (series, value) in enumerate(zip(chart.series, row.values, strict=True)):
            length = round(PLOT_WIDTH * value / largest)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}"'
                f' fill="{_fill(chart.chart_id, index)}" stroke="#0b0c0c" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + max(length, 1) + 6}" y="{y + BAR_HEIGHT / 2:.0f}"'
                f' dominant-baseline="middle" fill="#0b0c0c">'
                f"{escape(series)}: {escape(format_number(value))}</text>"
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - GROUP_GAP / 2}"'
        ' stroke="#0b0c0c" stroke-width="1"/>'
    )
    parts.append("</svg>")
    # Every text in `parts` was escaped above; the rest is markup of this module.
    return Markup("".join(parts))  # noqa: S704
