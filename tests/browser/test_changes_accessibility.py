"""The pages that change a body, step by step in Greek and in English: no WCAG 2.1 A/AA violation.

Adding the alternate later, replacing a representative and withdrawing: the question page, the
same page showing its errors, check your answers and the done page, each checked by axe-core.
Each run changes its own body, so each signs in for itself.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import bodies
from tests.browser.journey import FormTexts
from tests.browser.people import Language, exactly, sign_in, words
from tests.browser.stack import GatewayStack
from tests.support.browser import Screenshots, check_accessibility

LANGUAGES: tuple[Language, ...] = ("el", "en")


def checked(page: Page, screenshots: Screenshots, language: Language, step: str) -> None:
    screenshots.take(page, f"{language}-{step}")
    check_accessibility(page)


def press(page: Page, language: Language, msgid: str) -> None:
    page.get_by_role("button", name=exactly(words(language, msgid))).click()


def shows_errors(page: Page, language: Language) -> None:
    expect(page.get_by_role("alert")).to_contain_text(words(language, "There is a problem"))
    expect(page).to_have_title(re.compile("^" + re.escape(words(language, "Error:"))))


def name_a_representative(page: Page, texts: FormTexts, email: str) -> None:
    """The question page about a new representative, answered."""
    label = texts.label
    page.get_by_label(label("alternate.full_name"), exact=True).fill("Ελένη Σταύρου")
    page.get_by_label(label("alternate.position_title"), exact=True).fill("Προϊσταμένη")
    page.get_by_label(label("alternate.unit"), exact=True).fill("Διεύθυνση Οργάνωσης")
    seniority = texts.choice("alternate.seniority", "department_head")
    page.get_by_role("radio", name=seniority, exact=True).check()
    page.get_by_label(label("alternate.email"), exact=True).fill(email)
    page.get_by_label(label("alternate.phone"), exact=True).fill("+30 210 1111111")


def nominate(
    page: Page,
    stack: GatewayStack,
    screenshots: Screenshots,
    language: Language,
    question_path: str,
) -> None:
    """Question page, its errors, check your answers, done: each one checked."""
    texts = FormTexts.read(stack, language)
    page.goto(question_path)
    checked(page, screenshots, language, "question")
    press(page, language, "Continue")
    shows_errors(page, language)
    checked(page, screenshots, language, "question-errors")
    name_a_representative(page, texts, bodies.new_email("nominee"))
    press(page, language, "Continue")
    expect(page).to_have_url(f"{stack.public_url}{question_path}/check")
    checked(page, screenshots, language, "check")
    press(page, language, "Send")
    expect(page).to_have_url(re.compile(rf"{re.escape(question_path)}/done"))
    checked(page, screenshots, language, "done")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_adding_the_alternate_have_no_wcag_violation(
    page: Page, stack: GatewayStack, screenshots: Screenshots, language: Language
) -> None:
    body = bodies.active_body(stack, name="Δήμος Χωρίς Αναπληρωτή")
    sign_in(page, stack, body.main_email, language=language)
    nominate(page, stack, screenshots, language, "/my-body/alternate")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_replacing_a_representative_have_no_wcag_violation(
    page: Page, stack: GatewayStack, screenshots: Screenshots, language: Language
) -> None:
    body = bodies.active_body(stack, name="Δήμος Διαδοχής", with_alternate=True)
    sign_in(page, stack, body.main_email, language=language)
    path = f"/my-body/representatives/{body.alternate_id}/replace"
    nominate(page, stack, screenshots, language, path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_withdrawing_a_body_have_no_wcag_violation(
    page: Page, stack: GatewayStack, screenshots: Screenshots, language: Language
) -> None:
    body = bodies.register_body(stack, name="Δήμος Αποχώρησης")
    sign_in(page, stack, body.main_email, language=language)
    page.goto("/my-body/withdraw")
    checked(page, screenshots, language, "question")
    press(page, language, "Withdraw the registration")
    shows_errors(page, language)
    checked(page, screenshots, language, "question-errors")
    page.get_by_role("checkbox").check()
    press(page, language, "Withdraw the registration")
    expect(page).to_have_url(f"{stack.public_url}/my-body/withdraw/done")
    checked(page, screenshots, language, "done")
    assert bodies.registration(stack, body.registration_id)["status"] == "withdrawn"
