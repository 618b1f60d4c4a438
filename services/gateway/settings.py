"""The gateway's settings (`GATEWAY_*`): where the services answer, who the staff are, limits."""

from __future__ import annotations

from typing import Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_BLIND_INDEX_KEY: Final = "development-only-blind-index-key-not-for-production"
"""Known to everyone: accepted outside production only (the service refuses it there)."""


class GatewaySettings(BaseSettings):
    """Read from `GATEWAY_*`; the defaults fit `make up` (every service on 127.0.0.1)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", frozen=True, extra="ignore")

    registration_url: str = "http://127.0.0.1:8001"
    membership_url: str = "http://127.0.0.1:8002"
    notifications_url: str = "http://127.0.0.1:8005"
    call_timeout_seconds: float = Field(10.0, gt=0)
    staff_emails: str = "innovationunit@example.gov.gr"
    """Comma-separated addresses of the innovation unit's staff, who sign in as admins."""
    blind_index_key: str = DEVELOPMENT_BLIND_INDEX_KEY
    """Keys the HMAC of an email that the directory knows representatives by."""
    session_idle_minutes: int = Field(30, ge=1)
    sign_in_link_minutes: int = Field(15, ge=1)
    sign_in_per_address: int = Field(5, ge=1)
    """Sign-in requests one address may make in a window."""
    sign_in_per_client: int = Field(20, ge=1)
    """Sign-in requests one client (IP address) may make in a window."""
    submit_per_client: int = Field(30, ge=1)
    """Form submissions one client may make in a window."""
    submit_per_address: int = Field(15, ge=1)
    """Form submissions one signed-in address may make in a window."""
    rate_window_seconds: int = Field(900, ge=1)
    innovation_unit_email: str = "innovationunit@example.gov.gr"
    """Where the pages send people with questions and accessibility feedback."""
    innovation_unit_phone: str = ""
    """The unit's telephone, shown by the accessibility statement when set."""
    data_protection_email: str = "dpo@example.gov.gr"
    """The data protection officer, named by the privacy notice."""

    @field_validator("registration_url", "membership_url", "notifications_url")
    @classmethod
    def without_trailing_slash(cls, url: str) -> str:
        """Paths are joined with a leading slash."""
        return url.rstrip("/")

    def staff(self) -> frozenset[str]:
        """The staff addresses, normalised as sign-in normalises a typed one."""
        return frozenset(
            email.strip().lower() for email in self.staff_emails.split(",") if email.strip()
        )
