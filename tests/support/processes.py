"""Services started as real processes, the way `make up` starts them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.polling import eventually

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def own_ports(name: str) -> dict[str, str]:
    """The other ports a service listens on, each free: the newsletter's bounce receiver binds
    8026 by default, which two processes at once (or a running `make up`) cannot share."""
    if name == "newsletter":
        return {"NEWSLETTER_BOUNCE_PORT": str(free_port())}
    return {}


@dataclass
class RunningService:
    """A service process and the base URL it answers on."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log(self) -> str:
        """What the process printed so far."""
        return self.log_path.read_text(errors="replace")

    def ready(self) -> bool:
        """Whether `/ready` answers 200 now; the process must still be running."""
        assert self.process.poll() is None, f"{self.name} exited:\n{self.log()}"
        try:
            return httpx.get(f"{self.base_url}/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        self.process.kill()
        self.process.wait()


@contextmanager
def service_process(
    name: str,
    env: dict[str, str],
    tmp_path: Path,
    role: str = "all",
    module: str = "",
    *,
    wait: bool = True,
    port: int = 0,
) -> Iterator[RunningService]:
    """Start `python -m services.<name> --role <role>` (or `module`); SIGTERM it afterwards.

    With an HTTP role it listens on a free port and is yielded once `/health` answers, or at
    once when not `wait` (to start several processes together, as `make up` does). A `port`
    chosen beforehand lets services that link to each other know their addresses up front.
    """
    port = port or free_port()
    prefix = name.upper()
    full_env = {
        **os.environ,
        **own_ports(name),
        **env,
        f"{prefix}_PORT": str(port),
        "INNOVNET_ENV": "test",
    }
    log_path = tmp_path / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module or f"services.{name}", "--role", role],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = RunningService(name, process, f"http://127.0.0.1:{port}", log_path)
    try:

        def answers() -> None:
            assert process.poll() is None, f"{name} exited early:\n{running.log()}"
            httpx.get(f"{running.base_url}/health", timeout=1).raise_for_status()

        if wait and role in ("api", "all"):
            eventually(answers, timeout=30)
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
