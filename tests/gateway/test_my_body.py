"""The "my body" pages in process, against the real registration service (a process on the real
PostgreSQL and Kafka): the body's page, the designation's upload, the alternate added later, a
representative replaced, the withdrawal, and that a representative sees only their own body.

The gateway's directory is fed the registration's contract events as its consumer would
(`Feed`), with the ids the service gave, so the representative signs in through the real link.
"""

from __future__ import annotations

import io
import itertools
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pikepdf
import pytest
from fastapi.testclient import TestClient
from stdnum.gr import vat

from contracts import registration as reg
from services.gateway.body_view import RegistrationRead, RepresentativePart, history
from services.gateway.form_fields import RegistrationForm
from services.gateway.i18n import Language, Reading, reset_reading, set_reading
from services.gateway.nominee import NomineeDraft
from services.gateway.pages import environment
from services.gateway.service import SERVICE
from services.gateway.settings import GatewaySettings
from services.registration.form import REGISTRATION_FORM
from services.runtime.auth import mint_token
from services.runtime.http import create_app
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from tests.gateway.conftest import (
    BASE_URL,
    Feed,
    SignInLinks,
    ask_for_link,
    csrf_token,
    use_link,
)
from tests.registration.conftest import ADMIN, PDF, RegistrationStack, form, running_registration

MAIN_EMAIL = "m.papadopoulou@example.gov.gr"
OFFSETS = itertools.count(0, 100)


def fresh_tax_id() -> str:
    """A Greek tax number with a valid check digit, new for each registration of a test."""
    digits = f"{random.randrange(10_000_000, 99_999_999)}"
    return digits + str(vat.calc_check_digit(digits))


def applicant(email: str) -> dict[str, str]:
    """The Authorization header of a person who proved `email` (the registration form's)."""
    minted = mint_token(DEVELOPMENT_JWT_SECRET, subject=email, role="applicant", email=email)
    return {"Authorization": f"Bearer {minted}"}


@pytest.fixture(scope="module")
def registration_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistrationStack]:
    with running_registration(tmp_path_factory.mktemp("registration")) as stack:
        yield stack


@dataclass
class Body:
    """A registration in the service and the signed-in gateway of its main representative."""

    client: TestClient
    service: httpx.Client
    registration_id: str
    tax_id: str
    representatives: list[dict[str, Any]]

    @property
    def main_id(self) -> str:
        return str(self.representatives[0]["id"])

    def view(self) -> dict[str, Any]:
        """The registration as the innovation unit reads it from the service."""
        answer = self.service.get(f"/registrations/{self.registration_id}", headers=ADMIN)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def post_form(self, path: str, data: dict[str, str], page: str | None = None) -> Any:
        """Send a page's form as a browser would, with the CSRF token of the page it is on."""
        token = csrf_token(self.client.get(page or path).text)
        return self.client.post(path, data={"csrf_token": token, **data})


