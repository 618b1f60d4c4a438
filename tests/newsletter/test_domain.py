"""The newsletter's rules, in memory: requests, confirmation, members, bounces, holds, expiry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import cast

import jwt
import pytest
from eventsourcing.domain import DomainEvent

from contracts import newsletter as contract
from contracts.errors import ErrorCode
from contracts.newsletter import (
    CONFIRMATION_DAYS,
    SOFT_BOUNCES_TO_HOLD,
    BounceKind,
    HoldReason,
    SubscriptionOrigin,
    UnsubscribeReason,
)
from contracts.personal import Sealed
from contracts.registration import Language
from services.newsletter.application import NewsletterApplication
from services.newsletter.domain import (
    MAX_REQUESTS_PER_DAY,
    LinkExpired,
    Subscriber,
    SubscriberState,
)
from services.newsletter.publishing import to_contract
from services.runtime import newsletter_links
from services.runtime.errors import Conflict, NotFound, RuleBroken
from services.runtime.newsletter_links import CONFIRM_AUDIENCE, TokenPurpose

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
"""Near the wall clock, which the confirmation links' own expiry is read on."""
ADDRESS = "Maria.Papadopoulou@Athens.gov.gr"
STAFF = "staff-0123456789abcdef0123"


class FakeSealer:
    """Seals by hex-encoding: the domain never reads what it seals, only keeps it."""

    def seal(self, subject_id: uuid.UUID, plaintext: str) -> Sealed:
        return Sealed(subject_id=subject_id, ciphertext=plaintext.encode().hex() + "0" * 40)

    def unseal(self, sealed: Sealed) -> str | None:
        return bytes.fromhex(sealed.ciphertext[:-40]).decode()


@pytest.fixture
def app() -> NewsletterApplication:
    return NewsletterApplication(sealer=FakeSealer())  # type: ignore[arg-type]


def published(app: NewsletterApplication) -> list[contract.NewsletterEvent]:
    """The contract events the relay would publish, in order (internal events left out)."""
    events = []
    for notification in app.recorder.select_notifications(0, 1000):
        mapped = to_contract(cast(DomainEvent, app.mapper.to_domain_event(notification)))
        if mapped is not None:
            assert isinstance(mapped, contract.NewsletterEvent)
            events.append(mapped)
    return events


def names(app: NewsletterApplication) -> list[str]:
    return [type(e).__name__ for e in published(app)]


def confirm_token(app: NewsletterApplication, subscriber: uuid.UUID, expires: datetime) -> str:
    url = newsletter_links.confirm_url(app.jwt_secret, "https://x", subscriber, expires)
    return url.partition("token=")[2]


def test_the_same_address_in_any_case_is_one_subscriber_whose_id_hides_it(
    app: NewsletterApplication,
) -> None:
    one = app.subscriber_id_of(ADDRESS)
    assert one == app.subscriber_id_of(ADDRESS.lower()) == app.subscriber_id_of(f" {ADDRESS} ")
    assert one != app.subscriber_id_of("other@athens.gov.gr")
    other_key = NewsletterApplication(sealer=FakeSealer())  # type: ignore[arg-type]
    other_key.jwt_secret = "another secret of at least thirty-two bytes"
    assert other_key.subscriber_id_of(ADDRESS) != one, "keyed: no key, no id"


def test_a_request_is_pending_sealed_with_the_subscribers_key_and_expires_in_seven_days(
    app: NewsletterApplication,
) -> None:
    assert app.subscribe(ADDRESS, Language.ENGLISH, now=T0) is True
    [requested] = published(app)
    assert isinstance(requested, contract.SubscriptionRequested)
    subscriber = app.subscriber_id_of(ADDRESS)
    assert requested.subscriber_id == subscriber
    assert requested.email.subject_id == subscriber
    assert FakeSealer().unseal(requested.email) == ADDRESS.lower()
    assert requested.language is Language.ENGLISH
    assert requested.expires_at == T0 + timedelta(days=CONFIRMATION_DAYS)
    assert app.subscriber(subscriber).state is SubscriberState.PENDING


def test_asking_again_while_pending_sends_again_at_most_three_times_a_day(
    app: NewsletterApplication,
) -> None:
    sent = [app.subscribe(ADDRESS, Language.GREEK, now=T0 + timedelta(hours=h)) for h in range(5)]
    assert MAX_REQUESTS_PER_DAY == 3
    assert sent == [True, True, True, False, False]
    assert names(app) == ["SubscriptionRequested"] * 3
    assert app.subscribe(ADDRESS, Language.GREEK, now=T0 + timedelta(hours=24, minutes=1))
    last = published(app)[-1]
    assert isinstance(last, contract.SubscriptionRequested)
    assert last.expires_at == T0 + timedelta(hours=24, minutes=1, days=CONFIRMATION_DAYS)


