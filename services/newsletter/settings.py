"""The newsletter's own settings (`NEWSLETTER_*`); the shared ones are the runtime's.

`NEWSLETTER_EXPIRY_EVERY` is how often (seconds) the expiry job looks for lapsed requests.
`NEWSLETTER_BOUNCE_HOST`/`NEWSLETTER_BOUNCE_PORT` (0: off) are where the bounce receiver
listens; `NEWSLETTER_RETURN_DOMAIN` names the domain of its return paths and mailto address
(the notifications service reads the same variable).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RETURN_DOMAIN = "newsletter.innovnet.localhost"


class NewsletterSettings(BaseSettings):
    """Read from `NEWSLETTER_*`; the defaults fit `make up`."""

    model_config = SettingsConfigDict(env_prefix="NEWSLETTER_", frozen=True, extra="ignore")

    expiry_every: float = Field(300.0, gt=0)
    """Seconds between two runs of the expiry job."""
    bounce_host: str = "127.0.0.1"
    bounce_port: int = Field(8026, ge=0, le=65535)
    """The bounce receiver's SMTP port; 0 runs none."""
    return_domain: str = DEFAULT_RETURN_DOMAIN
