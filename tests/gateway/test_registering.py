"""The registration journey in the gateway, in process, against the real registration service.

The gateway runs in process (FastAPI's TestClient, a fresh database); the registration service
is a real process on fresh topics and database, so every refusal a page shows is the service's
own 422 or 409. A person is signed in by opening their session in the gateway's table, as the
sign-in link would (the link itself is tested with the sign-in pages).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.directory import blind_index
from services.gateway.form_fields import RegistrationForm
from services.gateway.registration_draft import GENERAL, PAGE, Draft
from services.gateway.registration_views import error_text
from services.gateway.service import SERVICE
from services.gateway.sessions import SESSION_COOKIE, SessionStore
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import BASE_URL, csrf_token
from tests.gateway.test_my_body import feed_directory, fresh_tax_id
from tests.registration.conftest import ADMIN, TAX_IDS, RegistrationStack, running_registration

MAIN_EMAIL = "m.papadopoulou@example.gov.gr"
ALTERNATE_EMAIL = "g.nikolaou@example.gov.gr"

BODY = {
    "body.name": "Δήμος Παραδείγματος",
    "body.tax_id": TAX_IDS[0],
    "body.level": "local",
    "body.parent": "Υπουργείο Εσωτερικών",
    "body.website": "https://example.gov.gr",
}
MAIN = {
    "main.full_name": "Μαρία Παπαδοπούλου",
    "main.position_title": "Προϊσταμένη Διεύθυνσης",
    "main.unit": "Διεύθυνση Ψηφιακής Διακυβέρνησης",
    "main.seniority": "directorate_head",
    "main.seniority_justification": "",
    "main.email": MAIN_EMAIL,
    "main.phone": "210 0000000",
    "main.language": "el",
}
ALTERNATE = {
    "alternate.full_name": "Γιώργος Νικολάου",
    "alternate.position_title": "Προϊστάμενος Τμήματος",
    "alternate.unit": "Τμήμα Καινοτομίας",
    "alternate.seniority": "department_head",
    "alternate.seniority_justification": "",
    "alternate.email": ALTERNATE_EMAIL,
    "alternate.phone": "",
    "alternate.language": "en",
}


@pytest.fixture(scope="module")
def registration(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistrationStack]:
    with running_registration(tmp_path_factory.mktemp("registration")) as stack:
        yield stack


@contextmanager
def running_gateway(
    database: str, registration: RegistrationStack, monkeypatch: pytest.MonkeyPatch, **env: str
) -> Iterator[TestClient]:
    """The gateway's API role in process, calling the registration service process."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database)
    monkeypatch.setenv("GATEWAY_REGISTRATION_URL", registration.url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = ServiceSettings.for_service("gateway")
    app = create_app(SERVICE, settings, role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.fixture
def gateway(
    gateway_database: str, registration: RegistrationStack, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with running_gateway(gateway_database, registration, monkeypatch) as client:
        yield client


def sign_in(client: TestClient, email: str) -> None:
    """Open a session for `email` (purpose register), as following the sign-in link does."""
    application: Any = client.app.state.application  # type: ignore[attr-defined]
    store = SessionStore(application.database, timedelta(minutes=30))
    index = blind_index(application.gateway.blind_index_key, email)
    client.cookies.set(SESSION_COOKIE, store.open("register", email, index))


def post(client: TestClient, path: str, data: dict[str, str]) -> Any:
    """Post a page's form with the CSRF token of the page itself."""
    token = csrf_token(client.get(path).text)
    return client.post(path, data={**data, "csrf_token": token})


def answer(client: TestClient, path: str, data: dict[str, str], goes_to: str) -> None:
    """Answer a question page and check where it sends the person."""
    response = post(client, path, data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == goes_to


def fill_in(client: TestClient, body: dict[str, str] | None = None, alternate: bool = True) -> None:
    """The main representative fills in every page, up to check your answers."""
    answer(client, "/register/role", {"submitted_by": "main"}, "/register/body")
    answer(client, "/register/body", body or BODY, "/register/main")
    answer(client, "/register/main", MAIN, "/register/alternate")
    if alternate:
        answer(
            client, "/register/alternate", {"has_alternate": "yes"}, "/register/alternate/details"
        )
        answer(client, "/register/alternate/details", ALTERNATE, "/register/check")
    else:
        answer(client, "/register/alternate", {"has_alternate": "no"}, "/register/check")


def submit(client: TestClient, consent: bool = True) -> Any:
    token = csrf_token(client.get("/register/check").text)
    data = {"csrf_token": token, **({"consent": "yes"} if consent else {})}
    return client.post("/register/submit", data=data)


def text_of(html: str) -> str:
    """A page's text without its tags, to look for what it says."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_form_fields_page_shows_every_field_in_the_readers_language(
    gateway: TestClient,
) -> None:
    page = gateway.get("/registration-form")
    assert page.status_code == 200
    assert "ΑΦΜ φορέα" in page.text
    assert 'href="/registration-form.pdf"' in page.text
    assert 'href="/privacy"' in page.text
    assert "Ζητά τα ίδια πεδία με την ενότητα «Κύριο μέλος»" in page.text, "not twice over"
    gateway.cookies.set("lang", "en")
    english = gateway.get("/registration-form").text
    assert "Tax number of the body (ΑΦΜ)" in english
    assert "Heads of Directorates" in english


def test_the_form_sheet_is_the_services_pdf(gateway: TestClient) -> None:
    sheet = gateway.get("/registration-form.pdf")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")


def test_the_start_page_asks_a_signed_out_person_to_sign_in_to_register(
    gateway: TestClient,
) -> None:
    page = gateway.get("/register")
    assert page.status_code == 200
    assert 'action="/sign-in"' in page.text
    assert 'name="purpose" value="register"' in page.text
    assert 'href="/privacy"' in page.text
    assert 'href="/registration-form"' in page.text


def test_a_question_page_sends_a_signed_out_person_to_sign_in_first(gateway: TestClient) -> None:
    response = gateway.get("/register/body")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?")
    assert "purpose=register" in response.headers["location"]


def test_the_main_representative_registers_the_body_with_an_alternate(
    gateway: TestClient, registration: RegistrationStack
) -> None:
    sign_in(gateway, MAIN_EMAIL)
    assert 'href="/register/role"' in gateway.get("/register").text
    fill_in(gateway, {**BODY, "body.tax_id": TAX_IDS[1]})
    check = text_of(gateway.get("/register/check").text)
    for shown in ("Δήμος Παραδείγματος", TAX_IDS[1], "Τοπική αυτοδιοίκηση", MAIN_EMAIL):
        assert shown in check
    assert "Γιώργος Νικολάου" in check
    assert "English" in check or "Αγγλικά" in check, "the alternate's language"

    sent = submit(gateway)
    assert sent.status_code == 303, sent.text
    done_path = sent.headers["location"]
    assert done_path.startswith("/register/done/")
    registration_id = done_path.rsplit("/", 1)[-1]

    done = gateway.get(done_path)
    assert done.status_code == 200
    assert f'href="/registrations/{registration_id}/designation"' in done.text
    said = text_of(done.text)
    assert "Γενικός Γραμματέας" in said or "Γενικό Γραμματέα" in said
    assert "10 MB" in said
    assert re.search(r"έως και την \w+ \d+ \w+ 20\d\d", said), "the due day, in Greek"
    assert "Μαρία Παπαδοπούλου" in said
    assert "Γιώργος Νικολάου" in said
    with registration.client() as api:
        stored = api.get(f"/registrations/{registration_id}").json()
    assert stored["body"]["tax_id"] == TAX_IDS[1]
    gateway.cookies.set("lang", "en")
    assert re.search(r"by the end of \w+day \d+ \w+ 20\d\d", text_of(gateway.get(done_path).text))

    gateway.cookies.clear()
    sign_in(gateway, "someone.else@example.gov.gr")
    assert gateway.get(done_path).status_code == 404, "another's done page is not found"


def test_a_mistake_the_service_finds_goes_back_to_its_page_and_field(
    gateway: TestClient,
) -> None:
    sign_in(gateway, MAIN_EMAIL)
    fill_in(gateway, {**BODY, "body.tax_id": "123456789"}, alternate=False)
    refused = submit(gateway)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/register/body"
    page = gateway.get("/register/body").text
    assert "govgr-error-summary" in page
    assert 'href="#body-tax-id"' in page, "the summary links to the field"
    assert 'value="123456789"' in page, "the field keeps its value"
    assert re.search(r'id="body-tax-id"[^>]*aria-describedby="[^"]*body-tax-id-error', page)
    assert "<title>Σφάλμα:" in page

    # Fixed, the form goes on to check your answers, and is sent.
    answer(gateway, "/register/body", {**BODY, "body.tax_id": TAX_IDS[2]}, "/register/check")
    assert submit(gateway).headers["location"].startswith("/register/done/")


def test_a_page_with_a_required_answer_missing_says_so_on_the_page(gateway: TestClient) -> None:
    sign_in(gateway, MAIN_EMAIL)
    answer(gateway, "/register/role", {"submitted_by": "main"}, "/register/body")
    answer(gateway, "/register/body", {**BODY, "body.name": "  "}, "/register/body")
    page = gateway.get("/register/body").text
    assert 'href="#body-name"' in page
    assert "Επωνυμία φορέα" in text_of(page)


def test_the_signed_in_persons_own_email_is_the_proved_one(gateway: TestClient) -> None:
    sign_in(gateway, ALTERNATE_EMAIL)
    answer(gateway, "/register/role", {"submitted_by": "alternate"}, "/register/body")
    answer(gateway, "/register/body", {**BODY, "body.tax_id": TAX_IDS[3]}, "/register/main")
    main_page = gateway.get("/register/main").text
    assert 'name="main.email"' in main_page, "the main's email is typed by the alternate"
    answer(gateway, "/register/main", MAIN, "/register/alternate/details")
    details = gateway.get("/register/alternate/details").text
    assert 'name="alternate.email"' not in details, "the alternate's own email is not typed"
    assert ALTERNATE_EMAIL in details
    typed = {**ALTERNATE, "alternate.email": "someone.else@example.gov.gr"}
    answer(gateway, "/register/alternate/details", typed, "/register/check")
    assert gateway.get("/register/alternate").headers["location"] == "/register/alternate/details"
    sent = submit(gateway)
    assert sent.headers["location"].startswith("/register/done/"), sent.text


def test_a_body_registered_already_is_a_clear_page(gateway: TestClient) -> None:
    sign_in(gateway, MAIN_EMAIL)
    fill_in(gateway, {**BODY, "body.tax_id": TAX_IDS[4]}, alternate=False)
    assert submit(gateway).status_code == 303
    fill_in(gateway, {**BODY, "body.tax_id": TAX_IDS[4]}, alternate=False)
    taken = submit(gateway)
    assert taken.status_code == 409
    assert TAX_IDS[4] in taken.text
    assert 'href="/register/body#body-tax-id"' in taken.text


def test_the_declaration_must_be_ticked(gateway: TestClient) -> None:
    sign_in(gateway, MAIN_EMAIL)
    fill_in(gateway, {**BODY, "body.tax_id": TAX_IDS[5]}, alternate=False)
    refused = submit(gateway, consent=False)
    assert refused.headers["location"] == "/register/check"
    page = gateway.get("/register/check").text
    assert 'href="#consent"' in page
    assert re.search(r'aria-describedby="[^"]*consent-error', page)


def test_a_person_who_left_the_form_part_way_continues_or_starts_again(
    gateway: TestClient,
) -> None:
    sign_in(gateway, MAIN_EMAIL)
    answer(gateway, "/register/role", {"submitted_by": "main"}, "/register/body")
    answer(gateway, "/register/body", BODY, "/register/main")
    start = gateway.get("/register").text
    assert 'href="/register/main"' in start, "on from the first page not done"
    token = csrf_token(start)
    again = gateway.post("/register/restart", data={"csrf_token": token})
    assert again.headers["location"] == "/register/role"
    assert 'value="Δήμος Παραδείγματος"' not in gateway.get("/register/body").text
    assert gateway.get("/register/check").headers["location"] == "/register"


def test_the_submission_needs_the_csrf_token(gateway: TestClient) -> None:
    sign_in(gateway, MAIN_EMAIL)
    assert gateway.post("/register/submit", data={"consent": "yes"}).status_code == 403


def test_submissions_are_limited_per_signed_in_address(
    gateway_database: str, registration: RegistrationStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"GATEWAY_SUBMIT_PER_ADDRESS": "1"}
    with running_gateway(gateway_database, registration, monkeypatch, **env) as gateway:
        sign_in(gateway, MAIN_EMAIL)
        fill_in(gateway, {**BODY, "body.tax_id": "123456789"}, alternate=False)
        assert submit(gateway).status_code == 303, "the first one reaches the service"
        limited = submit(gateway)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        sign_in(gateway, ALTERNATE_EMAIL)  # another address, from the same client
        fill_in(gateway, {**BODY, "body.tax_id": "123456789"}, alternate=False)
        assert submit(gateway).status_code == 303


def test_every_registration_page_is_served_in_english_too(gateway: TestClient) -> None:
    sign_in(gateway, MAIN_EMAIL)
    gateway.cookies.set("lang", "en")
    fill_in(gateway, alternate=True)
    for path in (
        "/register",
        "/register/role",
        "/register/body",
        "/register/main",
        "/register/alternate",
        "/register/alternate/details",
        "/register/check",
    ):
        page = gateway.get(path)
        assert page.status_code == 200, path
        assert '<html lang="en">' in page.text
        assert "style=" not in page.text
        assert "<script" not in page.text


# The draft alone: no servers.


def a_form() -> RegistrationForm:
    """A small form as the service describes one: labels in both languages, some required."""
    fields = [
        ("body.name", "body", True, None),
        ("body.website", "body", False, None),
        ("main.full_name", "main", True, None),
        ("main.seniority", "main", True, None),
        ("main.seniority_justification", "main", False, ("main.seniority", "equivalent")),
        ("main.email", "main", True, None),
        ("alternate.full_name", "alternate", True, None),
        ("alternate.email", "alternate", True, None),
    ]
    return RegistrationForm.model_validate(
        {
            "title_el": "Αίτηση",
            "title_en": "Form",
            "sections": [
                {"key": key, "title_el": key, "title_en": key, "optional": key == "alternate"}
                for key in ("body", "main", "alternate", "declaration")
            ],
            "fields": [
                {
                    "name": name,
                    "section": section,
                    "type": "text",
                    "required": required,
                    "label_el": name,
                    "label_en": name,
                    "required_when": {"field": when[0], "value": when[1]} if when else None,
                }
                for name, section, required, when in fields
            ],
        }
    )


def test_the_request_takes_the_proved_email_for_the_person_who_fills_it_in() -> None:
    draft = Draft({"answers": {"submitted_by": "alternate", "main.email": "typed@example.gov.gr"}})
    body = draft.request_body("proved@example.gov.gr")
    assert body["submitted_by"] == "alternate"
    assert body["main"]["email"] == "typed@example.gov.gr"
    assert body["alternate"]["email"] == "proved@example.gov.gr"
    assert body["consent"] is False


def test_empty_answers_are_left_out_so_the_service_names_them_missing() -> None:
    draft = Draft({"answers": {"submitted_by": "main", "body.name": "  ", "body.website": ""}})
    body = draft.request_body("me@example.gov.gr")
    assert body["body"] == {}
    assert body["alternate"] is None, "no alternate unless the main said there is one"
    assert body["main"] == {"email": "me@example.gov.gr"}


def test_a_page_checks_the_fields_the_services_form_requires() -> None:
    form = a_form()
    draft = Draft({"answers": {"submitted_by": "main"}})
    draft.take(PAGE["main"], {"main.full_name": "Μαρία", "main.seniority": "equivalent"}, form)
    # The email is required, but the main's own is the proved one: not asked, so not missing.
    assert set(draft.errors) == {"main.seniority_justification"}
    assert draft.next_path(PAGE["main"], form) == "/register/main"
    draft.take(
        PAGE["main"],
        {
            "main.full_name": "Μαρία",
            "main.seniority": "equivalent",
            "main.seniority_justification": "Αυτοτελές γραφείο",
            "main.language": "el",
        },
        form,
    )
    assert draft.errors == {}
    assert draft.next_path(PAGE["main"], form) == "/register/alternate"


def test_each_refusal_goes_to_its_field_and_two_same_emails_to_the_typed_one() -> None:
    draft = Draft({"answers": {"submitted_by": "alternate"}})
    draft.place(
        [
            {"type": "afm_check_digit", "loc": ["body", "body", "tax_id"]},
            {"type": "url_parsing", "loc": ["body", "body", "website", "[key]"], "ctx": {"e": 1}},
            {"type": "different_emails", "loc": ["body", "alternate", "email"]},
            {"type": "concurrent_change"},
        ]
    )
    assert draft.errors["body.tax_id"]["type"] == "afm_check_digit"
    assert draft.errors["body.website"] == {"type": "url_parsing", "ctx": {"e": 1}}
    assert draft.errors["main.email"]["type"] == "different_emails"
    assert draft.errors[GENERAL]["type"] == "concurrent_change"
    assert draft.first_page_with_errors().key == "body"


def test_after_check_your_answers_a_change_leads_back_to_it_or_to_a_page_it_calls_for() -> None:
    form = a_form()
    draft = Draft(
        {"answers": {"submitted_by": "main", "has_alternate": "no"}, "reached_check": True}
    )
    draft.take(PAGE["alternate"], {"has_alternate": "yes"}, form)
    assert draft.next_path(PAGE["alternate"], form) == "/register/body", "the body is not done"
    draft.answers.update({"body.name": "Δήμος", "main.full_name": "Μαρία"})
    draft.answers.update({"main.seniority": "directorate_head", "main.language": "el"})
    assert draft.next_path(PAGE["alternate"], form) == "/register/alternate/details"
    draft.answers.update({"alternate.full_name": "Γιώργος", "alternate.email": "g@example.gov.gr"})
    draft.answers["alternate.language"] = "en"
    assert draft.next_path(PAGE["alternate"], form) == "/register/check"


def test_the_alternate_who_fills_it_in_is_not_asked_whether_there_is_an_alternate() -> None:
    draft = Draft({"answers": {"submitted_by": "alternate"}})
    keys = [page.key for page in draft.needed_pages()]
    assert keys == ["role", "body", "main", "alternate_details", "check"]
    assert draft.fixed_email() == "alternate.email"


def test_missing_answers_are_said_with_the_fields_label_in_the_readers_language() -> None:
    form = a_form()
    assert "body.name" in error_text("body.name", {"type": "missing"}, form, "en")
    assert error_text("submitted_by", {"type": "missing"}, form, "el").startswith("Επιλέξτε")
    assert "ΑΦΜ" in error_text("body.tax_id", {"type": "afm_check_digit"}, form, "el")


def test_right_after_sending_the_bodys_pages_are_being_prepared_not_refused(
    gateway: TestClient, registration: RegistrationStack
) -> None:
    sign_in(gateway, MAIN_EMAIL)
    tax_id = fresh_tax_id()
    fill_in(gateway, {**BODY, "body.tax_id": tax_id}, alternate=False)
    registration_id = submit(gateway).headers["location"].rsplit("/", 1)[-1]
    upload_page = f"/registrations/{registration_id}/designation"
    for path in (upload_page, "/my-body"):
        waiting = gateway.get(path)
        assert waiting.status_code == 503, path
        assert waiting.headers["retry-after"] == "2"
        assert f'href="{path}"' in waiting.text, "a link to try the same page again"
        assert "Η σελίδα του φορέα σας ετοιμάζεται" in waiting.text
        assert 'action="/sign-out"' in waiting.text, "still signed in"

    # Once the directory has read the registration, the same link opens the page.
    with registration.client() as api:
        created = api.get(f"/registrations/{registration_id}", headers=ADMIN).json()
    feed_directory(gateway, created, tax_id)
    assert gateway.get(upload_page).status_code == 200
    assert gateway.get("/my-body").status_code == 200


def test_an_applicant_who_sent_nothing_is_refused_a_bodys_page(gateway: TestClient) -> None:
    sign_in(gateway, "nobody.yet@example.gov.gr")
    assert gateway.get("/my-body").status_code == 403
    assert gateway.get(f"/registrations/{uuid.uuid4()}/designation").status_code == 403
