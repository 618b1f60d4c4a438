"""A body's registration in the browser, from the network's page to its page showing it active.

Written once against `Hands` (mouse or keyboard alone) and run by the tests with JavaScript on
or off. Each step checks what the person sees: the page's heading, the error summary naming
the one mistake and linking to its field, the due day in the reader's language, the email's
upload link, and the body active on its page. A screenshot is kept of every page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from contracts.errors import ErrorCode
from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import LANGUAGE_NAMES
from services.gateway.refusals import message_for
from tests.browser import bodies
from tests.browser.hands import Hands
from tests.browser.people import Language, exactly, words
from tests.browser.stack import GatewayStack
from tests.registration.conftest import PDF
from tests.support.browser import Screenshots
from tests.support.mailbox import read_link
from tests.support.polling import eventually

Mistake = Literal["tax_id_check_digit", "webmail_alternate"]


@dataclass(frozen=True)
class Mistaken:
    """The one mistake typed: the field it is in, what was typed, its fix, the page's words."""

    field: str
    typed: str
    fixed: str
    message: str


class FormTexts:
    """The labels the registration service's form gives its fields, in one language."""

    def __init__(self, form: RegistrationForm, language: Language) -> None:
        self.form = form
        self.language = language

    @classmethod
    def read(cls, stack: GatewayStack, language: Language) -> FormTexts:
        with stack.api("registration") as api:
            answer = api.get("/registration-form")
        assert answer.status_code == 200, answer.text
        return cls(RegistrationForm.model_validate(answer.json()), language)

    def label(self, name: str) -> str:
        described = self.form.field(name)
        assert described is not None, f"the service's form has no field {name}"
        return described.label(self.language)

    def choice(self, name: str, value: str) -> str:
        described = self.form.field(name)
        assert described is not None, f"the service's form has no field {name}"
        return described.choice_label(value, self.language)


