"""The gateway's application: it records no events of its own, and holds its tables and settings."""

from __future__ import annotations

from datetime import timedelta

from services.gateway.calls import ServiceCalls
from services.gateway.database import GatewayDatabase
from services.gateway.rate_limits import RateLimits
from services.gateway.sessions import SessionStore
from services.gateway.settings import GatewaySettings
from services.runtime.application import ServiceApplication
from services.runtime.settings import ServiceSettings, SettingsRefused


class GatewayApplication(ServiceApplication):
    """Sessions, sign-in requests and rate counters in the gateway's database; its settings."""

    service_name = "gateway"
    gateway: GatewaySettings
    """Read once, when the resources open (the pages read them here too)."""
    database: GatewayDatabase
    sessions: SessionStore
    calls: ServiceCalls
    rate_limits: RateLimits
    jwt_secret: str = ""
    public_url: str = ""

    @classmethod
    def refuse_unfit_settings(cls, settings: ServiceSettings) -> None:
        """Production refuses the public blind-index key and the example addresses."""
        if settings.environment == "production":
            reasons = GatewaySettings().unfit_for_production()
            if reasons:  # like the runtime's refusal of weak secrets: each variable named
                raise SettingsRefused(f"gateway cannot start: {'; '.join(reasons)}")

    def open_resources(self, settings: ServiceSettings) -> None:
        self.refuse_unfit_settings(settings)  # also when started other than by the runner
        self.gateway = GatewaySettings()
        self.jwt_secret = settings.jwt_secret
        self.public_url = settings.public_url.rstrip("/")
        self.database = self.keeps(GatewayDatabase(settings.database_url))
        self.sessions = SessionStore(
            self.database,
            idle=timedelta(minutes=self.gateway.session_idle_minutes),
            lifetime=timedelta(hours=self.gateway.session_max_hours),
        )
        self.calls = self.keeps(ServiceCalls(self.gateway, settings.jwt_secret))
        self.rate_limits = RateLimits(self.database, self.gateway.rate_window_seconds)
