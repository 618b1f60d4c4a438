"""A member sees the activities their body is invited to, their own body's invitations and
participation, and nothing of another body's; the innovation unit sees everything."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.membership.conftest import ADMIN, MembershipStack, roster, token
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


def _assert_active(client: httpx.Client, active: int) -> None:
    assert roster(client, status="active")["total"] == active
