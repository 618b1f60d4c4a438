"""The notifications service's own settings: the mail relay, retries and reminders.

The links in emails start with the one public address of every service, `ServiceSettings
.public_url` (`INNOVNET_PUBLIC_URL`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MailSettings(BaseSettings):
    """Read from `NOTIFICATIONS_*`; the defaults fit `make up` (the local sink on port 8025)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", frozen=True, extra="ignore")

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    """`starttls` upgrades a plain connection; `tls` is implicit TLS (usually port 465)."""
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = 10.0
    sender: str = "Δίκτυο Καινοτομίας <innovationunit@example.gov.gr>"
    innovation_unit_email: str = "innovationunit@example.gov.gr"
    """Where the unit's notices go (overdue designations, practices to review): an office
    address, not a person's."""
    max_attempts: int = Field(8, ge=1)
    """Tries before an email goes to the dead-letter state."""
    retry_base_seconds: float = Field(2.0, gt=0)
    retry_max_seconds: float = Field(300.0, gt=0)
    deliver_every_seconds: float = Field(1.0, gt=0)
    reminder_hour: int = Field(8, ge=0, le=23)
    """The hour (Europe/Athens) of the due-day reminder."""
    invitation_link_days: int = Field(14, ge=1)
    """How long the accept/decline links of an invitation stay valid."""

    def backoff_seconds(self, attempts: int) -> float:
        """The wait after the `attempts`-th failure: doubling from the base, capped."""
        return float(min(self.retry_max_seconds, self.retry_base_seconds * 2 ** (attempts - 1)))
