"""Debian's Chromium through Playwright, axe-core's WCAG checks and screenshots of the pages."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
"""Debian's package: the browser people use, not a download of Playwright's own build."""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""No sandbox (tests run as root in a container) and nothing that calls out to the Internet."""

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The axe-core rule tags of WCAG 2.1 levels A and AA."""

SCREENSHOTS_ENV = "INNOVNET_SCREENSHOTS"
"""A folder to copy every screenshot into, for people to look at after the run."""

_AXE = Axe()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def check_accessibility(page: Page) -> None:
    """Fail with each WCAG 2.1 A/AA violation axe-core finds on the page: id, help and nodes.

    axe runs as a script, so the page's context must have JavaScript on.
    """
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "resultTypes": ["violations"],
    }
    violations: list[dict[str, Any]] = _AXE.run(page, options=options).response["violations"]
    assert not violations, f"{page.url}: {len(violations)} WCAG 2.1 A/AA violations\n" + "\n".join(
        _described(violation) for violation in violations
    )


def _described(violation: dict[str, Any]) -> str:
    """A violation as its id, help and link, and each node's selector, markup and reason."""
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    lines.append(f"  {violation['helpUrl']}")
    for node in violation["nodes"]:
        lines.append(f"  * {', '.join(map(str, node['target']))}: {node['html'][:300]}")
        if node.get("failureSummary"):
            lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


@dataclass
class Screenshots:
    """Full-page screenshots of one test, numbered in the order taken."""

    folders: list[Path]
    test_name: str
    taken: list[Path] = field(default_factory=list)

    @classmethod
    def for_test(cls, tmp_root: Path, test_name: str) -> Screenshots:
        """Into `tmp_root`, and into `$INNOVNET_SCREENSHOTS` when it is set."""
        folders = [tmp_root]
        if os.environ.get(SCREENSHOTS_ENV):
            folders.append(Path(os.environ[SCREENSHOTS_ENV]))
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        return cls(folders, _file_name(test_name.removeprefix("test_")))

    def take(self, page: Page, label: str = "") -> None:
        """Save what the page shows now, named after the test, the step's number and `label`."""
        step = f"{len(self.taken) + 1:02d}"
        name = "-".join(part for part in (self.test_name, step, _file_name(label)) if part)
        image = page.screenshot(full_page=True)
        for folder in self.folders:
            (folder / f"{name}.png").write_bytes(image)
        self.taken.append(self.folders[0] / f"{name}.png")


def _file_name(text: str) -> str:
    """`text` as a safe file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120]
