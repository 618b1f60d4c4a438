"""The form's field rules, one by one, as a person filling it in meets them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from contracts.errors import ErrorCode
from services.registration.models import RegistrationCreate, RepresentativeCreate
from tests.registration.conftest import form


def errors(data: dict[str, Any]) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as raised:
        RegistrationCreate.model_validate(data)
    return {tuple(e["loc"]): e["msg"] for e in raised.value.errors()}


def with_body(**changes: Any) -> dict[str, Any]:
    return form(body={**form()["body"], **changes})


def with_main(**changes: Any) -> dict[str, Any]:
    return form(main={**form()["main"], **changes})


@pytest.mark.parametrize("tax_id", ["EL094014201", "el 094 014 201", "094014201", "GR094014201"])
def test_a_tax_number_may_carry_the_el_prefix_and_is_kept_as_nine_digits(tax_id: str) -> None:
    assert RegistrationCreate.model_validate(with_body(tax_id=tax_id)).body.tax_id == "094014201"


@pytest.mark.parametrize(
    ("tax_id", "message"),
    [
        ("094014202", "check digit"),
        ("000000000", "all zeros"),
        ("1234567", "9 digits"),
        ("ABCDEFGHI", "9 digits"),
    ],
)
def test_a_wrong_tax_number_is_refused_saying_why(tax_id: str, message: str) -> None:
    assert message in errors(with_body(tax_id=tax_id))[("body", "tax_id")]


@pytest.mark.parametrize("domain", ["gmail.com", "yahoo.gr", "hotmail.com", "outlook.com"])
def test_free_webmail_addresses_are_refused(domain: str) -> None:
    message = errors(with_main(email=f"someone@{domain}"))[("main", "email")]
    assert "organisation" in message


def test_an_organisation_email_is_accepted_and_kept_in_lower_case() -> None:
    parsed = RegistrationCreate.model_validate(with_main(email="M.Papadopoulou@Example.GOV.gr"))
    assert parsed.main.email == "m.papadopoulou@example.gov.gr"


@pytest.mark.parametrize("seniority", ["section_head", "officer", "employee"])
def test_a_position_below_head_of_department_is_refused_in_words(seniority: str) -> None:
    assert "senior executives" in errors(with_main(seniority=seniority))[("main", "seniority")]


@pytest.mark.parametrize(
    "seniority", ["general_directorate_head", "directorate_head", "department_head"]
)
def test_heads_of_general_directorates_directorates_and_departments_are_accepted(
    seniority: str,
) -> None:
    assert RegistrationCreate.model_validate(with_main(seniority=seniority)).main.seniority


def test_an_equivalent_level_needs_a_short_justification() -> None:
    loc = ("main", "seniority_justification")
    assert loc in errors(with_main(seniority="equivalent"))
    justified = with_main(seniority="equivalent", seniority_justification="Συντονιστής Κέντρου")
    assert RegistrationCreate.model_validate(justified).main.seniority == "equivalent"


def test_consent_is_required() -> None:
    assert "consent" in errors(form(consent=False))[("consent",)]


def test_a_phone_is_kept_in_international_form() -> None:
    parsed = RepresentativeCreate.model_validate({**form()["main"], "phone": "210 000 0000"})
    assert parsed.phone == "+302100000000"


def test_a_misspelt_field_is_named_rather_than_ignored() -> None:
    assert ("main", "emial") in errors(with_main(emial="x@example.gov.gr"))


def codes(data: dict[str, Any]) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as raised:
        RegistrationCreate.model_validate(data)
    return {tuple(e["loc"]): e["type"] for e in raised.value.errors()}


@pytest.mark.parametrize(
    ("data", "loc", "code"),
    [
        (with_body(tax_id="094014202"), ("body", "tax_id"), "afm_check_digit"),
        (with_body(tax_id="000000000"), ("body", "tax_id"), "afm_all_zeros"),
        (with_body(tax_id="1234567"), ("body", "tax_id"), "afm_format"),
        (with_main(email="someone@gmail.com"), ("main", "email"), "webmail_not_allowed"),
        (with_main(phone="12"), ("main", "phone"), "phone_invalid"),
        (with_main(seniority="section_head"), ("main", "seniority"), "seniority_too_low"),
        (with_main(seniority="chief"), ("main", "seniority"), "enum"),
        (
            with_main(seniority="equivalent"),
            ("main", "seniority_justification"),
            "equivalent_not_justified",
        ),
        (form(consent=False), ("consent",), "consent_required"),
    ],
)
def test_each_refusal_of_the_form_carries_its_stable_code(
    data: dict[str, Any], loc: tuple[str, ...], code: str
) -> None:
    assert codes(data)[loc] == code
    assert code in set(ErrorCode)


def test_a_webmail_refusal_names_the_domain_in_its_parameters() -> None:
    with pytest.raises(ValidationError) as raised:
        RegistrationCreate.model_validate(with_main(email="someone@gmail.com"))
    (error,) = raised.value.errors()
    assert error["ctx"] == {"domain": "gmail.com"}
    assert error["msg"].endswith("(gmail.com)")
