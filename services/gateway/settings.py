"""The gateway's settings (`GATEWAY_*`): where the services answer, who the staff are, limits."""

from __future__ import annotations

from functools import cached_property
from typing import Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.gateway.staff import StaffMember, parse_staff

DEVELOPMENT_BLIND_INDEX_KEY: Final = "development-only-blind-index-key-not-for-production"
"""Known to everyone: accepted outside production only (the service refuses it there)."""
BLIND_INDEX_KEY_MIN_BYTES: Final = 32
EXAMPLE_STAFF_EMAIL: Final = "innovationunit@example.gov.gr"
EXAMPLE_DPO_EMAIL: Final = "dpo@example.gov.gr"
"""The defaults of the addresses fit `make up` and the tests; production names its own."""


class GatewaySettings(BaseSettings):
    """Read from `GATEWAY_*`; the defaults fit `make up` (every service on 127.0.0.1)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", frozen=True, extra="ignore")

    registration_url: str = "http://127.0.0.1:8001"
    membership_url: str = "http://127.0.0.1:8002"
    observatory_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8005"
    newsletter_url: str = "http://127.0.0.1:8004"
    call_timeout_seconds: float = Field(10.0, gt=0)
    staff_emails: str = EXAMPLE_STAFF_EMAIL
    """The innovation unit's staff, who sign in as admins: comma-separated addresses, each
    `Name <address>` or just the address (the name is what the unit's pages show for whoever
    made a decision)."""
    blind_index_key: str = DEVELOPMENT_BLIND_INDEX_KEY
    """Keys the HMAC of an email that the directory knows representatives by."""
    session_idle_minutes: int = Field(30, ge=1)
    session_max_hours: int = Field(12, ge=1)
    """A session ends this long after its sign-in, however busy it is."""
    sign_in_link_minutes: int = Field(15, ge=1)
    sign_in_per_address: int = Field(5, ge=1)
    """Sign-in requests one address may make in a window."""
    sign_in_per_client: int = Field(20, ge=1)
    """Sign-in requests one client (IP address) may make in a window."""
    submit_per_client: int = Field(30, ge=1)
    """Form submissions one client may make in a window."""
    submit_per_address: int = Field(15, ge=1)
    """Form submissions one signed-in address may make in a window."""
    staff_submit_per_address: int = Field(300, ge=1)
    """Form submissions one member of staff may make in a window (two for each decision)."""
    rate_window_seconds: int = Field(900, ge=1)
    innovation_unit_email: str = EXAMPLE_STAFF_EMAIL
    """Where the pages send people with questions and accessibility feedback."""
    innovation_unit_phone: str = ""
    """The unit's telephone, shown by the accessibility statement when set."""
    data_protection_email: str = EXAMPLE_DPO_EMAIL
    """The data protection officer, named by the privacy notice."""

    @field_validator(
        "registration_url",
        "membership_url",
        "observatory_url",
        "notifications_url",
        "newsletter_url",
    )
    @classmethod
    def without_trailing_slash(cls, url: str) -> str:
        """Paths are joined with a leading slash."""
        return url.rstrip("/")

    @cached_property
    def staff_members(self) -> tuple[StaffMember, ...]:
        """The staff as configured, each with the subject id they decide as."""
        return parse_staff(self.staff_emails, self.blind_index_key)

    def staff(self) -> frozenset[str]:
        """The staff addresses, normalised as sign-in normalises a typed one."""
        return frozenset(member.email for member in self.staff_members)

    def unfit_for_production(self) -> list[str]:
        """Why these settings cannot run in production, naming each variable (empty: they can).

        The built-in key is public, and the example addresses would give the staff's sign-in
        and the people's questions to nobody (or to whoever owns the example domain).
        """
        reasons = []
        key = self.blind_index_key
        if key == DEVELOPMENT_BLIND_INDEX_KEY or len(key.encode()) < BLIND_INDEX_KEY_MIN_BYTES:
            reasons.append(
                f"GATEWAY_BLIND_INDEX_KEY must be set to {BLIND_INDEX_KEY_MIN_BYTES}"
                " random bytes or more"
            )
        if not self.staff():
            reasons.append("GATEWAY_STAFF_EMAILS must name the innovation unit's staff")
        addresses = {
            "GATEWAY_STAFF_EMAILS": sorted(self.staff()),
            "GATEWAY_INNOVATION_UNIT_EMAIL": [self.innovation_unit_email],
            "GATEWAY_DATA_PROTECTION_EMAIL": [self.data_protection_email],
        }
        for variable, emails in addresses.items():
            if any(is_example_address(email) for email in emails):
                reasons.append(f"{variable} must be the deployment's own address, not an example")
        return reasons


def is_example_address(email: str) -> bool:
    """An address of an example domain (`example.gov.gr`, `example.com`, `x.example`)."""
    domain = email.strip().lower().rpartition("@")[2]
    return not domain or "example" in domain.split(".")
