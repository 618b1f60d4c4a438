"""Two ways of using a page: with the mouse, or with the keyboard alone.

A journey is written once against `Hands` and run with either. `Keyboard` reaches each control
by pressing Tab (Shift+Tab when it is behind), types with `keyboard.type` (Control+A and Delete
first, to replace a value), picks a radio with the arrow keys, ticks with Space, opens the file
chooser with Space and activates links and buttons with Enter; it never clicks. It also checks
that each control it reaches shows the focus (WCAG 2.4.7), which axe-core cannot judge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from playwright.sync_api import FloatRect, Locator, Page

TAB_LIMIT = 120
"""More Tab presses than any page has stops: a control never reached fails the test."""


class Hands(Protocol):
    """What a person does with a control of the page."""

    def fill(self, field: Locator, text: str) -> None: ...

    def choose(self, radio: Locator) -> None: ...

    def tick(self, checkbox: Locator) -> None: ...

    def press(self, control: Locator) -> None:
        """Activate a button or a link."""
        ...

    def attach(self, file_input: Locator, path: Path) -> None: ...


class Mouse:
    """Clicks and Playwright's own filling."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def fill(self, field: Locator, text: str) -> None:
        field.fill(text)

    def choose(self, radio: Locator) -> None:
        radio.check()

    def tick(self, checkbox: Locator) -> None:
        checkbox.check()

    def press(self, control: Locator) -> None:
        control.click()

    def attach(self, file_input: Locator, path: Path) -> None:
        file_input.set_input_files(path)


def is_focused(control: Locator) -> bool:
    """Whether the control has the keyboard's focus."""
    return bool(control.evaluate("element => element === document.activeElement"))


_WHERE_IS_THE_FOCUS = """element =>
    element === document.activeElement ? "here"
    : document.activeElement === document.body || document.activeElement === null ? "out"
    : "elsewhere"
"""
"""Whether the focus is on the element, on no control of the page, or on another one."""


class Keyboard:
    """The keyboard alone: `page.keyboard` only, never a click or a programmatic focus."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0
        self.seen_focused: set[str] = set()
        # Listening from the start turns on the browser's file-chooser interception before any
        # key is pressed; turned on only with the first wait, it can miss the dialog.
        page.on("filechooser", lambda _chooser: None)

    def key(self, name: str) -> None:
        self.page.keyboard.press(name)
        self.presses += 1

    def tab_to(self, control: Locator) -> None:
        """Press Tab until `control` has the focus (Shift+Tab if it is behind); it must show it."""
        control.wait_for(state="visible")
        element = control.element_handle()  # found once: the focus is asked after every key
        for direction in ("Tab", "Shift+Tab"):
            for pressed in range(TAB_LIMIT):
                where = element.evaluate(_WHERE_IS_THE_FOCUS)
                if where == "here":
                    self.check_focus_is_visible(control)
                    return
                if where == "out" and pressed:
                    break  # past the page's last control (or before its first)
                self.key(direction)
        raise AssertionError(f"Tab never reaches {control} on {self.page.url}")

    def check_focus_is_visible(self, control: Locator) -> None:
        """WCAG 2.4.7: a control looks different with the focus than without it.

        Compared as pixels around it (the focus ring may be drawn outside it, or on its
        label): with the focus, then with the focus moved away by Shift+Tab, then back.
        """
        # One control of each kind and look: the same style rule shows all their focus.
        seen = str(control.evaluate("e => `${e.tagName} ${e.type || ''} ${e.className}`"))
        if seen in self.seen_focused:
            return
        around = self._around(control)
        focused = self.page.screenshot(clip=around)
        self.key("Shift+Tab")
        unfocused = self.page.screenshot(clip=around)
        self.key("Tab")
        assert is_focused(control), f"Tab did not come back to {control}"
        assert focused != unfocused, f"{control} on {self.page.url} shows no sign of the focus"
        self.seen_focused.add(seen)

    def _around(self, control: Locator) -> FloatRect:
        box = control.bounding_box()
        if box is None or box["width"] < 2 or box["height"] < 2:
            # A radio or box the design system draws on its label: look around the label.
            box = control.locator("xpath=..").bounding_box()
        assert box is not None, f"{control} is not on the page"
        margin = 6
        return {
            "x": max(box["x"] - margin, 0),
            "y": max(box["y"] - margin, 0),
            "width": box["width"] + 2 * margin,
            "height": box["height"] + 2 * margin,
        }

    def fill(self, field: Locator, text: str) -> None:
        self.tab_to(field)
        if field.input_value():
            # What the field holds goes first, as a person selecting it all would do it.
            self.key("Control+A")
            self.key("Delete")
        self.page.keyboard.type(text)

    def choose(self, radio: Locator) -> None:
        """Tab into the radio group, then the arrow keys to the radio (they select it)."""
        name = radio.get_attribute("name")
        group = self.page.locator(f'input[type="radio"][name="{name}"]')
        self._tab_into(group)
        if is_focused(radio):
            if not radio.is_checked():
                self.key("Space")
            return
        for _ in range(group.count()):
            self.key("ArrowDown")
            if is_focused(radio):
                assert radio.is_checked(), "the arrow key moved to the radio but did not pick it"
                return
        raise AssertionError(f"the arrow keys never reach {radio}")

    def _tab_into(self, group: Locator) -> None:
        for _ in range(TAB_LIMIT):
            if any(is_focused(group.nth(i)) for i in range(group.count())):
                return
            self.key("Tab")
        raise AssertionError(f"Tab never reaches the radio group {group}")

    def tick(self, checkbox: Locator) -> None:
        self.tab_to(checkbox)
        if not checkbox.is_checked():
            self.key("Space")
        assert checkbox.is_checked()

    def press(self, control: Locator) -> None:
        self.tab_to(control)
        self.key("Enter")

    def attach(self, file_input: Locator, path: Path) -> None:
        """Space on the file input opens the file chooser; the person picks the file there."""
        self.tab_to(file_input)
        with self.page.expect_file_chooser() as chooser:
            self.key("Space")
        chooser.value.set_files(path)
