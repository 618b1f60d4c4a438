"""The base of every request body the services accept."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """Unknown fields are refused, so a misspelt field is named rather than ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
