"""Which changes between two JSON Schemas of one event version break its readers or its history.

Topics keep every event forever, so one version's schema must read every event ever written
with it, and every subscriber must read what the producer writes now. That leaves one safe
change: adding an optional property (consumers ignore what they do not know). Everything else
found here needs a new version, constraints included: a widened `maxItems`, `maxLength` or
`pattern` lets the producer write what subscribers of the version refuse, and a narrowed one
refuses events the topic already holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = Mapping[str, Any]

CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
)
"""The validation keywords that narrow a type: any change to one breaks a published version."""


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """The breaking changes from `old` to `new`, in words; empty when `new` is compatible."""
    comparison = _Comparison(old_root=old, new_root=new)
    comparison.compare(old, new, path="", visiting=frozenset())
    return comparison.changes


@dataclass(frozen=True)
class _Branch:
    """One alternative of a schema node, with the `$ref` it was reached through."""

    schema: Schema
    ref: str | None


@dataclass
class _Comparison:
    old_root: Schema
    new_root: Schema
    changes: list[str] = field(default_factory=list)

    def compare(
        self, old: Schema, new: Schema, path: str, visiting: frozenset[tuple[str, str]]
    ) -> None:
        old_branches = _branches(old, self.old_root)
        new_branches = _branches(new, self.new_root)
        old_kinds, new_kinds = _kinds(old_branches), _kinds(new_branches)
        if old_kinds != new_kinds:
            self.changes.append(
                f"{_describe(path)} changed type from {_words(old_kinds)} to {_words(new_kinds)}"
            )
            return
        self._compare_values(_allowed_values(old_branches), _allowed_values(new_branches), path)
        self._compare_constraints(old_branches, new_branches, path)
        self._compare_objects(old_branches, new_branches, path, visiting)
        old_arrays = [b.schema for b in old_branches if "array" in _kinds_of(b.schema)]
        new_arrays = [b.schema for b in new_branches if "array" in _kinds_of(b.schema)]
        if len(old_arrays) == len(new_arrays) == 1:
            self._compare_subschemas(old_arrays[0], new_arrays[0], "items", f"{path}[]", visiting)

    def _compare_values(
        self, old: frozenset[str] | None, new: frozenset[str] | None, path: str
    ) -> None:
        if old == new:
            return
        if old is None:
            self.changes.append(f"{_describe(path)} is now restricted to {_listed(new)}")
        elif new is None:
            self.changes.append(f"{_describe(path)} is no longer restricted to {_listed(old)}")
        else:
            if removed := old - new:
                self.changes.append(f"{_describe(path)} no longer allows {_listed(removed)}")
            if added := new - old:
                self.changes.append(f"{_describe(path)} now also allows {_listed(added)}")

    def _compare_constraints(
        self, old_branches: list[_Branch], new_branches: list[_Branch], path: str
    ) -> None:
        old_by_kind, new_by_kind = _constraints(old_branches), _constraints(new_branches)
        for kind in sorted(old_by_kind.keys() & new_by_kind.keys()):
            old, new = old_by_kind[kind], new_by_kind[kind]
            for keyword in CONSTRAINTS:
                before, after = old.get(keyword), new.get(keyword)
                if before == after:
                    continue
                if before is None:
                    change = f"now has {keyword} {_shown(after)}"
                elif after is None:
                    change = f"no longer has {keyword} {_shown(before)}"
                else:
                    change = f"changed {keyword} from {_shown(before)} to {_shown(after)}"
                self.changes.append(f"{_describe(path)} {change}")

    def _compare_objects(
        self,
        old_branches: list[_Branch],
        new_branches: list[_Branch],
        path: str,
        visiting: frozenset[tuple[str, str]],
    ) -> None:
        old_objects = [b for b in old_branches if "object" in _kinds_of(b.schema)]
        new_objects = [b for b in new_branches if "object" in _kinds_of(b.schema)]
        if len(old_objects) == len(new_objects) == 1:
            # A renamed model is the same shape on the wire: pair the only objects, not titles.
            pairs = [(old_objects[0], new_objects[0])]
        else:
            old_by_title = {b.schema.get("title"): b for b in old_objects}
            new_by_title = {b.schema.get("title"): b for b in new_objects}
            for title in old_by_title.keys() - new_by_title.keys():
                self.changes.append(f"{_describe(path)} no longer accepts a {title}")
            for title in new_by_title.keys() - old_by_title.keys():
                self.changes.append(f"{_describe(path)} now also accepts a {title}")
            pairs = [(b, new_by_title[t]) for t, b in old_by_title.items() if t in new_by_title]
        for old, new in pairs:
            refs = (old.ref or "", new.ref or "")
            if old.ref and new.ref and refs in visiting:
                continue  # a recursive model, already being compared further up this path
            self._compare_properties(old.schema, new.schema, path, visiting | {refs})

    def _compare_properties(
        self, old: Schema, new: Schema, path: str, visiting: frozenset[tuple[str, str]]
    ) -> None:
        old_properties: Schema = old.get("properties", {})
        new_properties: Schema = new.get("properties", {})
        old_required = set(old.get("required", ()))
        new_required = set(new.get("required", ()))
        for name, old_property in old_properties.items():
            where = _join(path, name)
            if name not in new_properties:
                self.changes.append(f"property '{where}' was removed")
                continue
            if name in new_required and name not in old_required:
                self.changes.append(f"optional property '{where}' became required")
            elif name in old_required and name not in new_required:
                self.changes.append(f"required property '{where}' became optional")
            self.compare(old_property, new_properties[name], where, visiting)
        for name in new_properties:
            if name not in old_properties and name in new_required:
                self.changes.append(f"new required property '{_join(path, name)}'")
        self._compare_subschemas(old, new, "additionalProperties", f"{path}{{}}", visiting)

    def _compare_subschemas(
        self,
        old: Schema,
        new: Schema,
        keyword: str,
        path: str,
        visiting: frozenset[tuple[str, str]],
    ) -> None:
        old_subschema, new_subschema = old.get(keyword), new.get(keyword)
        if isinstance(old_subschema, Mapping) and isinstance(new_subschema, Mapping):
            self.compare(old_subschema, new_subschema, path, visiting)


def _branches(node: Schema, root: Schema, ref: str | None = None) -> list[_Branch]:
    """The alternatives of `node`, with references resolved and unions flattened."""
    if "$ref" in node:
        return _branches(_resolve(node["$ref"], root), root, node["$ref"])
    for union in ("anyOf", "oneOf"):
        if union in node:
            return [branch for option in node[union] for branch in _branches(option, root)]
    if len(node.get("allOf", ())) == 1:
        return _branches(node["allOf"][0], root, ref)
    return [_Branch(node, ref)]


def _resolve(ref: str, root: Schema) -> Schema:
    if not ref.startswith("#/"):
        raise ValueError(f"only references inside the schema are supported, not {ref!r}")
    target: Any = root
    for token in ref[2:].split("/"):
        target = target[token.replace("~1", "/").replace("~0", "~")]
    if not isinstance(target, Mapping):
        raise ValueError(f"{ref!r} does not point to a schema")
    return target


def _kinds(branches: list[_Branch]) -> frozenset[str]:
    return frozenset(kind for branch in branches for kind in _kinds_of(branch.schema))


def _kinds_of(schema: Schema) -> frozenset[str]:
    """The JSON types a schema accepts; a string's format counts as part of its type."""
    declared = schema.get("type")
    if declared is None:
        if "const" in schema or "enum" in schema:
            values = [schema["const"]] if "const" in schema else schema["enum"]
            return frozenset(_json_type(value) for value in values)
        if "properties" in schema or "additionalProperties" in schema:
            return frozenset({"object"})
        if "items" in schema:
            return frozenset({"array"})
        return frozenset({"any"})
    names = [declared] if isinstance(declared, str) else declared
    string_format = schema.get("format")
    return frozenset(
        f"string ({string_format})" if name == "string" and string_format else name
        for name in names
    )


