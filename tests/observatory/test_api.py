"""The observatory on the real broker and database: members from membership's topic, a
practice from draft to publication through the API, and its events on the observatory's topic.

One observatory process for the module; membership's events are produced onto its topic as the
membership service would publish them, so no other service runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from contracts import membership
from contracts.registration import Role
from tests.membership.conftest import token
from tests.support.observatory import Body, Stack, activate, member, observatory_api
from tests.support.polling import eventually

UNIT = "staff-0a1b2c3d4e5f60718293"
ADMIN = token("admin", subject=UNIT)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with observatory_api(tmp_path_factory.mktemp("observatory")) as running:
        yield running


BODY = Body("094014201", "Δήμος Παραδείγματος")
OTHER = Body("090153025", "Περιφέρεια Δοκιμής")


def draft(**overrides: Any) -> dict[str, Any]:
    return {"languages": ["el"], "texts": {"el": {"title": "Ψηφιακό γκισέ"}}, **overrides}


def complete() -> dict[str, Any]:
    return draft(
        texts={
            "el": {
                "title": "Ψηφιακό γκισέ",
                "short_explanation": "Εξυπηρέτηση από το σπίτι.",
                "overview": "Βιντεοκλήση για κάθε αίτηση.",
                "innovativeness": "Πρώτη φορά σε δήμο.",
            }
        },
        stage="implementation",
        facets=["enhancement"],
        sector="digitalisation",
        year_launched=2024,
        tags=["βιντεοκλήση", "εξυπηρέτηση", "ψηφιακό κράτος"],
    )


def refusal(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    return detail


def started(stack: Stack, headers: dict[str, str]) -> dict[str, Any]:
    """A draft started once the member's activation has reached the observatory."""

    def created() -> dict[str, Any]:
        response = stack.client.post("/practices", json=draft(), headers=headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return eventually(created)


def test_a_practice_from_draft_to_publication(stack: Stack) -> None:
    main, alternate = activate(stack, BODY), activate(stack, BODY, Role.ALTERNATE)
    stranger = activate(stack, OTHER)
    main_token, alternate_token = member(BODY, main), member(BODY, alternate)
    client = stack.client

    # A non-member may not start one; a member of the body may.
    nobody = member(BODY, uuid.uuid4())
    assert refusal(client.post("/practices", json=draft(), headers=nobody), 403)[0]["type"] == (
        "not_active_member"
    )
    created = started(stack, main_token)
    practice_id, version = created["practice_id"], created["version"]
    assert version == 1
    url = f"/practices/{practice_id}"

    # Another body's member: 403 on a command, 404 on a read.
    # The other body's practice goes to the unit first.
    theirs = f"/practices/{started(stack, member(OTHER, stranger))['practice_id']}"
    put = client.put(theirs, json={**complete(), "version": 1}, headers=member(OTHER, stranger))
    assert put.json() == {"version": 2}
    sent = client.post(f"{theirs}/submit", json={"version": 2}, headers=member(OTHER, stranger))
    assert sent.json() == {"version": 3}
    other = client.put(url, json={**complete(), "version": 1}, headers=member(OTHER, stranger))
    assert refusal(other, 403)[0]["type"] == "not_the_bodys"
    hidden = client.get(url, headers=member(OTHER, stranger))
    assert refusal(hidden, 404)[0]["type"] == "practice_not_found"

    # The body's other representative co-edits; an edit on the version read before is refused.
    edited = client.put(url, json={**complete(), "version": 1}, headers=alternate_token)
    assert edited.status_code == 200, edited.text
    assert edited.json() == {"version": 2}
    stale = client.put(url, json={**draft(), "version": 1}, headers=main_token)
    assert refusal(stale, 409)[0]["type"] == "practice_changed"

    # An incomplete submission names every missing field.
    partial = {**complete(), "tags": ["μία"], "version": 2}
    partial["texts"] = {"el": {"title": "Ψηφιακό γκισέ", "overview": "Βιντεοκλήση."}}
    assert client.put(url, json=partial, headers=main_token).json() == {"version": 3}
    incomplete = refusal(client.post(f"{url}/submit", json={"version": 3}, headers=main_token), 422)
    assert [(d["type"], d["loc"]) for d in incomplete] == [
        ("practice_incomplete", ["body", "texts", "el", "short_explanation"]),
        ("practice_incomplete", ["body", "texts", "el", "innovativeness"]),
        ("practice_incomplete", ["body", "tags"]),
    ]
    view = client.get(url, headers=main_token).json()
    assert view["missing"] == ["texts.el.short_explanation", "texts.el.innovativeness", "tags"]
    assert view["can_edit"] is True

    # Complete, submitted; the unit asks for changes; edited and sent again; published.
    assert client.put(url, json={**complete(), "version": 3}, headers=main_token).json() == {
        "version": 4
    }
    assert client.post(f"{url}/submit", json={"version": 4}, headers=main_token).json() == {
        "version": 5
    }
    not_editable = client.put(url, json={**complete(), "version": 5}, headers=main_token)
    assert refusal(not_editable, 409)[0] | {"msg": None} == {
        "type": "practice_not_editable",
        "msg": None,
        "ctx": {"status": "submitted"},
    }
    member_decides = client.post(f"{url}/publish", json={"comment": "Ναι"}, headers=main_token)
    assert refusal(member_decides, 403)[0]["type"] == "role_required"
    changes = client.post(
        f"{url}/request-changes", json={"comment": "Προσθέστε αποτελέσματα."}, headers=ADMIN
    )
    assert changes.json() == {"version": 6}
    again = complete()
    again["texts"]["el"]["results_impact"] = "Μισές ουρές στο δημαρχείο."
    assert client.put(url, json={**again, "version": 6}, headers=alternate_token).status_code == 200
    assert client.post(f"{url}/submit", json={"version": 7}, headers=alternate_token).json() == {
        "version": 8
    }

    # The unit's queue: the submitted practices of every body.
    def queued() -> None:
        queue = client.get("/practices", params={"status": "submitted"}, headers=ADMIN).json()
        ids = [f"/practices/{item['practice_id']}" for item in queue["items"]]
        assert ids == [theirs, url]  # oldest submitted first, of any body
        assert {item["status"] for item in queue["items"]} == {"submitted"}

    eventually(queued)

    published = client.post(
        f"{url}/publish", json={"comment": "Δημοσιεύεται.", "version": 8}, headers=ADMIN
    )
    assert published.json() == {"version": 9}

    for_unit = client.get(url, headers=ADMIN).json()
    for_body = client.get(url, headers=main_token).json()
    assert for_unit["status"] == "published"
    assert (for_body["body_name"], for_body["level"]) == (BODY.name, "local")
    assert for_body["can_edit"] is False
    steps = [(s["what"], s["by_role"], s["decided_by"]) for s in for_unit["history"]]
    assert steps == [
        ("drafted", "member", None),
        ("edited", "member", None),
        ("edited", "member", None),
        ("edited", "member", None),
        ("submitted", "member", None),
        ("changes_requested", "admin", UNIT),
        ("edited", "member", None),
        ("submitted", "member", None),
        ("published", "admin", UNIT),
    ]
    assert [s["decided_by"] for s in for_body["history"]] == [None] * 9
    assert for_body["history"][5]["comment"] == "Προσθέστε αποτελέσματα."

    # On the observatory's topic, in the practice's order.
    def on_the_topic() -> None:
        mine = [name for pid, name in stack.observatory_events() if str(pid) == practice_id]
        assert mine == [
            "PracticeDrafted",
            "PracticeEdited",
            "PracticeEdited",
            "PracticeEdited",
            "PracticeSubmitted",
            "PracticeChangesRequested",
            "PracticeEdited",
            "PracticeSubmitted",
            "PracticePublished",
        ]

    eventually(on_the_topic)

    # A member lists their own body's practices only, whatever body_id they ask for.
    def listed() -> None:
        found = client.get(
            "/practices", params={"body_id": OTHER.tax_id}, headers=main_token
        ).json()
        assert {item["body_id"] for item in found["items"]} == {BODY.tax_id}
        item = next(i for i in found["items"] if i["practice_id"] == practice_id)
        assert (item["status"], item["title"], item["body_name"]) == (
            "published",
            "Ψηφιακό γκισέ",
            BODY.name,
        )

    eventually(listed)
    others = client.get("/practices", headers=member(OTHER, stranger)).json()
    assert practice_id not in [item["practice_id"] for item in others["items"]]
    assert others["total"] >= 1


def test_a_representative_who_left_keeps_authorship_but_edits_no_more(stack: Stack) -> None:
    body = Body("997654329", "Οργανισμός Αποχώρησης")
    leaver = activate(stack, body)
    leaver_token = member(body, leaver)
    created = started(stack, leaver_token)
    url = f"/practices/{created['practice_id']}"
    stack.produce(
        membership.MemberDeactivated(
            representative_id=leaver,
            registration_id=uuid.uuid4(),
            body_id=body.tax_id,
            role=Role.MAIN,
            reason="replaced",
            deactivated_at=datetime.now(UTC),
        ),
        leaver,
    )

    def left() -> None:  # read only: an edit sent meanwhile would succeed until it is known
        assert stack.client.get(url, headers=leaver_token).json()["can_edit"] is False

    eventually(left)
    edit = stack.client.put(url, json={**complete(), "version": 1}, headers=leaver_token)
    assert refusal(edit, 403)[0]["type"] == "not_active_member"
    withdraw = stack.client.post(f"{url}/withdraw", json={"reason": "Λάθος"}, headers=leaver_token)
    assert refusal(withdraw, 403)[0]["type"] == "not_active_member"
    view = stack.client.get(url, headers=leaver_token).json()
    assert (view["author_id"], view["can_edit"]) == (str(leaver), False)
    # The body's list is for its active representatives, like every write.
    assert refusal(stack.client.get("/practices", headers=leaver_token), 403)[0]["type"] == (
        "not_active_member"
    )
    never = member(body, uuid.uuid4())
    assert refusal(stack.client.get("/practices", headers=never), 403)[0]["type"] == (
        "not_active_member"
    )

    # The body's new representative takes over: edits it and withdraws it.
    successor_token = member(body, activate(stack, body))
    edited = eventually(
        lambda: (
            stack.client.put(url, json={**complete(), "version": 1}, headers=successor_token)
            .raise_for_status()
            .json()
        )
    )
    assert edited == {"version": 2}
    withdrawn = stack.client.post(
        f"{url}/withdraw", json={"reason": "Δεν ισχύει πια."}, headers=successor_token
    )
    assert withdrawn.json() == {"version": 3}
    assert stack.client.get(url, headers=ADMIN).json()["author_id"] == str(leaver)