def test_confirming_subscribes_once_and_asking_again_never_downgrades(
    app: NewsletterApplication,
) -> None:
    app.subscribe(ADDRESS, Language.GREEK, now=T0)
    subscriber = app.subscriber_id_of(ADDRESS)
    token = confirm_token(app, subscriber, T0 + timedelta(days=7))
    now = datetime.now(UTC)
    assert app.confirm(token, now=now) is Language.GREEK
    assert app.confirm(token, now=now) is Language.GREEK, "followed twice: still fine"
    assert app.subscribe(ADDRESS, Language.ENGLISH, now=now) is False
    assert names(app) == ["SubscriptionRequested", "SubscriptionConfirmed"]
    confirmed = published(app)[1]
    assert isinstance(confirmed, contract.SubscriptionConfirmed)
    assert confirmed.origin is SubscriptionOrigin.FORM
    assert app.subscriber(subscriber).state is SubscriberState.CONFIRMED


def test_a_confirmation_link_not_ours_or_expired_is_refused(app: NewsletterApplication) -> None:
    app.subscribe(ADDRESS, Language.GREEK, now=T0)
    subscriber = app.subscriber_id_of(ADDRESS)
    forged = jwt.encode(
        {"aud": CONFIRM_AUDIENCE, "sub": str(subscriber), "exp": T0 + timedelta(days=3650)},
        "not our secret at all, not at all, not at all",
        algorithm="HS256",
    )
    for token in (forged, "garbage", confirm_token(app, uuid.uuid4(), T0 + timedelta(days=3650))):
        with pytest.raises(RuleBroken) as refused:
            app.confirm(token)
        assert refused.value.code is ErrorCode.NEWSLETTER_LINK_INVALID
    with pytest.raises(LinkExpired) as expired:
        app.confirm(confirm_token(app, subscriber, datetime.now(UTC) - timedelta(seconds=5)))
    assert expired.value.code is ErrorCode.NEWSLETTER_LINK_EXPIRED
    assert expired.value.status_code == 410
    # A link still valid as a JWT, for a request that lapsed by the service's clock.
    with pytest.raises(LinkExpired):
        app.confirm(
            confirm_token(app, subscriber, T0 + timedelta(days=3650)), now=T0 + timedelta(days=8)
        )
    assert names(app) == ["SubscriptionRequested"]


def test_the_expiry_lapses_only_a_pending_request_past_its_expiry(
    app: NewsletterApplication,
) -> None:
    app.subscribe(ADDRESS, Language.GREEK, now=T0)
    subscriber = app.subscriber_id_of(ADDRESS)
    assert app.expire(subscriber, now=T0 + timedelta(days=7) - timedelta(seconds=1)) is False
    assert app.expire(subscriber, now=T0 + timedelta(days=7)) is True
    assert app.expire(subscriber, now=T0 + timedelta(days=8)) is False
    assert names(app) == ["SubscriptionRequested", "SubscriptionExpired"]
    assert app.subscribe(ADDRESS, Language.GREEK, now=T0 + timedelta(days=9)), "may ask again"
    assert app.subscriber(subscriber).state is SubscriberState.PENDING


def test_unsubscribing_is_idempotent_and_an_unknown_subscriber_changes_nothing(
    app: NewsletterApplication,
) -> None:
    app.subscribe(ADDRESS, Language.GREEK, now=T0)
    subscriber = app.subscriber_id_of(ADDRESS)
    app.confirm(confirm_token(app, subscriber, datetime.now(UTC) + timedelta(days=1)))
    assert app.unsubscribe(subscriber, UnsubscribeReason.ONE_CLICK) is True
    assert app.unsubscribe(subscriber, UnsubscribeReason.ONE_CLICK) is False
    assert app.unsubscribe(uuid.uuid4(), UnsubscribeReason.MAILTO) is False
    last = published(app)[-1]
    assert isinstance(last, contract.Unsubscribed)
    assert last.reason is UnsubscribeReason.ONE_CLICK
    token = newsletter_links.subscriber_token(app.jwt_secret, subscriber, TokenPurpose.UNSUBSCRIBE)
    assert app.subscriber_of_token(token.upper()).id == subscriber
    bounce_token = newsletter_links.subscriber_token(
        app.jwt_secret, subscriber, TokenPurpose.BOUNCE
    )
    for wrong in (bounce_token, token[:-1] + ("a" if token[-1] != "a" else "b")):
        with pytest.raises(RuleBroken) as refused:
            app.subscriber_of_token(wrong)
        assert refused.value.code is ErrorCode.NEWSLETTER_LINK_INVALID


def confirmed(app: NewsletterApplication, address: str = ADDRESS) -> uuid.UUID:
    app.subscribe(address, Language.GREEK, now=T0)
    subscriber = app.subscriber_id_of(address)
    app.confirm(confirm_token(app, subscriber, datetime.now(UTC) + timedelta(days=1)), now=T0)
    return subscriber


