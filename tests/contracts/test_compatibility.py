"""Which schema changes break an event version, on synthetic schemas and on real models."""

from __future__ import annotations

from copy import deepcopy
from typing import Any, Literal

from pydantic import Field

from contracts.compatibility import breaking_changes
from contracts.events import ContractModel

Schema = dict[str, Any]

UUID_STRING = {"type": "string", "format": "uuid"}
ROLE = {"enum": ["main", "alternate"], "type": "string"}


def event(properties: Schema, required: list[str], defs: Schema | None = None) -> Schema:
    """An event schema as pydantic writes one."""
    schema: Schema = {"type": "object", "properties": properties, "required": required}
    return schema | {"$defs": defs} if defs else schema


ORIGINAL = event(
    {
        "registration_id": UUID_STRING,
        "role": {"$ref": "#/$defs/Role"},
        "reason": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "body": {"$ref": "#/$defs/Body"},
        "representative_ids": {"type": "array", "items": UUID_STRING},
    },
    ["registration_id", "role", "body", "representative_ids"],
    {
        "Role": ROLE,
        "Body": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "level": {"$ref": "#/$defs/Level"}},
            "required": ["name", "level"],
        },
        "Level": {"enum": ["central", "regional", "local"], "type": "string"},
    },
)


def changed(path: list[str | int], value: Any) -> Schema:
    """A copy of ORIGINAL with the value at `path` set, or removed when `value` is None."""
    schema = deepcopy(ORIGINAL)
    parent: Any = schema
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return schema


def test_an_unchanged_schema_is_compatible() -> None:
    assert breaking_changes(ORIGINAL, deepcopy(ORIGINAL)) == []


def test_removing_a_field_is_a_breaking_change() -> None:
    new = changed(["properties", "reason"], None)

    assert breaking_changes(ORIGINAL, new) == ["property 'reason' was removed"]


def test_changing_a_field_type_is_a_breaking_change() -> None:
    new = changed(["properties", "registration_id"], {"type": "integer"})

    assert breaking_changes(ORIGINAL, new) == [
        "property 'registration_id' changed type from string (uuid) to integer"
    ]


def test_changing_a_string_format_is_a_breaking_change() -> None:
    new = changed(["properties", "registration_id"], {"type": "string"})

    assert breaking_changes(ORIGINAL, new) == [
        "property 'registration_id' changed type from string (uuid) to string"
    ]


def test_making_a_field_nullable_is_a_breaking_change() -> None:
    nullable = {"anyOf": [UUID_STRING, {"type": "null"}]}

    assert breaking_changes(ORIGINAL, changed(["properties", "registration_id"], nullable)) == [
        "property 'registration_id' changed type from string (uuid) to null or string (uuid)"
    ]


def test_adding_a_required_field_is_a_breaking_change() -> None:
    new = changed(["properties", "unit"], {"type": "string"})
    new["required"].append("unit")

    assert breaking_changes(ORIGINAL, new) == ["new required property 'unit'"]


def test_adding_an_optional_field_is_compatible() -> None:
    new = changed(["properties", "unit"], {"anyOf": [{"type": "string"}, {"type": "null"}]})

    assert breaking_changes(ORIGINAL, new) == []


def test_making_an_optional_field_required_is_a_breaking_change() -> None:
    new = changed(["required"], [*ORIGINAL["required"], "reason"])

    assert breaking_changes(ORIGINAL, new) == ["optional property 'reason' became required"]


def test_making_a_required_field_optional_is_a_breaking_change() -> None:
    new = changed(["required"], ["registration_id", "role", "body"])

    assert breaking_changes(ORIGINAL, new) == [
        "required property 'representative_ids' became optional"
    ]


def test_removing_an_enum_value_is_a_breaking_change() -> None:
    new = changed(["$defs", "Role", "enum"], ["main"])

    assert breaking_changes(ORIGINAL, new) == ["property 'role' no longer allows \"alternate\""]


def test_adding_an_enum_value_is_a_breaking_change() -> None:
    new = changed(["$defs", "Role", "enum"], ["main", "alternate", "deputy"])

    assert breaking_changes(ORIGINAL, new) == ["property 'role' now also allows \"deputy\""]


def test_restricting_a_free_field_to_values_is_a_breaking_change() -> None:
    new = changed(["properties", "reason", "anyOf", 0], {"enum": ["moved"], "type": "string"})

    assert breaking_changes(ORIGINAL, new) == ["property 'reason' is now restricted to \"moved\""]


def test_changes_inside_nested_models_are_found_through_references() -> None:
    new = changed(["$defs", "Level", "enum"], ["central", "local"])
    del new["$defs"]["Body"]["properties"]["name"]

    assert breaking_changes(ORIGINAL, new) == [
        "property 'body.name' was removed",
        "property 'body.level' no longer allows \"regional\"",
    ]


