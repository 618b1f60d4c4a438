"""The gateway's application: it records no events of its own, and holds its tables and settings."""

from __future__ import annotations

from services.gateway.calls import ServiceCalls
from services.gateway.database import GatewayDatabase
from services.gateway.rate_limits import RateLimits
from services.gateway.settings import DEVELOPMENT_BLIND_INDEX_KEY, GatewaySettings
from services.runtime.application import ServiceApplication
from services.runtime.settings import ServiceSettings


class GatewayApplication(ServiceApplication):
    """Sessions, sign-in requests and rate counters in the gateway's database; its settings."""

    service_name = "gateway"
    gateway: GatewaySettings = GatewaySettings()
    database: GatewayDatabase
    calls: ServiceCalls
    rate_limits: RateLimits
    jwt_secret: str = ""
    public_url: str = ""

    def open_resources(self, settings: ServiceSettings) -> None:
        self.gateway = GatewaySettings()
        if settings.environment == "production" and (
            self.gateway.blind_index_key == DEVELOPMENT_BLIND_INDEX_KEY
            or len(self.gateway.blind_index_key.encode()) < 32
        ):
            raise ValueError("GATEWAY_BLIND_INDEX_KEY must be set to 32 random bytes or more")
        self.jwt_secret = settings.jwt_secret
        self.public_url = settings.public_url.rstrip("/")
        self.database = self.keeps(GatewayDatabase(settings.database_url))
        self.calls = self.keeps(ServiceCalls(self.gateway, settings.jwt_secret))
        self.rate_limits = RateLimits(self.database, self.gateway.rate_window_seconds)
