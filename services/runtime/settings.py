"""The one settings class every service reads, from its environment."""

from __future__ import annotations

import os
from typing import Any, Literal

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, ValidationError, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.catalog import SERVICE_PORTS
from services.runtime.sealing import MASTER_KEY_BYTES, master_key_from_setting

DEVELOPMENT_MASTER_KEY = "ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYis="
"""Base64 of 32 bytes known to everyone: accepted outside production only."""

DEVELOPMENT_JWT_SECRET = "development-only-jwt-secret-not-for-production"  # noqa: S105

SECRET_MIN_BYTES = MASTER_KEY_BYTES
"""Production secrets carry at least 256 bits (the master key exactly 32 bytes)."""

_SECRET_MIN_DISTINCT_BYTES = 8
"""Random 32 bytes, or their hex or base64, hold far more different bytes than this."""

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


class SettingsRefused(ValueError):
    """The environment cannot run a service; the message names each variable and why."""


class ServiceSettings(BaseSettings):
    """Settings of one service; its own values come from `<SERVICE>_*` variables.

    Shared infrastructure (Kafka, the environment name) has unprefixed names, so one
    environment can run every service while each still finds its own database.
    """

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    service: str
    environment: Literal["development", "test", "production"] = Field(
        "production", validation_alias="INNOVNET_ENV"
    )
    """Unset means production, so a forgotten variable can never run on the public secrets."""
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
    public_url: str = Field("http://localhost:8000", validation_alias="INNOVNET_PUBLIC_URL")
    """Where people reach the gateway: every link in an email (sign-in, upload) starts with it."""
    host: str = "127.0.0.1"
    port: int = 0

    @classmethod
    def for_service(cls, service: str) -> ServiceSettings:
        """Read the settings of `service` from the environment, or raise `SettingsRefused`."""
        try:
            return cls(service=service, _env_prefix=f"{service.upper()}_")
        except ValidationError as error:
            reasons = "; ".join(_reason(detail) for detail in error.errors())
            # `from None`: pydantic's own report would show part of the input, a secret maybe.
            raise SettingsRefused(f"{service} cannot start: {reasons}") from None

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
    def refuse_weak_secrets_in_production(self) -> ServiceSettings:
        """Production must bring its own master key and token secret, both random enough."""
        if self.environment == "production":
            weaknesses = [
                master_key_weakness(self.master_key),
                jwt_secret_weakness(self.jwt_secret),
            ]
            if any(weaknesses):
                raise ValueError("; ".join(w for w in weaknesses if w))
        return self

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing's PostgreSQL persistence reads, from `database_url`."""
        parts: dict[str, Any] = conninfo_to_dict(self.database_url)
        return {
            "POSTGRES_DBNAME": str(parts.get("dbname", self.service)),
            "POSTGRES_HOST": str(parts.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(parts.get("port", "5432")),
            "POSTGRES_USER": str(parts.get("user", self.service)),
            "POSTGRES_PASSWORD": str(parts.get("password", "")),
        }


def master_key_weakness(value: str) -> str | None:
    """Why `INNOVNET_MASTER_KEY` is not fit for production: public, not 32 bytes, not random."""
    name = "INNOVNET_MASTER_KEY"
    if value == DEVELOPMENT_MASTER_KEY:
        return f"{name} is the built-in development key; production needs its own"
    try:
        key = master_key_from_setting(value)  # base64 of exactly 32 bytes
    except ValueError as error:
        return str(error)
    if _looks_made_up(key):
        return f"{name} must be {SECRET_MIN_BYTES} random bytes; the value set is a pattern"
    return None


def jwt_secret_weakness(value: str) -> str | None:
    """Why `INNOVNET_JWT_SECRET` is not fit for production: public, short, not random."""
    name = "INNOVNET_JWT_SECRET"
    if value == DEVELOPMENT_JWT_SECRET:
        return f"{name} is the built-in development secret; production needs its own"
    secret = value.encode()
    advice = f"{name} must be at least {SECRET_MIN_BYTES} random bytes"
    if len(secret) < SECRET_MIN_BYTES:
        return f"{advice}; the value set has {len(secret)}"
    if _looks_made_up(secret):
        return f"{advice}; the value set is a pattern"
    return None


def _looks_made_up(secret: bytes) -> bool:
    """Few different bytes, or one short run repeated ("aaaa…", "abcabc…"): typed, not drawn."""
    repeats_itself = secret in (secret + secret)[1:-1]
    return len(set(secret)) < _SECRET_MIN_DISTINCT_BYTES or repeats_itself


def _reason(error: ErrorDetails) -> str:
    """One validation error as a sentence; never the input, which may be a secret."""
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error":
        return message
    return f"{'.'.join(str(part) for part in error['loc'])}: {message}"
