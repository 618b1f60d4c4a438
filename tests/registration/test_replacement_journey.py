"""Replacing a representative, end to end: registration, membership and notifications as
processes on the real broker and databases, and a real SMTP server.

Two bodies: one replaces its main representative after both were designated, the other
before any designation was sent (the designation then names the successor and the alternate,
never the one replaced). Either way the successor becomes a member, the one replaced leaves
the roster, every event is on Kafka and the emails are sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.topics import topic_of
from tests.notifications.conftest import SmtpServer, smtp_server  # noqa: F401
from tests.registration.conftest import ADMIN, PDF, TAX_IDS, form, token
from tests.support.kafka import read_topic
from tests.support.polling import eventually
from tests.support.processes import RunningService
from tests.support.stacks import service_stack
from tests.support.tokens import applicant_for

MAIN = "m.papadopoulou@example.gov.gr"
ALTERNATE = "g.nikolaou@example.gov.gr"
SUCCESSOR = {
    "full_name": "Αικατερίνη Δημητρίου",
    "position_title": "Προϊσταμένη Γενικής Διεύθυνσης",
    "unit": "Γενική Διεύθυνση Ψηφιακού Μετασχηματισμού",
    "seniority": "general_directorate_head",
    "email": "a.dimitriou@example.gov.gr",
    "phone": "+30 210 0000001",
}


@dataclass
class Journey:
    """The three services on one topic prefix, and the SMTP server notifications sends to."""

    registration: RunningService
    membership: RunningService
    smtp: SmtpServer
    prefix: str

    def registration_client(self) -> httpx.Client:
        return httpx.Client(base_url=self.registration.base_url, timeout=30)

    def membership_client(self) -> httpx.Client:
        return httpx.Client(base_url=self.membership.base_url, timeout=30, headers=ADMIN)

    def events(self, service: str) -> list[tuple[str, dict[str, Any], str]]:
        """(event name, data, aggregate id) of every event on the service's topic."""
        topic = topic_of(service)
        messages = read_topic(f"{self.prefix}{topic.name}", topic.partitions)
        return [
            (event.type.split(".")[-2], event.data, str(event.aggregate_id))
            for _, _, event, _ in messages
        ]


@pytest.fixture
def journey(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Journey]:  # noqa: F811
    env = {
        "NOTIFICATIONS_SMTP_PORT": str(smtp_server.port),
        "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "5",
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
        "NOTIFICATIONS_DELIVER_EVERY_SECONDS": "0.2",
    }
    with service_stack(tmp_path, env) as stack:
        services = stack.services
        yield Journey(services["registration"], services["membership"], smtp_server, stack.prefix)


def submitted(client: httpx.Client, tax_id: str) -> tuple[str, str, str]:
    """A registration with a main and an alternate: (registration, main, alternate) ids."""
    created = client.post(
        "/registrations",
        json=form(tax_id=tax_id, with_alternate=True),
        headers=applicant_for(form(tax_id=tax_id, with_alternate=True)),
    )
    assert created.status_code == 201, created.text
    main, alternate = created.json()["representatives"]
    return created.json()["id"], main["id"], alternate["id"]


def designate(client: httpx.Client, registration_id: str, tax_id: str) -> dict[str, Any]:
    """The body uploads a signed designation and the innovation unit verifies it."""
    sent = client.post(
        f"/registrations/{registration_id}/designation",
        files={"file": ("designation.pdf", PDF, "application/pdf")},
        data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
        headers=token("member", body_id=tax_id),
    )
    assert sent.status_code == 201, sent.text
    verified = client.post(f"/registrations/{registration_id}/designation/verify", headers=ADMIN)
    assert verified.status_code == 200, verified.text
    return dict(verified.json())


def replace_main(client: httpx.Client, registration_id: str, main: str, tax_id: str) -> str:
    replaced = client.post(
        f"/registrations/{registration_id}/representatives/{main}/replacement",
        json=SUCCESSOR,
        headers=token("member", body_id=tax_id),
    )
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["role"] == "main"
    return str(replaced.json()["id"])


