"""CSV that spreadsheets open safely: UTF-8 with a byte-order mark, no cell run as a formula.

Excel reads Greek right only with the BOM; a cell starting like a formula (OWASP's list) gets
a `'` first, so a value someone typed is shown, never evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP's list): such a cell gets a `'`."""


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a `'` first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV: UTF-8 with a BOM, CRLF lines, every cell safe for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