def submit(service: httpx.Client, tax_id: str, with_alternate: bool = False) -> dict[str, Any]:
    answer = service.post(
        "/registrations",
        json=form(tax_id, with_alternate=with_alternate),
        headers=applicant(MAIN_EMAIL),
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def feed_directory(client: TestClient, created: dict[str, Any], tax_id: str) -> None:
    """What the directory learns from the registration's topic: the body and its main."""
    running = client.app.state.running  # type: ignore[attr-defined]
    feed = Feed(client)
    feed.registration_id = uuid.UUID(created["id"])
    feed.offset = next(OFFSETS)  # a directory fed twice sees later offsets each time
    now = datetime.now(UTC)
    main = uuid.UUID(created["representatives"][0]["id"])
    sealer = running.stores.sealer
    feed.deliver(
        reg.RegistrationSubmitted(
            registration_id=feed.registration_id,
            body=reg.Body(name="Δήμος Παραδείγματος", tax_id=tax_id, level=reg.Level.LOCAL),
            submitted_by=reg.Role.MAIN,
            submitted_at=now,
            designation_due=date.fromisoformat(created["designation_due"]),
            representatives=[reg.Nominee(representative_id=main, role=reg.Role.MAIN)],
        )
    )
    feed.deliver(
        reg.RepresentativeNominated(
            registration_id=feed.registration_id,
            representative_id=main,
            role=reg.Role.MAIN,
            full_name=sealer.seal(main, "Μαρία Παπαδοπούλου"),
            email=sealer.seal(main, MAIN_EMAIL),
            position_title="Προϊσταμένη Διεύθυνσης",
            unit="Διεύθυνση Ψηφιακής Διακυβέρνησης",
            seniority=reg.Seniority.DIRECTORATE_HEAD,
            designation_due=date.fromisoformat(created["designation_due"]),
            nominated_at=now,
        )
    )


@pytest.fixture
def site(
    registration_service: RegistrationStack,
    gateway_env: pytest.MonkeyPatch,
    sign_in_links: SignInLinks,
) -> Iterator[tuple[TestClient, httpx.Client]]:
    """The gateway, calling the registration service, and a client of the service itself."""
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", registration_service.url)
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with (
        TestClient(app, base_url=BASE_URL, follow_redirects=False) as client,
        registration_service.client() as service,
    ):
        yield client, service


def signed_in_body(
    site: tuple[TestClient, httpx.Client], links: SignInLinks, with_alternate: bool = False
) -> Body:
    """A new registration, and its main representative signed in to the gateway."""
    client, service = site
    tax_id = fresh_tax_id()
    created = submit(service, tax_id, with_alternate)
    feed_directory(client, created, tax_id)
    ask_for_link(client, MAIN_EMAIL)
    signed_in = use_link(client, links.token())
    assert signed_in.status_code == 303, signed_in.text
    return Body(client, service, created["id"], tax_id, created["representatives"])


@pytest.fixture
def body(site: tuple[TestClient, httpx.Client], sign_in_links: SignInLinks) -> Body:
    return signed_in_body(site, sign_in_links)


def error_summary_links(html: str) -> list[str]:
    """The fields the error summary links to."""
    summary = html.split('class="govgr-error-summary"', 1)
    assert len(summary) == 2, "the page has no error summary"
    return re.findall(r'href="#([a-z-]+)"', summary[1].split("</div>", 1)[0])


# The body's page.


def test_the_body_page_shows_status_due_day_representatives_history_and_actions(
    body: Body,
) -> None:
    page = body.client.get("/my-body")
    assert page.status_code == 200, page.text
    assert "Δήμος Παραδείγματος" in page.text
    assert 'data-status="awaiting_designation"' in page.text
    assert "Αναμένεται το έγγραφο ορισμού" in page.text
    due = date.fromisoformat(body.view()["designation_due"])
    assert f"{due.day} " in page.text.split('id="designation-due"', 1)[1][:80]
    assert "Μαρία Παπαδοπούλου" in page.text
    assert MAIN_EMAIL in page.text
    assert "Υποβλήθηκε η αίτηση εγγραφής." in page.text, "the history starts with the form"
    assert f'href="/registrations/{body.registration_id}/designation"' in page.text
    assert 'href="/my-body/alternate"' in page.text, "no alternate yet: it can be added"
    assert f'href="/my-body/representatives/{body.main_id}/replace"' in page.text
    assert 'href="/my-body/withdraw"' in page.text

    body.client.cookies.set("lang", "en")
    english = body.client.get("/my-body").text
    assert "Waiting for the designation" in english
    assert "The registration form was submitted." in english


def test_the_body_page_and_the_upload_page_are_for_signed_in_representatives(
    site: tuple[TestClient, httpx.Client],
) -> None:
    client, service = site
    created = submit(service, fresh_tax_id())
    upload_page = f"/registrations/{created['id']}/designation"
    answer = client.get(upload_page)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/sign-in?next={upload_page.replace('/', '%2F')}"
    assert client.get("/my-body").status_code == 303


def test_the_emails_upload_link_signs_in_first_then_comes_back(
    site: tuple[TestClient, httpx.Client], sign_in_links: SignInLinks
) -> None:
    client, service = site
    tax_id = fresh_tax_id()
    created = submit(service, tax_id)
    feed_directory(client, created, tax_id)
    upload_page = f"/registrations/{created['id']}/designation"
    sign_in = client.get(client.get(upload_page).headers["location"])
    assert f'name="next" value="{upload_page}"' in sign_in.text
    client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(sign_in.text), "email": MAIN_EMAIL, "next": upload_page},
    )
    signed_in = use_link(client, sign_in_links.token())
    assert signed_in.headers["location"] == upload_page
    assert client.get(upload_page).status_code == 200