def _allowed_values(branches: list[_Branch]) -> frozenset[str] | None:
    """The enum and const values a node allows (as JSON), or None when it allows any value."""
    values: set[str] = set()
    for branch in branches:
        if branch.schema.get("type") == "null":
            continue
        if "const" in branch.schema:
            values.add(json.dumps(branch.schema["const"], sort_keys=True))
        elif "enum" in branch.schema:
            values.update(json.dumps(value, sort_keys=True) for value in branch.schema["enum"])
        else:
            return None
    return frozenset(values) or None


def _constraints(branches: list[_Branch]) -> dict[str, dict[str, Any]]:
    """Each JSON type's constraint keywords, for the types only one alternative accepts."""
    found: dict[str, dict[str, Any]] = {}
    ambiguous: set[str] = set()
    for branch in branches:
        keywords = {k: branch.schema[k] for k in CONSTRAINTS if k in branch.schema}
        for kind in _kinds_of(branch.schema):
            if kind in found:
                ambiguous.add(kind)
            found[kind] = keywords
    return {kind: keywords for kind, keywords in found.items() if kind not in ambiguous}


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(path: str) -> str:
    return f"property '{path}'" if path else "the event"


def _words(kinds: frozenset[str]) -> str:
    return " or ".join(sorted(kinds))


def _listed(values: frozenset[str] | None) -> str:
    return ", ".join(sorted(values or ()))
