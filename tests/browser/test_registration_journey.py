"""A body's registration in real Chromium: with the mouse, the keyboard alone, and no JavaScript.

From the network's page: a sign-in link by email (read from the SMTP server), the form with
one mistake that the error summary names and links to (the field keeps what was typed), check
your answers, the done page's due day, the acknowledgement email's upload link, the
designation uploaded, verified by the unit through the API, and the body active on its page.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import NewContext
from tests.browser.hands import Keyboard, Mouse
from tests.browser.journey import Journey
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots


def test_a_representative_registers_their_body_and_sees_it_active(
    page: Page, stack: GatewayStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    journey = Journey(page, Mouse(page), stack, screenshots, "el", tmp_path)
    journey.run("tax_id_check_digit")


def test_the_registration_can_be_done_with_the_keyboard_alone(
    page: Page, stack: GatewayStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    keyboard = Keyboard(page)
    journey = Journey(page, keyboard, stack, screenshots, "en", tmp_path)
    journey.run("webmail_alternate")
    assert keyboard.presses > 0


def test_the_registration_works_with_javascript_switched_off(
    new_context: NewContext, stack: GatewayStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    journey = Journey(page, Mouse(page), stack, screenshots, "el", tmp_path)
    journey.run("webmail_alternate")