def test_changes_to_list_items_are_breaking() -> None:
    new = changed(["properties", "representative_ids", "items"], {"type": "string"})

    assert breaking_changes(ORIGINAL, new) == [
        "property 'representative_ids[]' changed type from string (uuid) to string"
    ]


def test_a_renamed_nested_model_with_the_same_shape_is_compatible() -> None:
    new = deepcopy(ORIGINAL)
    new["$defs"]["PublicBody"] = new["$defs"].pop("Body")
    new["properties"]["body"] = {"$ref": "#/$defs/PublicBody"}

    assert breaking_changes(ORIGINAL, new) == []


class Unit(ContractModel):
    """A recursive model: a unit and the unit above it."""

    name: str
    parent: Unit | None = None


class UnitWithCode(ContractModel):
    """The same model with an optional field added."""

    name: str
    code: str | None = None
    parent: UnitWithCode | None = None


class UnitWithoutName(ContractModel):
    """The same model with a field removed."""

    parent: UnitWithoutName | None = None


def test_recursive_models_are_compared_without_end() -> None:
    old = Unit.model_json_schema()

    assert breaking_changes(old, UnitWithCode.model_json_schema()) == []
    assert breaking_changes(old, UnitWithoutName.model_json_schema()) == [
        "property 'name' was removed"
    ]


class DecisionV1(ContractModel):
    """A pydantic model as first published."""

    outcome: Literal["verified", "rejected"]
    reason: str | None = None


class DecisionAdditive(ContractModel):
    """The same model with an optional field and a default."""

    outcome: Literal["verified", "rejected"]
    reason: str | None = None
    reviewer_note: str | None = None


class DecisionNarrowed(ContractModel):
    """The same model with a literal value taken away."""

    outcome: Literal["verified"]
    reason: str | None = None


def test_pydantic_models_follow_the_same_rules() -> None:
    old = DecisionV1.model_json_schema()

    assert breaking_changes(old, DecisionAdditive.model_json_schema()) == []
    assert breaking_changes(old, DecisionNarrowed.model_json_schema()) == [
        "property 'outcome' no longer allows \"rejected\""
    ]


def test_widening_the_most_items_of_a_list_is_a_breaking_change() -> None:
    listed = changed(["properties", "representative_ids", "maxItems"], 2)
    widened = changed(["properties", "representative_ids", "maxItems"], 3)

    assert breaking_changes(listed, widened) == [
        "property 'representative_ids' changed maxItems from 2 to 3"
    ]


def test_dropping_or_adding_a_length_limit_is_a_breaking_change() -> None:
    limited = changed(["$defs", "Body", "properties", "name", "maxLength"], 300)

    assert breaking_changes(limited, ORIGINAL) == [
        "property 'body.name' no longer has maxLength 300"
    ]
    assert breaking_changes(ORIGINAL, limited) == ["property 'body.name' now has maxLength 300"]


def test_changing_a_pattern_is_a_breaking_change() -> None:
    nine = changed(["properties", "tax_id"], {"type": "string", "pattern": "^[0-9]{9}$"})
    any_digits = changed(["properties", "tax_id"], {"type": "string", "pattern": "^[0-9]+$"})

    assert breaking_changes(nine, any_digits) == [
        'property \'tax_id\' changed pattern from "^[0-9]{9}$" to "^[0-9]+$"'
    ]


def test_a_limit_on_the_string_of_a_nullable_field_is_compared_too() -> None:
    reason = ["properties", "reason", "anyOf", 0, "maxLength"]

    assert breaking_changes(changed(reason, 500), changed(reason, 2000)) == [
        "property 'reason' changed maxLength from 500 to 2000"
    ]


def test_fewest_items_shortest_length_and_number_bounds_are_compared() -> None:
    old = changed(["properties", "size"], {"type": "integer", "exclusiveMinimum": 0})
    old["properties"]["representative_ids"]["minItems"] = 1
    old["$defs"]["Body"]["properties"]["name"]["minLength"] = 1
    new = changed(["properties", "size"], {"type": "integer", "minimum": 0})

    assert breaking_changes(old, new) == [
        "property 'body.name' no longer has minLength 1",
        "property 'representative_ids' no longer has minItems 1",
        "property 'size' now has minimum 0",
        "property 'size' no longer has exclusiveMinimum 0",
    ]


class Ids(ContractModel):
    """A pydantic list of at most two ids, as first published."""

    ids: list[str] = Field(min_length=1, max_length=2)


class MoreIds(ContractModel):
    """The same list allowing three."""

    ids: list[str] = Field(min_length=1, max_length=3)


def test_a_widened_pydantic_list_is_a_breaking_change() -> None:
    assert breaking_changes(Ids.model_json_schema(), MoreIds.model_json_schema()) == [
        "property 'ids' changed maxItems from 2 to 3"
    ]
