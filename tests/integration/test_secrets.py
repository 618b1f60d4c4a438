"""Secure by default: an unset INNOVNET_ENV is production, which refuses weak or public secrets."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.runtime.settings import (
    DEVELOPMENT_JWT_SECRET,
    DEVELOPMENT_MASTER_KEY,
    ServiceSettings,
    SettingsRefused,
)
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.processes import REPO_ROOT, free_port
from tests.support.servers import fresh_database, kafka_bootstrap_servers

GOOD_MASTER_KEY = base64.b64encode(os.urandom(32)).decode()
GOOD_JWT_SECRET = secrets.token_urlsafe(32)

WEAK_MASTER_KEYS = {
    "the built-in one": DEVELOPMENT_MASTER_KEY,
    "31 bytes": base64.b64encode(os.urandom(31)).decode(),
    "33 bytes": base64.b64encode(os.urandom(33)).decode(),
    "not base64": "not base64 at all, but long enough to pass for a key",
    "32 zero bytes": base64.b64encode(bytes(32)).decode(),
    "a short run repeated": base64.b64encode(b"0123456789abcdef" * 2).decode(),
}
WEAK_JWT_SECRETS = {
    "the built-in one": DEVELOPMENT_JWT_SECRET,
    "31 bytes": secrets.token_hex(16)[:31],
    "one character repeated": "x" * 64,
    "a short run repeated": "abc123" * 8,
}


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment of a deployment that forgot INNOVNET_ENV: production."""
    monkeypatch.delenv("INNOVNET_ENV")
    monkeypatch.setenv("INNOVNET_MASTER_KEY", GOOD_MASTER_KEY)
    monkeypatch.setenv("INNOVNET_JWT_SECRET", GOOD_JWT_SECRET)


@pytest.mark.usefixtures("production")
def test_an_unset_environment_is_production_and_accepts_random_secrets() -> None:
    settings = ServiceSettings.for_service("registration")
    assert settings.environment == "production"


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("value", WEAK_MASTER_KEYS.values(), ids=WEAK_MASTER_KEYS.keys())
def test_production_refuses_a_weak_master_key(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("INNOVNET_MASTER_KEY", value)
    with pytest.raises(SettingsRefused, match="INNOVNET_MASTER_KEY") as refused:
        ServiceSettings.for_service("registration")
    assert "INNOVNET_JWT_SECRET" not in str(refused.value), "the good one is not blamed"
    assert value not in str(refused.value), "a secret is never repeated in a message"


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("value", WEAK_JWT_SECRETS.values(), ids=WEAK_JWT_SECRETS.keys())
def test_production_refuses_a_weak_jwt_secret(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("INNOVNET_JWT_SECRET", value)
    with pytest.raises(SettingsRefused, match="INNOVNET_JWT_SECRET") as refused:
        ServiceSettings.for_service("registration")
    assert "INNOVNET_MASTER_KEY" not in str(refused.value)
    assert value not in str(refused.value)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_run_on_the_built_in_secrets(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("INNOVNET_ENV", environment)
    monkeypatch.delenv("INNOVNET_MASTER_KEY", raising=False)
    monkeypatch.delenv("INNOVNET_JWT_SECRET", raising=False)
    settings = ServiceSettings.for_service("registration")
    assert (settings.master_key, settings.jwt_secret) == (
        DEVELOPMENT_MASTER_KEY,
        DEVELOPMENT_JWT_SECRET,
    )


def production_env(**secrets_set: str) -> dict[str, str]:
    """The test process's environment without INNOVNET_ENV, and with the secrets given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNOVNET_")}
    return {**env, **secrets_set}


def run_service(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the registration service as `make up` would, until it exits (it should, at once)."""
    return subprocess.run(
        [sys.executable, "-m", "services.registration", "--role", "all"],
        cwd=REPO_ROOT,
        env={**env, "REGISTRATION_PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_service_process_in_production_refuses_the_built_in_secrets() -> None:
    finished = run_service(production_env())
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr, "one line says it, not a stack"
    last_line = finished.stderr.strip().splitlines()[-1]
    assert "INNOVNET_MASTER_KEY is the built-in development key" in last_line, finished.stderr
    assert "INNOVNET_JWT_SECRET is the built-in development secret" in last_line


def test_a_service_process_in_production_refuses_a_31_byte_secret() -> None:
    short = secrets.token_hex(16)[:31]
    env = production_env(INNOVNET_MASTER_KEY=GOOD_MASTER_KEY, INNOVNET_JWT_SECRET=short)
    finished = run_service(env)
    assert finished.returncode != 0
    last_line = finished.stderr.strip().splitlines()[-1]
    assert "INNOVNET_JWT_SECRET must be at least 32 random bytes; the value set has 31" in last_line
    assert short not in finished.stderr + finished.stdout


@pytest.fixture
def own_servers() -> Iterator[dict[str, str]]:
    """A fresh database, vault and topics for one registration process."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with fresh_database("registration") as url, fresh_database("vault") as vault:
            yield {
                "REGISTRATION_DATABASE_URL": url,
                "VAULT_DATABASE_URL": vault,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
            }
    finally:
        delete_topics(prefix)


def test_a_service_process_in_production_starts_with_random_32_byte_secrets(
    own_servers: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = production_env(
        INNOVNET_MASTER_KEY=GOOD_MASTER_KEY, INNOVNET_JWT_SECRET=secrets.token_urlsafe(24)
    )
    env.update(own_servers, REGISTRATION_PORT=str(port))
    log_path = tmp_path / "registration.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.registration", "--role", "all"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:

        def ready() -> None:
            assert process.poll() is None, log_path.read_text(errors="replace")
            response = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2)
            assert response.status_code == 200, response.text

        eventually(ready, timeout=90)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_token_command_of_the_readme_works_locally() -> None:
    innovnet = Path(sys.executable).parent / "innovnet"
    command = [str(innovnet), "token", "--role", "admin", "--email", "unit@ypes.gov.gr"]
    refused = subprocess.run(command, env=production_env(), capture_output=True, text=True)
    assert refused.returncode != 0
    assert refused.stderr.startswith("innovnet: "), refused.stderr
    assert "INNOVNET_JWT_SECRET" in refused.stderr
    assert "Traceback" not in refused.stderr
    local = subprocess.run(
        command, env={**production_env(), "INNOVNET_ENV": "development"}, capture_output=True
    )
    assert local.returncode == 0, local.stderr
    assert local.stdout.count(b".") == 2, "a JWT: header.payload.signature"
