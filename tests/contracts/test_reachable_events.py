"""Every event a service's domain can reach is one its published contract accepts.

Hypothesis drives random sequences of commands through each service's aggregates, in memory.
Commands the domain refuses are refused as the API would answer them (a DomainError, nothing
saved); the others are saved to an in-memory event store, read back as the relay reads them
(stored notification → domain event → the service's contract mapping → Kafka message), and
the message is read as a subscriber reads it and validated strictly against its contract
model. So no sequence of commands can produce an event the relay could not publish.
"""

from __future__ import annotations

import base64
import itertools
import os
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from contracts.envelope import read_kafka_message
from contracts.membership import ActivityKind, Answer
from contracts.personal import Sealed
from contracts.registration import Level, Role, Seniority
from contracts.topics import EVENT_TYPES, topic_of
from services.membership.application import MembershipApplication
from services.membership.domain import Activity, BodyRegistration, Invitee, Member
from services.membership.plans import ActivityPlan
from services.membership.service import SERVICE as MEMBERSHIP
from services.notifications.application import NotificationsApplication
from services.notifications.domain import Message
from services.notifications.service import SERVICE as NOTIFICATIONS
from services.registration.application import RegistrationApplication
from services.registration.domain import Registration
from services.registration.nominations import BodyDetails, Nomination
from services.registration.service import SERVICE as REGISTRATION
from services.runtime.application import ServiceApplication
from services.runtime.erasure import publishing_erasures
from services.runtime.errors import DomainError
from services.runtime.relay import message_of
from services.runtime.service import ServiceDefinition

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
START = datetime(2026, 4, 9, 9, 30, tzinfo=UTC)
TODAY = date(2026, 4, 9)

