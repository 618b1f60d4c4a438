"""The one way the gateway reads what a form posted: the runtime's text rules, at the door.

A posted value ends up in the session's draft (PostgreSQL `jsonb`, which cannot hold a NUL),
then in a service's request. So each text is read as `services.runtime.text` reads a request
model's: NFC, trimmed, no control, bidirectional or noncharacter code point, bounded. A value
that breaks a rule is kept without the refused characters (and cut to the bound), and its
refusal waits at that field, in the refusal's stable code, to be shown on the page:

    async def route(request: Request, posted: Posted) -> ...:
        posted.values["body.name"], posted.refused.get("body.name")

The services judge everything else (their own, tighter lengths too).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from fastapi import Depends, Request

from contracts.errors import ErrorCode
from contracts.observatory import PracticeTexts
from services.runtime.text import refused_character

MAX_LENGTH: Final = 5000
"""The longest text any form of the gateway takes (the services' own limits are lower)."""
MULTILINE_PARTS: Final = frozenset(
    {
        "seniority_justification",
        "reason",
        # A good practice's texts below its title (OPSI's), its websites and the unit's comment.
        *(name for name in PracticeTexts.model_fields if name != "title"),
        "websites",
        "comment",
    }
)
"""The fields (by the last part of their name) typed in a textarea, where line breaks belong."""


def is_multiline(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in MULTILINE_PARTS


def text_refusal(error: ErrorCode, /, **ctx: Any) -> dict[str, Any]:
    """A refusal as the pages keep it (the drafts' shape): its stable code and parameters."""
    return {"type": error.value, "ctx": ctx}


def clean_text(name: str, value: str) -> tuple[str, dict[str, Any] | None]:
    """`value` by the runtime's text rules, and the refusal of its field if it broke one."""
    multiline = is_multiline(name)
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    problem: dict[str, Any] | None = None
    kept = []
    for position, char in enumerate(text):
        why = refused_character(char, multiline)
        if why is None:
            kept.append(char)
        elif problem is None:
            code = f"{ord(char):04X}"
            problem = text_refusal(ErrorCode.TEXT_CHARACTER, why=why, code=code, position=position)
    text = "".join(kept).strip()
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH]
        problem = problem or text_refusal(ErrorCode.STRING_TOO_LONG, max_length=MAX_LENGTH)
    return text, problem


@dataclass(frozen=True)
class PostedTexts:
    """A posted form's text fields, clean, and the refusal of each field that was not."""

    values: dict[str, str] = field(default_factory=dict)
    refused: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_texts(raw: dict[str, str]) -> PostedTexts:
    """The texts of `raw` (name → value) by the rules; a name that is not clean text is dropped."""
    posted = PostedTexts()
    for name, value in raw.items():
        clean_name, name_problem = clean_text("", name)
        if name_problem is not None or clean_name != name:
            continue  # no form of ours has such a field
        posted.values[name], problem = clean_text(name, value)
        if problem is not None:
            posted.refused[name] = problem
    return posted


async def posted_texts(request: Request) -> PostedTexts:
    """Dependency: the posted form's texts (read here: the routes run in the thread pool)."""
    async with request.form() as form:
        return read_texts({name: v for name, v in form.items() if isinstance(v, str)})


Posted = Annotated[PostedTexts, Depends(posted_texts)]
