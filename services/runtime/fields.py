"""Filling a pydantic model from an object whose attributes carry the same names."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def copy_fields(model_class: type[M], source: object, **given: Any) -> M:
    """`model_class` from `source`'s attributes of the same names, and what is `given`.

    Every field must come from one or the other, defaults included: a field the source lacks
    fails here (for a contract event, the relay then parks the aggregate) instead of going out
    as its default after a rename.
    """
    wanted = [name for name in model_class.model_fields if name not in given]
    if missing := [name for name in wanted if not hasattr(source, name)]:
        raise AttributeError(
            f"{type(source).__qualname__} has no {', '.join(missing)} for {model_class.__name__}"
        )
    return model_class(**{name: getattr(source, name) for name in wanted}, **given)
