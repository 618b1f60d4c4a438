"""The innovation unit's registration pages in process, against the real registration and
membership services (processes on the real PostgreSQL and Kafka, one pair for the module): the
home's counts, the designations to check, a registration's page and its file, verifying,
rejecting, extending a lapse, the waiting lists and the office closures.

The services run on the wall clock; a registration is moved past its due day by running the
overdue check's command on the service's database with a later `now`, as the job would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from babel.dates import format_date
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.registration.application import RegistrationApplication
from services.registration.calendar import WorkingCalendar
from services.runtime.eventstore import open_application
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from services.runtime.timezone import ATHENS
from services.runtime.topics import create_topics
from tests.browser.bodies import next_tax_id
from tests.gateway.conftest import BASE_URL, STAFF, SignInLinks, ask_for_link, csrf_token, use_link
from tests.registration.conftest import ADMIN, PDF, form, token
from tests.support.kafka import delete_topics
from tests.support.polling import eventually
from tests.support.processes import RunningService, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers
from tests.support.tokens import applicant_for

STAFF_NAME = "Ελένη Παππά"


@dataclass(frozen=True)
class UnitServices:
    """The registration and membership services behind the unit's pages."""

    registration: RunningService
    membership: RunningService
    registration_database: str

    def api(self, service: str = "registration") -> httpx.Client:
        running = self.registration if service == "registration" else self.membership
        return httpx.Client(base_url=running.base_url, timeout=30, headers=ADMIN)


@contextmanager
def unit_services(tmp_path: Path) -> Iterator[UnitServices]:
    """Registration and membership (`all` roles: consumers too) on one fresh topic prefix."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with ExitStack() as running:
            env = {"KAFKA_TOPIC_PREFIX": prefix, "KAFKA_CONSUMER_GROUP_PREFIX": prefix}
            databases = {}
            for name in ("registration", "membership"):
                databases[name] = running.enter_context(fresh_database(name))
                env[f"{name.upper()}_DATABASE_URL"] = databases[name]
            started = {
                name: running.enter_context(service_process(name, env, tmp_path, wait=False))
                for name in ("registration", "membership")
            }
            for service in started.values():
                eventually(partial(_ready, service), timeout=60, interval=0.2)
            yield UnitServices(
                started["registration"], started["membership"], databases["registration"]
            )
    finally:
        delete_topics(prefix)


def _ready(service: RunningService) -> None:
    assert service.ready(), f"{service.name} is not ready"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitServices]:
    with unit_services(tmp_path_factory.mktemp("unit")) as running:
        yield running


@pytest.fixture(scope="module")
def commands(services: UnitServices) -> Iterator[RegistrationApplication]:
    """The registration service's application on its database, for commands at a chosen now."""
    settings = ServiceSettings(service="registration", database_url=services.registration_database)
    application = open_application(RegistrationApplication, settings)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def unit(
    services: UnitServices, gateway_env: pytest.MonkeyPatch, sign_in_links: SignInLinks
) -> Iterator[TestClient]:
    """The gateway in process, a member of staff (with a name) signed in."""
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", services.registration.base_url)
    gateway_env.setenv("GATEWAY_MEMBERSHIP_URL", services.membership.base_url)
    gateway_env.setenv("GATEWAY_STAFF_EMAILS", f"{STAFF_NAME} <{STAFF}>")
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        ask_for_link(client, STAFF)
        signed_in = use_link(client, sign_in_links.token())
        assert signed_in.headers["location"] == "/unit"
        yield client


# Registrations in the service, set up through its API as the body would.


def submit(services: UnitServices, name: str = "Δήμος Παραδείγματος") -> dict[str, Any]:
    """A new registration with a main and an alternate; the service's view of it."""
    filled = form(next_tax_id(), with_alternate=True)
    filled["body"]["name"] = name
    with services.api() as api:
        created = api.post("/registrations", json=filled, headers=applicant_for(filled))
        assert created.status_code == 201, created.text
        return view(services, created.json()["id"])


