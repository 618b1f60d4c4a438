"""A good practice's way to the catalogue in real Chromium, in Greek: a member body's
representative drafts it on OPSI's form (the character counters kept live by the page's
script, announced only near the limit), checks it and sends it; the innovation unit asks for
changes with the keyboard alone; the representative reads the comment, edits and sends it
again; the unit publishes it and it is on its public page, with its image and PDF; then the body
withdraws it (asked, checked). axe-core runs on each new page: the attachments page, the public
page with its attachments and both withdrawal pages among them.
"""

from __future__ import annotations

import io
import re
import time

import pikepdf
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from services.gateway.settings import EXAMPLE_STAFF_EMAIL
from tests.browser import bodies
from tests.browser.conftest import NewContext
from tests.browser.hands import Keyboard
from tests.browser.people import exactly, sign_in
from tests.browser.stack import GatewayStack
from tests.browser.unit_desk import checked
from tests.browser.unit_steps import LANGUAGE, button, heading, link, until_it_shows, w
from tests.gateway.unit_site import member_of
from tests.support.browser import Screenshots
from tests.support.polling import eventually

TITLE = "Ψηφιακό σημείο εξυπηρέτησης δημοτών"
COMMENT = "Προσθέστε τα αποτελέσματα της πρώτης χρονιάς λειτουργίας."
RESULTS = "Ο χρόνος αναμονής μειώθηκε κατά 40% τον πρώτο χρόνο."
CAPTION = "Η οθόνη του ραντεβού στο κινητό"


def png() -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (0, 84, 186)).save(out, format="PNG")
    return {"name": "screen.png", "mimeType": "image/png", "buffer": out.getvalue()}


def pdf() -> FilePayload:
    document = pikepdf.new()
    document.add_blank_page(page_size=(200, 200))
    out = io.BytesIO()
    document.save(out)
    return {"name": "guide.pdf", "mimeType": "application/pdf", "buffer": out.getvalue()}


def attach(page: Page, screenshots: Screenshots, practice_id: str) -> None:
    """An image with its caption and a PDF without one, added on the attachments page."""
    page.goto(f"/my-body/practices/{practice_id}/attachments")
    page.locator("#file").set_input_files(png())
    page.locator("#caption").fill(CAPTION)
    button(page, "Add the file").click()
    expect(page.locator("#added")).to_be_visible()
    page.locator("#file").set_input_files(pdf())
    button(page, "Add the file").click()
    expect(page.locator("#attachments tbody tr")).to_have_count(2)
    checked(page, screenshots, "attachments")


def member_known_to_the_observatory(stack: GatewayStack, body: bodies.Body) -> None:
    """The observatory reads membership's topic: the body's activation has reached it."""

    def listed() -> None:
        with stack.api("observatory", member_of(body)) as api:
            answer = api.get("/practices")
        assert answer.status_code == 200, answer.text

    eventually(listed, timeout=60, interval=0.3)


def fill_the_form(page: Page, screenshots: Screenshots) -> None:
    """The required fields, and a short explanation typed near its limit: the counter follows."""
    page.locator("#el-title").fill(TITLE)
    counter = page.locator("#el-short-explanation-count")
    expect(counter).to_have_text(w("%(count)s of %(limit)s characters", count="0", limit="500"))
    page.locator("#el-short-explanation").fill("α" * 460)
    expect(counter).to_have_text(w("%(count)s of %(limit)s characters", count="460", limit="500"))
    # Near the limit the live region says it, once the typing pauses.
    expect(page.locator("#el-short-explanation-count-live")).to_have_text(
        w("%(count)s of %(limit)s characters", count="460", limit="500")
    )
    page.locator("#el-short-explanation").fill("α" * 501)
    expect(counter).to_have_text(
        w(
            "%(count)s of %(limit)s characters: %(over)s too many",
            count="501",
            limit="500",
            over="1",
        )
    )
    # Saved so, the observatory refuses it at its field; the page comes back with the counter.
    button(page, "Save the draft").click()
    summary = page.locator(".govgr-error-summary")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#el-short-explanation")
    expect(page.locator("#el-short-explanation-count")).to_have_class(re.compile("over"))
    checked(page, screenshots, "form-refused")
    page.locator("#el-short-explanation").fill(
        "Οι δημότες εξυπηρετούνται σε ένα σημείο, με ένα ραντεβού."
    )
    expect(page.locator("#el-short-explanation-count-live")).to_have_text("")
    page.locator("#el-overview").fill("Ένα σημείο για όλες τις υπηρεσίες του δήμου.\nΑπό το 2023.")
    page.locator("#el-innovativeness").fill("Τρεις διευθύνσεις εξυπηρετούν από ένα γκισέ.")
    page.locator("#stage-implementation").check()
    page.locator("#facets").check()
    page.locator("#sector").select_option("digitalisation")
    page.locator("#year-launched").fill("2023")
    page.locator("#tags").fill("εξυπηρέτηση, ψηφιακός δήμος, ραντεβού")


