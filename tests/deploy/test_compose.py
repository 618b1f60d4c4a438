"""The multi-container deployment matches the local stack: same services, ports, databases,
Kafka version, topics job, scrape targets and dashboards.

docker-compose.yml is for operators and never runs here, so these tests read it (and the files it
mounts) and compare it with the sources of truth: services/runtime/catalog.py for the services and
their ports, deploy/kafka/pom.xml for the Kafka version.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from services.gateway.settings import DEVELOPMENT_BLIND_INDEX_KEY, GatewaySettings
from services.newsletter.settings import DEFAULT_RETURN_DOMAIN, NewsletterSettings
from services.notifications.settings import MailSettings
from services.runtime.catalog import SERVICE_PORTS

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"
PYPROJECT = REPO / "pyproject.toml"
KAFKA_POM = REPO / "deploy" / "kafka" / "pom.xml"
INIT_DATABASES = REPO / "deploy" / "postgres" / "init-databases.sh"
PROMETHEUS_CONFIG = REPO / "deploy" / "prometheus" / "prometheus.yml"
PROMETHEUS_ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
GRAFANA_DIR = REPO / "deploy" / "grafana"

ALL_SERVICES = sorted(SERVICE_PORTS)
DATA_SERVICES = ALL_SERVICES
"""Every service has a database of its own (the gateway keeps its sessions in one)."""

VAULT_DATABASE = "vault"
"""The key vault's database, shared by the services (services/runtime/settings.py)."""

PRODUCTION_SECRETS = ("INNOVNET_MASTER_KEY", "INNOVNET_JWT_SECRET")
"""What INNOVNET_ENV=production refuses to default (services/runtime/settings.py)."""

OWN_SETTINGS: dict[str, type[GatewaySettings] | type[MailSettings]] = {
    "gateway": GatewaySettings,
    "notifications": MailSettings,
}
"""The services with settings of their own beside the runtime's, by the service that reads them."""

DEPLOYER_SETTINGS = {
    "gateway": {
        "GATEWAY_BLIND_INDEX_KEY",
        "GATEWAY_STAFF_EMAILS",
        "GATEWAY_INNOVATION_UNIT_EMAIL",
        "GATEWAY_DATA_PROTECTION_EMAIL",
    },
    "notifications": {"NOTIFICATIONS_INNOVATION_UNIT_EMAIL", "NOTIFICATIONS_SENDER"},
}
"""What only the deployer knows: keys, who the staff are, the unit's and the DPO's addresses."""

BOUNCE_PORT = int(NewsletterSettings.model_fields["bounce_port"].default)
"""The newsletter's bounce receiver (SMTP): bounces and unsubscribe mails reach it from outside."""

OTHER_PORTS = {"newsletter": {(BOUNCE_PORT, BOUNCE_PORT)}}
"""Ports a service publishes besides its catalog port."""

_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


# --- reading the files ---------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict), "docker-compose.yml is not a mapping"
    return document


def compose_service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"docker-compose.yml has no service {name!r}"
    service = services[name]
    assert isinstance(service, dict)
    return service


def with_defaults(text: str) -> str:
    """Compose's `${VAR:-default}` interpolation, on a machine that sets none of the variables
    (a required `${VAR:?message}` becomes empty)."""

    def default(match: re.Match[str]) -> str:
        return match.group(3) if (match.group(2) or "").endswith("-") else ""

    return _VARIABLE.sub(default, text)


def environment(service: dict[str, Any], *, interpolate: bool = True) -> dict[str, str]:
    """A service's environment, whichever of the two compose syntaxes it uses."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {
        str(key): with_defaults(str(value)) if interpolate else str(value)
        for key, value in raw.items()
    }


def required(value: str) -> bool:
    """`${VAR:?message}`: compose refuses to start without the operator's value."""
    return re.fullmatch(r"\$\{\w+:\?[^}]+\}", value) is not None