def view(services: UnitServices, registration_id: str) -> dict[str, Any]:
    with services.api() as api:
        answer = api.get(f"/registrations/{registration_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def send_designation(services: UnitServices, registration: dict[str, Any]) -> None:
    member = token("member", body_id=registration["body"]["tax_id"])
    with services.api() as api:
        sent = api.post(
            f"/registrations/{registration['id']}/designation",
            files={"file": ("designation.pdf", PDF, "application/pdf")},
            data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
            headers=member,
        )
    assert sent.status_code == 201, sent.text


def with_designation(services: UnitServices, name: str) -> dict[str, Any]:
    registration = submit(services, name)
    send_designation(services, registration)
    return view(services, registration["id"])


def overdue(services: UnitServices, commands: RegistrationApplication, name: str) -> dict[str, Any]:
    """A registration whose due day ended without a designation, as the overdue check saw."""
    registration = submit(services, name)
    due = date.fromisoformat(registration["designation_due"])
    assert commands.record_overdue(
        UUID(registration["id"]), WorkingCalendar.due_moment(due).astimezone(UTC)
    )
    return view(services, registration["id"])


def schedule(services: UnitServices, starts_in: timedelta) -> None:
    """An activity starting that far from now, scheduled through the membership API."""
    starts = datetime.now(UTC) + starts_in
    with services.api("membership") as api:
        answer = api.post(
            "/activities",
            json={
                "kind": "conference",
                "title": "Συνέδριο Καινοτομίας",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=4)).isoformat(),
                "location": "Βασιλίσσης Σοφίας 15, Αθήνα",
                "capacity": 10,
                "languages": ["el"],
            },
        )
    assert answer.status_code == 201, answer.text


def coming_activities(services: UnitServices) -> int:
    """Activities not cancelled that start from now on, as the membership service lists them."""
    with services.api("membership") as api:
        items = api.get("/activities", params={"page_size": 200}).json()["items"]
    now = datetime.now(UTC)
    return sum(
        1
        for a in items
        if a["status"] != "cancelled" and datetime.fromisoformat(a["starts_at"]) > now
    )


def listed(services: UnitServices, **params: str) -> dict[str, Any]:
    """The service's own list (the pages must agree with it)."""
    with services.api() as api:
        answer = api.get("/registrations", params={**params, "page_size": 200})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def in_index(services: UnitServices, registration_id: str, **params: str) -> None:
    """Wait until the service's list (its index, fed by its events) shows the registration."""

    def shown() -> None:
        assert registration_id in {item["id"] for item in listed(services, **params)["items"]}

    eventually(shown, timeout=30)


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to `action` (a browser sends them)."""
    parts = html.split(f'action="{action}"', 1)
    assert len(parts) == 2, f"the page has no form that posts to {action}"
    form_html = parts[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form_html))


def post_form(client: TestClient, path: str, data: dict[str, str], page: str | None = None) -> Any:
    """Send a page's form as a browser would: its hidden fields (the CSRF token among them)."""
    return send_form(client, client.get(page or path).text, path, data)


def send_form(client: TestClient, html: str, path: str, data: dict[str, str]) -> Any:
    """Send the form of a page read earlier (`html`) that posts to `path`."""
    return client.post(path, data={**hidden_fields(html, path), **data})


def error_summary(html: str) -> str:
    parts = html.split('class="govgr-error-summary"', 1)
    assert len(parts) == 2, "the page has no error summary"
    return parts[1].split("</div>", 1)[0]


def summary_links(html: str) -> list[str]:
    return re.findall(r'href="#([a-z-]+)"', error_summary(html))


