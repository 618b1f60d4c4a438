"""Personal data in contracts: sealed values and where they are."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from contracts.events import ContractModel
from contracts.personal import PERSONAL_DATA_MARK, Sealed, personal_data_fields
from contracts.registration import (
    DesignationReceived,
    RegistrationSubmitted,
    RepresentativeNominated,
)
from contracts.topics import TOPICS


class Contact(ContractModel):
    """A nested model holding personal data."""

    email: Sealed
    office: str


class Holder(ContractModel):
    """A model with personal data at every depth and in every container."""

    nickname: Sealed | None = None
    contact: Contact
    contacts: list[Contact]
    aliases: dict[str, Sealed]
    note: str


class Person(ContractModel):
    """A recursive model."""

    name: Sealed
    manager: Person | None = None


def test_the_sealed_fields_of_a_nomination_are_its_personal_data() -> None:
    assert personal_data_fields(RepresentativeNominated) == ["full_name", "email", "phone"]


def test_the_signer_of_a_designation_is_personal_data() -> None:
    assert personal_data_fields(DesignationReceived) == ["signed_by_name"]


def test_a_submitted_form_carries_no_personal_data() -> None:
    assert personal_data_fields(RegistrationSubmitted) == []


def test_nested_and_contained_sealed_fields_are_found() -> None:
    assert personal_data_fields(Holder) == [
        "nickname",
        "contact.email",
        "contacts[].email",
        "aliases[]",
    ]


def test_a_recursive_model_is_walked_once() -> None:
    assert personal_data_fields(Person) == ["name", "manager.name"]


def test_the_schema_of_a_sealed_value_marks_it_as_personal_data() -> None:
    schema = RepresentativeNominated.model_json_schema()

    assert schema["$defs"]["Sealed"][PERSONAL_DATA_MARK] is True
    assert schema["properties"]["email"] == {"$ref": "#/$defs/Sealed"}


@pytest.mark.parametrize(
    "ciphertext", ["maria.papadopoulou@interior.gov.gr", "Maria Papadopoulou", "c2hvcnQ"]
)
def test_a_value_in_clear_is_not_a_sealed_value(ciphertext: str) -> None:
    with pytest.raises(ValidationError, match="ciphertext"):
        Sealed(subject_id=uuid4(), ciphertext=ciphertext)


SECRET_WORDS = ("token", "password", "secret", "signature", "link", "url", "key")


def test_no_event_carries_a_field_that_could_hold_a_secret_or_a_secret_link() -> None:
    # Links in emails are signed and expire: they are made when sent, never stored in events.
    for topic in TOPICS:
        for event in topic.events:
            for path in _field_paths(event):
                leaf = path.rsplit(".", 1)[-1].lower()
                assert not any(word in leaf for word in SECRET_WORDS), f"{event.__name__}.{path}"


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        paths.append(f"{prefix}{name}")
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths.extend(_field_paths(annotation, f"{prefix}{name}."))
    return paths
