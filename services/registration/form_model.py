"""What a form is: sections of fields in two languages, closed sets of choices, instructions,
and the checks that keep them consistent."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

FieldType = Literal["text", "email", "tel", "url", "choice", "boolean"]
SectionKey = Literal["body", "main", "alternate", "declaration"]


class _Frozen(BaseModel):
    """An immutable part of the form; an unknown key is a typo, so it is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Frozen):
    """One value of a closed set, with its labels."""

    value: str
    label_el: str
    label_en: str


class RequiredWhen(_Frozen):
    """When a field that is otherwise optional is required: another field has this value."""

    field: str
    value: str


class FormField(_Frozen):
    """One field of the form; in an optional section, `required` holds once the section is used."""

    name: str
    section: SectionKey
    type: FieldType
    required: bool
    label_el: str
    label_en: str
    help_el: str
    help_en: str
    choices: tuple[Choice, ...] = ()
    required_when: RequiredWhen | None = None
    multiline: bool = False

    @model_validator(mode="after")
    def check_choices_only_for_closed_sets(self) -> FormField:
        """A choice field lists its choices; no other field has any."""
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(f"{self.name}: choices go with type 'choice' and only with it")
        return self


class FormSection(_Frozen):
    """A group of fields; an optional one is left empty as a whole or filled in."""

    key: SectionKey
    title_el: str
    title_en: str
    optional: bool
    note_el: str = ""
    note_en: str = ""


class Instruction(_Frozen):
    """One instruction for filling in the form, in both languages."""

    text_el: str
    text_en: str


class RegistrationForm(_Frozen):
    """The form: its title, the instructions, its sections and their fields, in order."""

    title_el: str
    title_en: str
    instructions: tuple[Instruction, ...]
    sections: tuple[FormSection, ...]
    fields: tuple[FormField, ...]

    @model_validator(mode="after")
    def check_fields_are_consistent(self) -> RegistrationForm:
        """Names are unique, sections exist, a condition names a choice field and its value."""
        by_name = {field.name: field for field in self.fields}
        if len(by_name) != len(self.fields):
            raise ValueError("field names must be unique")
        section_keys = {section.key for section in self.sections}
        for field in self.fields:
            if field.section not in section_keys:
                raise ValueError(f"{field.name}: no section {field.section!r}")
            condition = field.required_when
            if condition is None:
                continue
            other = by_name.get(condition.field)
            if other is None or condition.value not in {c.value for c in other.choices}:
                raise ValueError(
                    f"{field.name}: no choice {condition.value!r} in {condition.field}"
                )
        return self

    def section_fields(self, key: SectionKey) -> tuple[FormField, ...]:
        """The fields of one section, in order."""
        return tuple(field for field in self.fields if field.section == key)

    def field(self, name: str) -> FormField:
        """The field with this dotted name."""
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)


def choices(*rows: tuple[str, str, str]) -> tuple[Choice, ...]:
    """A closed set from its rows: (value, Greek label, English label)."""
    return tuple(Choice(value=value, label_el=el, label_en=en) for value, el, en in rows)
