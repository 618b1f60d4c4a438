"""The registration form as a printable A4 PDF: Greek first, English below, space to write in.

Fira Sans comes from a Python package (`fontpkg-fira-sans`) so the sheet renders Greek the same
on every machine without a system font. The output is deterministic: a fixed creation date and
no clock, so the same form always gives the same bytes: they are drawn once per process and
tests can compare them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import as_file, files
from typing import cast

from fpdf import FPDF

from services.registration.form_model import (
    FormField,
    FormSection,
    Instruction,
    RegistrationForm,
)

_FONT_PACKAGE = "fontpkg_fira_sans"
_FONT = "FiraSans"
_FONT_FILES = {"": "FiraSans-Regular.ttf", "B": "FiraSans-SemiBold.ttf", "I": "FiraSans-Italic.ttf"}
_CREATION_DATE = datetime(2026, 1, 1, tzinfo=UTC)

_INK = (25, 35, 55)
_MUTED = (95, 105, 120)
_ACCENT = (0, 62, 126)
_BAND = (228, 236, 246)
_RULE = (140, 150, 165)

_MARGIN = 18.0
_BOTTOM = 20.0
_BOX_HEIGHT = 7.5
_TALL_BOX_HEIGHT = 16.0
_CHECKBOX = 3.4
_GAP = 1.0
_BAND_PADDING = 1.2
_FIELD_GAP = 3.0
_PT_TO_MM = 0.3528


@dataclass(frozen=True)
class _Style:
    """A text style: font size in points, font style, colour, and left indent in mm."""

    size: float
    style: str = ""
    color: tuple[int, int, int] = _INK
    indent: float = 0.0

    @property
    def line_height(self) -> float:
        return self.size * _PT_TO_MM * 1.3


_TITLE_EL = _Style(15, "B", _ACCENT)
_TITLE_EN = _Style(11.5, "", _MUTED)
_HEADING = _Style(11, "B", _ACCENT)
_SECTION_EL = _Style(12, "B", _ACCENT, indent=2.5)
_SECTION_EN = _Style(9.5, "", _MUTED, indent=2.5)
_NOTE_EL = _Style(8.5, "I", _INK)
_NOTE_EN = _Style(8.5, "I", _MUTED)
_STEP_EL = _Style(9, "", _INK, indent=6)
_STEP_EN = _Style(8.5, "", _MUTED, indent=6)
_LABEL_EL = _Style(10.5, "B", _INK)
_LABEL_EN = _Style(9, "", _MUTED)
_HELP_EL = _Style(8.5, "", _INK)
_HELP_EN = _Style(8.5, "I", _MUTED)
_CHOICE = _Style(9, "", _INK, indent=_CHECKBOX + 2)
_FOOTER = _Style(7.5, "", _MUTED)


@dataclass(frozen=True)
class _Text:
    """A paragraph, with an optional marker (a step's number) hanging in its indent."""

    text: str
    style: _Style
    marker: str = ""


@dataclass(frozen=True)
class _Box:
    """An empty box to write in."""

    height: float


@dataclass(frozen=True)
class _Checkbox:
    """An empty square to tick, with its label."""

    label: str


@dataclass(frozen=True)
class _Space:
    """Vertical space between paragraphs."""

    height: float


_Part = _Text | _Box | _Checkbox | _Space


class _Sheet(FPDF):
    """An A4 page with the network's name and the page number at the foot."""

    def footer(self) -> None:
        self.set_y(-_BOTTOM + 6)
        _use(self, _FOOTER)
        self.cell(0, 4, "Δίκτυο Καινοτομίας του Δημοσίου · Public Sector Innovation Network")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Σελίδα {self.page_no()}/{{nb}} · Page {self.page_no()}/{{nb}}", align="R")


@lru_cache(maxsize=4)
def render_form_sheet(form: RegistrationForm) -> bytes:
    """The form's fields on printable A4 pages, Greek first with English below each label."""
    with ExitStack() as fonts:
        sheet = _new_sheet(form, fonts)
        _draw(sheet, list(_title_parts(form)))
        _draw(sheet, list(_instruction_parts(form.instructions)))
        for number, section in enumerate(form.sections, start=1):
            fields = [list(_field_parts(field)) for field in form.section_fields(section.key)]
            title = list(_section_title_parts(number, section))
            note = list(_section_note_parts(section))
            # A section's heading never ends a page: it goes over with its first field.
            heading_height = _height(sheet, title) + _height(sheet, note)
            _start_page_if_needed(sheet, heading_height + _height(sheet, fields[0]))
            _draw_band(sheet, title)
            _draw(sheet, note)
            for parts in fields:
                _start_page_if_needed(sheet, _height(sheet, parts))
                _draw(sheet, parts)
                sheet.ln(_FIELD_GAP)
        return bytes(sheet.output())


def _new_sheet(form: RegistrationForm, fonts: ExitStack) -> _Sheet:
    sheet = _Sheet(orientation="portrait", unit="mm", format="A4")
    font_dir = files(_FONT_PACKAGE).joinpath("files")
    for style, file_name in _FONT_FILES.items():
        sheet.add_font(_FONT, style, fonts.enter_context(as_file(font_dir.joinpath(file_name))))
    sheet.set_margins(_MARGIN, _MARGIN, _MARGIN)
    sheet.set_auto_page_break(True, margin=_BOTTOM)
    sheet.set_creation_date(_CREATION_DATE)
    sheet.set_lang("el")
    sheet.set_title(f"{form.title_el} / {form.title_en}")
    sheet.set_author("Υπουργείο Εσωτερικών / Ministry of Interior")
    sheet.set_creator("innovnet")
    sheet.set_draw_color(*_RULE)
    sheet.set_line_width(0.3)
    sheet.add_page()
    return sheet


def _title_parts(form: RegistrationForm) -> Iterator[_Part]:
    yield _Text(form.title_el, _TITLE_EL)
    yield _Text(form.title_en, _TITLE_EN)
    yield _Space(1.5)
    yield _Text(
        "* υποχρεωτικό πεδίο · required field     "
        "(*) υποχρεωτικό σε ορισμένες περιπτώσεις · required in some cases",
        _HELP_EN,
    )
    yield _Space(3)


def _instruction_parts(instructions: tuple[Instruction, ...]) -> Iterator[_Part]:
    yield _Text("Οδηγίες · Instructions", _HEADING)
    for number, instruction in enumerate(instructions, start=1):
        yield _Text(instruction.text_el, _STEP_EL, marker=f"{number}.")
        yield _Text(instruction.text_en, _STEP_EN)
        yield _Space(0.8)


def _section_title_parts(number: int, section: FormSection) -> Iterator[_Part]:
    yield _Space(_BAND_PADDING)
    yield _Text(f"{number}. {section.title_el}", _SECTION_EL)
    yield _Text(section.title_en, _SECTION_EN)
    yield _Space(_BAND_PADDING)


def _section_note_parts(section: FormSection) -> Iterator[_Part]:
    yield _Space(_GAP)
    if section.note_el:
        yield _Text(section.note_el, _NOTE_EL)
        yield _Text(section.note_en, _NOTE_EN)
        yield _Space(_FIELD_GAP)


def _field_parts(field: FormField) -> Iterator[_Part]:
    mark = " *" if field.required else " (*)" if field.required_when else ""
    yield _Text(f"{field.label_el}{mark}", _LABEL_EL)
    yield _Text(field.label_en, _LABEL_EN)
    yield _Text(field.help_el, _HELP_EL)
    yield _Text(field.help_en, _HELP_EN)
    if field.type == "choice":
        for choice in field.choices:
            yield _Checkbox(f"{choice.label_el} · {choice.label_en}")
    elif field.type == "boolean":
        yield _Checkbox("Ναι · Yes")
    else:
        yield _Box(_TALL_BOX_HEIGHT if field.multiline else _BOX_HEIGHT)


def _use(sheet: FPDF, style: _Style) -> None:
    sheet.set_font(_FONT, style.style, style.size)
    sheet.set_text_color(*style.color)


def _text_height(sheet: FPDF, part: _Text) -> float:
    _use(sheet, part.style)
    height = sheet.multi_cell(
        sheet.epw - part.style.indent,
        part.style.line_height,
        part.text,
        dry_run=True,
        output="HEIGHT",
    )
    # multi_cell's return type depends on `output`; HEIGHT gives the height alone.
    return cast(float, height)


def _part_height(sheet: FPDF, part: _Part) -> float:
    if isinstance(part, _Text):
        return _text_height(sheet, part)
    if isinstance(part, _Box):
        return _GAP + part.height + _GAP
    if isinstance(part, _Space):
        return part.height
    return _GAP + _text_height(sheet, _Text(part.label, _CHOICE))


def _height(sheet: FPDF, parts: list[_Part]) -> float:
    return sum(_part_height(sheet, part) for part in parts)


def _start_page_if_needed(sheet: FPDF, height: float) -> None:
    if sheet.will_page_break(height):
        sheet.add_page()


def _draw(sheet: FPDF, parts: list[_Part]) -> None:
    for part in parts:
        if isinstance(part, _Text):
            _draw_text(sheet, part)
        elif isinstance(part, _Box):
            sheet.ln(_GAP)
            sheet.rect(sheet.l_margin, sheet.get_y(), sheet.epw, part.height)
            sheet.ln(part.height + _GAP)
        elif isinstance(part, _Space):
            sheet.ln(part.height)
        else:
            sheet.ln(_GAP)
            box_top = sheet.get_y() + (_CHOICE.line_height - _CHECKBOX) / 2
            sheet.rect(sheet.l_margin, box_top, _CHECKBOX, _CHECKBOX)
            _draw_text(sheet, _Text(part.label, _CHOICE))


def _draw_text(sheet: FPDF, part: _Text) -> None:
    _use(sheet, part.style)
    if part.marker:
        sheet.set_x(sheet.l_margin)
        sheet.cell(part.style.indent, part.style.line_height, part.marker)
    sheet.set_x(sheet.l_margin + part.style.indent)
    sheet.multi_cell(
        sheet.epw - part.style.indent,
        part.style.line_height,
        part.text,
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _draw_band(sheet: FPDF, parts: list[_Part]) -> None:
    """Paragraphs on a tinted band across the page (a section's title)."""
    sheet.set_fill_color(*_BAND)
    sheet.rect(sheet.l_margin, sheet.get_y(), sheet.epw, _height(sheet, parts), "F")
    _draw(sheet, parts)
