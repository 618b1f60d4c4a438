"""Browser tests: real Chromium on the real stack, one stack for the whole run.

A test gets a `page` in a fresh browser context (no cookies, JavaScript on), or makes its own
contexts with `new_context` (JavaScript off, a saved sign-in). `screenshots.take(page, label)`
saves what the page shows under the run's temporary folder (and `$INNOVNET_SCREENSHOTS`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.people import Purpose, sign_in
from tests.browser.stack import GatewayStack, gateway_stack
from tests.support.browser import CHROMIUM, Screenshots, launch_chromium

NewContext = Callable[..., BrowserContext]

_TIMINGS: list[tuple[str, float]] = []
"""How long the slow parts of the run took, printed at its end."""

_SCREENSHOT_ROOT: list[Path] = []


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayStack]:
    started = time.monotonic()
    with gateway_stack(tmp_path_factory.mktemp("services")) as running:
        _TIMINGS.append(("the stack started", time.monotonic() - started))
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        # make test installs it when run as root (deploy/test-tools.sh): then missing is a fault.
        if os.geteuid() == 0:
            pytest.fail(f"{CHROMIUM} is missing although make test installs it as root")
        pytest.skip(f"{CHROMIUM} is missing (Debian package: chromium); make test as root adds it")
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser: Browser, stack: GatewayStack) -> Iterator[NewContext]:
    """Make browser contexts on the gateway's address; all closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=stack.public_url, **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: NewContext) -> Page:
    return new_context().new_page()


SignedInState = dict[str, Any]
"""A browser context's cookies (the session's among them), as Playwright saves them."""


@pytest.fixture(scope="session")
def saved_sign_in(browser: Browser, stack: GatewayStack) -> Callable[..., SignedInState]:
    """Sign in once and keep the cookies, for tests that only read pages as that person.

    A test that changes what the session holds (a draft, signing out) signs in itself.
    """

    def signed_in(email: str, purpose: Purpose = "sign-in") -> SignedInState:
        context = browser.new_context(base_url=stack.public_url)
        try:
            sign_in(context.new_page(), stack, email, purpose=purpose)
            state: SignedInState = context.storage_state()  # type: ignore[assignment]
            return state
        finally:
            context.close()

    return signed_in


@pytest.fixture(scope="session")
def screenshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots", numbered=False)
    _SCREENSHOT_ROOT.append(folder)
    return folder


@pytest.fixture
def screenshots(screenshot_folder: Path, request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots.for_test(screenshot_folder, request.node.name)


@pytest.fixture(autouse=True)
def _service_logs_on_failure(request: pytest.FixtureRequest, stack: GatewayStack) -> Iterator[None]:
    """A failing test's report ends with what the services logged."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        request.node.add_report_section("call", "services", stack.logs())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for what, seconds in _TIMINGS:
        terminalreporter.write_line(f"{what}: {seconds:.1f} s")
    for folder in _SCREENSHOT_ROOT:
        terminalreporter.write_line(f"screenshots: {folder}")
