"""Every subscriber event the newsletter's domain can reach is one its contract accepts.

As tests/contracts/test_reachable_events.py does for the other services: random sequences of
the subscriber commands (the form, the links, members, bounces, the unit's release, expiry) run
in memory, and each stored event is read back as the relay publishes it and validated strictly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar
from uuid import UUID

from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test

from contracts import newsletter as contract
from contracts.newsletter import BounceKind, UnsubscribeReason
from contracts.personal import Sealed
from contracts.registration import Language
from services.newsletter.application import NewsletterApplication
from services.newsletter.domain import Subscriber
from services.newsletter.service import SERVICE
from services.runtime.errors import DomainError
from tests.contracts.test_reachable_events import RUNS, ServiceMachine, sealed

ADDRESSES = st.sampled_from(["a@athens.gov.gr", "b@patras.gov.gr"])
REPRESENTATIVES = st.sampled_from([UUID(int=1001), UUID(int=1002)])
LANGUAGES = st.sampled_from(list(Language))
SUBSCRIBER_EVENTS = {e.ce_type() for e in contract.SubscriberEvent.__subclasses__()}


class Reveal:
    """Seals as a stand-in and reads back the member's address it was given."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}

    def seal(self, subject_id: UUID, plaintext: str) -> Sealed:
        value = sealed(subject_id)
        self.addresses[value.ciphertext] = plaintext
        return value

    def unseal(self, value: Sealed) -> str | None:
        return self.addresses.get(value.ciphertext)


class SubscriberMachine(ServiceMachine):
    application_class = NewsletterApplication
    definition = SERVICE
    reached: ClassVar[set[str]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.sealer = Reveal()
        self.app._sealer = self.sealer  # type: ignore[assignment]

    @property
    def newsletter(self) -> NewsletterApplication:
        assert isinstance(self.app, NewsletterApplication)
        return self.app

    def checked(self) -> None:
        self.published.check_new()
        type(self).reached |= self.published.reached

    @rule(address=ADDRESSES, language=LANGUAGES)
    def subscribe(self, address: str, language: Language) -> None:
        self.newsletter.subscribe(address, language, now=self.now())
        self.checked()

    @rule(address=ADDRESSES)
    def confirm(self, address: str) -> None:
        subscriber = self.newsletter.subscriber_id_of(address)
        if self.newsletter.find(subscriber, Subscriber) is not None:
            self.command(subscriber, lambda found: found.confirm(self.now()))

    @rule(address=ADDRESSES, reason=st.sampled_from(list(UnsubscribeReason)))
    def unsubscribe(self, address: str, reason: UnsubscribeReason) -> None:
        self.newsletter.unsubscribe(self.newsletter.subscriber_id_of(address), reason, self.now())
        self.checked()

    @rule(address=ADDRESSES, kind=st.sampled_from(list(BounceKind)))
    def bounce(self, address: str, kind: BounceKind) -> None:
        self.newsletter.record_bounce(self.newsletter.subscriber_id_of(address), kind, self.now())
        self.checked()

    @rule(address=ADDRESSES)
    def release(self, address: str) -> None:
        try:
            self.newsletter.release(
                self.newsletter.subscriber_id_of(address), "staff-0123", self.now()
            )
        except DomainError:  # not held, or never seen: refused as the API refuses it
            return
        self.checked()

    @rule(address=ADDRESSES)
    def bounced_and_released(self, address: str) -> None:
        """Held and released in one step, so a run need not line up three rules on one address."""
        self.bounce(address, BounceKind.HARD)
        self.release(address)

    @rule(address=ADDRESSES)
    def a_week_passes(self, address: str) -> None:
        self.clock += timedelta(days=7)
        self.expire(address, 0)

    @rule(address=ADDRESSES, language=LANGUAGES)
    def change_language(self, address: str, language: Language) -> None:
        try:
            self.newsletter.change_language(
                self.newsletter.subscriber_id_of(address), language, self.now()
            )
        except DomainError:  # never seen: a link not ours
            return
        self.checked()

    @rule(address=ADDRESSES, days=st.integers(min_value=0, max_value=9))
    def expire(self, address: str, days: int) -> None:
        self.newsletter.expire(
            self.newsletter.subscriber_id_of(address), self.now() + timedelta(days=days)
        )
        self.checked()

    @rule(representative=REPRESENTATIVES, address=ADDRESSES, language=LANGUAGES)
    def member_joins(self, representative: UUID, address: str, language: Language) -> None:
        email = self.sealer.seal(representative, address)
        self.save(*self.newsletter.member_activated(representative, email, language, self.now()))

    @rule(representative=REPRESENTATIVES)
    def member_leaves(self, representative: UUID) -> None:
        self.save(*self.newsletter.member_deactivated(representative, self.now()))


def test_every_reachable_subscriber_event_is_publishable() -> None:
    SubscriberMachine.reached = set()
    run_state_machine_as_test(SubscriberMachine, settings=RUNS)
    missing = SUBSCRIBER_EVENTS - SubscriberMachine.reached
    assert not missing, f"never reached: {sorted(missing)}"
