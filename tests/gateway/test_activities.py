"""The members' activity and participation pages in process, against the real registration and
membership services (processes on the real PostgreSQL and Kafka): the list of the body's
activities with where each representative stands, one activity and one's own answer (a seat,
the waiting list in place, declined), another body's activity, another representative's
invitation, a cancelled activity, and the body's participation table.
"""

from __future__ import annotations

import re
import uuid

import pytest

from contracts.errors import ErrorCode
from services.gateway.i18n import translate
from services.gateway.member_activities import PAGE_SIZE
from services.gateway.refusals import MESSAGES
from services.gateway.service import SERVICE
from tests.gateway.conftest import STAFF, csrf_token
from tests.gateway.member_site import ADMIN, MemberBody, MemberSite, member_site
from tests.support.polling import eventually

__all__ = ["member_site"]  # the module's setting, a fixture


def el(msgid: str, **params: object) -> str:
    """A text of the pages as a Greek reader sees it."""
    return translate("el", msgid, **params)


@pytest.fixture(scope="module")
def ours(member_site: MemberSite) -> MemberBody:
    """A body with both representatives, each signed in."""
    return member_site.active_body("Δήμος Καινοτομίας")


@pytest.fixture(scope="module")
def theirs(member_site: MemberSite) -> MemberBody:
    """Another body, with its main representative only."""
    return member_site.active_body("Περιφέρεια Δοκιμών", with_alternate=False)


def standing_of(html: str, representative_id: str) -> str:
    """The `data-standing` of a representative's invitation on an activity's page."""
    row = html.split(f'id="invitation-{representative_id}"', 1)
    assert len(row) == 2, f"no invitation of {representative_id} on the page"
    found = re.search(r'data-standing="([a-z]+)"', row[1])
    assert found
    return found.group(1)


def test_the_list_shows_the_bodys_activities_and_where_each_representative_stands(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours)
    assert (
        ours.main.post_form(
            f"/activities/{activity_id}/answer",
            {"answer": "accepted"},
            page=f"/activities/{activity_id}",
        ).status_code
        == 303
    )

    def listed() -> str:
        page = ours.main.client.get("/activities")
        assert page.status_code == 200, page.text
        assert f'href="/activities/{activity_id}"' in page.text, "not in the list yet"
        return str(page.text)

    html = eventually(listed, timeout=30, interval=0.3)
    card = html.split(f'id="activity-{activity_id}"', 1)[1].split("</li>", 1)[0]
    assert el("GOV.LAB workshop") in card
    assert "Υπουργείο Εσωτερικών, Αθήνα" in card
    assert sorted(re.findall(r'data-standing="([a-z]+)"', card)) == ["invited", "seat"]
    assert el("Accepted, with a seat") in card
    assert el("Invited, not answered yet") in card
    assert "Μαρία Παπαδοπούλου" in card, "the main, named to their own body"
    assert "Γιώργος Νικολάου" in card, "the alternate too"


def test_an_activity_shows_its_details_and_the_answer_buttons_of_ones_own_invitation(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours, capacity=5)
    page = ours.main.client.get(f"/activities/{activity_id}")
    assert page.status_code == 200, page.text
    assert el("%(left)s of %(capacity)s", left="5", capacity="5") in page.text
    assert standing_of(page.text, ours.main.id) == "invited"
    assert ours.alternate is not None
    assert standing_of(page.text, ours.alternate.id) == "invited"
    forms = re.findall(r'<form method="post" action="/activities/[^"]+/answer"', page.text)
    assert len(forms) == 2, "Accept and Decline, a form each"
    assert 'name="answer" value="accepted"' in page.text
    assert 'name="answer" value="declined"' in page.text
    assert f'name="invitation" value="{ours.main.id}"' in page.text
    assert f'name="invitation" value="{ours.alternate.id}"' not in page.text


