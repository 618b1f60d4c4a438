"""The innovation unit's roster pages in process, against the real registration and membership
services (processes, the membership service reading registration's events from Kafka): the
roster filtered by level, status and a text of the name, and one body with both its
representatives and everyone who represented it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.service import SERVICE
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import BASE_URL, STAFF, SignInLinks, ask_for_link, use_link
from tests.gateway.test_unit_registrations import (
    UnitServices,
    send_designation,
    submit,
    text_of,
    unit_services,
    view,
)
from tests.registration.conftest import form, token
from tests.support.polling import eventually


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnitServices]:
    with unit_services(tmp_path_factory.mktemp("roster")) as running:
        yield running


@pytest.fixture
def unit(
    services: UnitServices, gateway_env: pytest.MonkeyPatch, sign_in_links: SignInLinks
) -> Iterator[TestClient]:
    """The gateway in process, a member of staff signed in."""
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", services.registration.base_url)
    gateway_env.setenv("GATEWAY_MEMBERSHIP_URL", services.membership.base_url)
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        ask_for_link(client, STAFF)
        assert use_link(client, sign_in_links.token()).status_code == 303
        yield client


def verify(services: UnitServices, registration_id: str) -> None:
    with services.api() as api:
        verified = api.post(f"/registrations/{registration_id}/designation/verify")
    assert verified.status_code == 200, verified.text


def member_body(services: UnitServices, tax_id: str) -> dict[str, Any]:
    """The body as the membership service has it, once it has read registration's events."""
    found: dict[str, Any] = {}

    def read() -> None:
        with services.api("membership") as api:
            answer = api.get(f"/members/{tax_id}")
        assert answer.status_code == 200, answer.text
        found.update(answer.json())

    eventually(read, timeout=30)
    return found


@pytest.fixture(scope="module")
def active(services: UnitServices) -> dict[str, Any]:
    """A local body, both its representatives members, its main later replaced by a successor."""
    registration = submit(services, f"Δήμος Μητρώου {uuid.uuid4().hex[:6]}")
    send_designation(services, registration)
    verify(services, registration["id"])
    tax_id = registration["body"]["tax_id"]
    main = next(r for r in registration["representatives"] if r["role"] == "main")
    successor = {
        **form()["main"],
        "full_name": "Κατερίνα Αλεξίου",
        "email": "k.alexiou@example.gov.gr",
    }
    path = f"/registrations/{registration['id']}/representatives/{main['id']}/replacement"
    with services.api() as api:
        named = api.post(path, json=successor, headers=token("member", body_id=tax_id))
    assert named.status_code == 201, named.text
    send_designation(services, registration)
    verify(services, registration["id"])

    def replaced() -> None:
        body = member_body(services, tax_id)
        assert body["main"]["full_name"] == "Κατερίνα Αλεξίου", body
        assert any(p["deactivated_at"] for p in body["history"]), body

    eventually(replaced, timeout=30)
    return view(services, registration["id"])


def test_the_roster_lists_bodies_by_level_status_and_a_text_of_the_name(
    unit: TestClient, active: dict[str, Any]
) -> None:
    name, tax_id = active["body"]["name"], active["body"]["tax_id"]
    link = f'href="/unit/roster/{tax_id}"'
    page = unit.get("/unit/roster")
    assert page.status_code == 200, page.text
    assert link in page.text
    assert '<form method="get" action="/unit/roster"' in page.text, "the filters are a GET form"
    assert 'for="q"' in page.text
    assert 'for="level"' in page.text
    assert 'for="status"' in page.text

    # Case and accents do not matter: "δημος μητρωου" finds "Δήμος Μητρώου".
    typed = "δημος μητρωου " + name.rsplit(" ", 1)[1]
    found = unit.get("/unit/roster", params={"q": typed, "level": "local", "status": "active"})
    assert link in found.text
    assert f'value="{typed}"' in found.text, "the filters stay as chosen"
    assert "Κατερίνα Αλεξίου" in found.text.split(link, 1)[1].split("</tr>", 1)[0]
    for others in ({"level": "central"}, {"status": "inactive"}, {"q": "Περιφέρεια Πουθενά"}):
        assert link not in unit.get("/unit/roster", params=others).text, others
    # A filter the page does not offer is no filter, never an error page.
    assert link in unit.get("/unit/roster", params={"level": "galactic"}).text


def test_a_body_shows_both_representatives_and_who_represented_it_before(
    unit: TestClient, services: UnitServices, active: dict[str, Any]
) -> None:
    tax_id = active["body"]["tax_id"]
    page = unit.get(f"/unit/roster/{tax_id}")
    assert page.status_code == 200, page.text
    main_card = page.text.split('id="representative-main"', 1)[1].split("</dl>", 1)[0]
    assert "Κατερίνα Αλεξίου" in main_card
    assert "k.alexiou@example.gov.gr" in main_card
    alternate_card = page.text.split('id="representative-alternate"', 1)[1].split("</dl>", 1)[0]
    alternate = next(r for r in active["representatives"] if r["role"] == "alternate")
    assert alternate["full_name"] in alternate_card

    history = page.text.split('id="roster-history"', 1)[1].split("</table>", 1)[0]
    assert "<caption" in history
    replaced = next(
        r for r in active["representatives"] if r["role"] == "main" and r["state"] == "withdrawn"
    )
    row = history.split(replaced["full_name"], 1)[1].split("</tr>", 1)[0]
    assert "Αντικαταστάθηκε" in row, "why they left"
    assert "Σήμερα" not in row, "they left: an end day, not now"
    assert "Σήμερα" in history.split("Κατερίνα Αλεξίου", 1)[1].split("</tr>", 1)[0]

    unit.cookies.set("lang", "en")
    english = text_of(unit.get(f"/unit/roster/{tax_id}").text)
    assert "Who has represented the body" in english
    assert "Replaced" in english


def test_an_unknown_body_or_tax_number_is_the_404_page(unit: TestClient) -> None:
    assert unit.get("/unit/roster/090000000").status_code == 404
    assert unit.get("/unit/roster/not-a-number").status_code == 404