def text_of(html: str) -> str:
    """The page's text without its tags and with single spaces (for sentences over markup)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Who may read the pages.


UNIT_PAGES = (
    "/unit",
    "/unit/designations",
    "/unit/waiting?view=overdue",
    "/unit/closures",
    "/unit/closures/new",
    "/unit/roster",
    f"/unit/registrations/{uuid.uuid4()}",
)


def test_the_unit_pages_ask_a_signed_out_reader_to_sign_in(
    services: UnitServices, gateway_env: pytest.MonkeyPatch
) -> None:
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", services.registration.base_url)
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        for path in UNIT_PAGES:
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/sign-in?next="), path


def test_an_unknown_registration_is_the_404_page(unit: TestClient) -> None:
    for path in (f"/unit/registrations/{uuid.uuid4()}", "/unit/registrations/not-an-id"):
        answer = unit.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html")


# The home and the lists.


def test_the_home_counts_what_waits_and_links_to_each_list(
    unit: TestClient, services: UnitServices, commands: RegistrationApplication
) -> None:
    received = with_designation(services, "Δήμος Μετρήσεων")
    late = overdue(services, commands, "Δήμος Καθυστέρησης")
    in_index(services, received["id"], status="designation_received")
    in_index(services, late["id"], status="overdue")
    for starts_in in (timedelta(days=-3), timedelta(days=10)):  # one over, one to come
        schedule(services, starts_in)

    page = unit.get("/unit")
    assert page.status_code == 200, page.text
    lapsing_until = (datetime.now(ATHENS).date() + timedelta(days=7)).isoformat()
    expected = {
        "designations": listed(services, status="designation_received")["total"],
        "awaiting": listed(services, status="awaiting_designation")["total"],
        "overdue": listed(services, status="overdue")["total"],
        "lapsing": listed(services, lapses_before=lapsing_until)["total"],
    }
    assert expected["designations"] >= 1
    assert expected["overdue"] >= 1
    for key, total in expected.items():
        found = re.search(
            rf'id="count-{key}">\s*<span class="innovnet-counts__number">(\d+)</span>', page.text
        )
        assert found, key
        assert int(found.group(1)) == total, key
    for href in (
        "/unit/designations",
        "/unit/waiting?view=awaiting",
        "/unit/waiting?view=overdue",
        "/unit/waiting?view=lapsing",
        "/unit/activities",
    ):
        assert f'href="{href}"' in page.text
    activities = re.search(
        r'id="count-activities">\s*<span class="innovnet-counts__number">(\d+)</span>', page.text
    )
    assert activities
    assert int(activities.group(1)) == coming_activities(services)
    assert coming_activities(services) >= 1
    assert 'href="/unit" aria-current="page"' in page.text, "the section it is in"


def test_the_designations_to_check_show_body_level_received_and_signer(
    unit: TestClient, services: UnitServices
) -> None:
    received = with_designation(services, "Δήμος Ελέγχου")
    in_index(services, received["id"], status="designation_received")
    page = unit.get("/unit/designations")
    assert page.status_code == 200, page.text
    assert "<caption" in page.text
    assert '<th scope="col"' in page.text
    row = page.text.split(f'href="/unit/registrations/{received["id"]}"', 1)
    assert len(row) == 2, "the registration is listed with a link to its page"
    line = row[1].split("</tr>", 1)[0]
    assert "Δήμος Ελέγχου" in line
    assert "Τοπική" in line, "the level in words"
    assert "Γενικός Γραμματέας" in line, "the signer's title"
    received_at = datetime.fromisoformat(received["designation"]["received_at"])
    assert format_date(received_at.astimezone(ATHENS), "d MMM y", locale="el") in line


def test_the_waiting_lists_are_tabs_of_links_with_due_and_lapse_days(
    unit: TestClient, services: UnitServices, commands: RegistrationApplication
) -> None:
    waiting = submit(services, "Δήμος Αναμονής")
    late = overdue(services, commands, "Δήμος Λήξης")
    in_index(services, waiting["id"], status="awaiting_designation")
    in_index(services, late["id"], status="overdue")

    awaiting = unit.get("/unit/waiting", params={"view": "awaiting"})
    assert awaiting.status_code == 200
    assert f'href="/unit/registrations/{waiting["id"]}"' in awaiting.text
    assert f'href="/unit/registrations/{late["id"]}"' not in awaiting.text
    assert 'href="/unit/waiting?view=awaiting" aria-current="page"' in awaiting.text
    due = date.fromisoformat(waiting["designation_due"])
    line = awaiting.text.split(f'href="/unit/registrations/{waiting["id"]}"', 1)[1]
    assert format_date(due, "long", locale="el") in line.split("</tr>", 1)[0]

    late_page = unit.get("/unit/waiting", params={"view": "overdue"})
    assert f'href="/unit/registrations/{late["id"]}"' in late_page.text
    lapses = date.fromisoformat(late["lapses_on"])
    line = late_page.text.split(f'href="/unit/registrations/{late["id"]}"', 1)[1]
    assert format_date(lapses, "long", locale="el") in line.split("</tr>", 1)[0]

    # Lapsing within the week: none made here lapses so soon (30 days after its due day).
    lapsing = unit.get("/unit/waiting", params={"view": "lapsing"})
    assert lapsing.status_code == 200
    assert f'href="/unit/registrations/{late["id"]}"' not in lapsing.text
    assert unit.get("/unit/waiting", params={"view": "everything"}).status_code == 404


def test_a_list_longer_than_a_page_pages_with_its_tab_kept(
    unit: TestClient, services: UnitServices
) -> None:
    waiting = listed(services, status="awaiting_designation")["total"]
    for number in range(max(0, 21 - waiting)):
        submit(services, f"Δήμος Σελίδων {number}")

    def twenty_one() -> None:
        assert listed(services, status="awaiting_designation")["total"] >= 21

    eventually(twenty_one, timeout=30)
    first = unit.get("/unit/waiting", params={"view": "awaiting"}).text
    assert first.count('<tr class="govgr-table__row">') == 20 + 1, "20 rows and the head"
    assert 'href="/unit/waiting?view=awaiting&amp;page=2" rel="next"' in first
    second = unit.get("/unit/waiting", params={"view": "awaiting", "page": 2}).text
    assert 'aria-current="page"><span class="govgr-visually-hidden">' in second
    assert 'href="/unit/waiting?view=awaiting&amp;page=1" rel="prev"' in second


# A registration's page.


def test_the_registration_page_shows_representatives_designation_and_history(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Σελίδας")
    page = unit.get(f"/unit/registrations/{registration['id']}")
    assert page.status_code == 200, page.text
    for representative in registration["representatives"]:
        assert representative["full_name"] in page.text
        assert representative["email"] in page.text
        assert representative["position_title"] in page.text
    designation = registration["designation"]
    assert designation["sha256"] in page.text
    assert "Νίκος Αθανασίου, Γενικός Γραμματέας" in page.text
    download = f"/unit/registrations/{registration['id']}/designation.pdf"
    assert f'href="{download}"' in page.text
    assert f'href="/unit/registrations/{registration["id"]}/verify"' in page.text
    assert f'href="/unit/registrations/{registration["id"]}/reject"' in page.text
    history = page.text.split('id="history"', 1)[1]
    assert "Υποβλήθηκε η αίτηση εγγραφής" in history
    assert "Παραλήφθηκε το έγγραφο ορισμού." in history

    unit.cookies.set("lang", "en")
    english = unit.get(f"/unit/registrations/{registration['id']}").text
    assert "The registration form was submitted by the main representative." in english
    assert "SHA-256" in english


def test_the_designation_is_downloaded_as_an_attachment_never_shown(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Αρχείου")
    answer = unit.get(f"/unit/registrations/{registration['id']}/designation.pdf")
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert answer.headers["content-security-policy"].endswith("; sandbox")
    assert answer.headers["cache-control"] == "no-store"
    without = submit(services, "Δήμος Χωρίς Αρχείο")
    assert unit.get(f"/unit/registrations/{without['id']}/designation.pdf").status_code == 404


# Verify.


def test_verifying_goes_check_then_confirmation_and_the_history_names_who(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Επαλήθευσης")
    path = f"/unit/registrations/{registration['id']}/verify"
    check = unit.get(path)
    assert check.status_code == 200
    assert "Τι κάνει η επαλήθευση" in check.text
    designates = check.text.split("Ορίζει", 1)[1].split("</dd>", 1)[0]
    for representative in registration["representatives"]:
        assert representative["full_name"] in designates, "it names whom it designates"
    assert view(services, registration["id"])["status"] == "designation_received", (
        "GET changes nothing"
    )

    sent = post_form(unit, path, {})
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{path}/done"
    done = unit.get(sent.headers["location"])
    assert done.status_code == 200
    assert (
        "Το έγγραφο ορισμού του φορέα Δήμος Επαλήθευσης επαληθεύτηκε· οι εκπρόσωποι είναι μέλη."
        in text_of(done.text)
    )
    assert view(services, registration["id"])["status"] == "active"

    page = unit.get(f"/unit/registrations/{registration['id']}").text
    assert f"Αποφάσισε: {STAFF_NAME}" in page
    assert 'href="' + path + '"' not in page, "nothing to decide any more"

    # Verified already: the service's 409, in words, on the page the POST came from.
    again = unit.post(path, data={"csrf_token": csrf_token(page)})
    assert again.status_code == 409
    assert "Κανένα έγγραφο ορισμού δεν περιμένει έλεγχο" in error_summary(again.text)
    assert unit.get(path).status_code == 409


def reject_and_send_again(services: UnitServices, registration: dict[str, Any]) -> str:
    """Another member of staff rejects the designation and the body sends a new one: its id."""
    with services.api() as api:
        rejected = api.post(
            f"/registrations/{registration['id']}/designation/reject",
            json={"reason": "Λείπει η σφραγίδα."},
        )
    assert rejected.status_code == 200, rejected.text
    send_designation(services, registration)
    newer: str = view(services, registration["id"])["designation"]["id"]
    return newer


NEW_ONE_CAME = "Ο φορέας έστειλε νέο έγγραφο ορισμού αφού ανοίξατε αυτή τη σελίδα"


def test_a_designation_sent_after_the_verify_page_was_opened_is_not_verified_unseen(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Νέου Ορισμού")
    path = f"/unit/registrations/{registration['id']}/verify"
    opened = unit.get(path).text
    assert hidden_fields(opened, path)["designation_id"] == registration["designation"]["id"]
    newer = reject_and_send_again(services, registration)

    refused = send_form(unit, opened, path, {})
    assert refused.status_code == 409
    assert NEW_ONE_CAME in text_of(error_summary(refused.text))
    assert view(services, registration["id"])["status"] == "designation_received"
    assert hidden_fields(refused.text, path)["designation_id"] == newer, "it shows the new one"

    # Read now, the new one is verified from the page that shows it.
    verified = send_form(unit, refused.text, path, {})
    assert verified.status_code == 303, verified.text
    assert view(services, registration["id"])["status"] == "active"


def test_a_designation_sent_after_the_rejection_was_begun_is_not_rejected_unseen(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Νέας Απόρριψης")
    path = f"/unit/registrations/{registration['id']}/reject"
    taken = post_form(unit, path, {"reason": "Λάθος υπογράφων"})
    assert taken.status_code == 303
    check_page = unit.get(f"{path}/check").text
    newer = reject_and_send_again(services, registration)

    refused = send_form(unit, check_page, f"{path}/check", {})
    assert refused.status_code == 409
    assert NEW_ONE_CAME in text_of(error_summary(refused.text))
    found = view(services, registration["id"])
    assert found["status"] == "designation_received"
    assert found["designation"]["id"] == newer
    assert found["designation"]["reason"] is None
    assert "Λάθος υπογράφων</textarea>" in refused.text, "the reason is kept"
    assert hidden_fields(refused.text, path)["designation_id"] == newer, "about the new one now"


# Reject.


def test_rejecting_asks_the_reason_checks_it_then_confirms(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Απόρριψης")
    path = f"/unit/registrations/{registration['id']}/reject"
    empty = post_form(unit, path, {"reason": "  "})
    assert empty.status_code == 422
    assert summary_links(empty.text) == ["reason"]
    assert 'id="reason-error"' in empty.text

    taken = post_form(unit, path, {"reason": "Λείπει η υπογραφή"})
    assert taken.status_code == 303
    assert taken.headers["location"] == f"{path}/check"
    check = unit.get(f"{path}/check")
    assert "Λείπει η υπογραφή" in check.text
    assert f'href="{path}"' in check.text, "the reason can be changed"
    assert view(services, registration["id"])["status"] == "designation_received"
    assert 'value="Λείπει η υπογραφή"' not in unit.get(path).text
    assert "Λείπει η υπογραφή</textarea>" in unit.get(path).text, "the draft is kept"

    sent = post_form(unit, f"{path}/check", {}, page=f"{path}/check")
    assert sent.status_code == 303, sent.text
    done = unit.get(sent.headers["location"])
    assert "Το έγγραφο ορισμού απορρίφθηκε" in done.text
    assert "Λείπει η υπογραφή" in done.text
    rejected = view(services, registration["id"])
    assert rejected["status"] == "designation_rejected"
    assert rejected["designation"]["reason"] == "Λείπει η υπογραφή"
    assert unit.get(f"{path}/check").headers["location"] == path, "sent: the draft is gone"
    in_index(services, registration["id"], status="designation_rejected")
    waiting = unit.get("/unit/waiting", params={"view": "rejected"}).text
    assert f'href="/unit/registrations/{registration["id"]}"' in waiting, "it waits for a new one"


def test_a_rejection_the_service_refuses_is_shown_on_the_check_page(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Διπλής Απόφασης")
    path = f"/unit/registrations/{registration['id']}/reject"
    post_form(unit, path, {"reason": "Λάθος υπογράφων"})
    check_page = unit.get(f"{path}/check").text
    with services.api() as api:  # another member of staff decides meanwhile
        assert (
            api.post(f"/registrations/{registration['id']}/designation/verify").status_code == 200
        )
    refused = unit.post(f"{path}/check", data={"csrf_token": csrf_token(check_page)})
    assert refused.status_code == 409
    assert "Κανένα έγγραφο ορισμού δεν περιμένει έλεγχο" in error_summary(refused.text)
    assert view(services, registration["id"])["status"] == "active"


# Extend a lapse.


def test_more_time_is_given_through_question_check_and_confirmation(
    unit: TestClient, services: UnitServices, commands: RegistrationApplication
) -> None:
    waiting = submit(services, "Δήμος Χωρίς Προθεσμία")
    not_yet = unit.get(f"/unit/registrations/{waiting['id']}/extension")
    assert not_yet.status_code == 409, "nothing lapses before the due day"

    late = overdue(services, commands, "Δήμος Παράτασης")
    lapses_on = date.fromisoformat(late["lapses_on"])
    path = f"/unit/registrations/{late['id']}/extension"
    page = unit.get(f"/unit/registrations/{late['id']}").text
    assert f'href="{path}"' in page
    empty = post_form(unit, path, {})
    assert empty.status_code == 422
    assert summary_links(empty.text) == ["lapses-on", "reason"]
    not_a_day = post_form(
        unit,
        path,
        {
            "lapses_on_day": "31",
            "lapses_on_month": "2",
            "lapses_on_year": "2027",
            "reason": "Νέα ηγεσία",
        },
    )
    assert summary_links(not_a_day.text) == ["lapses-on"]
    assert 'value="31"' in not_a_day.text, "what was typed is kept"
    same = post_form(unit, path, parts(lapses_on, "Νέα ηγεσία"))
    assert summary_links(same.text) == ["lapses-on"]
    assert format_date(lapses_on, "long", locale="el") in error_summary(same.text)

    later = lapses_on + timedelta(days=20)
    taken = post_form(unit, path, parts(later, "Νέα ηγεσία"))
    assert taken.headers["location"] == f"{path}/check"
    check = unit.get(f"{path}/check").text
    assert format_date(later, "long", locale="el") in check
    assert "Νέα ηγεσία" in check
    assert view(services, late["id"])["lapses_on"] == lapses_on.isoformat()

    sent = post_form(unit, f"{path}/check", {}, page=f"{path}/check")
    assert sent.status_code == 303, sent.text
    done = unit.get(sent.headers["location"]).text
    assert format_date(later, "long", locale="el") in done
    assert view(services, late["id"])["lapses_on"] == later.isoformat()
    history = unit.get(f"/unit/registrations/{late['id']}").text.split('id="history"', 1)[1]
    assert format_date(later, "long", locale="el") in history
    assert f"Αποφάσισε: {STAFF_NAME}" in history


def parts(day: date, reason: str) -> dict[str, str]:
    return {
        "lapses_on_day": str(day.day),
        "lapses_on_month": str(day.month),
        "lapses_on_year": str(day.year),
        "reason": reason,
    }


# Office closures.


def next_weekday(weekday: int, after: date) -> date:
    """The first day after `after` that is that weekday (0 Monday)."""
    ahead = (weekday - after.weekday() - 1) % 7 + 1
    return after + timedelta(days=ahead)


def closure_parts(day: date, reason: str) -> dict[str, str]:
    return {
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "reason": reason,
    }


def test_a_closure_is_checked_with_the_due_days_it_moves_then_added(
    unit: TestClient, services: UnitServices
) -> None:
    empty = post_form(unit, "/unit/closures/new", {})
    assert empty.status_code == 422
    assert summary_links(empty.text) == ["date", "reason"]

    today = datetime.now(ATHENS).date()
    # A Wednesday at least a week away that is a working day (not a holiday, not closed).
    with services.api() as api:
        for weeks in range(8):
            day = next_weekday(2, today + timedelta(days=7 * (weeks + 1)))
            effect = api.get("/calendar/closures/effect", params={"date": day.isoformat()}).json()
            if effect["changes_anything"]:
                break
    assert effect["changes_anything"], effect
    taken = post_form(unit, "/unit/closures/new", closure_parts(day, "Τοπική εορτή"))
    assert taken.headers["location"] == "/unit/closures/new/check"
    check = unit.get("/unit/closures/new/check")
    assert check.status_code == 200
    first = effect["changes"][0]
    words = text_of(check.text)
    sentence = "για αίτηση που υποβάλλεται την {}, η προθεσμία θα ήταν η {} αντί για την {}".format(
        format_date(date.fromisoformat(first["submitted"]), "EEE d MMMM y", locale="el"),
        format_date(date.fromisoformat(first["due_after"]), "EEE d MMMM", locale="el"),
        format_date(date.fromisoformat(first["due_before"]), "EEE d MMMM", locale="el"),
    )
    assert sentence in words, words
    with services.api() as api:
        assert day.isoformat() not in api.get("/calendar/closures").text, "GET adds nothing"

    sent = post_form(unit, "/unit/closures/new/check", {}, page="/unit/closures/new/check")
    assert sent.status_code == 303, sent.text
    done = unit.get(sent.headers["location"])
    assert "Τοπική εορτή" in done.text
    listed_page = unit.get("/unit/closures").text
    row = listed_page.split(format_date(day, "EEE d MMMM y", locale="el"), 1)[1].split("</tr>", 1)[
        0
    ]
    assert "Τοπική εορτή" in row
    assert STAFF_NAME in row, "who added it"

    # The same day again: the service's 409, at the day's field.
    post_form(unit, "/unit/closures/new", closure_parts(day, "Ξανά"))
    again = post_form(unit, "/unit/closures/new/check", {}, page="/unit/closures/new/check")
    assert again.status_code == 409
    assert summary_links(again.text) == ["date"]
    assert format_date(day, "long", locale="el") in error_summary(again.text)


def test_a_closure_on_a_weekend_is_said_to_change_nothing(unit: TestClient) -> None:
    saturday = next_weekday(5, datetime.now(ATHENS).date())
    post_form(unit, "/unit/closures/new", closure_parts(saturday, "Εκδήλωση"))
    check = unit.get("/unit/closures/new/check").text
    assert "Δεν αλλάζει καμία προθεσμία" in check.split('id="effect"', 1)[1][:400]


def test_every_form_of_the_unit_pages_carries_the_csrf_token_and_refuses_without_it(
    unit: TestClient, services: UnitServices
) -> None:
    registration = with_designation(services, "Δήμος Ασφάλειας")
    base = f"/unit/registrations/{registration['id']}"
    for path in (f"{base}/verify", f"{base}/reject", "/unit/closures/new"):
        page = unit.get(path).text
        assert page.count('name="csrf_token"') == page.count('<form method="post"'), path
        assert unit.post(path, data={"reason": "x"}).status_code == 403, path
    assert view(services, registration["id"])["status"] == "designation_received"


HOSTILE = ("x\x00y", "a\x01b\x1bc\x7f", "\u202etxt.exe\u202c", "Α" * 100_000)


def test_hostile_values_on_every_form_of_the_unit_pages_are_answered_with_a_page(
    unit: TestClient, services: UnitServices, commands: RegistrationApplication
) -> None:
    received = with_designation(services, "Δήμος Εχθρικών Τιμών")
    late = overdue(services, commands, "Δήμος Εχθρικών Ημερών")
    forms = {
        f"/unit/registrations/{received['id']}/reject": ("reason",),
        f"/unit/registrations/{late['id']}/extension": (
            "lapses_on_day",
            "lapses_on_month",
            "lapses_on_year",
            "reason",
        ),
        "/unit/closures/new": ("date_day", "date_month", "date_year", "reason"),
    }
    for path, fields in forms.items():
        token_ = csrf_token(unit.get(path).text)
        for value in HOSTILE:
            answer = unit.post(path, data={"csrf_token": token_, **dict.fromkeys(fields, value)})
            assert 400 <= answer.status_code < 500, (path, value[:10], answer.status_code)
            assert answer.headers["content-type"].startswith("text/html")
            if answer.status_code != 413:  # past the gateway's body limit: the 413 page
                assert error_summary(answer.text), (path, value[:10])
    # A reason past the service's own bound reaches the check page, and is refused there.
    long_reason = post_form(unit, "/unit/closures/new", closure_parts(date(2031, 1, 8), "Α" * 400))
    assert long_reason.status_code == 303
    refused = post_form(unit, "/unit/closures/new/check", {}, page="/unit/closures/new/check")
    assert refused.status_code == 422
    assert summary_links(refused.text) == ["reason"]
    assert "300" in error_summary(refused.text)
    assert view(services, received["id"])["status"] == "designation_received"
