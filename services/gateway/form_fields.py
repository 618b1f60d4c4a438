"""The registration service's form as the gateway reads it: each field's labels, help and choices.

`GET /registration-form` of the registration service is the one source of the form's fields,
their Greek and English texts and which are required; the form page shows it whole and the
question pages take each field's label and help from it. Unknown keys are ignored, so the
service can add to it. A field the service does not describe (yet) gets the gateway's own texts.
"""

from __future__ import annotations

import time
from typing import Final

from fastapi import Request
from pydantic import BaseModel, ConfigDict

from services.gateway.calls import calls_of, read_as, service_unavailable
from services.gateway.i18n import Language

FORM_FRESH_SECONDS: Final = 300.0
"""How long the service's form is kept before it is read again (it changes with a release)."""


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Choice(_Read):
    value: str
    label_el: str
    label_en: str

    def label(self, language: Language) -> str:
        return self.label_el if language == "el" else self.label_en


class RequiredWhen(_Read):
    field: str
    value: str


class Field(_Read):
    """One field: `name` is its dotted path in the registration API (`main.email`)."""

    name: str
    section: str
    type: str
    required: bool
    label_el: str
    label_en: str
    help_el: str = ""
    help_en: str = ""
    choices: tuple[Choice, ...] = ()
    required_when: RequiredWhen | None = None
    multiline: bool = False

    def label(self, language: Language) -> str:
        return self.label_el if language == "el" else self.label_en

    def help(self, language: Language) -> str:
        return self.help_el if language == "el" else self.help_en

    def options(self, language: Language) -> list[tuple[str, str]]:
        """The choices as (value, label) pairs in `language`, for radios."""
        return [(choice.value, choice.label(language)) for choice in self.choices]

    def choice_label(self, value: str, language: Language) -> str:
        """The label of a chosen value (the value itself if the form does not know it)."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label(language)
        return value


class Section(_Read):
    key: str
    title_el: str
    title_en: str
    optional: bool
    note_el: str = ""
    note_en: str = ""

    def title(self, language: Language) -> str:
        return self.title_el if language == "el" else self.title_en

    def note(self, language: Language) -> str:
        return self.note_el if language == "el" else self.note_en


class Instruction(_Read):
    text_el: str
    text_en: str

    def text(self, language: Language) -> str:
        return self.text_el if language == "el" else self.text_en


class RegistrationForm(_Read):
    """The form: title, instructions, sections and fields, in the form's order."""

    title_el: str
    title_en: str
    instructions: tuple[Instruction, ...] = ()
    sections: tuple[Section, ...] = ()
    fields: tuple[Field, ...] = ()

    def title(self, language: Language) -> str:
        return self.title_el if language == "el" else self.title_en

    def section_fields(self, key: str) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.section == key)

    def same_fields_as(self, key: str) -> Section | None:
        """An earlier section asking exactly the same fields (the alternate's are the main's)."""
        asked = [(f.type, f.label_el, f.help_el) for f in self.section_fields(key)]
        for section in self.sections:
            if section.key == key:
                return None
            if asked and asked == [
                (f.type, f.label_el, f.help_el) for f in self.section_fields(section.key)
            ]:
                return section
        return None

    def field(self, name: str) -> Field | None:
        """The field of that dotted name, or None when the service does not describe it."""
        return next((field for field in self.fields if field.name == name), None)


def registration_form(request: Request) -> RegistrationForm:
    """The registration service's form, read at most every few minutes; 503 when it is away."""
    kept: tuple[float, RegistrationForm] | None = getattr(
        request.app.state, "registration_form", None
    )
    if kept is not None and time.monotonic() - kept[0] < FORM_FRESH_SECONDS:
        return kept[1]
    response = calls_of(request).get("registration", "/registration-form", None)
    if response.status_code != 200:
        raise service_unavailable()
    form = read_as(response, RegistrationForm)
    request.app.state.registration_form = (time.monotonic(), form)
    return form