def test_a_practice_is_sent_returned_sent_again_and_published(
    new_context: NewContext, stack: GatewayStack, screenshots: Screenshots
) -> None:
    started = time.monotonic()
    body = bodies.active_body(stack, name=f"Δήμος Καλών Πρακτικών {bodies.next_tax_id()[-4:]}")
    member_known_to_the_observatory(stack, body)

    # The representative drafts the practice and sends it.
    rep = new_context().new_page()
    sign_in(rep, stack, body.main_email, language=LANGUAGE)
    rep.goto("/my-body/practices")
    checked(rep, screenshots, "practices")
    link(rep, "New practice").click()
    expect(heading(rep)).to_have_text(exactly(w("A new practice")))
    checked(rep, screenshots, "form")
    fill_the_form(rep, screenshots)
    button(rep, "Save and check before sending").click()
    expect(heading(rep)).to_have_text(exactly(w("Check the practice before you send it")))
    expect(rep.locator("#missing")).to_have_count(0)
    checked(rep, screenshots, "check")
    practice_id = rep.url.split("/my-body/practices/")[1].split("/")[0]
    attach(rep, screenshots, practice_id)
    rep.goto(f"/my-body/practices/{practice_id}/check")
    button(rep, "Send it to the innovation unit").click()
    expect(heading(rep)).to_have_text(exactly(w("Practice sent")))
    checked(rep, screenshots, "sent")

    # The unit finds it in its queue and asks for changes, with the keyboard alone.
    unit = new_context().new_page()
    sign_in(unit, stack, EXAMPLE_STAFF_EMAIL, language=LANGUAGE)
    unit.goto("/unit/practices")
    checked(unit, screenshots, "queue")
    keys = Keyboard(unit)
    keys.press(unit.get_by_role("link", name=exactly(TITLE)))
    expect(heading(unit)).to_have_text(exactly(TITLE))
    checked(unit, screenshots, "review")
    keys.press(link(unit, "Request changes"))
    expect(heading(unit)).to_have_text(exactly(w("Request changes")))
    checked(unit, screenshots, "ask-for-changes")
    keys.fill(unit.locator("#comment"), COMMENT)
    keys.press(button(unit, "Continue"))
    expect(heading(unit)).to_have_text(exactly(w("Check your answers")))
    checked(unit, screenshots, "ask-for-changes-check")
    keys.press(button(unit, "Return it for changes"))
    expect(heading(unit)).to_have_text(
        exactly(w("The practice is returned to the body with your comment"))
    )
    assert keys.presses > 0

    # The representative reads the comment, adds the results and sends it again.
    rep.goto("/my-body/practices")
    expect(rep.locator("main")).to_contain_text(COMMENT)
    rep.goto(f"/my-body/practices/{practice_id}")
    expect(rep.locator("main")).to_contain_text(COMMENT)
    checked(rep, screenshots, "returned")
    link(rep, "Edit the practice").click()
    rep.locator("#el-results-impact").fill(RESULTS)
    button(rep, "Save and check before sending").click()
    expect(rep.locator("main")).to_contain_text(RESULTS)
    button(rep, "Send it to the innovation unit").click()
    expect(heading(rep)).to_have_text(exactly(w("Practice sent")))

    # The unit publishes it; it is on the catalogue's page of it.
    unit.goto(f"/unit/practices/{practice_id}")
    link(unit, "Publish the practice").click()
    unit.locator("#comment").fill("Ευχαριστούμε: δημοσιεύεται.")
    button(unit, "Continue").click()
    button(unit, "Publish it").click()
    expect(heading(unit)).to_have_text(exactly(w("The practice is published")))
    checked(unit, screenshots, "published")

    def on_the_public_page() -> None:
        rep.goto(f"/observatory/practices/{practice_id}")
        expect(heading(rep)).to_have_text(exactly(TITLE), timeout=500)

    until_it_shows(on_the_public_page)
    expect(rep.get_by_role("img", name=exactly(CAPTION))).to_be_visible()
    expect(rep.locator("#documents").get_by_role("link")).to_have_text(
        exactly(w("Attachment %(n)s", n=2))
    )
    checked(rep, screenshots, "public-practice")

    # The body withdraws it: why, checked, then confirmed.
    rep.goto(f"/my-body/practices/{practice_id}/withdraw")
    checked(rep, screenshots, "withdraw")
    rep.locator("#reason").fill("Το σημείο εξυπηρέτησης έκλεισε.")
    button(rep, "Continue").click()
    expect(heading(rep)).to_have_text(exactly(w("Check your answers")))
    checked(rep, screenshots, "withdraw-check")
    button(rep, "Withdraw the practice").click()
    expect(heading(rep)).to_have_text(exactly(w("Practice withdrawn")))
    print(f"the practice's journey: {time.monotonic() - started:.0f} s")