def test_a_replaced_main_leaves_and_the_successor_becomes_a_member_with_every_event_and_email(
    journey: Journey,
) -> None:
    after, before = TAX_IDS[0], TAX_IDS[1]
    with journey.registration_client() as client:
        # The first body designates both, then replaces its main.
        first_id, first_main, first_alternate = submitted(client, after)
        designate(client, first_id, after)
        first_successor = replace_main(client, first_id, first_main, after)
        shown = designate(client, first_id, after)
        assert shown["status"] == "active"
        states = {r["id"]: r["state"] for r in shown["representatives"]}
        assert states == {
            first_main: "withdrawn",
            first_alternate: "designated",
            first_successor: "designated",
        }

        # The second body replaces its main before sending any designation.
        second_id, second_main, second_alternate = submitted(client, before)
        second_successor = replace_main(client, second_id, second_main, before)
        designate(client, second_id, before)

    def registration_events() -> list[tuple[str, dict[str, Any], str]]:
        found = journey.events("registration")
        names = [name for name, _, _ in found]
        assert names.count("RepresentativeWithdrawn") == 2
        assert names.count("DesignationVerified") == 3
        return found

    events = eventually(registration_events, timeout=60)
    by_registration = Counter((aggregate, name) for name, _, aggregate in events)
    assert by_registration == Counter(
        {
            (first_id, "RegistrationSubmitted"): 1,
            (first_id, "RepresentativeNominated"): 3,
            (first_id, "DesignationReceived"): 2,
            (first_id, "DesignationVerified"): 2,
            (first_id, "RepresentativeWithdrawn"): 1,
            (second_id, "RegistrationSubmitted"): 1,
            (second_id, "RepresentativeNominated"): 3,
            (second_id, "DesignationReceived"): 1,
            (second_id, "DesignationVerified"): 1,
            (second_id, "RepresentativeWithdrawn"): 1,
        }
    )
    received = {
        aggregate: set(data["representative_ids"])
        for name, data, aggregate in events
        if name == "DesignationReceived"
    }
    assert received[second_id] == {second_successor, second_alternate}, "never the one replaced"
    withdrawn = {
        data["representative_id"]: data["reason"]
        for name, data, _ in events
        if name == "RepresentativeWithdrawn"
    }
    assert withdrawn == {first_main: "replaced", second_main: "replaced"}

    def membership_events() -> Counter[tuple[str, str]]:
        found = Counter((aggregate, name) for name, _, aggregate in journey.events("membership"))
        assert found[(first_main, "MemberDeactivated")] == 1
        assert found[(second_successor, "MemberActivated")] == 1
        return found

    members = eventually(membership_events, timeout=60)
    assert members == Counter(
        {
            (first_main, "MemberActivated"): 1,
            (first_main, "MemberDeactivated"): 1,
            (first_alternate, "MemberActivated"): 1,
            (first_successor, "MemberActivated"): 1,
            (second_alternate, "MemberActivated"): 1,
            (second_successor, "MemberActivated"): 1,
        }
    ), "the second body's first main was never a member, so it never left"

    with journey.membership_client() as client:

        def on_the_roster() -> dict[str, Any]:
            body = client.get(f"/members/{after}")
            assert body.status_code == 200, body.text
            assert body.json()["main"]["representative_id"] == first_successor
            return dict(body.json())

        body = eventually(on_the_roster, timeout=30)
        assert body["status"] == "active"
        assert body["main"]["status"] == "active"
        assert body["alternate"]["representative_id"] == first_alternate
        history = {r["representative_id"]: r["status"] for r in body["history"]}
        assert history == {
            first_main: "inactive",
            first_alternate: "active",
            first_successor: "active",
        }
        second = client.get(f"/members/{before}").json()
        assert second["main"]["representative_id"] == second_successor
        assert {r["representative_id"] for r in second["history"]} == {
            second_successor,
            second_alternate,
        }

    # Both bodies' forms name the same three people. Each nominee is acknowledged; each one
    # designated is told so and welcomed, except the second body's first main, replaced first.
    expected = Counter(
        {
            (address, template): 2
            for address in (MAIN, ALTERNATE, SUCCESSOR["email"])
            for template in ("acknowledgement", "verified", "welcome")
        }
    )
    expected[(MAIN, "verified")] = expected[(MAIN, "welcome")] = 1
    # Both representatives hear of every change: the successor named, the main replaced (who
    # hears of it too, as does the successor by then a representative of the body).
    for address in (MAIN, ALTERNATE):
        expected[(address, "representative_nominated")] = 2
    for address in (MAIN, ALTERNATE, SUCCESSOR["email"]):
        expected[(address, "representative_withdrawn")] = 2

    def emails() -> Counter[tuple[str, str]]:
        found = Counter((e.to[0], e.template) for e in journey.smtp.emails())
        assert found == expected
        return found

    eventually(emails, timeout=90, interval=0.5)
