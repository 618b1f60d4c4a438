"""The steps of the innovation unit's journey on its pages, and the representatives' on theirs.

Each step opens its pages the way a person does (links, buttons, the keyboard where a test
says so), checks what the page says, and looks at it (`unit_desk.look`: axe-core and a
screenshot, in both languages for the unit's pages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from services.gateway.i18n import translate
from services.runtime.timezone import ATHENS
from tests.browser import bodies
from tests.browser.hands import Keyboard
from tests.browser.people import Language, exactly
from tests.browser.stack import GatewayStack
from tests.browser.unit_desk import checked, look
from tests.registration.conftest import PDF
from tests.support.browser import Screenshots
from tests.support.polling import eventually

LANGUAGE: Language = "el"
"""The language the journey reads its pages in (the unit's are looked at in English too)."""


def w(msgid: str, **params: object) -> str:
    """A text of the pages as the journey reads it."""
    return translate(LANGUAGE, msgid, **params)


def button(page: Page, msgid: str) -> Locator:
    return page.get_by_role("button", name=exactly(w(msgid)))


def link(page: Page, msgid: str) -> Locator:
    return page.get_by_role("link", name=exactly(w(msgid)))


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def at(page: Page, stack: GatewayStack, path: str) -> None:
    expect(page).to_have_url(f"{stack.public_url}{path}")


def until_it_shows(check: Callable[[], None], timeout: float = 30) -> None:
    """Reload-and-check until the page shows what a projection has still to read."""
    eventually(check, timeout=timeout, interval=0.5)


# The unit's decisions on a registration, with the keyboard alone.


def open_registration(
    unit: Page, keys: Keyboard, stack: GatewayStack, shots: Screenshots, body: bodies.Body
) -> None:
    """From the sections' navigation to the designations to check, then to the body's page."""
    keys.press(
        unit.get_by_role("navigation", name=w("Your pages")).get_by_role(
            "link", name=exactly(w("Designations to check"))
        )
    )
    at(unit, stack, "/unit/designations")
    look(unit, shots, "designations")
    keys.press(unit.get_by_role("link", name=exactly(body.name)))
    at(unit, stack, f"/unit/registrations/{body.registration_id}")
    look(unit, shots, "registration")


def reject(
    unit: Page,
    keys: Keyboard,
    stack: GatewayStack,
    shots: Screenshots,
    body: bodies.Body,
    reason: str,
) -> None:
    """Reject the body's designation: the reason, check it, the confirmation."""
    base = f"/unit/registrations/{body.registration_id}"
    keys.press(unit.get_by_role("button", name=exactly(w("Reject the designation"))))
    at(unit, stack, f"{base}/reject")
    look(unit, shots, "reject")
    keys.fill(unit.get_by_label(w("Why is the designation rejected?")), reason)
    keys.press(button(unit, "Continue"))
    at(unit, stack, f"{base}/reject/check")
    expect(unit.get_by_role("main")).to_contain_text(reason)
    look(unit, shots, "reject-check")
    keys.press(button(unit, "Reject the designation"))
    at(unit, stack, f"{base}/reject/done")
    expect(heading(unit)).to_have_text(exactly(w("Designation rejected")))
    expect(unit.locator("#reason")).to_have_text(reason)
    look(unit, shots, "reject-done")


def verify(
    unit: Page, keys: Keyboard, stack: GatewayStack, shots: Screenshots, body: bodies.Body
) -> None:
    """Verify the body's designation: its check page, the button, the confirmation."""
    base = f"/unit/registrations/{body.registration_id}"
    keys.press(unit.get_by_role("button", name=exactly(w("Verify the designation"))))
    at(unit, stack, f"{base}/verify")
    look(unit, shots, "verify")
    keys.press(button(unit, "Verify the designation"))
    at(unit, stack, f"{base}/verify/done")
    expect(heading(unit)).to_have_text(exactly(w("Designation verified")))
    look(unit, shots, "verify-done")


# A representative's pages.


def send_another_designation(
    page: Page, stack: GatewayStack, shots: Screenshots, tmp_path: Path, body: bodies.Body
) -> None:
    """From the body's page: upload a new designation; the page says it was sent."""
    page.get_by_role("button", name=exactly(w("Upload the designation"))).click()
    at(page, stack, f"/registrations/{body.registration_id}/designation")
    checked(page, shots, "upload-again")
    pdf = tmp_path / "designation-again.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label(w("Full name of the signer")).fill("Ελένη Γεωργίου")
    page.get_by_label(w("Position of the signer")).fill("Γενική Γραμματέας")
    page.get_by_label(w("The signed designation")).set_input_files(pdf)
    button(page, "Send the designation").click()
    at(page, stack, f"/registrations/{body.registration_id}/designation/sent")
    checked(page, shots, "upload-again-sent")


def answer_on_the_activity_page(
    page: Page, shots: Screenshots, activity_id: str, answer: str, label: str
) -> None:
    """Open the activity's page, look at it, press Accept or Decline."""
    page.goto(f"/activities/{activity_id}")
    checked(page, shots, f"{label}-activity")
    button(page, answer).click()


def standing_shown(page: Page, standing: str) -> None:
    """The answer's confirmation says where the representative stands (in words, and as data)."""
    expect(page.locator("#confirmation")).to_have_attribute("data-standing", standing)


# The unit's activity.


def fill_when(page: Page, prefix: str, moment: datetime) -> None:
    """A day and a time, in Athens time, typed as the hint shows them (15/04/2027, 09:30)."""
    local = moment.astimezone(ATHENS)
    group = page.get_by_role("group", name=w("Starts" if prefix == "starts" else "Ends"))
    group.get_by_label(w("Day"), exact=True).fill(local.strftime("%d/%m/%Y"))
    group.get_by_label(w("Time"), exact=True).fill(local.strftime("%H:%M"))


def schedule_workshop(
    unit: Page, stack: GatewayStack, shots: Screenshots, starts: datetime, title: str
) -> str:
    """Schedule a GOV.LAB workshop of one seat from `starts`, for three hours; its id."""
    unit.goto("/unit/activities")
    look(unit, shots, "activities")
    link(unit, "Schedule an activity").click()
    at(unit, stack, "/unit/activities/new")
    look(unit, shots, "schedule")
    unit.get_by_role("radio", name=exactly(w("GOV.LAB workshop"))).check()
    unit.get_by_label(w("Title"), exact=True).fill(title)
    fill_when(unit, "starts", starts)
    fill_when(unit, "ends", starts + timedelta(hours=3))
    unit.get_by_label(w("Location (optional if it is held online)")).fill(
        "Αθήνα, Βασιλίσσης Σοφίας 15"
    )
    unit.get_by_label(w("Seats"), exact=True).fill("1")
    button(unit, "Continue").click()
    at(unit, stack, "/unit/activities/new/check")
    look(unit, shots, "schedule-check")
    button(unit, "Schedule the activity").click()
    expect(heading(unit)).to_have_text(exactly(w("Activity scheduled")))
    activity_id = unit.url.rstrip("/").rsplit("/", 2)[-2]
    at(unit, stack, f"/unit/activities/{activity_id}/scheduled")
    look(unit, shots, "scheduled")
    link(unit, "Go to the activity's page").click()
    at(unit, stack, f"/unit/activities/{activity_id}")
    look(unit, shots, "activity")
    return activity_id


def invite_bodies(
    unit: Page,
    stack: GatewayStack,
    shots: Screenshots,
    activity_id: str,
    invited: list[bodies.Body],
    search: str,
) -> None:
    """From the activity's page: find the bodies by `search`, tick them, check, confirm."""
    base = f"/unit/activities/{activity_id}"
    link(unit, "Invite bodies").click()
    at(unit, stack, f"{base}/invite")
    look(unit, shots, "invite")
    # The roster's page shows a few bodies: find these by the part of their names they share.
    unit.get_by_label(w("Find active member bodies by name")).fill(search)
    button(unit, "Find").click()
    expect(unit.get_by_role("radio", name=exactly(w("The bodies I choose")))).to_be_checked()
    look(unit, shots, "invite-found")
    for body in invited:
        unit.get_by_role("checkbox", name=exactly(body.name)).check()
    button(unit, "Continue").click()
    at(unit, stack, f"{base}/invite/check")
    for body in invited:
        expect(unit.get_by_role("main")).to_contain_text(body.tax_id)
    look(unit, shots, "invite-check")
    button(unit, "Send the invitations").click()
    at(unit, stack, f"{base}/invite/done")
    look(unit, shots, "invite-done")


def record_attendance(
    unit: Page, stack: GatewayStack, shots: Screenshots, activity_id: str, attended: bodies.Body
) -> None:
    """From the activity's page: tick who attended, check, the confirmation."""
    base = f"/unit/activities/{activity_id}"
    unit.goto(base)
    link(unit, "Record attendance").click()
    at(unit, stack, f"{base}/attendance")
    look(unit, shots, "attendance")
    # A box names the body, then whoever of it holds the seat.
    unit.get_by_role("checkbox", name=re.compile(rf"^\s*{re.escape(attended.name)}\b")).check()
    button(unit, "Continue").click()
    at(unit, stack, f"{base}/attendance/check")
    expect(unit.get_by_role("main")).to_contain_text(attended.name)
    look(unit, shots, "attendance-check")
    button(unit, "Record the attendance").click()
    at(unit, stack, f"{base}/attendance/done")
    expect(heading(unit)).to_have_text(exactly(w("Attendance recorded")))
    expect(unit.get_by_role("main")).to_contain_text(
        w("%(n)s of %(seats)s representatives with a seat attended.", n=1, seats=1)
    )
    look(unit, shots, "attendance-done")


def chart_figures(page: Page, chart_id: str, row_name: str) -> list[str]:
    """The figures written beside a row's bars in a chart: "Series: n" each."""
    texts: list[str] = page.locator(f"svg#{chart_id} text").all_text_contents()
    assert row_name in texts, f"{row_name} is not in the chart: {texts}"
    start = texts.index(row_name) + 1
    figures = []
    for text in texts[start:]:
        if ": " not in text:
            break
        figures.append(text)
    return figures


def table_figures(page: Page, table_id: str, row_name: str) -> list[str]:
    """The cells of a table's row, the row named by its header cell."""
    row = page.locator(f"#{table_id} tbody tr").filter(
        has=page.get_by_role("rowheader", name=exactly(row_name))
    )
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_text_contents()]


def answers(stack: GatewayStack, activity_id: str) -> dict[str, Any]:
    """Each invitee's answer (None: not answered), as the membership service has them."""
    with stack.api("membership", bodies.unit()) as api:
        found = api.get(f"/activities/{activity_id}")
    assert found.status_code == 200, found.text
    return {i["representative_id"]: i["answer"] for i in found.json()["invitations"]}
