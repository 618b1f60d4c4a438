"""A member sees the activities their body is invited to, their own body's invitations and
participation, and nothing of another body's; the innovation unit sees everything."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.membership.conftest import ADMIN, ADMIN_SUBJECT, MembershipStack, roster, token
from tests.membership.test_api import _schedule
from tests.support.polling import eventually


def invite(client: httpx.Client, activity_id: str, *tax_ids: str) -> None:
    invited = client.post(
        f"/activities/{activity_id}/invitations", json={"body_ids": list(tax_ids)}, headers=ADMIN
    )
    assert invited.status_code == 200, invited.text
    assert len(invited.json()["invited"]) == len(tax_ids)


def invited_bodies(activity: dict[str, Any]) -> set[str]:
    return {i["body_id"] for i in activity["invitations"]}


def test_a_member_sees_their_own_body_s_activities_invitations_and_participation_only(
    membership_stack: MembershipStack,
) -> None:
    first, second = membership_stack.publish_verified_bodies(2)
    with membership_stack.client() as client:
        eventually(lambda: _assert_active(client, 2), timeout=30)
        only_first = _schedule(client)
        both = _schedule(client)
        invite(client, only_first, first.tax_id)
        invite(client, both, first.tax_id, second.tax_id)

        own = client.get(f"/activities/{only_first}", headers=first.member_token())
        assert own.status_code == 200, own.text
        assert invited_bodies(own.json()) == {first.tax_id}
        not_invited = client.get(f"/activities/{only_first}", headers=second.member_token())
        assert not_invited.status_code == 404
        assert "invitations" not in not_invited.text
        # Visibility is per body: a colleague who was not invited personally sees it too.
        colleague = token("member", subject=str(uuid.uuid4()), body_id=first.tax_id)
        seen_by_colleague = client.get(f"/activities/{only_first}", headers=colleague)
        assert seen_by_colleague.status_code == 200, seen_by_colleague.text
        assert invited_bodies(seen_by_colleague.json()) == {first.tax_id}

        def listed_per_body() -> None:
            listed = client.get("/activities", headers=colleague).json()
            assert {a["id"] for a in listed["items"]} == {only_first, both}
            listed_for_other = client.get("/activities", headers=second.member_token()).json()
            assert {a["id"] for a in listed_for_other["items"]} == {both}

        eventually(listed_per_body, timeout=30)

        for body, other in ((first, second), (second, first)):
            seen = client.get(f"/activities/{both}", headers=body.member_token())
            assert seen.status_code == 200, seen.text
            assert invited_bodies(seen.json()) == {body.tax_id}, f"{other.tax_id} is not shown"
        everything = client.get(f"/activities/{both}", headers=ADMIN).json()
        assert invited_bodies(everything) == {first.tax_id, second.tax_id}

        def reported() -> None:
            report = client.get("/participation", headers=ADMIN)
            assert report.status_code == 200, report.text
            assert {b["body_id"]: b["invited"] for b in report.json()["bodies"]} == {
                first.tax_id: 2,
                second.tax_id: 1,
            }

        eventually(reported, timeout=30)
        for body, invited in ((first, 2), (second, 1)):
            report = client.get("/participation", headers=body.member_token())
            assert report.status_code == 200, report.text
            assert [(b["body_id"], b["invited"]) for b in report.json()["bodies"]] == [
                (body.tax_id, invited)
            ]
            assert [level["invited"] for level in report.json()["levels"]] == [invited]


def test_a_member_sees_the_activity_s_own_steps_and_their_body_s_but_never_who_decided(
    membership_stack: MembershipStack,
) -> None:
    first, second = membership_stack.publish_verified_bodies(2)
    with membership_stack.client() as client:
        eventually(lambda: _assert_active(client, 2), timeout=30)
        activity_id = _schedule(client)
        invite(client, activity_id, first.tax_id, second.tax_id)
        for body in (first, second):
            answered = client.post(
                f"/activities/{activity_id}/invitations/{body.main}/answer",
                json={"answer": "accepted"},
                headers=body.member_token(),
            )
            assert answered.status_code == 200, answered.text
        later = datetime.now(UTC) + timedelta(days=10)
        moved = client.post(
            f"/activities/{activity_id}/reschedule",
            json={
                "starts_at": later.isoformat(),
                "ends_at": (later + timedelta(hours=2)).isoformat(),
                "location": "Θεσσαλονίκη",
            },
            headers=ADMIN,
        )
        assert moved.status_code == 200, moved.text

        def steps(headers: dict[str, str]) -> list[tuple[str, str | None, str | None]]:
            shown = client.get(f"/activities/{activity_id}", headers=headers)
            assert shown.status_code == 200, shown.text
            return [(s["what"], s["body_id"], s["decided_by"]) for s in shown.json()["history"]]

        invited_first, invited_second = sorted(
            [("invited", b.tax_id, ADMIN_SUBJECT) for b in (first, second)],
            key=lambda step: next(b.name for b in (first, second) if b.tax_id == step[1]),
        )
        assert steps(ADMIN) == [
            ("scheduled", None, ADMIN_SUBJECT),
            invited_first,
            invited_second,
            ("answered", first.tax_id, None),
            ("answered", second.tax_id, None),
            ("rescheduled", None, ADMIN_SUBJECT),
        ]
        colleague = token("member", subject=str(uuid.uuid4()), body_id=first.tax_id)
        assert steps(colleague) == [
            ("scheduled", None, None),
            ("invited", first.tax_id, None),
            ("answered", first.tax_id, None),
            ("rescheduled", None, None),
        ]


def _assert_active(client: httpx.Client, active: int) -> None:
    assert roster(client, status="active")["total"] == active
