"""The subscription API on the real stack: the form's one answer, links, members, holds, expiry.

One newsletter process on its own database and topic prefix serves the whole file; membership's
events are published onto its topic as membership would. Time moves by running the expiry
job's function with a later `now`, on the same database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contracts.newsletter import BounceKind
from contracts.registration import Language
from services.newsletter.expiry import expire_requests
from tests.support.newsletter import ADMIN, SERVICE_CALLER, NewsletterStack, newsletter_api
from tests.support.polling import eventually


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NewsletterStack]:
    with newsletter_api(tmp_path_factory.mktemp("newsletter")) as running:
        yield running


def refusal(response: httpx.Response) -> dict[str, Any]:
    [detail] = response.json()["detail"]
    return dict(detail)


def preferences(stack: NewsletterStack, address: str) -> dict[str, Any]:
    token = stack.unsubscribe_token(stack.subscriber_id(address))
    answer = stack.client.get(f"/preferences/{token}", headers=SERVICE_CALLER)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def confirm(stack: NewsletterStack, address: str) -> httpx.Response:
    token = stack.confirm_token(stack.subscriber_id(address), datetime.now(UTC) + timedelta(days=7))
    return stack.client.post(
        "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
    )


def events_of(stack: NewsletterStack, address: str) -> list[str]:
    subscriber = stack.subscriber_id(address)
    return [name for aggregate, name in stack.events() if aggregate == subscriber]


def test_the_form_answers_the_same_bytes_for_a_new_a_pending_a_confirmed_and_a_held_address(
    stack: NewsletterStack,
) -> None:
    address = "same.answer@athens.gov.gr"
    new = stack.subscribe(address)
    pending = stack.subscribe(address.upper(), Language.ENGLISH)
    assert confirm(stack, address).json() == {"language": "en"}, "the later request's language"
    confirmed = stack.subscribe(address)
    with stack.stores() as stores:
        stores.application.record_bounce(stack.subscriber_id(address), BounceKind.HARD)  # type: ignore[attr-defined]
    held = stack.subscribe(address)
    answers = [new, pending, confirmed, held]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1, [a.content for a in answers]
    assert len({a.headers["content-type"] for a in answers}) == 1
    expected = [
        "SubscriptionRequested",
        "SubscriptionRequested",
        "SubscriptionConfirmed",
        "BounceRecorded",
        "SubscriptionHeld",
    ]
    eventually(lambda: _equal(events_of(stack, address), expected), timeout=30)


def _equal(found: object, expected: object) -> None:
    assert found == expected


def test_the_form_refuses_free_webmail_naming_email_and_callers_other_than_the_gateway(
    stack: NewsletterStack,
) -> None:
    webmail = stack.subscribe("someone@gmail.com")
    assert webmail.status_code == 422
    assert refusal(webmail)["type"] == "webmail_not_allowed"
    assert refusal(webmail)["loc"] == ["body", "email"]
    not_an_address = stack.subscribe("no-at-sign")
    assert not_an_address.status_code == 422
    assert refusal(not_an_address)["loc"] == ["body", "email"]
    body = {"email": "x@athens.gov.gr", "language": "el"}
    assert stack.client.post("/subscriptions", json=body).status_code == 401
    assert stack.client.post("/subscriptions", json=body, headers=ADMIN).status_code == 403


def test_a_fourth_request_in_a_day_sends_nothing_yet_answers_the_same(
    stack: NewsletterStack,
) -> None:
    address = "many.requests@athens.gov.gr"
    answers = [stack.subscribe(address) for _ in range(5)]
    assert len({(a.status_code, a.content) for a in answers}) == 1
    with stack.stores() as stores:
        stored = stores.application.recorder.select_notifications(0, 10_000)
        subscriber = stack.subscriber_id(address)
        requested = [
            n for n in stored if n.originator_id == subscriber and n.topic.endswith("Requested")
        ]
    assert len(requested) == 3


def test_requests_racing_for_one_new_address_all_get_the_same_answer(
    stack: NewsletterStack,
) -> None:
    address = "double.click@athens.gov.gr"
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: stack.subscribe(address), range(6)))
    assert {(a.status_code, a.content) for a in answers} == {(202, answers[0].content)}
    eventually(lambda: _equal(events_of(stack, address)[0], "SubscriptionRequested"), timeout=30)
    assert 1 <= events_of(stack, address).count("SubscriptionRequested") <= 3


def test_confirmation_links_not_ours_are_422_and_expired_ones_410(
    stack: NewsletterStack,
) -> None:
    address = "late.confirmer@athens.gov.gr"
    assert stack.subscribe(address).status_code == 202
    subscriber = stack.subscriber_id(address)
    expired = stack.confirm_token(subscriber, datetime.now(UTC) - timedelta(seconds=1))
    for token, status, code in [
        (expired, 410, "newsletter_link_expired"),
        (expired[:-2] + "xx", 422, "newsletter_link_invalid"),
        ("not-a-jwt", 422, "newsletter_link_invalid"),
    ]:
        answer = stack.client.post(
            "/subscriptions/confirm", json={"token": token}, headers=SERVICE_CALLER
        )
        assert answer.status_code == status, answer.text
        assert refusal(answer)["type"] == code
    assert preferences(stack, address)["state"] == "pending"


def test_unsubscribing_by_the_link_is_immediate_idempotent_and_refuses_forged_tokens(
    stack: NewsletterStack,
) -> None:
    address = "leaver@athens.gov.gr"
    stack.subscribe(address)
    assert confirm(stack, address).status_code == 200
    token = stack.unsubscribe_token(stack.subscriber_id(address))
    for _ in range(2):
        left = stack.client.post(
            "/unsubscribe", json={"token": token, "reason": "one_click"}, headers=SERVICE_CALLER
        )
        assert left.status_code == 200, left.text
        assert left.json()["state"] == "unsubscribed"
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    refused = stack.client.post(
        "/unsubscribe", json={"token": forged, "reason": "one_click"}, headers=SERVICE_CALLER
    )
    assert refused.status_code == 422
    assert refusal(refused)["type"] == "newsletter_link_invalid"
    member_left = stack.client.post(
        "/unsubscribe", json={"token": token, "reason": "member_left"}, headers=SERVICE_CALLER
    )
    assert member_left.status_code == 422, "a reason only the service itself gives"
    assert events_of(stack, address).count("Unsubscribed") <= 1
    eventually(lambda: _equal(events_of(stack, address).count("Unsubscribed"), 1), timeout=30)


def test_the_preferences_page_reads_and_changes_the_language(stack: NewsletterStack) -> None:
    address = "bilingual@athens.gov.gr"
    stack.confirmed(address)
    assert preferences(stack, address) == {"language": "el", "state": "confirmed"}
    token = stack.unsubscribe_token(stack.subscriber_id(address))
    changed = stack.client.put(
        f"/preferences/{token}", json={"language": "en"}, headers=SERVICE_CALLER
    )
    assert changed.json() == {"language": "en", "state": "confirmed"}
    assert preferences(stack, address)["language"] == "en"
    unknown = stack.unsubscribe_token(stack.subscriber_id("never.asked@athens.gov.gr"))
    assert stack.client.get(f"/preferences/{unknown}", headers=SERVICE_CALLER).status_code == 422


def test_a_member_is_subscribed_in_their_language_and_removed_when_they_leave(
    stack: NewsletterStack,
) -> None:
    english = "member.en@athens.gov.gr"
    greek = "member.el@athens.gov.gr"
    stays = "member.stays@athens.gov.gr"
    leaving = stack.activate(english, Language.ENGLISH)
    stack.activate(greek)
    staying = stack.activate(stays)
    eventually(lambda: _equal(preferences(stack, english)["state"], "confirmed"), timeout=30)
    assert preferences(stack, english)["language"] == "en"
    eventually(lambda: _equal(preferences(stack, greek), {"language": "el", "state": "confirmed"}))
    eventually(lambda: _equal(preferences(stack, stays)["state"], "confirmed"))
    assert stack.subscribe(stays).status_code == 202, "asked on the form themselves"
    stack.deactivate(leaving)
    stack.deactivate(staying)
    eventually(lambda: _equal(preferences(stack, english)["state"], "unsubscribed"), timeout=30)
    assert preferences(stack, stays)["state"] == "confirmed"


def summary(stack: NewsletterStack) -> Counter[tuple[str, str]]:
    answer = stack.client.get("/subscribers/summary", headers=ADMIN)
    assert answer.status_code == 200, answer.text
    counted = Counter({(c["state"], c["language"]): c["count"] for c in answer.json()["counts"]})
    assert answer.json()["total"] == sum(counted.values())
    return counted


def test_the_unit_sees_counts_and_the_held_addresses_and_releases_one(
    stack: NewsletterStack,
) -> None:
    before = summary(stack)
    address = "bounced.twice@athens.gov.gr"
    stack.subscribe(address, Language.ENGLISH)
    confirm(stack, address)
    subscriber = stack.subscriber_id(address)
    with stack.stores() as stores:
        for _ in range(3):
            stores.application.record_bounce(subscriber, BounceKind.SOFT)  # type: ignore[attr-defined]

    def held_listed() -> dict[str, Any]:
        page = stack.client.get("/subscribers", params={"state": "held"}, headers=ADMIN).json()
        found = [item for item in page["items"] if item["subscriber_id"] == str(subscriber)]
        assert len(found) == 1, page
        return dict(found[0])

    held = eventually(held_listed, timeout=30)
    assert held["email"] == address
    assert held["reason"] == "soft_bounces"
    after = summary(stack)
    assert after[("held", "en")] == before[("held", "en")] + 1
    assert stack.client.get("/subscribers/summary", headers=SERVICE_CALLER).status_code == 403
    release = f"/subscribers/{subscriber}/release"
    released = stack.client.post(release, headers=ADMIN)
    assert released.json() == {"state": "confirmed"}
    again = stack.client.post(release, headers=ADMIN)
    assert again.status_code == 409
    assert refusal(again)["type"] == "subscriber_not_held"
    assert stack.client.post(release, headers=SERVICE_CALLER).status_code == 403
    unknown = stack.client.post(
        f"/subscribers/{stack.subscriber_id('x@y.gr')}/release", headers=ADMIN
    )
    assert unknown.status_code == 404
    eventually(lambda: _equal(summary(stack)[("confirmed", "en")], after[("confirmed", "en")] + 1))


def test_an_unconfirmed_request_expires_after_seven_days_once(stack: NewsletterStack) -> None:
    address = "never.confirms@athens.gov.gr"
    stack.subscribe(address)
    subscriber = stack.subscriber_id(address)
    with stack.stores() as stores:
        subscribers = stores.projections["subscribers"]

        def indexed() -> None:
            assert subscribers.state_of(subscriber) == "pending"  # type: ignore[attr-defined]

        eventually(indexed, timeout=30)
        now = datetime.now(UTC)
        assert subscriber not in subscribers.lapsing(now + timedelta(days=6))  # type: ignore[attr-defined]
        assert expire_requests(stores, now=now + timedelta(days=7, minutes=1)) >= 1
        assert preferences(stack, address)["state"] == "expired"
        eventually(lambda: _equal(subscribers.state_of(subscriber), "expired"), timeout=30)  # type: ignore[attr-defined]
        assert expire_requests(stores, now=now + timedelta(days=8)) == 0
    assert events_of(stack, address).count("SubscriptionExpired") <= 1
    eventually(lambda: _equal(events_of(stack, address)[-1], "SubscriptionExpired"), timeout=30)
