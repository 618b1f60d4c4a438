"""The membership service on the real stack: activation from registration, roster, activities."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
from eventsourcing.persistence import IntegrityError
from psycopg import sql

from contracts import registration
from contracts.registration import Level
from contracts.topics import topic_of
from services.membership.projections import Participation, Roster
from services.membership.service import SERVICE
from services.runtime.deliveries import Delivery
from services.runtime.erasure import erasure_id
from services.runtime.policy import PolicyProcessor
from services.runtime.rebuild import rebuild_projection
from services.runtime.running import RunningService, start_service
from services.runtime.sealing import KeyVault, master_key_from_setting
from tests.membership.conftest import ADMIN, MembershipStack, roster, token
from tests.registration.conftest import PDF, TAX_IDS, form
from tests.support.polling import eventually
from tests.support.tokens import applicant_for


def activated_events(stack: MembershipStack) -> Counter[str]:
    """How many MemberActivated events the topic holds per representative."""
    return Counter(
        str(e.aggregate_id) for e in stack.membership_events() if "MemberActivated" in e.type
    )


def test_a_designation_verified_in_the_registration_service_makes_the_body_an_active_member(
    membership_stack: MembershipStack, record_property: Any
) -> None:
    tax_id = TAX_IDS[1]
    representative = token("member", body_id=tax_id)
    with (
        membership_stack.registration_service() as registration,
        httpx.Client(base_url=registration.base_url, timeout=30) as client,
    ):
        created = client.post(
            "/registrations",
            json=form(tax_id, with_alternate=True),
            headers=applicant_for(form(tax_id, with_alternate=True)),
        )
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]
        sent = client.post(
            f"/registrations/{registration_id}/designation",
            files={"file": ("designation.pdf", PDF, "application/pdf")},
            data={"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"},
            headers=representative,
        )
        assert sent.status_code == 201, sent.text
        verified = client.post(
            f"/registrations/{registration_id}/designation/verify", headers=ADMIN
        )
        assert verified.status_code == 200, verified.text
        verified_at = time.monotonic()

        with membership_stack.client() as members:

            def active() -> dict[str, Any]:
                page = roster(members, status="active")
                assert [b["body_id"] for b in page["items"]] == [tax_id]
                return dict(page["items"][0])

            body = eventually(active, timeout=30, interval=0.02)
            latency = time.monotonic() - verified_at
            record_property("activation_latency_seconds", round(latency, 3))
            print(f"\nverified → active in GET /members: {latency:.3f} s")

            assert body["level"] == "local"
            assert body["name"] == "Δήμος Παραδείγματος"
            assert body["main"]["status"] == "active"
            assert body["main"]["full_name"] == "Μαρία Παπαδοπούλου"

            # The alternate's activation is an event of its own, on its own partition.
            def alternate_active() -> dict[str, Any]:
                alternate = active()["alternate"]
                assert alternate is not None
                assert alternate["status"] == "active"
                return dict(alternate)

            alternate = eventually(alternate_active, timeout=30)
            assert alternate["full_name"] == "Γιώργος Νικολάου"

            own = members.get(f"/members/{tax_id}", headers=representative).json()
            assert own["main"]["email"] == "m.papadopoulou@example.gov.gr"
            other = members.get(
                f"/members/{tax_id}", headers=token("member", body_id=TAX_IDS[2])
            ).json()
            assert other["main"]["full_name"] is None, "another body sees no personal data"
            assert other["status"] == "active"
            assert members.get("/members").status_code == 401

        withdrawn = client.post(
            f"/registrations/{registration_id}/withdraw",
            json={"reason": "Η υπηρεσία καταργήθηκε."},
            headers=representative,
        )
        assert withdrawn.status_code == 200, withdrawn.text

    with membership_stack.client() as members:

        def inactive() -> None:
            body = members.get(f"/members/{tax_id}", headers=ADMIN).json()
            assert body["status"] == "inactive"
            assert [r["status"] for r in body["history"]] == ["inactive", "inactive"]
            assert [r["reason"] for r in body["history"]] == ["registration withdrawn"] * 2

        eventually(inactive, timeout=30)
    assert sorted(activated_events(membership_stack).values()) == [1, 1]


def test_redelivered_registration_events_and_a_rebuilt_roster_change_nothing(
    membership_stack: MembershipStack,
) -> None:
    bodies = membership_stack.publish_verified_bodies(3)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 3), timeout=30)
        live = roster(client)

        # The registration relay publishes every event again (same versions, new offsets).
        membership_stack.republish(list(membership_stack.published))
        running = start_service(SERVICE, membership_stack.settings(), "api")
        try:
            eventually(lambda: _assert_policy_consumed_everything(membership_stack, running))
            # And the policy is handed the same Kafka messages again, as after a crash.
            policies = PolicyProcessor(running.application, SERVICE.reacted_topics())
            topic = f"{membership_stack.topic_prefix}{topic_of('registration').name}"
            verifications = [
                Delivery(topic, partition, offset, event)
                for partition, offset, event in membership_stack.registration_messages()
                if "DesignationVerified" in event.type
            ]
            assert len(verifications) == 6, "each verification is on the topic twice"
            for delivery in verifications:
                with pytest.raises(IntegrityError):
                    policies.process([delivery])
        finally:
            running.stop()

        assert roster(client) == live
        assert activated_events(membership_stack) == Counter({str(b.main): 1 for b in bodies})

        rebuild_projection(SERVICE, Roster, membership_stack.settings())
        assert roster(client) == live


def test_twenty_members_accepting_a_ten_seat_workshop_at_once_get_ten_seats_and_ten_places_waiting(
    membership_stack: MembershipStack,
) -> None:
    bodies = membership_stack.publish_verified_bodies(20, level=Level.REGIONAL)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 20), timeout=60)
        activity_id = _schedule(client, capacity=10)
        invited = client.post(f"/activities/{activity_id}/invitations", json={}, headers=ADMIN)
        assert invited.status_code == 200, invited.text
        assert len(invited.json()["invited"]) == 20

        start = threading.Barrier(20)
        answers: dict[str, dict[str, Any]] = {}

        def accept(body: Any) -> None:
            with httpx.Client(base_url=membership_stack.url, timeout=60) as own:
                start.wait()
                response = own.post(
                    f"/activities/{activity_id}/invitations/{body.main}/answer",
                    json={"answer": "accepted"},
                    headers=body.member_token(),
                )
            assert response.status_code == 200, response.text
            answers[str(body.main)] = response.json()

        threads = [threading.Thread(target=accept, args=(b,)) for b in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(answers) == 20

        activity = client.get(f"/activities/{activity_id}", headers=ADMIN).json()
        assert (activity["confirmed"], activity["waiting"]) == (10, 10)
        in_answer_order = sorted(activity["invitations"], key=lambda i: i["answered_at"])
        assert [i["seat"] for i in in_answer_order] == ["confirmed"] * 10 + ["waiting"] * 10
        assert [i["waiting_position"] for i in in_answer_order[10:]] == list(range(1, 11))

        first_confirmed = in_answer_order[0]["representative_id"]
        first_waiting = in_answer_order[10]["representative_id"]
        declining = next(b for b in bodies if str(b.main) == first_confirmed)
        declined = client.post(
            f"/activities/{activity_id}/invitations/{first_confirmed}/answer",
            json={"answer": "declined"},
            headers=declining.member_token(),
        )
        assert declined.status_code == 200, declined.text
        after = client.get(f"/activities/{activity_id}", headers=ADMIN).json()
        seats = {i["representative_id"]: i["seat"] for i in after["invitations"]}
        assert seats[first_waiting] == "confirmed"
        assert (after["confirmed"], after["waiting"]) == (10, 9)

        def participation() -> None:
            report = client.get("/participation", params={"level": "regional"}, headers=ADMIN)
            assert report.status_code == 200, report.text
            (level,) = report.json()["levels"]
            assert level == {
                "level": "regional",
                "invited": 20,
                "accepted": 19,
                "confirmed": 10,
                "attended": 0,
            }

        eventually(participation, timeout=30)
        live = client.get("/participation", headers=ADMIN).json()
        rebuild_projection(SERVICE, Participation, membership_stack.settings())
        assert client.get("/participation", headers=ADMIN).json() == live

    types = Counter(e.type.split(".")[-2] for e in membership_stack.membership_events())
    assert types["InvitationAnswered"] == 21
    assert types["WaitingListMoved"] == 1


def test_the_public_a_member_and_an_admin_may_each_do_only_their_part(
    membership_stack: MembershipStack,
) -> None:
    first, second = membership_stack.publish_verified_bodies(2)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 2), timeout=30)
        assert client.get("/members").status_code == 401
        assert client.get(f"/members/{first.tax_id}").status_code == 401
        assert client.post("/activities", json=_activity()).status_code == 401
        assert client.get("/participation").status_code == 401
        assert client.get("/members", headers=first.member_token()).status_code == 200

        member = first.member_token()
        assert client.post("/activities", json=_activity(), headers=member).status_code == 403
        assert client.get("/participation", headers=member).status_code == 200, "its own body's"

        activity_id = _schedule(client, starts_in=timedelta(seconds=-60))
        assert (
            client.post(
                f"/activities/{activity_id}/invitations", json={}, headers=member
            ).status_code
            == 403
        )
        client.post(f"/activities/{activity_id}/invitations", json={}, headers=ADMIN)
        someone_elses = client.post(
            f"/activities/{activity_id}/invitations/{second.main}/answer",
            json={"answer": "accepted"},
            headers=member,
        )
        assert someone_elses.status_code == 403
        own = client.post(
            f"/activities/{activity_id}/invitations/{first.main}/answer",
            json={"answer": "accepted"},
            headers=member,
        )
        assert own.status_code == 200, own.text

        attendance = {"representative_ids": [str(first.main)]}
        path = f"/activities/{activity_id}/attendance"
        assert client.post(path, json=attendance, headers=member).status_code == 403
        recorded = client.post(path, json=attendance, headers=ADMIN)
        assert recorded.status_code == 200, recorded.text
        attended = {i["representative_id"]: i["attended"] for i in recorded.json()["invitations"]}
        assert attended == {str(first.main): True, str(second.main): None}


def test_rescheduling_and_cancelling_publish_events_naming_the_invitees(
    membership_stack: MembershipStack,
) -> None:
    (body,) = membership_stack.publish_verified_bodies(1)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 1), timeout=30)
        activity_id = _schedule(client, online_url="https://meet.example.gov.gr/r?pwd=1")
        client.post(f"/activities/{activity_id}/invitations", json={}, headers=ADMIN)
        later = datetime.now(UTC) + timedelta(days=9)
        moved = client.post(
            f"/activities/{activity_id}/reschedule",
            json={
                "starts_at": later.isoformat(),
                "ends_at": (later + timedelta(hours=2)).isoformat(),
                "location": "Αθήνα",
            },
            headers=ADMIN,
        )
        assert moved.status_code == 200, moved.text
        cancelled = client.post(
            f"/activities/{activity_id}/cancel", json={"reason": "Απεργία"}, headers=ADMIN
        )
        assert cancelled.json()["status"] == "cancelled"

        def listed() -> None:
            own = client.get("/activities", headers=body.member_token()).json()
            assert [(a["id"], a["status"]) for a in own["items"]] == [(activity_id, "cancelled")]

        eventually(listed, timeout=30)
        colleague = token("member", subject=str(uuid.uuid4()), body_id=body.tax_id)
        assert client.get("/activities", headers=colleague).json()["total"] == 1, "own body's"
        stranger = token("member", subject=str(uuid.uuid4()), body_id=TAX_IDS[-1])
        assert client.get("/activities", headers=stranger).json()["total"] == 0
        refused = client.post(
            f"/activities/{activity_id}/invitations/{body.main}/answer",
            json={"answer": "accepted"},
            headers=body.member_token(),
        )
        assert refused.status_code == 409

    def published() -> dict[str, Any]:
        found = {
            e.type.split(".")[-2]: e.data
            for e in membership_stack.membership_events()
            if str(e.aggregate_id) == activity_id
        }
        assert "ActivityCancelled" in found
        return found

    events = eventually(published, timeout=30)
    assert events["ActivityRescheduled"]["invitee_ids"] == [str(body.main)]
    assert events["ActivityCancelled"]["invitee_ids"] == [str(body.main)]
    assert "meet.example" not in str(events), "no link is published"


def test_inviting_one_level_invites_the_active_members_of_that_level_only(
    membership_stack: MembershipStack,
) -> None:
    (local,) = membership_stack.publish_verified_bodies(1, level=Level.LOCAL)
    membership_stack.publish_verified_bodies(1, level=Level.REGIONAL)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 2), timeout=30)
        activity_id = _schedule(client)
        invited = client.post(
            f"/activities/{activity_id}/invitations", json={"level": "local"}, headers=ADMIN
        )
        assert invited.status_code == 200, invited.text
        assert invited.json()["invited"] == [str(local.main)]
        everyone = client.post(f"/activities/{activity_id}/invitations", json={}, headers=ADMIN)
        assert len(everyone.json()["invited"]) == 1, "the regional body's, invited now"


def test_the_roster_search_ignores_case_and_accents_also_in_a_roster_kept_before(
    membership_stack: MembershipStack,
) -> None:
    names = ["Δήμος Αθηναίων", "Société Générale Ελλάδος", "Περιφέρεια Αττικής"]
    athens, societe, attica = membership_stack.publish_verified_bodies(3, names=names)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 3), timeout=30)

        def found(q: str) -> list[str]:
            return [b["body_id"] for b in roster(client, q=q)["items"]]

        expected = {
            "δημος": [athens.tax_id],
            "ΔΗΜΟΣ": [athens.tax_id],
            "Αθηναίων": [athens.tax_id],
            "generale": [societe.tax_id],
            "SOCIÉTÉ": [societe.tax_id],
            "αττικης": [attica.tax_id],
            "ος": [societe.tax_id, athens.tax_id],  # by name: Latin before Greek
            "%": [],
        }
        assert {q: found(q) for q in expected} == expected

        # Rows written before the folded names were kept: the service fills them on start.
        with psycopg.connect(membership_stack.database_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("UPDATE {}.members SET body_name_folded = NULL").format(
                    sql.Identifier(_roster_schema(conn))
                )
            )
        assert found("δημος") == []
        start_service(SERVICE, membership_stack.settings(), "api").stop()
        assert found("δημος") == [athens.tax_id]


def test_an_erased_representative_s_name_and_email_leave_the_roster(
    membership_stack: MembershipStack,
) -> None:
    (body,) = membership_stack.publish_verified_bodies(1)
    with membership_stack.client() as client:
        eventually(lambda: _assert_total(client, 1), timeout=30)
        shown = client.get(f"/members/{body.tax_id}", headers=ADMIN).json()
        assert shown["main"]["full_name"] == "Εκπρόσωπος 0"

        settings = membership_stack.settings()
        with KeyVault(
            settings.vault_database_url, master_key_from_setting(settings.master_key)
        ) as vault:
            vault.erase(body.main)
        erased = registration.PersonalDataErased(subject_id=body.main, erased_at=datetime.now(UTC))
        membership_stack.republish([(erased, erasure_id(body.main), 1)])

        def dropped() -> None:
            shown = client.get(f"/members/{body.tax_id}", headers=ADMIN).json()
            assert shown["main"]["full_name"] is None
            assert shown["main"]["email"] is None
            assert shown["status"] == "active", "the body stays a member"
            assert _sealed_values_kept(membership_stack) == 0

        eventually(dropped, timeout=30)


def _sealed_values_kept(stack: MembershipStack) -> int:
    with psycopg.connect(stack.database_url) as conn:
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM {}.members WHERE full_name IS NOT NULL").format(
                sql.Identifier(_roster_schema(conn))
            )
        ).fetchone()
    return int(row[0]) if row else 0


def _roster_schema(conn: psycopg.Connection[Any]) -> str:
    """The schema of the roster's active generation."""
    generation = conn.execute(
        "SELECT generation FROM projection_generation WHERE name = 'roster'"
    ).fetchone()
    assert generation is not None
    return f"roster_g{generation[0]}"


def _assert_total(client: httpx.Client, active: int) -> None:
    assert roster(client, status="active")["total"] == active


def _activity(
    capacity: int = 10, starts_in: timedelta = timedelta(days=7), **changes: Any
) -> dict[str, Any]:
    starts = datetime.now(UTC) + starts_in
    return {
        "kind": "govlab_workshop",
        "title": "GOV.LAB: σχεδιάζοντας με τους πολίτες",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "location": "Υπουργείο Εσωτερικών, Αθήνα",
        "capacity": capacity,
        "languages": ["el", "en"],
        **changes,
    }


def _schedule(client: httpx.Client, **kwargs: Any) -> str:
    response = client.post("/activities", json=_activity(**kwargs), headers=ADMIN)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _assert_policy_consumed_everything(stack: MembershipStack, running: RunningService) -> None:
    """The policy's tracking records reach the last offset of every registration partition."""
    last: dict[tuple[str, int], int] = {}
    topic = f"{stack.topic_prefix}{topic_of('registration').name}"
    for partition, offset, _ in stack.registration_messages():
        last[(topic, partition)] = max(offset, last.get((topic, partition), -1))
    policies = PolicyProcessor(running.application, SERVICE.reacted_topics())
    assert policies.stored_offsets(list(last)) == last