def test_another_bodys_registration_is_not_found(body: Body) -> None:
    other = submit(body.service, fresh_tax_id())
    for path in (
        f"/registrations/{other['id']}/designation",
        f"/registrations/{other['id']}/designation/sent",
        f"/registrations/{uuid.uuid4()}/designation",
    ):
        answer = body.client.get(path)
        assert answer.status_code == 404, path
        assert "Δήμος" not in answer.text
    token = csrf_token(body.client.get("/my-body").text)
    sent = body.client.post(
        f"/registrations/{other['id']}/designation",
        data={"csrf_token": token, "signed_by_name": "Νίκος", "signed_by_title": "Γενικός"},
        files={"file": ("d.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 404
    assert (
        body.service.get(f"/registrations/{other['id']}", headers=ADMIN).json()["designation"]
        is None
    )


# The designation.


def upload(body: Body, content: bytes | None, name: str = "Νίκος Αθανασίου") -> Any:
    path = f"/registrations/{body.registration_id}/designation"
    token = csrf_token(body.client.get(path).text)
    files = {"file": ("designation.pdf", content, "application/pdf")} if content else None
    return body.client.post(
        path,
        data={"csrf_token": token, "signed_by_name": name, "signed_by_title": "Γενικός Γραμματέας"},
        files=files or {"file": ("", b"", "application/octet-stream")},
    )


def encrypted_pdf() -> bytes:
    """The smallest PDF, protected with a password."""
    saved = io.BytesIO()
    with pikepdf.open(io.BytesIO(PDF)) as pdf:
        pdf.save(saved, encryption=pikepdf.Encryption(owner="owner", user="user"))
    return saved.getvalue()


def test_the_upload_page_says_what_the_designation_must_contain(body: Body) -> None:
    page = body.client.get(f"/registrations/{body.registration_id}/designation")
    assert page.status_code == 200
    assert "Τι πρέπει να περιέχει το έγγραφο ορισμού" in page.text
    assert "Μαρία Παπαδοπούλου" in page.text, "it names the representatives it designates"
    assert 'enctype="multipart/form-data"' in page.text
    assert re.search(r'<label class="govgr-label" for="file">', page.text)
    assert re.search(
        r'<input[^>]+id="file"[^>]+type="file"[^>]+accept="application/pdf"', page.text
    )
    assert 'aria-describedby="file-hint"' in page.text
    assert 'for="signed-by-name"' in page.text
    assert 'for="signed-by-title"' in page.text


def test_an_upload_without_its_parts_names_each_one(body: Body) -> None:
    answer = upload(body, None, name=" ")
    assert answer.status_code == 422
    assert error_summary_links(answer.text) == ["signed-by-name", "file"]
    assert 'id="file-error"' in answer.text
    assert "Επιλέξτε το αρχείο PDF" in answer.text
    assert 'value="Γενικός Γραμματέας"' in answer.text, "what was typed is kept"


def test_the_services_refusals_of_the_file_are_shown_at_the_field(body: Body) -> None:
    not_a_pdf = upload(body, b"just some text, not a PDF")
    assert not_a_pdf.status_code == 422
    assert error_summary_links(not_a_pdf.text) == ["file"]
    assert "Το έγγραφο ορισμού πρέπει να είναι αρχείο PDF" in not_a_pdf.text
    assert 'aria-describedby="file-hint file-error"' in not_a_pdf.text

    too_large = upload(body, PDF + b"\0" * (10 * 1024 * 1024))
    assert too_large.status_code == 422
    assert error_summary_links(too_large.text) == ["file"]
    assert "10 MB" in too_large.text.split('id="file-error"', 1)[1][:300]

    encrypted = upload(body, encrypted_pdf())
    assert encrypted.status_code == 422
    assert error_summary_links(encrypted.text) == ["file"]
    assert "κωδικό" in encrypted.text.split('id="file-error"', 1)[1][:300]

    short_name = upload(body, PDF, name="Ν")
    assert short_name.status_code == 422
    assert error_summary_links(short_name.text) == ["signed-by-name"]
    assert body.view()["designation"] is None


def test_a_file_past_the_gateways_own_limit_is_a_page_not_an_answer_in_json(body: Body) -> None:
    answer = upload(body, PDF + b"\0" * (11 * 1024 * 1024))
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "10 MB" in answer.text
    assert body.view()["designation"] is None


def test_an_upload_reaches_the_service_and_the_body_page_shows_it(body: Body) -> None:
    sent = upload(body, PDF)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/registrations/{body.registration_id}/designation/sent"
    confirmation = body.client.get(sent.headers["location"])
    assert "Το έγγραφο ορισμού στάλθηκε" in confirmation.text
    designation = body.view()["designation"]
    assert designation["signed_by_name"] == "Νίκος Αθανασίου"
    assert designation["signed_by_title"] == "Γενικός Γραμματέας"

    page = body.client.get("/my-body").text
    assert 'data-status="designation_received"' in page
    assert "Παραλήφθηκε το έγγραφο ορισμού." in page
    assert 'id="upload-designation"' not in page, "nothing more to upload while it is checked"
    again = body.client.get(f"/registrations/{body.registration_id}/designation")
    assert 'id="nothing-to-send"' in again.text

    verified = body.service.post(
        f"/registrations/{body.registration_id}/designation/verify", headers=ADMIN
    )
    assert verified.status_code == 200
    active = body.client.get("/my-body").text
    assert 'data-status="active"' in active
    assert "Ενεργό μέλος του δικτύου" in active


# A new representative.

ALTERNATE = {
    "full_name": "Γιώργος Νικολάου",
    "position_title": "Προϊστάμενος Τμήματος",
    "unit": "Τμήμα Καινοτομίας",
    "seniority": "department_head",
    "seniority_justification": "",
    "email": "g.nikolaou@example.gov.gr",
    "phone": "",
    "language": "en",
}


def test_the_alternate_is_added_through_question_check_and_done(body: Body) -> None:
    page = body.client.get("/my-body/alternate")
    assert page.status_code == 200
    assert 'name="language"' in page.text, "the new representative's language is asked"
    assert '<fieldset class="govgr-fieldset"' in page.text

    empty = body.post_form("/my-body/alternate", {})
    assert empty.status_code == 303
    assert empty.headers["location"] == "/my-body/alternate"
    refused = body.client.get("/my-body/alternate")
    links = error_summary_links(refused.text)
    assert links[:3] == ["full-name", "position-title", "unit"]
    assert "email" in links
    assert "phone" not in links

    answered = body.post_form("/my-body/alternate", ALTERNATE)
    assert answered.headers["location"] == "/my-body/alternate/check"
    check = body.client.get("/my-body/alternate/check")
    assert check.status_code == 200
    assert "Γιώργος Νικολάου" in check.text
    assert "English" in check.text
    assert 'href="/my-body/alternate#email"' in check.text, "each answer can be changed"

    sent = body.post_form("/my-body/alternate/check", {}, page="/my-body/alternate/check")
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith("/my-body/alternate/done?representative=")
    done = body.client.get(sent.headers["location"])
    assert "Γιώργος Νικολάου" in done.text
    alternates = [r for r in body.view()["representatives"] if r["role"] == "alternate"]
    assert [(r["full_name"], r["language"]) for r in alternates] == [("Γιώργος Νικολάου", "en")]
    assert 'href="/my-body/alternate"' not in body.client.get("/my-body").text


def test_the_services_refusal_of_a_nominee_goes_back_to_its_field(body: Body) -> None:
    body.post_form("/my-body/alternate", {**ALTERNATE, "email": "someone@gmail.com"})
    sent = body.post_form("/my-body/alternate/check", {}, page="/my-body/alternate/check")
    assert sent.headers["location"] == "/my-body/alternate"
    page = body.client.get("/my-body/alternate")
    assert error_summary_links(page.text) == ["email"]
    assert "gmail.com" in page.text
    assert 'value="Γιώργος Νικολάου"' in page.text, "the other answers are kept"


def test_a_representative_is_replaced_through_question_check_and_done(body: Body) -> None:
    path = f"/my-body/representatives/{body.main_id}/replace"
    page = body.client.get(path)
    assert page.status_code == 200
    assert "Μαρία Παπαδοπούλου" in page.text
    successor = {**ALTERNATE, "full_name": "Ελένη Γεωργίου", "email": "e.georgiou@example.gov.gr"}
    assert body.post_form(path, successor).headers["location"] == f"{path}/check"
    sent = body.post_form(f"{path}/check", {}, page=f"{path}/check")
    assert sent.status_code == 303, sent.text
    done = body.client.get(sent.headers["location"])
    assert "Ελένη Γεωργίου" in done.text
    successors = [r for r in body.view()["representatives"] if r["replaces"] == body.main_id]
    assert [(r["full_name"], r["role"]) for r in successors] == [("Ελένη Γεωργίου", "main")]
    overview = body.client.get("/my-body").text
    assert "Έχει δηλωθεί αντικαταστάτης: Ελένη Γεωργίου" in overview
    assert f'href="{path}"' not in overview, "one successor at a time"
    assert body.client.get(path).status_code == 409


def test_a_representative_of_another_body_cannot_be_replaced(body: Body) -> None:
    assert body.client.get(f"/my-body/representatives/{uuid.uuid4()}/replace").status_code == 409


# The withdrawal.


def test_the_withdrawal_asks_for_a_confirmation_then_withdraws(body: Body) -> None:
    unconfirmed = body.post_form("/my-body/withdraw", {"reason": "Αναδιοργάνωση"})
    assert unconfirmed.status_code == 422
    assert error_summary_links(unconfirmed.text) == ["confirm"]
    assert "Αναδιοργάνωση" in unconfirmed.text
    assert body.view()["status"] == "awaiting_designation"

    confirmed = body.post_form("/my-body/withdraw", {"reason": "Αναδιοργάνωση", "confirm": "yes"})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/my-body/withdraw/done"
    assert "Η εγγραφή αποσύρθηκε" in body.client.get("/my-body/withdraw/done").text
    assert body.view()["status"] == "withdrawn"


def test_every_form_of_the_pages_carries_the_csrf_token_and_refuses_without_it(
    body: Body,
) -> None:
    for path in (
        f"/registrations/{body.registration_id}/designation",
        "/my-body/alternate",
        f"/my-body/representatives/{body.main_id}/replace",
        "/my-body/withdraw",
    ):
        page = body.client.get(path).text
        assert page.count('name="csrf_token"') == page.count("<form"), path
        assert body.client.post(path, data={"confirm": "yes"}).status_code == 403, path
    assert body.view()["status"] == "awaiting_designation"


def test_staff_read_any_bodys_page(body: Body, sign_in_links: SignInLinks) -> None:
    body.client.post("/sign-out", data={"csrf_token": csrf_token(body.client.get("/").text)})
    ask_for_link(body.client, "innovationunit@example.gov.gr")
    use_link(body.client, sign_in_links.token())
    page = body.client.get("/my-body", params={"registration": body.registration_id})
    assert page.status_code == 200
    assert "Μαρία Παπαδοπούλου" in page.text
    assert 'href="/my-body/withdraw"' not in page.text, "staff read; the body acts"
    assert 'href="/my-body/alternate"' not in page.text
    assert body.client.get("/my-body").status_code == 404
    assert body.client.get("/my-body/withdraw").status_code == 403


def test_the_history_tells_the_designations_fate(body: Body) -> None:
    upload(body, PDF)
    rejected = body.service.post(
        f"/registrations/{body.registration_id}/designation/reject",
        json={"reason": "Λείπει η υπογραφή"},
        headers=ADMIN,
    )
    assert rejected.status_code == 200, rejected.text
    page = body.client.get("/my-body").text
    assert 'data-status="designation_rejected"' in page
    assert "Η μονάδα καινοτομίας το απέρριψε." in page
    assert "Λείπει η υπογραφή" in page
    assert f'href="/registrations/{body.registration_id}/designation"' in page, "send a new one"


def test_pages_of_an_unknown_path_are_pages_not_json(body: Body) -> None:
    assert body.client.get("/my-body/representatives/not-an-id/replace").status_code == 404


# The page's reading of states the journeys above do not reach (a due day passed, a lapse).


def registration_view(status: str, state: str, **changes: Any) -> dict[str, Any]:
    """The service's view of a registration with one main representative in `state`."""
    view: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": status,
        "designation_due": "2026-04-15",
        "submitted_at": "2026-04-09T09:00:00+00:00",
        "body": {"name": "Δήμος Παραδείγματος", "tax_id": "094014201", "level": "local"},
        "representatives": [
            {
                "id": str(uuid.uuid4()),
                "role": "main",
                "state": state,
                "designation_due": "2026-04-15",
                "position_title": "Προϊσταμένη Διεύθυνσης",
                "unit": "Διεύθυνση Ψηφιακής Διακυβέρνησης",
                "full_name": "Μαρία Παπαδοπούλου",
                "email": MAIN_EMAIL,
                "language": "el",
                "a_field_from_a_newer_service": True,
            }
        ],
        "designation": None,
        "withdrawn_at": None,
        "lapses_on": None,
        "lapsed_at": None,
    }
    view.update(changes)
    return view


def rendered(view: dict[str, Any], language: Language = "el") -> str:
    """The body's page of `view`, as its representative reads it."""
    registration = RegistrationRead.model_validate(view)
    token = set_reading(Reading(language, "token"))
    try:
        return (
            environment()
            .get_template("my_body/overview.html")
            .render(
                lang=language,
                path="/my-body",
                person=None,
                settings=GatewaySettings(),
                registration=registration,
                steps=history(registration),
                manage=True,
            )
        )
    finally:
        reset_reading(token)


def test_an_overdue_body_is_told_the_day_it_lapses_and_may_still_send_it() -> None:
    view = registration_view("overdue", "overdue", lapses_on="2026-05-16")
    registration = RegistrationRead.model_validate(view)
    assert registration.can_send_designation()
    assert [step.kind for step in history(registration)] == ["submitted", "overdue"]
    page = rendered(view)
    assert "Το έγγραφο ορισμού είναι εκπρόθεσμο" in page
    assert "16 Μαΐου 2026" in page.split('id="lapses-on"', 1)[1][:60]
    assert "Η προθεσμία πέρασε χωρίς έγγραφο ορισμού." in page
    assert "/designation" in page
    english = rendered(view, "en")
    assert "Without it, the registration lapses on 16 May 2026." in english


def test_a_lapsed_or_withdrawn_registration_offers_nothing_more() -> None:
    for status, moment in (("lapsed", "lapsed_at"), ("withdrawn", "withdrawn_at")):
        view = registration_view(status, "overdue", **{moment: "2026-05-16T21:30:00+00:00"})
        registration = RegistrationRead.model_validate(view)
        assert not registration.can_send_designation()
        assert not registration.can_add_alternate()
        assert not registration.can_withdraw()
        assert not registration.can_replace(registration.representatives[0].id)
        steps = history(registration)
        assert steps[-1].kind == status
        assert steps[-1].on == date(2026, 5, 17), "the day in Athens, not in UTC"
        page = rendered(view)
        assert 'href="/my-body/withdraw"' not in page
        assert "/designation" not in page


def test_an_active_body_with_a_new_alternate_is_told_the_alternates_own_due_day() -> None:
    view = registration_view("active", "designated")
    alternate = {
        **view["representatives"][0],
        "id": str(uuid.uuid4()),
        "role": "alternate",
        "state": "awaiting_designation",
        "designation_due": "2026-06-03",
        "full_name": "Γιώργος Νικολάου",
    }
    view["representatives"].append(alternate)
    registration = RegistrationRead.model_validate(view)
    assert [r.full_name for r in registration.waiting()] == ["Γιώργος Νικολάου"]
    assert registration.next_due == date(2026, 6, 3)
    page = rendered(view)
    assert "Ενεργό μέλος του δικτύου" in page
    assert "Στείλτε το έγγραφο ορισμού έως και τις 3 Ιουνίου 2026." in page
    assert "3 Ιουνίου 2026" in page.split('id="designation-due"', 1)[1][:60]


def described_form() -> RegistrationForm:
    """The registration service's form, as the gateway reads it (the alternate's fields)."""
    return RegistrationForm.model_validate(REGISTRATION_FORM.model_dump(mode="json"))


def test_a_nominees_answers_are_checked_as_the_registration_form_says() -> None:
    draft = NomineeDraft("alternate")
    draft.take({**ALTERNATE, "seniority": "equivalent", "phone": "  "}, described_form())
    assert set(draft.errors) == {"seniority_justification"}, "required for an equivalent level"
    draft.take({**ALTERNATE, "language": ""}, described_form())
    assert set(draft.errors) == {"language"}
    draft.take(
        {**ALTERNATE, "seniority_justification": "typed, then the level changed"}, described_form()
    )
    assert draft.is_complete
    body = draft.request_body()
    assert "seniority_justification" not in body, "asked only for an equivalent level"
    assert "phone" not in body, "an empty answer is left out"
    assert body["language"] == "en"


def test_a_services_refusal_lands_on_the_nominees_field_or_the_whole_request() -> None:
    draft = NomineeDraft("replace:x", {"purpose": "alternate", "answers": {"unit": "kept?"}})
    assert draft.answers == {}, "a draft of another purpose starts empty"
    draft.place(
        [
            {
                "type": "webmail_not_allowed",
                "loc": ["body", "email"],
                "ctx": {"domain": "gmail.com"},
            },
            {"type": "replacement_pending", "msg": "x"},
        ]
    )
    assert draft.errors == {
        "email": {"type": "webmail_not_allowed", "ctx": {"domain": "gmail.com"}},
        "": {"type": "replacement_pending", "ctx": {}},
    }
    assert draft.general_error(described_form(), "en") == (
        "A replacement for this representative is named already"
    )


def test_a_phone_is_shown_grouped_as_people_read_it_not_as_stored() -> None:
    def shown(phone: str | None) -> str | None:
        return RepresentativePart(
            id=uuid.uuid4(),
            role="main",
            state="nominated",
            designation_due=date(2026, 12, 3),
            position_title="Προϊσταμένη Διεύθυνσης",
            unit="Διεύθυνση Ψηφιακής Διακυβέρνησης",
            phone=phone,
        ).phone_as_written

    assert shown("+302100000000") == "+30 21 0000 0000"
    assert shown("not a number") == "not a number", "what the service sent, when unreadable"
    assert shown(None) is None
