"""The registration form's fields as data, and the printable sheet drawn from them."""

from __future__ import annotations

import io
import re

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from contracts.registration import Language, Level, Role, Seniority
from services.registration.form import REGISTRATION_FORM
from services.registration.form_model import FormField, RegistrationForm, RequiredWhen
from services.registration.form_sheet import render_form_sheet

GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
REPRESENTATIVE = [
    "full_name",
    "position_title",
    "unit",
    "seniority",
    "seniority_justification",
    "email",
    "phone",
    "language",
]
A4_POINTS = (595, 842)


def sheet_text(sheet: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages)


@pytest.fixture(scope="module")
def sheet() -> bytes:
    return render_form_sheet(REGISTRATION_FORM)


def test_the_form_has_the_api_fields_in_order() -> None:
    assert [field.name for field in REGISTRATION_FORM.fields] == [
        "body.name",
        "body.tax_id",
        "body.level",
        "body.parent",
        "body.website",
        *(f"main.{name}" for name in REPRESENTATIVE),
        *(f"alternate.{name}" for name in REPRESENTATIVE),
        "submitted_by",
        "consent",
    ]


def test_every_field_is_labelled_and_explained_in_greek_and_in_english() -> None:
    for field in REGISTRATION_FORM.fields:
        assert GREEK.search(field.label_el), field.name
        assert GREEK.search(field.help_el), field.name
        assert field.label_en.strip(), field.name
        assert field.help_en.strip(), field.name
        assert field.label_el != field.label_en, field.name


def test_every_choice_is_labelled_in_greek_and_in_english() -> None:
    for field in REGISTRATION_FORM.fields:
        for choice in field.choices:
            assert GREEK.search(choice.label_el), (field.name, choice.value)
            assert choice.label_en.strip(), (field.name, choice.value)


def test_closed_sets_offer_exactly_the_values_the_api_accepts() -> None:
    def values(name: str) -> list[str]:
        field = REGISTRATION_FORM.field(name)
        assert field.type == "choice"
        return [choice.value for choice in field.choices]

    assert values("body.level") == [level.value for level in Level]
    assert values("main.seniority") == [seniority.value for seniority in Seniority]
    assert values("alternate.seniority") == [seniority.value for seniority in Seniority]
    assert values("submitted_by") == [role.value for role in Role]
    for role in Role:
        assert values(f"{role.value}.language") == [language.value for language in Language]


def test_only_closed_sets_have_choices() -> None:
    for field in REGISTRATION_FORM.fields:
        assert bool(field.choices) == (field.type == "choice"), field.name


def test_fields_have_the_types_a_browser_needs() -> None:
    types = {field.name: field.type for field in REGISTRATION_FORM.fields}

    assert types["body.website"] == "url"
    assert types["main.email"] == types["alternate.email"] == "email"
    assert types["main.phone"] == types["alternate.phone"] == "tel"
    assert types["consent"] == "boolean"


def test_the_required_fields_are_those_the_registration_cannot_do_without() -> None:
    optional = {field.name for field in REGISTRATION_FORM.fields if not field.required}

    assert optional == {
        "body.parent",
        "body.website",
        "main.seniority_justification",
        "main.phone",
        "main.language",
        "alternate.seniority_justification",
        "alternate.phone",
        "alternate.language",
    }


def test_a_justification_is_required_when_the_seniority_is_only_equivalent() -> None:
    for role in ("main", "alternate"):
        justification = REGISTRATION_FORM.field(f"{role}.seniority_justification")

        assert justification.required_when == RequiredWhen(
            field=f"{role}.seniority", value=Seniority.EQUIVALENT
        )
        assert justification.multiline


def test_the_alternate_is_an_optional_section_with_the_same_fields_as_the_main() -> None:
    sections = {section.key: section for section in REGISTRATION_FORM.sections}
    main = REGISTRATION_FORM.section_fields("main")
    alternate = REGISTRATION_FORM.section_fields("alternate")

    assert [s.key for s in REGISTRATION_FORM.sections] == [
        "body",
        "main",
        "alternate",
        "declaration",
    ]
    assert sections["alternate"].optional
    assert not sections["main"].optional
    assert [f.name.removeprefix("alternate.") for f in alternate] == [
        f.name.removeprefix("main.") for f in main
    ]
    assert [f.label_el for f in alternate] == [f.label_el for f in main]


