"""The observatory's own settings: where its public links point.

`OBSERVATORY_PUBLIC_URL` is where people reach the gateway's practice pages (the feed links
there); unset, it is `INNOVNET_PUBLIC_URL`, the one public address of every service.
`OBSERVATORY_CATALOGUE_CACHE` is how many catalogue searches are answered from memory until the
catalogue changes (0 turns that off).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PUBLIC_URL = "http://localhost:8000"


class ObservatorySettings(BaseSettings):
    """Read from `OBSERVATORY_*`; the defaults fit `make up`."""

    model_config = SettingsConfigDict(env_prefix="OBSERVATORY_", frozen=True, extra="ignore")

    public_url: str = Field(
        DEFAULT_PUBLIC_URL,
        validation_alias=AliasChoices("OBSERVATORY_PUBLIC_URL", "INNOVNET_PUBLIC_URL"),
    )
    catalogue_cache: int = Field(512, ge=0)
    """How many searches' answers the catalogue keeps until the next change (0: none)."""

    @property
    def base_url(self) -> str:
        """The public URL without a trailing slash."""
        return self.public_url.rstrip("/")
