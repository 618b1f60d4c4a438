"""Filling a pydantic model from an object whose attributes carry the same names."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def copy_fields(model_class: type[M], source: object, **given: Any) -> M:
    """`model_class` from `source`'s attributes of the same names, and what is `given`.

    The model validates the result, so a field the source lacks fails loudly here (a contract
    event: the relay then parks the aggregate) instead of going out empty.
    """
    values = {
        name: getattr(source, name)
        for name in model_class.model_fields
        if name not in given and hasattr(source, name)
    }
    return model_class(**values, **given)