def test_accepting_gives_a_seat_and_the_confirmation_says_so(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours)
    sent = ours.main.post_form(
        f"/activities/{activity_id}/answer",
        {"answer": "accepted", "invitation": ours.main.id},
        page=f"/activities/{activity_id}",
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/activities/{activity_id}/answered"
    done = ours.main.client.get(sent.headers["location"])
    assert done.status_code == 200
    assert el("You have a seat") in done.text
    invitation = member_site.invitation(activity_id, ours.main.id)
    assert (invitation["answer"], invitation["seat"]) == ("accepted", "confirmed")
    again = ours.main.client.get(f"/activities/{activity_id}")
    assert standing_of(again.text, ours.main.id) == "seat"
    assert 'value="accepted"' not in again.text, "accepted already: only Decline is offered"


def test_acceptances_beyond_the_seats_wait_and_the_page_says_in_which_place(
    member_site: MemberSite, ours: MemberBody, theirs: MemberBody
) -> None:
    activity_id = member_site.schedule(ours, theirs, capacity=1)
    page = f"/activities/{activity_id}"
    assert theirs.main.post_form(f"{page}/answer", {"answer": "accepted"}, page).status_code == 303
    assert ours.alternate is not None
    assert (
        ours.alternate.post_form(f"{page}/answer", {"answer": "accepted"}, page).status_code == 303
    )
    sent = ours.main.post_form(f"{page}/answer", {"answer": "accepted"}, page)
    done = ours.main.client.get(sent.headers["location"])
    assert el("You are on the waiting list, place %(place)s", place=2) in done.text
    activity = ours.main.client.get(page).text
    assert standing_of(activity, ours.main.id) == "waiting"
    assert el("On the waiting list, place %(place)s", place=2) in activity
    assert el("On the waiting list, place %(place)s", place=1) in activity, "the alternate's"
    assert theirs.main.id not in activity, "another body's invitation is not shown"


def test_declining_says_so_and_the_service_records_it(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours)
    page = f"/activities/{activity_id}"
    sent = ours.main.post_form(f"{page}/answer", {"answer": "declined"}, page)
    done = ours.main.client.get(sent.headers["location"])
    assert el("You declined") in done.text
    assert member_site.invitation(activity_id, ours.main.id)["answer"] == "declined"


def test_another_bodys_activity_is_the_404_page_and_cannot_be_answered(
    member_site: MemberSite, ours: MemberBody, theirs: MemberBody
) -> None:
    activity_id = member_site.schedule(theirs)
    assert ours.main.client.get(f"/activities/{activity_id}").status_code == 404
    # The form of a page the reader can see, sent to the other body's activity.
    answered = ours.main.post_form(
        f"/activities/{activity_id}/answer", {"answer": "accepted"}, page="/activities"
    )
    assert answered.status_code == 404
    assert el("Page not found") in answered.text
    assert member_site.invitation(activity_id, theirs.main.id)["answer"] is None


def test_answering_the_other_representatives_invitation_is_refused_with_the_403_page(
    member_site: MemberSite, ours: MemberBody
) -> None:
    assert ours.alternate is not None
    activity_id = member_site.schedule(ours)
    page = f"/activities/{activity_id}"
    refused = ours.main.post_form(
        f"{page}/answer", {"answer": "declined", "invitation": ours.alternate.id}, page
    )
    assert refused.status_code == 403
    assert el("You cannot do this here") in refused.text
    assert member_site.invitation(activity_id, ours.alternate.id)["answer"] is None


def test_a_cancelled_activity_cannot_be_answered_and_the_page_says_why(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours)
    page = f"/activities/{activity_id}"
    form_page = ours.main.client.get(page).text  # the buttons, before the cancellation
    with member_site.api("membership", ADMIN) as api:
        cancelled = api.post(f"/activities/{activity_id}/cancel", json={"reason": "Απεργία"})
    assert cancelled.status_code == 200, cancelled.text
    refused = ours.main.client.post(
        f"{page}/answer", data={"csrf_token": csrf_token(form_page), "answer": "accepted"}
    )
    assert refused.status_code == 409
    assert 'class="govgr-error-summary"' in refused.text
    assert el(MESSAGES[ErrorCode.ACTIVITY_CANCELLED]) in refused.text
    assert el("This activity was cancelled.") in refused.text
    assert el("Reason: %(reason)s", reason="Απεργία") in refused.text
    assert 'value="accepted"' not in refused.text, "no buttons on a cancelled activity"
    assert member_site.invitation(activity_id, ours.main.id)["answer"] is None


def test_the_pages_are_for_signed_in_representatives(
    member_site: MemberSite, ours: MemberBody
) -> None:
    stranger = member_site.browser()
    for path in ("/activities", "/my-body/participation"):
        answer = stranger.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in?next="), path


@pytest.fixture(scope="module")
def counted(member_site: MemberSite) -> MemberBody:
    """A body of its own for the counts: one activity, its one representative accepted."""
    body = member_site.active_body("Αποκεντρωμένη Διοίκηση Μετρήσεων", with_alternate=False)
    activity_id = member_site.schedule(body)
    page = f"/activities/{activity_id}"
    assert body.main.post_form(f"{page}/answer", {"answer": "accepted"}, page).status_code == 303
    return body


def test_the_participation_page_is_a_table_of_the_bodys_counts(counted: MemberBody) -> None:
    def table() -> str:
        page = counted.main.client.get("/my-body/participation")
        assert page.status_code == 200, page.text
        row = page.text.split('id="row-accepted"', 1)[1].split("</tr>", 1)[0]
        assert re.findall(r">\s*(\d+)\s*<", row)[0] == "1", "not counted yet"
        return str(page.text)

    html = eventually(table, timeout=30, interval=0.3)
    assert "<caption" in html
    assert html.count('scope="col"') == 3
    assert html.count('scope="row"') == 4
    cells = {
        key: re.findall(r">\s*(\d+)\s*<", html.split(f'id="row-{key}"', 1)[1].split("</tr>", 1)[0])
        for key in ("invited", "accepted", "confirmed", "attended")
    }
    # All activities, this year's (next week's activity may fall in the next year), last year's.
    assert [cells[key][0] for key in cells] == ["1", "1", "1", "0"]
    assert cells["invited"][2] == "0", "nothing last year"


def test_the_list_pages_ten_activities_at_a_time(member_site: MemberSite) -> None:
    body = member_site.active_body("Δήμος Πολλών Δράσεων", with_alternate=False)
    scheduled = [member_site.schedule(body) for _ in range(PAGE_SIZE + 1)]

    def all_listed() -> None:
        with member_site.api("membership", body.member_token(body.main)) as api:
            found = api.get("/activities", params={"page_size": 50})
        assert found.json()["total"] == len(scheduled), "not all in the list yet"

    eventually(all_listed, timeout=30, interval=0.3)
    first = body.main.client.get("/activities")
    assert first.text.count('<li class="govgr-card') == PAGE_SIZE
    assert 'href="/activities?page=2" rel="next"' in first.text
    second = body.main.client.get("/activities?page=2")
    assert second.text.count('<li class="govgr-card') == 1
    shown = set(re.findall(r'id="activity-([0-9a-f-]{36})"', first.text + second.text))
    assert shown == set(scheduled)
    assert body.main.client.get("/activities?page=3").status_code == 404


def test_an_online_activity_links_its_invitees_to_the_meeting(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours, online=True)
    page = ours.main.client.get(f"/activities/{activity_id}").text
    assert 'href="https://meet.example.gov.gr/lab"' in page
    assert el("Online") in page


def test_an_answer_the_pages_do_not_offer_is_the_400_page_and_answers_nothing(
    member_site: MemberSite, ours: MemberBody
) -> None:
    activity_id = member_site.schedule(ours)
    page = f"/activities/{activity_id}"
    refused = ours.main.post_form(f"{page}/answer", {"answer": "maybe"}, page)
    assert refused.status_code == 400
    assert member_site.invitation(activity_id, ours.main.id)["answer"] is None


def test_staff_are_sent_to_their_own_pages(member_site: MemberSite) -> None:
    staff = member_site.sign_in(STAFF)
    for path in ("/activities", "/my-body/participation"):
        assert staff.get(path).status_code == 403, path


def test_a_member_opens_none_of_the_units_pages_and_posts_to_none(
    member_site: MemberSite, ours: MemberBody
) -> None:
    """Every route under /unit, read from the gateway itself: a representative gets the 403
    page, never the page, a redirect to it or a crash."""
    client = ours.main.client
    some_id = str(uuid.uuid4())
    token = csrf_token(client.get("/activities").text)
    routes = [r for router in SERVICE.routers for r in router.routes if r.path.startswith("/unit")]  # type: ignore[attr-defined]
    assert len(routes) > 20
    for route in routes:
        path = re.sub(r"\{[a-z_]+\}", some_id, route.path)
        for method in sorted(route.methods):
            if method == "GET":
                answer = client.get(path)
            elif method == "POST":
                answer = client.post(path, data={"csrf_token": token})
            else:
                continue
            assert answer.status_code == 403, (method, route.path, answer.status_code)
            assert "innovnet-signed-in" in answer.text, "the 403 page, signed in as before"
