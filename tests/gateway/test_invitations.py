"""Where an invitation email's links land, in process against the real registration and
membership services: the link's page answers nothing until its one button is pressed, with or
without a session; the answer is the representative's the link names; a link expired, forged
or of someone no longer a representative answers nothing, and says so; the token is in no
link of the page.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from contracts.errors import ErrorCode
from services.gateway.i18n import translate
from services.gateway.refusals import MESSAGES
from services.runtime.invitation_links import invitation_links
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.gateway.conftest import PUBLIC_URL, csrf_token
from tests.gateway.member_site import ADMIN, MemberBody, MemberSite, member_site
from tests.support.polling import eventually

__all__ = ["member_site"]  # the module's setting, a fixture


def el(msgid: str, **params: object) -> str:
    return translate("el", msgid, **params)


@pytest.fixture(scope="module")
def body(member_site: MemberSite) -> MemberBody:
    return member_site.active_body("Δήμος Συνδέσμων")


def email_links(
    activity_id: str, representative_id: str, expires: datetime | None = None, secret: str = ""
) -> dict[str, str]:
    """The links the notifications service puts in the invitation email (its own function)."""
    return invitation_links(
        secret or DEVELOPMENT_JWT_SECRET,
        PUBLIC_URL,
        uuid.UUID(activity_id),
        uuid.UUID(representative_id),
        expires or datetime.now(UTC) + timedelta(days=3),
    )


def path_of(link: str) -> str:
    """The link as the gateway receives it: its path and query."""
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL
    return f"{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    found = re.search(r"token=([^&]+)", link)
    assert found
    return found.group(1)


def test_the_link_shows_the_activity_and_one_button_and_answers_nothing(
    member_site: MemberSite, body: MemberBody
) -> None:
    activity_id = member_site.schedule(body)
    link = email_links(activity_id, body.main.id)["accept_url"]
    browser = member_site.browser()  # opened from the email: no session
    page = browser.get(path_of(link))
    assert page.status_code == 200, page.text
    html = page.text
    assert member_site.activity(activity_id)["title"] in html
    assert el("Confirm: accept") in html
    assert html.count('type="submit"') == 1, "one button (and no sign-out: nobody signed in)"
    token = token_of(link)
    assert html.count(token) == 1, "the token is in the form's hidden field only"
    assert f'<input type="hidden" name="token" value="{token}">' in html
    assert "next=/invitations/answer" in html.replace("%2F", "/")
    assert "next=/invitations/answer?" not in html.replace("%2F", "/").replace("%3F", "?")
    assert member_site.invitation(activity_id, body.main.id)["answer"] is None, (
        "a GET answers nothing"
    )


def test_confirming_answers_as_the_representative_the_link_names_without_a_session(
    member_site: MemberSite, body: MemberBody
) -> None:
    assert body.alternate is not None
    activity_id = member_site.schedule(body)
    link = email_links(activity_id, body.alternate.id)["accept_url"]
    browser = member_site.browser()
    page = browser.get(path_of(link))
    done = browser.post(
        "/invitations/answer", data={"csrf_token": csrf_token(page.text), "token": token_of(link)}
    )
    assert done.status_code == 200, done.text
    assert el("You have a seat") in done.text
    assert token_of(link) not in done.text
    invitation = member_site.invitation(activity_id, body.alternate.id)
    assert (invitation["answer"], invitation["seat"]) == ("accepted", "confirmed")
    assert member_site.invitation(activity_id, body.main.id)["answer"] is None


def test_the_decline_link_declines_even_for_someone_else_signed_in(
    member_site: MemberSite, body: MemberBody
) -> None:
    """The link proves whose invitation it is: the main's session does not change whose."""
    assert body.alternate is not None
    activity_id = member_site.schedule(body)
    link = email_links(activity_id, body.alternate.id)["decline_url"]
    page = body.main.client.get(path_of(link))
    assert el("Confirm: decline") in page.text
    done = body.main.client.post(
        "/invitations/answer", data={"csrf_token": csrf_token(page.text), "token": token_of(link)}
    )
    assert el("You declined") in done.text
    assert member_site.invitation(activity_id, body.alternate.id)["answer"] == "declined"
    assert member_site.invitation(activity_id, body.main.id)["answer"] is None


