"""The one way a service starts: `python -m services.<name> --role api|relay|worker|all`."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

import uvicorn

from services.runtime.http import create_app
from services.runtime.request_id import RequestIdLogFilter
from services.runtime.running import PROCESS_ROLES, start_service
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings, SettingsRefused


def run(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    """Parse the command line and run the service in the chosen role until stopped."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{definition.name}")
    parser.add_argument(
        "--role",
        choices=PROCESS_ROLES,
        default="all",
        help="api: HTTP; relay: event store to Kafka; worker: Kafka consumers; all: every one",
    )
    role = parser.parse_args(argv).role
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RequestIdLogFilter())
    try:
        settings = ServiceSettings.for_service(definition.name)
        definition.application_class.refuse_unfit_settings(settings)
    except SettingsRefused as refused:
        raise SystemExit(f"innovnet: {refused}") from None  # one line naming the variable
    if role in ("api", "all"):
        app = create_app(definition, settings, role)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    else:
        run_headless(definition, settings, role)


def run_headless(definition: ServiceDefinition, settings: ServiceSettings, role: str) -> None:
    """Run the relay or the workers without HTTP, until SIGTERM or Ctrl-C.

    A part that fails is restarted by the supervisor, so the process itself never gives up.
    """
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    running = start_service(definition, settings, role)
    try:
        while not stopped.wait(1.0):  # a timed wait, so the signal handler runs promptly
            pass
    finally:
        running.stop()
