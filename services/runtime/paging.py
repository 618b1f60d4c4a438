"""The one paging of every list endpoint: `page` and `page_size`, bounded so OFFSET stays sane."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, Self, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
V = TypeVar("V")

MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000
"""Deep enough for any list the network keeps; an OFFSET past 2 million rows is a mistake."""


@dataclass(frozen=True)
class Page:
    """Which slice of a list was asked for."""

    number: int
    size: int

    @property
    def limit(self) -> int:
        return self.size

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def paging(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1 for the first page")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> Page:
    """The page a list endpoint was asked for."""
    return Page(number=page, size=page_size)


Paging = Annotated[Page, Depends(paging)]
"""A list route's parameter: `def list_x(paging: Paging)` then `LIMIT paging.limit ...`."""


@dataclass(frozen=True)
class Listed(Generic[T]):
    """What a read model's list query found: one page of rows, and how many there are in all."""

    rows: Sequence[T]
    total: int

    def map(self, row: Callable[[T], V]) -> Listed[V]:
        """The same page with each row made into something else."""
        return Listed([row(r) for r in self.rows], self.total)


class PageOf(BaseModel, Generic[V]):
    """A page of a list, as every list endpoint answers it."""

    items: list[V]
    total: int
    page: int
    page_size: int

    @classmethod
    def of(cls, listed: Listed[T], page: Page, view: Callable[[T], V]) -> Self:
        """The page `listed` is, each row shown through `view`."""
        return cls(
            items=[view(row) for row in listed.rows],
            total=listed.total,
            page=page.number,
            page_size=page.size,
        )
