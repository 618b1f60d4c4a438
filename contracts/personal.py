"""Personal data in contracts: sealed per data subject, and erased by destroying the key."""

from __future__ import annotations

import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import Any, Literal, get_args, get_origin
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events import ContractEvent, ContractModel

PERSONAL_DATA_MARK = "x-personal-data"
"""The JSON Schema keyword that marks a value as personal data in `schemas/` and AsyncAPI."""

# AES-256-GCM with a 96-bit nonce and a 128-bit tag: 28 bytes before any plaintext byte.
_SHORTEST_CIPHERTEXT = 38  # characters of unpadded base64url for 28 bytes


class Sealed(ContractModel):
    """A personal-data value encrypted with the key of the person it is about."""

    model_config = ConfigDict(json_schema_extra={PERSONAL_DATA_MARK: True})

    subject_id: UUID
    """The data subject whose key seals the value; erasing them destroys that key."""
    ciphertext: str = Field(pattern=r"^[A-Za-z0-9_-]+={0,2}$", min_length=_SHORTEST_CIPHERTEXT)
    """Base64url of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes) of the UTF-8 value."""
    alg: Literal["A256GCM"] = "A256GCM"
    """The JOSE name of the cipher: AES-256-GCM."""


class PersonalDataErased(ContractEvent):
    """Base of each owner's erasure event: the subject's key is gone, drop their plaintext."""

    subject_id: UUID
    """The data subject whose key was destroyed."""
    erased_at: AwareDatetime


def personal_data_fields(model: type[BaseModel]) -> list[str]:
    """The paths of the sealed fields of `model`: nested ones dotted, items as `name[]`."""
    return list(dict.fromkeys(_sealed_paths_in_model(model, prefix="", ancestors=())))


def _sealed_paths_in_model(
    model: type[BaseModel], prefix: str, ancestors: tuple[type[BaseModel], ...]
) -> Iterator[str]:
    # A recursive model is followed one level down, enough to show where its data recurs.
    if ancestors.count(model) > 1:
        return
    for name, field in model.model_fields.items():
        yield from _sealed_paths(field.annotation, f"{prefix}{name}", (*ancestors, model))


def _sealed_paths(
    annotation: Any, path: str, ancestors: tuple[type[BaseModel], ...]
) -> Iterator[str]:
    if inspect.isclass(annotation) and issubclass(annotation, Sealed):
        yield path
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield from _sealed_paths_in_model(annotation, f"{path}.", ancestors)
    else:
        # A collection's items are one level down (a mapping's values, not its keys);
        # unions and Annotated keep the path.
        origin = get_origin(annotation)
        is_collection = inspect.isclass(origin) and issubclass(origin, Collection)
        is_mapping = inspect.isclass(origin) and issubclass(origin, Mapping)
        arguments = get_args(annotation)[1:] if is_mapping else get_args(annotation)
        item_path = f"{path}[]" if is_collection else path
        for argument in arguments:
            yield from _sealed_paths(argument, item_path, ancestors)