@pytest.mark.parametrize("which", ["expired", "forged", "cut short", "missing"])
def test_a_link_not_valid_any_more_answers_nothing_and_points_to_signing_in(
    member_site: MemberSite, body: MemberBody, which: str
) -> None:
    activity_id = member_site.schedule(body)
    good = email_links(activity_id, body.main.id)["accept_url"]
    token = {
        "expired": token_of(
            email_links(
                activity_id, body.main.id, expires=datetime.now(UTC) - timedelta(minutes=1)
            )["accept_url"]
        ),
        "forged": token_of(
            email_links(activity_id, body.main.id, secret="another-secret-" + "x" * 40)[
                "accept_url"
            ]
        ),
        "cut short": token_of(good)[:-5],
        "missing": "",
    }[which]
    browser = member_site.browser()
    page = browser.get("/invitations/answer", params={"token": token} if token else None)
    assert page.status_code == 400
    assert el("The link is not valid any more") in page.text
    assert 'href="/sign-in?next=/activities"' in page.text
    form_token = csrf_token(browser.get("/sign-in").text)  # the page has no form of its own
    posted = browser.post("/invitations/answer", data={"csrf_token": form_token, "token": token})
    assert posted.status_code == 400
    assert el("The link is not valid any more") in posted.text
    assert member_site.invitation(activity_id, body.main.id)["answer"] is None


def test_a_cancelled_activitys_link_says_so_and_answers_nothing(
    member_site: MemberSite, body: MemberBody
) -> None:
    activity_id = member_site.schedule(body)
    link = email_links(activity_id, body.main.id)["accept_url"]
    browser = member_site.browser()
    before = browser.get(path_of(link)).text
    with member_site.api("membership", ADMIN) as api:
        assert api.post(f"/activities/{activity_id}/cancel", json={}).status_code == 200
    page = browser.get(path_of(link))
    assert el("The activity was cancelled: there is nothing to answer.") in page.text
    assert el("Confirm: accept") not in page.text
    posted = browser.post(
        "/invitations/answer", data={"csrf_token": csrf_token(before), "token": token_of(link)}
    )
    assert posted.status_code == 409
    assert el(MESSAGES[ErrorCode.ACTIVITY_CANCELLED]) in posted.text
    assert member_site.invitation(activity_id, body.main.id)["answer"] is None


def test_the_link_of_someone_no_longer_a_representative_says_so(
    member_site: MemberSite,
) -> None:
    leaving = member_site.active_body("Οργανισμός Αποχωρήσεων", with_alternate=False)
    activity_id = member_site.schedule(leaving)
    link = email_links(activity_id, leaving.main.id)["accept_url"]
    browser = member_site.browser()
    token = csrf_token(browser.get(path_of(link)).text)
    with member_site.api("registration", leaving.member_token(leaving.main)) as api:
        withdrawn = api.post(f"/registrations/{leaving.registration_id}/withdraw", json={})
    assert withdrawn.status_code == 200, withdrawn.text

    def refused() -> str:
        page = browser.get(path_of(link))
        assert page.status_code == 403, "the directory has not read the withdrawal yet"
        return str(page.text)

    html = eventually(refused, timeout=30, interval=0.3)
    assert el("You are no longer a representative") in html
    posted = browser.post(
        "/invitations/answer", data={"csrf_token": token, "token": token_of(link)}
    )
    assert posted.status_code == 403
    assert member_site.invitation(activity_id, leaving.main.id)["answer"] is None


def test_a_link_to_an_activity_not_found_is_the_404_page_that_carries_no_token(
    member_site: MemberSite, body: MemberBody
) -> None:
    """The error page too: its language switch comes back without the token, and no request
    the page makes (its stylesheets, its links) sends the link's address as the Referer."""
    link = email_links(str(uuid.uuid4()), body.main.id)["accept_url"]
    page = member_site.browser().get(path_of(link))
    assert page.status_code == 404, page.text
    assert token_of(link) not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
