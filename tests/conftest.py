"""Settings every test process shares, and the `servers` marker of the tests that need servers.

The tests run in the `test` environment: an unset `INNOVNET_ENV` means production, which refuses
the built-in secrets the tests use; set here at import, before any test builds `ServiceSettings`
or starts a process that inherits it. A test about production sets the variable itself.

`make test-fast` runs `pytest -m "not servers"` with `INNOVNET_TESTS_WITHOUT_SERVERS=1`: then
every server address the settings read points at a port that refuses connections, so a test
that needs a server and escaped the marker fails instead of passing on servers that happen to
run (PostgreSQL and SMTP at once; Kafka's client waits out its own time-out first, which the
run's `--timeout` bounds). The marker's rule is `needs_servers` below.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, FunctionType
from typing import Any

import pytest

from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers, server_url

os.environ.setdefault("INNOVNET_ENV", "test")

SERVER_FOLDERS = ("integration", "fuzz")
"""Folders of tests/ whose every test runs against the real servers."""

SERVER_HELPERS = (fresh_database, kafka_bootstrap_servers, server_url, service_process)
"""The helpers through which the tests reach PostgreSQL, Kafka or a service process."""

TESTS_ROOT = Path(__file__).parent


def _closed_port() -> socket.socket:
    """A socket bound to a local port and never listening: connecting to it is refused at once.

    Held for the whole run, so nothing else can start listening on that port meanwhile.
    """
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    return held


def _point_servers_at(port: int) -> None:
    """Every server address the settings read, at `port`; own database URLs fall back to it."""
    for name in [name for name in os.environ if name.endswith("DATABASE_URL")]:
        del os.environ[name]
    os.environ["DATABASE_URL"] = f"postgresql://nobody:nobody@127.0.0.1:{port}/nothing"
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{port}"
    os.environ["NOTIFICATIONS_SMTP_HOST"] = "127.0.0.1"
    os.environ["NOTIFICATIONS_SMTP_PORT"] = str(port)


if os.environ.get("INNOVNET_TESTS_WITHOUT_SERVERS"):
    _CLOSED = _closed_port()
    _point_servers_at(_CLOSED.getsockname()[1])


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadfile` (`make test`): each file whole on one worker, and tests/browser/
    whole on one, so one browser stack (five services, about 100 PostgreSQL connections, kept
    for the run) serves every browser test, as in a run without workers. Else xdist's own."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserFolderAsOneFile(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/browser/"):
                return "tests/browser"
            return str(super()._split_scope(nodeid))

    return BrowserFolderAsOneFile(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if needs_servers(item):
            item.add_marker(pytest.mark.servers)


def needs_servers(item: pytest.Item) -> bool:
    """Whether the test is in a server folder or reaches a server helper.

    It reaches one when its function, a fixture it uses, or a function or class of tests/
    they name (followed as far as it goes) names one of the `SERVER_HELPERS`.
    """
    folder = Path(item.path).relative_to(TESTS_ROOT).parts[0]
    if folder in SERVER_FOLDERS:
        return True
    test = getattr(item, "function", None)
    functions = [getattr(test, "__func__", test)]  # a method of a test class: its function
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is not None:
        for definitions in fixture_info.name2fixturedefs.values():
            functions.extend(definition.func for definition in definitions)
    seen: set[CodeType] = set()
    return any(
        isinstance(function, FunctionType) and _reaches_a_helper(function, seen)
        for function in functions
    )


def _reaches_a_helper(function: FunctionType, seen: set[CodeType]) -> bool:
    """Whether `function`, or a function of tests/ it names, names a server helper."""
    function = getattr(function, "__wrapped__", function)
    for name in _names(function.__code__, seen):
        named = function.__globals__.get(name)
        if any(named is helper for helper in SERVER_HELPERS):
            return True
        for inner in _functions_of(named):
            if _reaches_a_helper(inner, seen):
                return True
    return False


def _names(code: CodeType, seen: set[CodeType]) -> Iterator[str]:
    """The global and attribute names `code` and its nested functions use, once per run."""
    if code in seen:
        return
    seen.add(code)
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _names(constant, seen)


def _functions_of(value: object) -> list[FunctionType]:
    """A function of the tests, or the methods of a class of the tests; else nothing."""
    if not getattr(value, "__module__", "").startswith("tests."):
        return []
    if isinstance(value, FunctionType):
        return [value]
    if isinstance(value, type):
        return [member for member in vars(value).values() if isinstance(member, FunctionType)]
    return []