def trial_only_settings(name: str) -> list[str]:
    """The variables of a service's own settings whose default fits a trial only: an example
    address (example.gov.gr) or the development blind-index key everyone knows."""
    settings = OWN_SETTINGS[name]
    prefix = str(settings.model_config.get("env_prefix", ""))
    return sorted(
        f"{prefix}{field}".upper()
        for field, info in settings.model_fields.items()
        if isinstance(info.default, str)
        and ("@example." in info.default or info.default == DEVELOPMENT_BLIND_INDEX_KEY)
    )


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (comments and continuations joined), one list per stage."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: list[list[str]] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        assert stages, "the Dockerfile starts with FROM"
        stages[-1].append(" ".join(line.split()))
    return stages


def command(service: dict[str, Any]) -> list[str]:
    raw = service.get("command")
    return shlex.split(raw) if isinstance(raw, str) else [str(part) for part in raw or []]


def published_ports(service: dict[str, Any]) -> set[tuple[int, int]]:
    """(host port, container port) pairs, from the short or the long port syntax."""
    pairs = set()
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            pairs.add((int(entry["published"]), int(entry["target"])))
            continue
        parts = with_defaults(str(entry)).split("/")[0].split(":")
        container = int(parts[-1])
        host = int(parts[-2]) if len(parts) >= 2 else container
        pairs.add((host, container))
    return pairs


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Dependency → condition (the short list syntax means `service_started`)."""
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in raw.items()}


def image_name_and_tag(image: str) -> tuple[str, str | None]:
    image = with_defaults(image).split("@")[0]
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:  # no tag, or the colon was a registry port
        return image, None
    return name, tag


def pinned_kafka_version() -> str:
    """The Kafka version deploy/kafka/pom.xml pins: `<kafka.version>` or kafka_2.13's version."""
    assert KAFKA_POM.is_file(), f"{KAFKA_POM.relative_to(REPO)} is missing"
    root = ET.parse(KAFKA_POM).getroot()  # noqa: S314 - the repository's own file
    namespace = {"m": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {}
    prefix = "m:" if namespace else ""
    properties = {
        element.tag.split("}")[-1]: (element.text or "").strip()
        for element in root.findall(f"{prefix}properties/*", namespace)
    }
    for dependency in root.iter(f"{{{namespace['m']}}}dependency" if namespace else "dependency"):
        group = dependency.findtext(f"{prefix}groupId", default="", namespaces=namespace).strip()
        artifact = dependency.findtext(f"{prefix}artifactId", default="", namespaces=namespace)
        if group == "org.apache.kafka" and artifact.strip() == "kafka_2.13":
            version = dependency.findtext(f"{prefix}version", default="", namespaces=namespace)
            version = re.sub(
                r"\$\{([^}]+)\}", lambda match: properties.get(match.group(1), ""), version.strip()
            )
            if version:
                return version
    version = properties.get("kafka.version", "")
    assert version, "deploy/kafka/pom.xml pins no version of org.apache.kafka:kafka_2.13"
    return version


@cache
def prometheus_config() -> dict[str, Any]:
    document = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


# --- the services --------------------------------------------------------------------------


def test_every_catalog_service_is_in_the_compose_file() -> None:
    missing = [name for name in ALL_SERVICES if name not in compose()["services"]]
    assert missing == []


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_publishes_its_catalog_port_on_the_same_host_port(name: str) -> None:
    port = SERVICE_PORTS[name]
    service = compose_service(name)
    assert published_ports(service) == {(port, port)} | OTHER_PORTS.get(name, set())
    assert environment(service).get(f"{name.upper()}_PORT", str(port)) == str(port)


def test_the_newsletters_bounce_receiver_listens_beyond_loopback_on_a_port_the_image_exposes() -> (
    None
):
    env = environment(compose_service("newsletter"))
    assert env["NEWSLETTER_BOUNCE_HOST"] == "0.0.0.0"  # noqa: S104 - inside its container
    assert env["NEWSLETTER_BOUNCE_PORT"] == str(BOUNCE_PORT)
    exposed = [line for line in dockerfile_stages()[-1] if line.startswith("EXPOSE ")]
    assert any(str(BOUNCE_PORT) in line.split()[1:] for line in exposed)


def test_the_newsletter_and_notifications_name_the_same_return_domain() -> None:
    # Notifications writes the return paths and the mailto; the newsletter's receiver accepts
    # only addresses on its domain: two values would refuse every bounce.
    values = {
        name: environment(compose_service(name), interpolate=False)["NEWSLETTER_RETURN_DOMAIN"]
        for name in ("newsletter", "notifications")
    }
    assert values["newsletter"] == values["notifications"]
    assert values["newsletter"].startswith("${NEWSLETTER_RETURN_DOMAIN:-"), "the operator's own"
    assert with_defaults(values["newsletter"]) == DEFAULT_RETURN_DOMAIN


def test_notifications_sends_newsletter_copies_at_a_rate_the_operator_may_set() -> None:
    value = environment(compose_service("notifications"), interpolate=False)[
        "NOTIFICATIONS_NEWSLETTER_PER_SECOND"
    ]
    assert value.startswith("${NOTIFICATIONS_NEWSLETTER_PER_SECOND:-")
    assert float(with_defaults(value)) > 0


def test_the_gateway_reaches_the_newsletter_at_its_compose_address() -> None:
    env = environment(compose_service("gateway"))
    assert env["GATEWAY_NEWSLETTER_URL"] == f"http://newsletter:{SERVICE_PORTS['newsletter']}"


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_runs_its_package_in_every_role(name: str) -> None:
    assert command(compose_service(name)) == ["python", "-m", f"services.{name}", "--role", "all"]


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_is_built_from_the_one_project_image(name: str) -> None:
    service = compose_service(name)
    build = service.get("build")
    assert isinstance(build, dict), "each service builds (or reuses) the project image"
    assert build.get("context") == "."
    assert build.get("dockerfile") == "deploy/Dockerfile"
    assert service["image"] == compose_service("topics")["image"]


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_listens_beyond_loopback_in_production_mode(name: str) -> None:
    env = environment(compose_service(name))
    assert env.get(f"{name.upper()}_HOST") == "0.0.0.0"  # noqa: S104 - inside its container
    assert env.get("INNOVNET_ENV") == "production"


@pytest.mark.parametrize("name", DATA_SERVICES)
def test_a_service_reaches_its_own_database_as_its_own_role_on_the_postgres_host(
    name: str,
) -> None:
    env = environment(compose_service(name))
    url = urlsplit(env[f"{name.upper()}_DATABASE_URL"])
    assert url.scheme in {"postgresql", "postgres"}
    assert url.hostname == "postgres"
    assert url.port in {None, 5432}
    assert url.username == name
    assert url.path == f"/{name}"


@pytest.mark.parametrize("name", DATA_SERVICES)
def test_a_service_reaches_the_shared_key_vault_on_the_postgres_host(name: str) -> None:
    url = urlsplit(environment(compose_service(name))["VAULT_DATABASE_URL"])
    assert (url.hostname, url.port, url.username, url.path) == (
        "postgres",
        5432,
        VAULT_DATABASE,
        f"/{VAULT_DATABASE}",
    )


def test_the_vault_database_is_the_one_the_runtime_expects() -> None:
    settings = pytest.importorskip("services.runtime.settings")
    assert settings.VAULT_DATABASE == VAULT_DATABASE


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_takes_its_production_secrets_from_the_operator_never_a_default(
    name: str,
) -> None:
    env = environment(compose_service(name), interpolate=False)
    for secret in PRODUCTION_SECRETS:
        assert re.fullmatch(rf"\$\{{{secret}:\?[^}}]+\}}", env.get(secret, "")), secret


def test_every_service_builds_its_email_links_on_the_one_public_address() -> None:
    addresses = {
        name: environment(compose_service(name), interpolate=False).get("INNOVNET_PUBLIC_URL")
        for name in ALL_SERVICES
    }
    assert len(set(addresses.values())) == 1, addresses
    assert with_defaults(addresses["gateway"] or "") == "http://localhost:8000", (
        "a trial on this machine reaches the gateway on its published port"
    )


@pytest.mark.parametrize("name", sorted(OWN_SETTINGS))
def test_a_setting_that_fits_only_a_trial_is_the_operators_own_in_production(name: str) -> None:
    variables = sorted(DEPLOYER_SETTINGS[name] | set(trial_only_settings(name)))
    env = environment(compose_service(name), interpolate=False)
    assert [variable for variable in variables if not required(env.get(variable, ""))] == []


def test_the_gateway_and_notifications_name_the_same_office_of_the_innovation_unit() -> None:
    gateway = environment(compose_service("gateway"), interpolate=False)
    notifications = environment(compose_service("notifications"), interpolate=False)
    assert (
        notifications["NOTIFICATIONS_INNOVATION_UNIT_EMAIL"]
        == gateway["GATEWAY_INNOVATION_UNIT_EMAIL"]
    )


def test_the_gateway_believes_forwarded_client_addresses_only_from_a_proxy_the_operator_names() -> (
    None
):
    # The per-client rate limits count request.client, which uvicorn takes from X-Forwarded-For
    # when the peer is in FORWARDED_ALLOW_IPS; "*" by default would let a client choose its own.
    value = environment(compose_service("gateway"), interpolate=False)["FORWARDED_ALLOW_IPS"]
    assert value.startswith("${FORWARDED_ALLOW_IPS:-"), "an operator behind a proxy sets it"
    assert with_defaults(value) == "127.0.0.1"


@pytest.mark.parametrize("name", DATA_SERVICES)
def test_a_service_finds_kafka_on_the_compose_network(name: str) -> None:
    assert environment(compose_service(name))["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


@pytest.mark.parametrize("name", DATA_SERVICES)
def test_a_service_starts_after_kafka_postgres_and_the_topics(name: str) -> None:
    assert depends_on(compose_service(name)) == {
        "kafka": "service_healthy",
        "postgres": "service_healthy",
        "topics": "service_completed_successfully",
    }


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_a_service_is_healthy_when_its_readiness_endpoint_answers(name: str) -> None:
    test = compose_service(name)["healthcheck"]["test"]
    probe = " ".join(test) if isinstance(test, list) else str(test)
    assert f"http://127.0.0.1:{SERVICE_PORTS[name]}/ready" in probe
    assert "urllib.request" in probe, "slim images have no curl: the probe uses Python"


def test_the_topics_job_creates_the_registry_topics_once_kafka_is_healthy() -> None:
    topics = compose_service("topics")
    assert command(topics) in (
        ["innovnet", "topics", "create"],
        ["python", "-m", "services.runtime.cli", "topics", "create"],
    )
    assert depends_on(topics) == {"kafka": "service_healthy"}
    assert environment(topics) == {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092"}, "no secrets"
    assert str(topics.get("restart", "no")) == "no"
    assert "ports" not in topics


# --- Kafka and PostgreSQL ------------------------------------------------------------------


def test_kafka_runs_the_version_the_local_stack_pins() -> None:
    name, tag = image_name_and_tag(compose_service("kafka")["image"])
    assert name == "apache/kafka"
    assert tag == pinned_kafka_version()
    assert tag.split(".")[0] == "4"


def test_kafka_is_a_single_kraft_node_without_automatic_topics() -> None:
    kafka = compose_service("kafka")
    env = environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    for setting in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env[setting] == "1", setting
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])
    assert any(volume.startswith("kafka-data:") for volume in kafka["volumes"])
    assert "kafka-data" in compose()["volumes"]


def test_postgres_is_version_15_with_a_readiness_check_and_a_named_volume() -> None:
    postgres = compose_service("postgres")
    name, tag = image_name_and_tag(postgres["image"])
    assert name == "postgres"
    assert tag is not None
    assert tag.split(".")[0].split("-")[0] == "15"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "postgres-data" in compose()["volumes"]


def test_postgres_creates_one_database_per_data_service_and_the_key_vault() -> None:
    postgres = compose_service("postgres")
    databases = environment(postgres)["INNOVNET_DATABASES"].split()
    assert sorted(databases) == sorted([*DATA_SERVICES, VAULT_DATABASE])
    mounts = [str(volume).split(":") for volume in postgres["volumes"]]
    assert any(
        source == "./deploy/postgres/init-databases.sh"
        and target.startswith("/docker-entrypoint-initdb.d/")
        for source, target, *_ in mounts
    )


def test_the_database_init_script_is_valid_bash() -> None:
    result = subprocess.run(
        ["bash", "-n", str(INIT_DATABASES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- images and mounts ---------------------------------------------------------------------


def test_no_service_runs_an_unpinned_or_latest_image() -> None:
    for name, service in compose()["services"].items():
        image = service.get("image")
        assert image, f"{name} has no image name"
        _, tag = image_name_and_tag(image)
        assert tag, f"{name}: image {image!r} has no tag"
        assert tag != "latest", f"{name}: image {image!r} floats on latest"


def test_every_file_compose_mounts_exists_in_the_repository() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes") or []:
            source = str(volume).split(":")[0] if isinstance(volume, str) else volume["source"]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name} mounts missing {source}"


def test_the_image_is_slim_python_run_by_an_unprivileged_user_exposing_every_catalog_port() -> None:
    instructions = dockerfile_stages()[-1]
    assert instructions[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users, "the image sets a USER"
    assert users[-1] not in {"root", "0"}
    exposed: set[int] = set()
    for line in instructions:
        if line.startswith("EXPOSE "):
            for item in line.split()[1:]:
                low, _, high = item.split("/")[0].partition("-")
                exposed.update(range(int(low), int(high or low) + 1))
    assert set(SERVICE_PORTS.values()) <= exposed


def test_the_image_carries_the_locked_gov_gr_stylesheet_built_by_npm_ci() -> None:
    *builders, final = dockerfile_stages()
    stylesheet = next(
        (stage for stage in builders if re.fullmatch(r"FROM node:\d+[\w.-]* AS \w+", stage[0])),
        None,
    )
    assert stylesheet is not None, "a stage FROM a pinned node image builds the stylesheet"
    stage = stylesheet[0].split()[-1]
    copied = [line.split()[1:] for line in stylesheet if line.startswith("COPY ")]
    assert any({"package.json", "package-lock.json", ".npmrc"} <= set(files) for files in copied)
    assert any(line.startswith("RUN npm ci") for line in stylesheet), "npm ci: the lock file"
    assert any(
        line.startswith(f"COPY --from={stage} ")
        and line.split()[-2].endswith("/node_modules/@digigov/css/dist/digigov.css")
        and line.split()[-1] == "./services/gateway/static/digigov.css"
        for line in final
    )
    # Copied before the project is installed, so it is package data of services.gateway.
    copy = next(i for i, line in enumerate(final) if line.startswith(f"COPY --from={stage} "))
    install = next(i for i, line in enumerate(final) if line.startswith("RUN pip install"))
    assert copy < install
    assert "static/*.css" in str(PYPROJECT.read_text(encoding="utf-8"))


def test_the_build_context_leaves_tests_environments_and_local_data_out() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".data", "tests", "node_modules"} <= ignored


# --- Prometheus ----------------------------------------------------------------------------


def test_prometheus_scrapes_exactly_the_catalog_services_at_their_ports() -> None:
    config = prometheus_config()
    targets: dict[str, set[str]] = {}
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        for static in job.get("static_configs", []):
            targets.setdefault(job["job_name"], set()).update(static["targets"])
    assert targets == {name: {f"{name}:{port}"} for name, port in SERVICE_PORTS.items()}


def test_prometheus_scrapes_every_15_seconds_and_loads_the_alert_rules() -> None:
    config = prometheus_config()
    assert config["global"]["scrape_interval"] == "15s"
    rule_files = config["rule_files"]
    assert "alerts.yml" in rule_files
    for rule_file in rule_files:
        assert (PROMETHEUS_CONFIG.parent / rule_file).is_file(), rule_file


def test_prometheus_and_grafana_mount_the_deploy_configuration() -> None:
    prometheus = compose_service("prometheus")
    assert "./deploy/prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert published_ports(prometheus) == {(9090, 9090)}
    grafana = compose_service("grafana")
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana["volumes"]
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in grafana["volumes"]
    assert published_ports(grafana) == {(3000, 3000)}


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not installed (Debian package: prometheus)")
    return path


def run_promtool(*args: str, cwd: Path = REPO) -> None:
    result = subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_prometheus_configuration() -> None:
    run_promtool("check", "config", str(PROMETHEUS_CONFIG.relative_to(REPO)))


def test_promtool_accepts_the_alert_rules() -> None:
    run_promtool("check", "rules", str(PROMETHEUS_ALERTS.relative_to(REPO)))


def test_a_service_that_stays_unreachable_for_a_minute_raises_an_alert(tmp_path: Path) -> None:
    rule_test = {
        "rule_files": [str(PROMETHEUS_ALERTS)],
        "evaluation_interval": "15s",
        "tests": [
            {
                "interval": "15s",
                "input_series": [
                    {
                        "series": 'up{job="registration",instance="registration:8001"}',
                        "values": "1 0 0 0 0 0 0 0 0 0",
                    },
                    {
                        "series": 'up{job="membership",instance="membership:8002"}',
                        "values": "1 1 1 1 1 1 1 1 1 1",
                    },
                ],
                "alert_rule_test": [
                    {"eval_time": "45s", "alertname": "InnovnetServiceDown", "exp_alerts": []},
                    {
                        "eval_time": "2m",
                        "alertname": "InnovnetServiceDown",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": "critical",
                                    "job": "registration",
                                    "instance": "registration:8001",
                                },
                                "exp_annotations": {
                                    "summary": "registration is down",
                                    "description": "Prometheus has not been able to scrape "
                                    "registration (registration:8001) for more than a minute.",
                                },
                            }
                        ],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "alerts.test.yml"
    path.write_text(yaml.safe_dump(rule_test, sort_keys=False), encoding="utf-8")
    run_promtool("test", "rules", str(path), cwd=tmp_path)


# --- Grafana -------------------------------------------------------------------------------


def dashboards() -> list[Path]:
    found = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
    assert found, "deploy/grafana/dashboards holds no dashboard"
    return found


def test_every_dashboard_is_json_with_a_unique_uid_and_panels() -> None:
    uids = []
    for path in dashboards():
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        assert dashboard.get("title"), path.name
        assert dashboard.get("panels"), path.name
        uids.append(dashboard["uid"])
    assert len(uids) == len(set(uids))


def test_dashboards_query_the_provisioned_prometheus_datasource() -> None:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8")
    )
    (datasource,) = provisioned["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    for path in dashboards():
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            for target in panel.get("targets", []):
                uid = (target.get("datasource") or panel["datasource"])["uid"]
                assert uid == datasource["uid"], f"{path.name}: panel {panel['title']!r}"


def test_the_services_dashboard_shows_request_rate_latency_and_liveness() -> None:
    dashboard = json.loads((GRAFANA_DIR / "dashboards" / "services.json").read_text("utf-8"))
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    assert any(
        "rate(innovnet_http_request_duration_seconds_count" in expr and "by (service)" in expr
        for expr in expressions
    )
    assert any(
        expr.startswith("histogram_quantile(0.95")
        and "innovnet_http_request_duration_seconds_bucket" in expr
        for expr in expressions
    )
    assert "up" in expressions


def test_grafana_loads_dashboards_from_the_directory_compose_mounts() -> None:
    provider_file = GRAFANA_DIR / "provisioning" / "dashboards" / "innovnet.yml"
    (provider,) = yaml.safe_load(provider_file.read_text(encoding="utf-8"))["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"


def test_notifications_send_to_the_mail_sink_that_keeps_every_message() -> None:
    environment = compose_service("notifications")["environment"]
    assert environment["NOTIFICATIONS_SMTP_HOST"].endswith(":-mailsink}")
    sink = compose_service("mailsink")
    assert sink["command"].startswith("python -m services.notifications.sink")
    assert "--port 8025" in sink["command"]
    assert environment["NOTIFICATIONS_SMTP_PORT"].endswith(":-8025}")
    assert any(volume.startswith("mail-sink:") for volume in sink["volumes"])