RUNS = settings(
    max_examples=60,
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""A fixed, deterministic set of runs (a few hundred command sequences over the services)."""

TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=40
).filter(str.strip)
"""Clean one-line text, as the API's text type lets it through."""

DAYS = st.integers(min_value=-5, max_value=20)


def sealed(subject_id: UUID | None = None) -> Sealed:
    """A stand-in for a sealed value: the domains never look inside."""
    ciphertext = base64.urlsafe_b64encode(os.urandom(40)).decode().rstrip("=")
    return Sealed(subject_id=subject_id or uuid.uuid4(), ciphertext=ciphertext)


class PublishedEvents:
    """Reads an application's new stored events the way the relay does, and checks each."""

    def __init__(self, application: ServiceApplication, definition: ServiceDefinition) -> None:
        assert definition.to_contract is not None
        self.application = application
        self.to_contract = publishing_erasures(definition.to_contract, definition.erased_event)
        self.topic_types = {e.ce_type() for e in topic_of(definition.name).events}
        self.position = 0
        self.reached: set[str] = set()

    def check_new(self) -> None:
        notifications = self.application.recorder.select_notifications(
            start=self.position + 1, limit=1000
        )
        for notification in notifications:
            self.position = notification.id
            message = message_of(self.application, self.to_contract, notification)
            if message is None:
                continue  # an event the service keeps to itself
            received = read_kafka_message(message.headers, message.value)
            assert received.type in self.topic_types, f"{received.type} is not on the topic"
            model = EVENT_TYPES[received.type]
            model.model_validate_json(message.value, strict=True)
            self.reached.add(received.type)


ERASING_SEALER: Any = SimpleNamespace(vault=SimpleNamespace(erase=lambda _: True))
"""Erasure destroys a key in the vault; in memory there is none to destroy."""


class ServiceMachine(RuleBasedStateMachine):
    """Commands on aggregates of one service; every save is checked for what it publishes."""

    application_class: ClassVar[type[ServiceApplication]]
    definition: ClassVar[ServiceDefinition]
    reached: ClassVar[set[str]]

    def __init__(self) -> None:
        super().__init__()
        self.app = self.application_class(env=IN_MEMORY, sealer=ERASING_SEALER)
        self.published = PublishedEvents(self.app, self.definition)
        self.clock = START
        self.ids = itertools.count(1)

    def new_id(self) -> UUID:
        """Ids in a fixed order, so a replayed run makes the same choices (hypothesis needs it)."""
        return UUID(int=next(self.ids))

    def now(self) -> datetime:
        self.clock += timedelta(minutes=7)
        return self.clock

    def command(self, aggregate_id: UUID, change: Callable[[Any], object]) -> bool:
        """Run `change` on the stored aggregate and save it; False when the domain refused."""
        aggregate = self.app.repository.get(aggregate_id)
        try:
            change(aggregate)
        except DomainError:
            return False
        self.save(aggregate)
        return True

    def save(self, *aggregates: Aggregate) -> None:
        self.app.save(*aggregates)
        self.published.check_new()
        type(self).reached |= self.published.reached


# Registration.


def nomination(representative_id: UUID, role: Role, seniority: Seniority) -> Nomination:
    return Nomination(
        representative_id=representative_id,
        role=role,
        full_name=sealed(),
        email=sealed(),
        phone=None,
        position_title="Προϊστάμενος Διεύθυνσης",
        unit="Διεύθυνση Ψηφιακής Διακυβέρνησης",
        seniority=seniority,
        seniority_justification="Ισότιμη θέση." if seniority is Seniority.EQUIVALENT else None,
    )


class RegistrationMachine(ServiceMachine):
    """One body's registration: representatives come and go, designations are decided."""

    application_class = RegistrationApplication
    definition = REGISTRATION
    reached: ClassVar[set[str]] = set()

    registration_id: UUID

    @initialize(
        with_alternate=st.booleans(),
        submitted_by=st.sampled_from(Role),
        level=st.sampled_from(Level),
        seniority=st.sampled_from(Seniority),
    )
    def submit(
        self, with_alternate: bool, submitted_by: Role, level: Level, seniority: Seniority
    ) -> None:
        body = BodyDetails("Δήμος Παραδείγματος", "094014201", level, None, None)
        registration = Registration.submit(
            body,
            nomination(self.new_id(), Role.MAIN, seniority),
            nomination(self.new_id(), Role.ALTERNATE, seniority) if with_alternate else None,
            submitted_by,
            self.now(),
            TODAY + timedelta(days=2),
        )
        self.registration_id = registration.id
        self.save(registration)

    def registration(self) -> Registration:
        found: Registration = self.app.repository.get(self.registration_id)
        return found

    @rule(days=DAYS, seniority=st.sampled_from(Seniority))
    def add_alternate(self, days: int, seniority: Seniority) -> None:
        new = nomination(self.new_id(), Role.ALTERNATE, seniority)
        due = TODAY + timedelta(days=days)
        self.command(self.registration_id, lambda r: r.add_alternate(new, due, self.now()))

    @rule(data=st.data(), days=DAYS, seniority=st.sampled_from(Seniority))
    def replace(self, data: st.DataObject, days: int, seniority: Seniority) -> None:
        known = sorted(self.registration().representatives.values(), key=lambda r: str(r.id))
        replaced = data.draw(st.sampled_from(known))
        # Mostly a successor of the same role; sometimes the wrong one, which is refused.
        role = data.draw(st.sampled_from([replaced.role, replaced.role, Role.MAIN]))
        new = nomination(self.new_id(), role, seniority)
        due = TODAY + timedelta(days=days)
        self.command(
            self.registration_id,
            lambda r: r.replace_representative(replaced.id, new, due, self.now()),
        )

    @rule(size=st.integers(min_value=1, max_value=10 * 1024 * 1024))
    def send_designation(self, size: int) -> None:
        designation_id = uuid.uuid4()
        self.command(
            self.registration_id,
            lambda r: r.send_designation(
                designation_id,
                sealed(designation_id),
                "Γενικός Γραμματέας",
                "a" * 64,
                size,
                self.now(),
            ),
        )

    @rule()
    def verify(self) -> None:
        self.command(self.registration_id, lambda r: r.verify_designation(self.now()))

    @rule(reason=st.one_of(TEXT, st.just("  ")))
    def reject(self, reason: str) -> None:
        self.command(self.registration_id, lambda r: r.reject_designation(reason, self.now()))

    @rule(days=st.integers(min_value=0, max_value=30))
    def record_overdue(self, days: int) -> None:
        today = TODAY + timedelta(days=days)
        self.command(self.registration_id, lambda r: r.record_overdue(today, self.now()))

    @rule(days=st.integers(min_value=0, max_value=80))
    def record_lapse_step(self, days: int) -> None:
        today = TODAY + timedelta(days=days)
        self.command(self.registration_id, lambda r: r.record_lapse_step(today, self.now()))

    @rule(days=st.integers(min_value=-5, max_value=60), reason=TEXT)
    def extend(self, days: int, reason: str) -> None:
        lapses_on = TODAY + timedelta(days=days)
        self.command(self.registration_id, lambda r: r.extend(lapses_on, reason, self.now()))

    @rule(
        extended_by=st.integers(min_value=1, max_value=30),
        reason=TEXT,
        lapses=st.integers(min_value=0, max_value=3),
    )
    def left_without_a_designation(self, extended_by: int, reason: str, lapses: int) -> None:
        """A lapse's whole way in one step: overdue, warned, extended, warned again, and one
        time in four lapsed (a lapsed registration takes no more commands, ending the run).

        Apart, the rules reach RegistrationLapsed only when the draws put an overdue check,
        two lapse checks on late enough days and nothing closing the registration in that
        order: luck, as `a_successor_decided` explains. Off the lapse clock (a designation
        waits, or the main is designated) each command here changes nothing or is refused.
        """
        self.record_overdue(days=30)
        lapses_on = self.registration().lapses_on
        if lapses_on is None:
            return
        self.record_lapse_step(days=(lapses_on - TODAY).days)  # the warning day has ended
        self.extend(days=(lapses_on - TODAY).days + extended_by, reason=reason)
        extended = self.registration().lapses_on
        if extended is None:
            return
        self.record_lapse_step(days=(extended - TODAY).days - 6)  # warned again
        if lapses == 0:
            self.record_lapse_step(days=(extended - TODAY).days + 1)

    @rule(reason=st.none() | TEXT, really=st.integers(min_value=0, max_value=4))
    def withdraw(self, reason: str | None, really: int) -> None:
        # One time in five: a withdrawn registration takes no more commands, ending the run.
        if really == 0:
            self.command(self.registration_id, lambda r: r.withdraw(reason, self.now()))

    @rule(
        data=st.data(),
        days=DAYS,
        seniority=st.sampled_from(Seniority),
        verified=st.booleans(),
        reason=TEXT,
    )
    def a_successor_decided(
        self, data: st.DataObject, days: int, seniority: Seniority, verified: bool, reason: str
    ) -> None:
        """A replacement's whole way in one step: nominated, designated, then decided.

        Verified (DesignationVerified), the designation withdraws the one the successor
        replaces (RepresentativeWithdrawn); or it is rejected (DesignationRejected). Apart, the
        rules reach those events only when the draws happen to put them in this order with
        nothing closing the registration between: luck, which whatever moves the draws takes
        away. A derandomized run draws the same only while the rest stays the same: this
        class's source (it makes the seed) and the constants hypothesis collects from every
        module of the project loaded so far (some values are drawn among them), so the tests
        that ran earlier in the process change what these runs do. With this rule, a run that
        comes to it before a withdrawal reaches a decision, whatever else was drawn.
        """
        current = sorted(
            (r for r in self.registration().representatives.values() if r.is_current),
            key=lambda r: str(r.id),
        )
        if current:  # none only once withdrawn, where every command is refused
            replaced = data.draw(st.sampled_from(current))
            new = nomination(self.new_id(), replaced.role, seniority)
            due = TODAY + timedelta(days=days)
            self.command(
                self.registration_id,
                lambda r: r.replace_representative(replaced.id, new, due, self.now()),
            )
        if self.registration().pending_designation() is None:
            self.send_designation(size=1024)
        if verified:
            self.verify()
        else:
            self.reject(reason)

    @rule(data=st.data())
    def erase_a_representative(self, data: st.DataObject) -> None:
        known = sorted(self.registration().representatives, key=str)
        subject = data.draw(st.sampled_from(known))
        self.app.erase_personal_data(subject)
        self.published.check_new()
        type(self).reached |= self.published.reached

    def teardown(self) -> None:
        """Every run ends with the body leaving, from wherever the run got to.

        The `withdraw` rule withdraws mid-run only on one draw in five, so that the runs go on;
        whether any of them draws it is luck (see `a_successor_decided`), the end is not.
        """
        if hasattr(self, "registration_id"):
            self.command(self.registration_id, lambda r: r.withdraw(None, self.now()))

    @invariant()
    def one_main_and_one_alternate_in_force(self) -> None:
        if hasattr(self, "registration_id"):
            roles = [r.role for r in self.registration().in_force()]
            assert len(roles) == len(set(roles)) <= 2


# Membership.

BODIES = [("094014201", Level.LOCAL), ("090169846", Level.CENTRAL), ("997001671", Level.REGIONAL)]


class MembershipMachine(ServiceMachine):
    """Members activated and deactivated; activities scheduled, answered, moved, cancelled."""

    application_class = MembershipApplication
    definition = MEMBERSHIP
    reached: ClassVar[set[str]] = set()

    members = Bundle("members")
    activities = Bundle("activities")

    def __init__(self) -> None:
        super().__init__()
        self.scheduled: list[UUID] = []

    @initialize(target=members)
    def a_few_members(self) -> MultipleResults[UUID]:
        """Each run starts with members of three bodies, so activities have invitees."""
        found = [self.nominate(body, role) for body in BODIES for role in Role]
        for member in found[:4]:
            self.activate(member)
        return multiple(*found)

    @initialize(target=activities, capacity=st.integers(min_value=1, max_value=2))
    def a_small_workshop(self, capacity: int) -> UUID:
        """And with a workshop of fewer seats than the members it invites, soon to start."""
        activity = Activity.schedule(
            ActivityPlan(
                ActivityKind.GOVLAB_WORKSHOP,
                "Εργαστήριο GOV.LAB",
                self.clock + timedelta(hours=2),
                self.clock + timedelta(hours=5),
                "Αθήνα",
                None,
                capacity,
                ["el"],
            ),
            self.now(),
        )
        invitees = []
        for body in BODIES:
            member = self.nominate(body, Role.MAIN)
            self.activate(member)
            invitees.append(Invitee(member, body[0], "Φορέας Δοκιμής", body[1]))
        activity.invite(invitees, self.now())
        self.save(activity)
        self.scheduled.append(activity.id)
        return activity.id

    @rule(target=members, body=st.sampled_from(BODIES), role=st.sampled_from(Role))
    def nominate(self, body: tuple[str, Level], role: Role) -> UUID:
        registration_id, representative_id = self.new_id(), self.new_id()
        tax_id, level = body
        registration = BodyRegistration(registration_id, tax_id, "Φορέας Δοκιμής", level.value)
        registration.add_representative(representative_id)
        member = Member(
            representative_id=representative_id,
            registration_id=registration_id,
            body_id=tax_id,
            body_name="Φορέας Δοκιμής",
            level=level.value,
            role=role.value,
            full_name=sealed(representative_id),
            email=sealed(representative_id),
            position_title="Προϊσταμένη Τμήματος",
        )
        self.save(registration, member)
        return representative_id

    @rule(member=members)
    def activate(self, member: UUID) -> None:
        self.command(member, lambda m: m.activate(uuid.uuid4(), self.now()))

    @rule(member=members, reason=st.none() | TEXT)
    def deactivate(self, member: UUID, reason: str | None) -> None:
        self.command(member, lambda m: m.deactivate(reason, self.now()))

    @rule(
        target=activities,
        kind=st.sampled_from(ActivityKind),
        title=TEXT,
        hours_ahead=st.integers(min_value=1, max_value=200),
        length=st.integers(min_value=1, max_value=8),
        online=st.sampled_from(["place", "online", "both"]),
        capacity=st.integers(min_value=1, max_value=3),
        broken=st.sampled_from([None, None, None, "capacity", "times", "place", "languages"]),
    )
    def schedule(
        self,
        kind: ActivityKind,
        title: str,
        hours_ahead: int,
        length: int,
        online: str,
        capacity: int,
        broken: str | None,
    ) -> UUID:
        starts = self.clock + timedelta(hours=hours_ahead)
        ends = (
            starts - timedelta(hours=1) if broken == "times" else starts + timedelta(hours=length)
        )
        location = "Αθήνα" if online in ("place", "both") and broken != "place" else None
        url = "https://meet.example.gov.gr/x" if online in ("online", "both") else None
        if broken == "place":
            url = None
        try:
            activity = Activity.schedule(
                ActivityPlan(
                    kind,
                    title,
                    starts,
                    ends,
                    location,
                    url,
                    0 if broken == "capacity" else capacity,
                    [] if broken == "languages" else ["el", "en"][: 1 + capacity % 2],
                ),
                self.now(),
            )
        except DomainError:
            return self.new_id()  # refused: an id no activity has, so later commands 404
        self.save(activity)
        self.scheduled.append(activity.id)
        return activity.id

    def on_activity(self, activity_id: UUID, change: Callable[[Activity], object]) -> None:
        if activity_id in self.app.repository:
            self.command(activity_id, change)

    @rule(activity=activities, invited=st.lists(members, max_size=4))
    def invite(self, activity: UUID, invited: list[UUID]) -> None:
        invitees = []
        for representative_id in invited:
            member: Member = self.app.repository.get(representative_id)
            invitees.append(
                Invitee(representative_id, member.body_id, member.body_name, member.level)
            )
        self.on_activity(activity, lambda a: a.invite(invitees, self.now()))

    def invitees(self, activity: UUID) -> list[UUID]:
        """Those invited to the activity, so answers mostly come from someone invited."""
        if activity not in self.app.repository:
            return []
        found: Activity = self.app.repository.get(activity)
        return list(found.invitations)

    @rule(
        activity=activities,
        data=st.data(),
        anyone=members,
        answer=st.sampled_from(Answer),
        hours=st.integers(min_value=-50, max_value=10),
    )
    def answer(
        self, activity: UUID, data: st.DataObject, anyone: UUID, answer: Answer, hours: int
    ) -> None:
        member = data.draw(st.sampled_from([anyone, *self.invitees(activity)]))
        # Hours from the start: mostly before it ends, sometimes too late to answer.
        self.on_activity(
            activity,
            lambda a: a.answer(member, answer, a.starts_at + timedelta(hours=hours)),
        )

    @rule(activity=activities)
    def everyone_accepts(self, activity: UUID) -> None:
        """A burst of acceptances, one after the other: past capacity they wait."""
        for member in self.invitees(activity):
            self.on_activity(
                activity, lambda a, m=member: a.answer(m, Answer.ACCEPTED, a.starts_at)
            )

    def with_confirmed_seats(self) -> list[Activity]:
        """The activities not cancelled where someone holds a confirmed seat."""
        found = [self.app.repository.get(i) for i in self.scheduled]
        return [a for a in found if a.confirmed and a.cancelled_at is None]

    @precondition(lambda self: bool(self.with_confirmed_seats()))
    @rule(data=st.data())
    def a_confirmed_invitee_declines(self, data: st.DataObject) -> None:
        """A seat is freed: the first one waiting, if anyone is, moves up."""
        activities = {a.id: a for a in self.with_confirmed_seats()}
        activity = activities[data.draw(st.sampled_from(list(activities)))]  # scheduling order
        member = data.draw(st.sampled_from(activity.confirmed))
        self.command(activity.id, lambda a: a.answer(member, Answer.DECLINED, a.starts_at))

    @rule(
        activity=activities,
        hours_ahead=st.integers(min_value=-10, max_value=200),
        length=st.integers(min_value=-1, max_value=8),
        online=st.booleans(),
    )
    def reschedule(self, activity: UUID, hours_ahead: int, length: int, online: bool) -> None:
        starts = self.clock + timedelta(hours=hours_ahead)
        url = "https://meet.example.gov.gr/y" if online else None
        location = None if online else "Αθήνα"
        self.on_activity(
            activity,
            lambda a: a.reschedule(
                starts, starts + timedelta(hours=length), location, url, self.now()
            ),
        )

    @rule(activity=consumes(activities), reason=st.none() | TEXT)
    def cancel(self, activity: UUID, reason: str | None) -> None:
        self.on_activity(activity, lambda a: a.cancel(reason, self.now()))

    @rule(
        activity=activities,
        data=st.data(),
        anyone=members,
        attended=st.booleans(),
        hours=st.integers(min_value=-2, max_value=10),
    )
    def record_attendance(
        self, activity: UUID, data: st.DataObject, anyone: UUID, attended: bool, hours: int
    ) -> None:
        # Mostly those invited; someone not invited (refused: 404) when nobody is.
        attendees = data.draw(st.lists(st.sampled_from(self.invitees(activity) or [anyone])))
        self.on_activity(
            activity,
            lambda a: a.record_attendance(
                attendees, attended, a.starts_at + timedelta(hours=hours)
            ),
        )


# Notifications.

FAILURES = [
    ("the relay refused the recipient", True),
    ("the relay answered 550", True),
    ("the relay answered 451", False),
    ("the relay could not be reached: ConnectionRefusedError", False),
    ("not rendered: TemplateNotFound", True),
    ("address not readable: TamperedCiphertext", True),
]
"""Reasons the delivery job records, as it words them."""


class NotificationsMachine(ServiceMachine):
    """Emails recorded, sent, failed, dead-lettered, retried and cancelled."""

    application_class = NotificationsApplication
    definition = NOTIFICATIONS
    reached: ClassVar[set[str]] = set()

    messages = Bundle("messages")

    @rule(
        target=messages,
        template=st.sampled_from(["welcome", "reminder", "invitation", "designation_received"]),
        to_a_person=st.booleans(),
    )
    def record(self, template: str, to_a_person: bool) -> UUID:
        recipient = self.new_id() if to_a_person else None
        address: Sealed | str = sealed(recipient) if recipient else "innovation.unit@example.gov.gr"
        now = self.now()
        message = Message(
            template=template,
            caused_by=self.new_id(),
            recipient_id=recipient,
            address=address,
            name=None,
            context={},
            not_before=now,
            expires_at=None,
            recorded_at=now,
        )
        self.save(message)
        return message.id

    @rule(message=messages)
    def start_sending(self, message: UUID) -> None:
        stored: Message = self.app.repository.get(message)
        if stored.is_due(self.clock + timedelta(days=1)):
            self.command(message, lambda m: m.start_sending(m.attempts + 1, self.now()))

    @rule(message=messages)
    def sent(self, message: UUID) -> None:
        self.command(message, lambda m: m.record_sent(self.now()))

    @rule(message=messages)
    def delivered(self, message: UUID) -> None:
        """Started and sent in one step: the draws (which move with the code) need not line up
        two rules on one email for a run to reach NotificationSent."""
        self.start_sending(message)
        self.sent(message)

    @rule(
        message=messages,
        failure=st.sampled_from(FAILURES),
        max_attempts=st.integers(min_value=1, max_value=4),
    )
    def failed(self, message: UUID, failure: tuple[str, bool], max_attempts: int) -> None:
        reason, permanent = failure
        self.command(
            message,
            lambda m: m.record_failure(
                reason, self.now(), max_attempts, timedelta(seconds=30), permanent
            ),
        )

    @rule(message=messages)
    def retry(self, message: UUID) -> None:
        self.command(message, lambda m: m.retry(self.now()))

    @rule(message=messages, reason=st.sampled_from(["recipient erased", "too late to matter"]))
    def cancel(self, message: UUID, reason: str) -> None:
        self.command(message, lambda m: m.cancel(reason, self.now()))


def run_and_reach_every_published_event(machine: type[ServiceMachine]) -> None:
    machine.reached = set()
    run_state_machine_as_test(machine, settings=RUNS)
    published = {e.ce_type() for e in topic_of(machine.definition.name).events}
    assert machine.reached == published, f"never reached: {sorted(published - machine.reached)}"


def test_every_reachable_registration_event_is_publishable() -> None:
    run_and_reach_every_published_event(RegistrationMachine)


def test_every_reachable_membership_event_is_publishable() -> None:
    run_and_reach_every_published_event(MembershipMachine)


def test_every_reachable_notifications_event_is_publishable() -> None:
    run_and_reach_every_published_event(NotificationsMachine)
