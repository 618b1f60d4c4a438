"""Production refuses the gateway's example settings, naming each variable, as it refuses weak
secrets: an example address would hand the staff's sign-in and people's questions to nobody."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.gateway.settings import GatewaySettings, is_example_address
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings, SettingsRefused
from tests.support.processes import REPO_ROOT, free_port

OWN = {
    "GATEWAY_BLIND_INDEX_KEY": secrets.token_urlsafe(48),
    "GATEWAY_STAFF_EMAILS": "a.papadopoulou@ypes.gov.gr, n.georgiou@ypes.gov.gr",
    "GATEWAY_INNOVATION_UNIT_EMAIL": "innovation@ypes.gov.gr",
    "GATEWAY_DATA_PROTECTION_EMAIL": "dpo@ypes.gov.gr",
}
EXAMPLE_VARIABLES = [name for name in OWN if name != "GATEWAY_BLIND_INDEX_KEY"]


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> GatewaySettings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return GatewaySettings()


def test_the_defaults_are_unfit_for_production_each_variable_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in OWN:
        monkeypatch.delenv(name, raising=False)
    reasons = " ".join(GatewaySettings().unfit_for_production())
    for name in OWN:
        assert name in reasons


def test_the_deployments_own_values_are_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, **OWN).unfit_for_production() == []


@pytest.mark.parametrize("variable", EXAMPLE_VARIABLES)
@pytest.mark.parametrize("example", ["innovationunit@example.gov.gr", "x@dimos.example.com"])
def test_an_example_address_in_any_of_them_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, example: str
) -> None:
    value = f"real@ypes.gov.gr,{example}" if variable == "GATEWAY_STAFF_EMAILS" else example
    reasons = settings(monkeypatch, **{**OWN, variable: value}).unfit_for_production()
    assert len(reasons) == 1
    assert variable in reasons[0]


def test_no_staff_at_all_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    reasons = settings(monkeypatch, **{**OWN, "GATEWAY_STAFF_EMAILS": " , "}).unfit_for_production()
    assert ["GATEWAY_STAFF_EMAILS" in reason for reason in reasons] == [True]


def test_example_domains_are_told_from_real_ones() -> None:
    assert is_example_address("dpo@example.gov.gr")
    assert is_example_address("someone@EXAMPLE.org")
    assert not is_example_address("someone@examples.gov.gr")
    assert not is_example_address("someone@ypes.gov.gr")


def test_the_gateway_in_production_does_not_start_on_the_examples(
    gateway_env: pytest.MonkeyPatch,
) -> None:
    gateway_env.setenv("INNOVNET_ENV", "production")
    gateway_env.setenv("INNOVNET_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    gateway_env.setenv("INNOVNET_JWT_SECRET", secrets.token_urlsafe(48))
    for name, value in OWN.items():
        gateway_env.setenv(name, value)
    gateway_env.setenv("GATEWAY_DATA_PROTECTION_EMAIL", "dpo@example.gov.gr")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with (
        pytest.raises(SettingsRefused, match="GATEWAY_DATA_PROTECTION_EMAIL") as refused,
        TestClient(app, base_url="https://testserver"),
    ):
        pass
    assert "GATEWAY_STAFF_EMAILS" not in str(refused.value), "the good ones are not blamed"

    gateway_env.setenv("GATEWAY_DATA_PROTECTION_EMAIL", OWN["GATEWAY_DATA_PROTECTION_EMAIL"])
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/health").status_code == 200, "its own values: it starts"


def test_the_gateway_process_refuses_the_examples_in_one_line() -> None:
    env = {
        **os.environ,
        "INNOVNET_ENV": "production",
        "INNOVNET_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "INNOVNET_JWT_SECRET": secrets.token_urlsafe(48),
        **OWN,
        "GATEWAY_STAFF_EMAILS": "innovationunit@example.gov.gr",
        "GATEWAY_PORT": str(free_port()),
    }
    command = [sys.executable, "-m", "services.gateway", "--role", "api"]
    refused = subprocess.run(
        command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0
    assert refused.stderr.startswith("innovnet: gateway cannot start: "), refused.stderr
    assert "GATEWAY_STAFF_EMAILS" in refused.stderr
    assert "GATEWAY_DATA_PROTECTION_EMAIL" not in refused.stderr
    assert "Traceback" not in refused.stderr