def test_a_hard_bounce_holds_at_once_and_soft_ones_at_the_third(
    app: NewsletterApplication,
) -> None:
    hard = confirmed(app, "hard@athens.gov.gr")
    app.record_bounce(hard, BounceKind.HARD, now=T0)
    assert app.subscriber(hard).state is SubscriberState.HELD
    assert app.subscriber(hard).hold_reason is HoldReason.HARD_BOUNCE
    soft = confirmed(app, "soft@athens.gov.gr")
    for _ in range(SOFT_BOUNCES_TO_HOLD - 1):
        app.record_bounce(soft, BounceKind.SOFT, now=T0)
    assert app.subscriber(soft).state is SubscriberState.CONFIRMED
    app.record_bounce(soft, BounceKind.SOFT, now=T0)
    assert app.subscriber(soft).state is SubscriberState.HELD
    assert app.subscriber(soft).hold_reason is HoldReason.SOFT_BOUNCES
    app.record_bounce(uuid.uuid4(), BounceKind.HARD)  # an unknown subscriber: nothing
    counts = [e.soft_bounces for e in published(app) if isinstance(e, contract.BounceRecorded)]
    assert counts == [0, 1, 2, 3]
    held = [e.reason for e in published(app) if isinstance(e, contract.SubscriptionHeld)]
    assert held == [HoldReason.HARD_BOUNCE, HoldReason.SOFT_BOUNCES]


def test_the_unit_releases_a_held_address_and_its_soft_count_starts_again(
    app: NewsletterApplication,
) -> None:
    subscriber = confirmed(app)
    with pytest.raises(Conflict) as not_held:
        app.release(subscriber, STAFF)
    assert not_held.value.code is ErrorCode.SUBSCRIBER_NOT_HELD
    for _ in range(SOFT_BOUNCES_TO_HOLD):
        app.record_bounce(subscriber, BounceKind.SOFT, now=T0)
    app.release(subscriber, STAFF, now=T0)
    released = published(app)[-1]
    assert isinstance(released, contract.SubscriptionReleased)
    assert released.released_by == STAFF
    assert app.subscriber(subscriber).state is SubscriberState.CONFIRMED
    app.record_bounce(subscriber, BounceKind.SOFT, now=T0)
    assert app.subscriber(subscriber).soft_bounces == 1
    with pytest.raises(NotFound) as unknown:
        app.release(uuid.uuid4(), STAFF)
    assert unknown.value.code is ErrorCode.SUBSCRIBER_NOT_FOUND


def test_a_member_is_confirmed_in_their_language_and_leaves_with_their_membership(
    app: NewsletterApplication,
) -> None:
    representative = uuid.uuid4()
    email = FakeSealer().seal(representative, ADDRESS)
    app.save(*app.member_activated(representative, email, Language.ENGLISH, T0))
    subscriber = app.subscriber_id_of(ADDRESS)
    [joined] = published(app)
    assert isinstance(joined, contract.SubscriptionConfirmed)
    assert joined.origin is SubscriptionOrigin.MEMBER
    assert joined.representative_id == representative
    assert joined.language is Language.ENGLISH
    assert joined.email.subject_id == subscriber, "resealed with the subscriber's own key"
    app.save(*app.member_deactivated(representative, T0 + timedelta(days=1)))
    left = published(app)[-1]
    assert isinstance(left, contract.Unsubscribed)
    assert left.reason is UnsubscribeReason.MEMBER_LEFT
    assert app.member_deactivated(uuid.uuid4(), T0) == [], "never a member: nothing"


def test_a_member_who_subscribed_themselves_stays_after_leaving(
    app: NewsletterApplication,
) -> None:
    representative = uuid.uuid4()
    email = FakeSealer().seal(representative, ADDRESS)
    app.save(*app.member_activated(representative, email, Language.GREEK, T0))
    assert app.subscribe(ADDRESS, Language.GREEK, now=T0) is False, "subscribed: no email"
    app.save(*app.member_deactivated(representative, T0 + timedelta(days=1)))
    subscriber = app.subscriber(app.subscriber_id_of(ADDRESS))
    assert subscriber.state is SubscriberState.CONFIRMED
    assert subscriber.member_of is None
    assert names(app) == ["SubscriptionConfirmed"], "the rest stays inside the service"


def test_a_form_subscriber_who_becomes_a_member_is_not_confirmed_twice(
    app: NewsletterApplication,
) -> None:
    subscriber = confirmed(app)
    representative = uuid.uuid4()
    email = FakeSealer().seal(representative, ADDRESS)
    app.save(*app.member_activated(representative, email, Language.ENGLISH, T0))
    assert names(app) == ["SubscriptionRequested", "SubscriptionConfirmed"]
    app.save(*app.member_deactivated(representative, T0))
    assert app.subscriber(subscriber).state is SubscriberState.CONFIRMED


def test_the_language_changes_only_when_it_differs(app: NewsletterApplication) -> None:
    subscriber = confirmed(app)
    app.change_language(subscriber, Language.GREEK)
    app.change_language(subscriber, Language.ENGLISH)
    assert names(app)[-1] == "SubscriptionLanguageChanged"
    assert names(app).count("SubscriptionLanguageChanged") == 1
    assert isinstance(app.find(subscriber, Subscriber), Subscriber)
