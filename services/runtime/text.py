"""The one text type of every request model: NFC, no control or bidi characters, bounded, trimmed.

A value a person typed ends up in an event store, a projection, an email and a PDF; a NUL that
PostgreSQL cannot store or a right-to-left override that reverses what an admin reads must be
refused at the door, naming the field, rather than discovered downstream.

    Name = Annotated[str, CleanText(max_length=200, min_length=3)]
    Reason = Annotated[str, CleanText(max_length=2000, multiline=True)]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic import GetJsonSchemaHandler as JsonHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from contracts.errors import ErrorCode

BIDI_CONTROLS = frozenset(
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
"""Characters that reorder what a reader sees (the "Trojan Source" family)."""

MULTILINE_ALLOWED = frozenset("\n\t")
"""Control characters a multi-line field keeps; a single-line field keeps none."""

LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
"""Unicode's own line breaks: not control characters by category, but line breaks all the same."""


def is_noncharacter(char: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane are never text."""
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def refused_character(char: str, multiline: bool) -> str | None:
    """Why `char` may not appear in a text field, or None if it may."""
    if multiline and char in MULTILINE_ALLOWED:
        return None
    category = unicodedata.category(char)
    if char in BIDI_CONTROLS:
        return "a bidirectional control character"
    if char in LINE_SEPARATORS or char == "\n":
        return "a line break"
    if category == "Cc":
        return "a control character"
    if category == "Cs":
        return "a lone surrogate"
    if is_noncharacter(char):
        return "a Unicode noncharacter"
    return None


@dataclass(frozen=True)
class CleanText:
    """`Annotated` metadata making a str-like type clean text of bounded length.

    It runs before the type it annotates (str, EmailStr, HttpUrl...), so their own rules see
    the normalised value; its errors carry pydantic's `loc`, so FastAPI's 422 names the field.
    """

    max_length: int
    min_length: int = 1
    multiline: bool = False

    def clean(self, value: Any) -> Any:
        """The value NFC-normalised and trimmed; a refused character or length raises."""
        if not isinstance(value, str):
            return value  # the annotated type says what it expected
        text = unicodedata.normalize("NFC", value)
        if self.multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.strip()
        for position, char in enumerate(text):
            why = refused_character(char, self.multiline)
            if why is not None:
                raise PydanticCustomError(
                    ErrorCode.TEXT_CHARACTER.value,
                    "Text may not contain {why} (U+{code} at position {position})",
                    {"why": why, "code": f"{ord(char):04X}", "position": position},
                )
        if len(text) < self.min_length:
            raise PydanticKnownError("string_too_short", {"min_length": self.min_length})
        if len(text) > self.max_length:
            raise PydanticKnownError("string_too_long", {"max_length": self.max_length})
        return text

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.clean, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: JsonHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        if json_schema.get("type") == "string":
            json_schema["maxLength"] = min(
                json_schema.get("maxLength", self.max_length), self.max_length
            )
            json_schema["minLength"] = max(json_schema.get("minLength", 0), self.min_length)
        return json_schema