def test_the_help_explains_the_rules_the_api_enforces() -> None:
    tax_id = REGISTRATION_FORM.field("body.tax_id")
    email = REGISTRATION_FORM.field("main.email")
    seniority = REGISTRATION_FORM.field("main.seniority")

    assert "9ψήφιος" in tax_id.help_el
    assert "EL" in tax_id.help_en
    assert "δωρεάν" in email.help_el
    assert "free webmail" in email.help_en
    assert "different addresses" in email.help_en
    assert "Heads of Directorates or Departments or a similar level" in seniority.help_en


def test_the_instructions_give_the_designation_deadline_and_who_signs_it() -> None:
    greek = " ".join(i.text_el for i in REGISTRATION_FORM.instructions)
    english = " ".join(i.text_en for i in REGISTRATION_FORM.instructions)

    assert "2 εργάσιμων ημερών" in greek
    assert "Γενικό Γραμματέα, Γραμματέα Υπηρεσίας ή αντίστοιχο" in greek
    assert "2 working days" in english
    assert "General Secretary, Service Secretary or equivalent" in english


def test_the_form_travels_as_json_and_back() -> None:
    as_json = REGISTRATION_FORM.model_dump_json()

    assert RegistrationForm.model_validate_json(as_json) == REGISTRATION_FORM


def test_the_form_cannot_be_changed_in_place() -> None:
    with pytest.raises(ValidationError):
        REGISTRATION_FORM.field("body.name").required = False  # type: ignore[misc]


def test_a_choice_field_without_choices_is_refused() -> None:
    with pytest.raises(ValidationError, match="choices go with type 'choice'"):
        FormField(
            name="body.level",
            section="body",
            type="choice",
            required=True,
            label_el="Επίπεδο",
            label_en="Level",
            help_el="-",
            help_en="-",
        )


def test_a_form_with_two_fields_of_one_name_is_refused() -> None:
    name = REGISTRATION_FORM.field("body.name")

    with pytest.raises(ValidationError, match="unique"):
        REGISTRATION_FORM.model_validate(
            {**REGISTRATION_FORM.model_dump(), "fields": [name.model_dump(), name.model_dump()]}
        )


def test_a_condition_on_an_unknown_choice_is_refused() -> None:
    broken = REGISTRATION_FORM.field("main.seniority_justification").model_copy(
        update={"required_when": RequiredWhen(field="main.seniority", value="intern")}
    )
    fields = [broken if f.name == broken.name else f for f in REGISTRATION_FORM.fields]

    with pytest.raises(ValidationError, match="no choice 'intern'"):
        RegistrationForm.model_validate({**REGISTRATION_FORM.model_dump(), "fields": fields})


def test_an_unknown_field_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        REGISTRATION_FORM.field("body.colour")


def test_the_sheet_is_a_pdf_of_a4_pages(sheet: bytes) -> None:
    reader = PdfReader(io.BytesIO(sheet))

    assert sheet.startswith(b"%PDF-")
    assert 2 <= len(reader.pages) <= 6
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS


def test_the_sheet_carries_the_bilingual_title(sheet: bytes) -> None:
    text = sheet_text(sheet)
    metadata = PdfReader(io.BytesIO(sheet)).metadata

    assert "Δίκτυο Καινοτομίας του Δημοσίου — Αίτηση εγγραφής" in text
    assert "Public Sector Innovation Network — Registration form" in text
    assert metadata is not None
    assert metadata.title == (
        "Δίκτυο Καινοτομίας του Δημοσίου — Αίτηση εγγραφής / "
        "Public Sector Innovation Network — Registration form"
    )


def test_the_sheet_shows_every_label_in_both_languages(sheet: bytes) -> None:
    text = sheet_text(sheet)

    assert "Επωνυμία φορέα *" in text
    assert "ΑΦΜ φορέα *" in text
    for field in REGISTRATION_FORM.fields:
        assert field.label_el in text, field.name
        assert field.label_en in text, field.name


def test_the_sheet_lists_the_choices_of_closed_sets(sheet: bytes) -> None:
    text = sheet_text(sheet)

    for choice in REGISTRATION_FORM.field("main.seniority").choices:
        assert f"{choice.label_el} · {choice.label_en}" in text


def test_the_sheet_gives_the_instructions(sheet: bytes) -> None:
    text = " ".join(sheet_text(sheet).split())

    assert "Οδηγίες · Instructions" in text
    assert "Γενικό Γραμματέα, Γραμματέα Υπηρεσίας ή αντίστοιχο" in text


def test_the_sheet_is_the_same_bytes_every_time() -> None:
    draw = render_form_sheet.__wrapped__

    assert draw(REGISTRATION_FORM) == draw(REGISTRATION_FORM)
