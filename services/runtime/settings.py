"""The one settings class every service reads, from its environment."""

from __future__ import annotations

import os
from typing import Any, Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.catalog import SERVICE_PORTS

DEVELOPMENT_MASTER_KEY = "ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYis="
"""Base64 of 32 bytes known to everyone: accepted outside production only."""

DEVELOPMENT_JWT_SECRET = "development-only-jwt-secret-not-for-production"  # noqa: S105

VAULT_DATABASE = "vault"
"""The key vault's database: per-person keys that seal personal data, shared like a KMS."""

LOCAL_SERVER_URL = "postgresql://postgres:postgres@127.0.0.1:5433/postgres"
"""The private PostgreSQL cluster that `make up` and `make test` run under .data/."""


def server_url() -> str:
    """The PostgreSQL server of the stack: `DATABASE_URL`, else the private local cluster."""
    return os.environ.get("DATABASE_URL") or LOCAL_SERVER_URL


def own_database_url(service: str, server: str) -> str:
    """The URL of a service's own database on `server`: role, password and database are its name."""
    parts = conninfo_to_dict(server)
    host, port = parts.get("host", "127.0.0.1"), parts.get("port", "5432")
    return f"postgresql://{service}:{service}@{host}:{port}/{service}"


class ServiceSettings(BaseSettings):
    """Settings of one service; its own values come from `<SERVICE>_*` variables.

    Shared infrastructure (Kafka, the environment name) has unprefixed names, so one
    environment can run every service while each still finds its own database.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    service: str
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="INNOVNET_ENV"
    )
    kafka_bootstrap_servers: str = Field(
        "localhost:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    consumer_group_prefix: str = Field("", validation_alias="KAFKA_CONSUMER_GROUP_PREFIX")
    """Prefixes every consumer group, so two deployments (or test runs) can share a cluster."""
    topic_prefix: str = Field("", validation_alias="KAFKA_TOPIC_PREFIX")
    """Prefixes every topic name on the broker, for the same reason; empty in production."""
    database_url: str = ""
    vault_database_url: str = Field("", validation_alias="VAULT_DATABASE_URL")
    master_key: str = Field(DEVELOPMENT_MASTER_KEY, validation_alias="INNOVNET_MASTER_KEY")
    jwt_secret: str = Field(DEVELOPMENT_JWT_SECRET, validation_alias="INNOVNET_JWT_SECRET")
    host: str = "127.0.0.1"
    port: int = 0

    @classmethod
    def for_service(cls, service: str) -> ServiceSettings:
        """Read the settings of `service` from the environment."""
        return cls(service=service, _env_prefix=f"{service.upper()}_")

    @model_validator(mode="after")
    def fill_local_defaults(self) -> ServiceSettings:
        """Default to the catalogue's port and the service's own database on the stack's server."""
        if not self.port:
            object.__setattr__(self, "port", SERVICE_PORTS.get(self.service, 0))
        if not self.database_url:
            object.__setattr__(self, "database_url", own_database_url(self.service, server_url()))
        if not self.vault_database_url:
            vault = own_database_url(VAULT_DATABASE, server_url())
            object.__setattr__(self, "vault_database_url", vault)
        return self

    @model_validator(mode="after")
    def refuse_development_secrets_in_production(self) -> ServiceSettings:
        """Production must bring its own master key and token secret."""
        if self.environment == "production":
            for name, value, public in (
                ("INNOVNET_MASTER_KEY", self.master_key, DEVELOPMENT_MASTER_KEY),
                ("INNOVNET_JWT_SECRET", self.jwt_secret, DEVELOPMENT_JWT_SECRET),
            ):
                if value == public:
                    raise ValueError(f"{name} must be set to a secret of its own in production")
        return self

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing's PostgreSQL persistence reads, from `database_url`."""
        parts: dict[str, Any] = conninfo_to_dict(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": str(parts.get("dbname", self.service)),
            "POSTGRES_HOST": str(parts.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(parts.get("port", "5432")),
            "POSTGRES_USER": str(parts.get("user", self.service)),
            "POSTGRES_PASSWORD": str(parts.get("password", "")),
        }