class Journey:
    """One person registering one body through the pages."""

    def __init__(
        self,
        page: Page,
        hands: Hands,
        stack: GatewayStack,
        screenshots: Screenshots,
        language: Language,
        tmp_path: Path,
    ) -> None:
        self.page = page
        self.hands = hands
        self.stack = stack
        self.screenshots = screenshots
        self.language = language
        self.tmp_path = tmp_path
        self.texts = FormTexts.read(stack, language)
        self.tax_id = bodies.next_tax_id()
        self.main_email = bodies.new_email("main")
        self.alternate_email = bodies.new_email("alternate")
        self.body_name = f"Δήμος Δοκιμής {self.tax_id}"
        self.registration_id = ""

    # What the person reads.

    def w(self, msgid: str) -> str:
        return words(self.language, msgid)

    def seen(self, label: str) -> None:
        self.screenshots.take(self.page, f"{self.language}-{label}")

    def expect_heading(self, msgid_or_text: str, *, translated: bool = True) -> None:
        text = self.w(msgid_or_text) if translated else msgid_or_text
        expect(self.page.get_by_role("heading", level=1)).to_have_text(exactly(text))

    def field(self, name: str) -> Locator:
        return self.page.get_by_label(self.texts.label(name), exact=True)

    def radio(self, label: str) -> Locator:
        return self.page.get_by_role("radio", name=label, exact=True)

    def button(self, msgid: str) -> Locator:
        return self.page.get_by_role("button", name=exactly(self.w(msgid)))

    def next_page(self) -> None:
        self.hands.press(self.button("Continue"))

    # The steps.

    def sign_in_to_register(self) -> None:
        """From the network's page to the form, signed in by the emailed link."""
        self.page.goto(f"/language/{self.language}?next=/")
        self.seen("network")
        self.hands.press(
            self.page.get_by_role("button", name=self.w("Fill in the registration form"))
        )
        expect(self.page).to_have_url(f"{self.stack.public_url}/register")
        self.seen("start")
        since = len(self.stack.smtp.emails())
        self.hands.fill(self.page.get_by_label(self.w("Organisation email")), self.main_email)
        self.hands.press(self.button("Send me a sign-in link"))
        self.expect_heading("Check your email")
        self.seen("sign-in-sent")
        # Opening the email's link is the mail program's doing, not the page's.
        self.page.goto(
            read_link(self.stack.smtp, to=self.main_email, contains="/sign-in/link", since=since)
        )
        self.seen("sign-in-link")
        self.hands.press(self.button("Continue"))
        expect(self.page).to_have_url(f"{self.stack.public_url}/register/role")

    def fill_the_form(self, mistake: Mistaken | None = None) -> None:
        """Who fills it, the body, the main, the alternate; one answer wrong, if `mistake`."""
        t, hands = self.texts, self.hands
        self.seen("role")
        hands.choose(self.radio(t.choice("submitted_by", "main")))
        self.next_page()

        self.expect_heading(t.form.sections[0].title(self.language), translated=False)
        typed = {"body.tax_id": self.tax_id, "alternate.email": self.alternate_email}
        if mistake is not None:
            typed[mistake.field] = mistake.typed
        hands.fill(self.field("body.name"), self.body_name)
        hands.fill(self.field("body.tax_id"), typed["body.tax_id"])
        hands.choose(self.radio(t.choice("body.level", "local")))
        hands.fill(self.field("body.parent"), "Υπουργείο Εσωτερικών")
        hands.fill(self.field("body.website"), "https://example.gov.gr")
        self.seen("body")
        self.next_page()

        self.representative("main", "Μαρία Παπαδοπούλου", "directorate_head")
        self.seen("main")
        self.next_page()

        hands.choose(self.radio(self.w("Yes")))
        self.seen("alternate")
        self.next_page()

        self.representative("alternate", "Γιώργος Νικολάου", "department_head")
        hands.fill(self.field("alternate.email"), typed["alternate.email"])
        self.seen("alternate-details")
        self.next_page()

    def representative(self, role: str, name: str, seniority: str) -> None:
        t, hands = self.texts, self.hands
        hands.fill(self.field(f"{role}.full_name"), name)
        hands.fill(self.field(f"{role}.position_title"), "Προϊστάμενος")
        hands.fill(self.field(f"{role}.unit"), "Διεύθυνση Ψηφιακής Διακυβέρνησης")
        hands.choose(self.radio(t.choice(f"{role}.seniority", seniority)))
        hands.fill(self.field(f"{role}.phone"), "+30 210 0000000")
        hands.choose(self.radio(LANGUAGE_NAMES[self.language]))

    def send(self) -> None:
        """Check your answers, tick the declaration and send."""
        self.expect_heading("Check your answers before sending the form")
        self.hands.tick(self.page.get_by_role("checkbox"))
        self.seen("check")
        self.hands.press(self.button("Accept and send the form"))

    def see_the_mistake_and_fix_it(self, mistake: Mistaken) -> None:
        """The error summary names the mistake and links to its field, which kept the value."""
        summary = self.page.get_by_role("alert")
        expect(summary).to_contain_text(self.w("There is a problem"))
        link = summary.get_by_role("link", name=mistake.message)
        expect(link).to_have_count(1)
        field_id = mistake.field.replace(".", "-").replace("_", "-")
        expect(link).to_have_attribute("href", f"#{field_id}")
        expect(self.page).to_have_title(re.compile("^" + re.escape(self.w("Error:"))))
        field = self.field(mistake.field)
        expect(field).to_have_value(mistake.typed)
        expect(field).to_have_attribute("id", field_id)
        expect(self.page.locator(f"#{field_id}-error")).to_contain_text(mistake.message)
        self.seen("error")
        self.hands.press(link)
        expect(field).to_be_focused()
        self.hands.fill(field, mistake.fixed)
        self.next_page()

    def done(self) -> None:
        """The done page: the reference, and the day the designation is due in the language."""
        self.expect_heading("Registration form sent")
        self.registration_id = self.page.url.rstrip("/").rsplit("/", 1)[-1]
        due = date.fromisoformat(
            bodies.registration(self.stack, self.registration_id)["designation_due"]
        )
        # The day as the reader writes it ("3 Δεκεμβρίου 2026", "3 December 2026"), whatever
        # words the page puts around it.
        expect(self.page.get_by_role("main")).to_contain_text(
            format_date(due, "d MMMM y", locale=self.language)
        )
        expect(self.page.get_by_role("main")).to_contain_text(self.registration_id)
        self.seen("done")

    def upload_the_designation(self) -> None:
        """The acknowledgement email's link, the signer, the PDF: sent."""
        link = read_link(
            self.stack.smtp,
            to=self.main_email,
            contains=f"/registrations/{self.registration_id}/designation",
            timeout=30,
        )
        assert link.startswith(self.stack.public_url), link

        def upload_page() -> None:
            # The gateway knows the new representative once its directory read the event.
            self.page.goto(link)
            self.expect_heading("Upload the designation")

        eventually(upload_page, timeout=20, interval=0.5)
        self.seen("upload")
        pdf = self.tmp_path / "designation.pdf"
        pdf.write_bytes(PDF)
        self.hands.fill(self.page.get_by_label(self.w("Full name of the signer")), "Ελένη Γεωργίου")
        self.hands.fill(
            self.page.get_by_label(self.w("Position of the signer")), "Γενική Γραμματέας"
        )
        self.hands.attach(self.page.get_by_label(self.w("The signed designation")), pdf)
        self.hands.press(self.button("Send the designation"))
        expect(self.page).to_have_url(
            f"{self.stack.public_url}/registrations/{self.registration_id}/designation/sent"
        )
        self.seen("upload-sent")

    def see_the_body_active(self) -> None:
        """Verified by the unit through the API: the body's page says it is an active member."""
        verified = bodies.verify_designation(self.stack, self.registration_id)
        assert verified["status"] == "active"
        assert verified["designation"]["signed_by_name"] == "Ελένη Γεωργίου"
        self.hands.press(self.page.get_by_role("link", name=self.w("Go to your body's page")))
        expect(self.page).to_have_url(f"{self.stack.public_url}/my-body")
        expect(self.page.locator("#registration-status")).to_have_text(
            exactly(self.w("Active member of the network"))
        )
        expect(self.page.get_by_role("main")).to_contain_text(self.tax_id)
        self.seen("my-body-active")

    def run(self, mistake: Mistake) -> None:
        """The whole journey, with `mistake` made once and fixed."""
        made = self.mistake(mistake)
        self.sign_in_to_register()
        self.fill_the_form(made)
        self.send()
        self.see_the_mistake_and_fix_it(made)
        self.send()
        self.done()
        self.upload_the_designation()
        self.see_the_body_active()

    def mistake(self, kind: Mistake) -> Mistaken:
        if kind == "tax_id_check_digit":
            wrong = self.tax_id[:-1] + str((int(self.tax_id[-1]) + 1) % 10)
            message = message_for(ErrorCode.AFM_CHECK_DIGIT, {}, self.language)
            return Mistaken("body.tax_id", wrong, self.tax_id, message)
        webmail = "g.nikolaou@gmail.com"
        message = message_for(ErrorCode.WEBMAIL_NOT_ALLOWED, {"domain": "gmail.com"}, self.language)
        return Mistaken("alternate.email", webmail, self.alternate_email, message)
