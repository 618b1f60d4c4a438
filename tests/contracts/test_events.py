"""Contract events: names, versions, types, and what producers and consumers may rely on."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from contracts import registration
from contracts.registration import Body, Level, RegistrationEvent, RepresentativeNominated
from contracts.topics import EVENT_TYPES

FORBIDDEN_FIELD_WORDS = ("token", "password", "secret")


class RepresentativeNominatedV2(RegistrationEvent):
    """A second major version, as a breaking change would introduce it."""

    registration_id: str


def test_the_ce_type_names_the_service_the_event_and_its_version() -> None:
    assert (
        registration.RegistrationSubmitted.ce_type()
        == "gr.innovnet.registration.RegistrationSubmitted.v1"
    )


def test_a_v_suffix_makes_a_new_version_of_the_same_event() -> None:
    assert RepresentativeNominatedV2.event_name == "RepresentativeNominated"
    assert RepresentativeNominatedV2.version == 2
    assert (
        RepresentativeNominatedV2.ce_type() == "gr.innovnet.registration.RepresentativeNominated.v2"
    )


def test_the_erasure_event_is_typed_by_the_service_that_erased() -> None:
    assert (
        registration.PersonalDataErased.ce_type()
        == "gr.innovnet.registration.PersonalDataErased.v1"
    )


@pytest.mark.parametrize("event", EVENT_TYPES.values(), ids=EVENT_TYPES.keys())
def test_every_event_has_a_one_line_docstring_for_its_schema(event: type[BaseModel]) -> None:
    docstring = inspect.getdoc(event) or ""
    assert docstring
    assert "\n" not in docstring
    assert event.model_json_schema()["description"] == docstring


@pytest.mark.parametrize("event", EVENT_TYPES.values(), ids=EVENT_TYPES.keys())
def test_no_event_has_a_field_that_could_carry_a_secret(event: type[BaseModel]) -> None:
    names = _field_names(event.model_json_schema())
    assert not [name for name in names if any(word in name for word in FORBIDDEN_FIELD_WORDS)]


def test_events_are_immutable(nomination: RepresentativeNominated) -> None:
    with pytest.raises(ValidationError):
        nomination.unit = "another unit"  # type: ignore[misc]


def test_consumers_ignore_fields_they_do_not_know(nomination: RepresentativeNominated) -> None:
    data = nomination.model_dump(mode="json") | {"added_in_a_later_release": 42}

    assert RepresentativeNominated.model_validate(data) == nomination


def test_event_times_must_carry_a_timezone(nomination: RepresentativeNominated) -> None:
    data = nomination.model_dump() | {"nominated_at": datetime(2026, 4, 9, 10, 30)}

    with pytest.raises(ValidationError, match="nominated_at"):
        RepresentativeNominated.model_validate(data)


@pytest.mark.parametrize("tax_id", ["12345678", "1234567890", "EL123456789", "12345678A"])
def test_a_body_tax_id_is_exactly_nine_digits(tax_id: str) -> None:
    with pytest.raises(ValidationError, match="tax_id"):
        Body(name="Ministry of the Interior", tax_id=tax_id, level=Level.CENTRAL)


def _field_names(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = list(schema.get("properties", {}))
        return own + [name for value in schema.values() for name in _field_names(value)]
    if isinstance(schema, list):
        return [name for value in schema for name in _field_names(value)]
    return []
