"""Membership's rules, given events → command → events or error, with no I/O."""

from __future__ import annotations

import base64
import itertools
import os
import threading
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts import membership, registration
from contracts.envelope import read_kafka_message, to_kafka_message
from contracts.errors import ErrorCode
from contracts.events import ContractEvent
from contracts.membership import ActivityKind, Answer, Seat
from contracts.personal import Sealed
from contracts.registration import Language, Level, Role, Seniority
from services.membership.application import MembershipApplication
from services.membership.domain import Activity, Invitee, Member, check_active_member
from services.membership.plans import ActivityPlan
from services.membership.policies import REACTIONS
from services.membership.publishing import to_contract
from services.runtime.deliveries import Delivery
from services.runtime.errors import Conflict, NotAllowed, NotFound, RuleBroken

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
TAX_ID = "094014201"
UNIT = "staff-0123456789abcdef0123"
"""The subject of an innovation-unit member's token, as the gateway mints it."""
OFFSETS = itertools.count()
"""The registration topic's offsets, as one partition hands them out."""


def sealed(subject_id: uuid.UUID) -> Sealed:
    """A stand-in for a sealed value: the domain never looks inside."""
    ciphertext = base64.urlsafe_b64encode(os.urandom(40)).decode().rstrip("=")
    return Sealed(subject_id=subject_id, ciphertext=ciphertext)


class RegistrationFeed:
    """Registration's contract events for one body, delivered as the consumer would."""

    def __init__(self, app: MembershipApplication, tax_id: str = TAX_ID) -> None:
        self.app = app
        self.tax_id = tax_id
        self.registration_id = uuid.uuid4()
        self.main = uuid.uuid4()
        self.alternate = uuid.uuid4()
        self.version = 0

    def deliver(self, event: ContractEvent) -> Delivery:
        self.version += 1
        message = to_kafka_message(
            event,
            aggregate_id=self.registration_id,
            aggregate_version=self.version,
            time=NOW,
            correlation_id=uuid.uuid4(),
            causation_id=uuid.uuid4(),
        )
        delivery = Delivery(
            "innovnet.registration.v1",
            0,
            next(OFFSETS),
            read_kafka_message(message.headers, message.value),
        )
        self.app.process_event(delivery, delivery.tracking)  # type: ignore[arg-type]
        return delivery

    def submit_and_nominate(self) -> None:
        self.deliver(
            registration.RegistrationSubmitted(
                registration_id=self.registration_id,
                body=registration.Body(
                    name="Δήμος Παραδείγματος", tax_id=self.tax_id, level=Level.LOCAL
                ),
                submitted_by=Role.MAIN,
                submitted_at=NOW,
                designation_due=date(2026, 5, 6),
                representatives=[
                    registration.Nominee(representative_id=self.main, role=Role.MAIN),
                    registration.Nominee(representative_id=self.alternate, role=Role.ALTERNATE),
                ],
            )
        )
        # The alternate's nomination is as published before the form asked the language.
        nominees = (
            (self.main, Role.MAIN, Language.ENGLISH),
            (self.alternate, Role.ALTERNATE, None),
        )
        for representative_id, role, language in nominees:
            self.deliver(
                registration.RepresentativeNominated(
                    registration_id=self.registration_id,
                    representative_id=representative_id,
                    role=role,
                    full_name=sealed(representative_id),
                    email=sealed(representative_id),
                    position_title="Προϊσταμένη Διεύθυνσης",
                    unit="Διεύθυνση Ψηφιακής Διακυβέρνησης",
                    seniority=Seniority.DIRECTORATE_HEAD,
                    designation_due=date(2026, 5, 6),
                    nominated_at=NOW,
                    language=language,
                )
            )

    def verified(self, *representative_ids: uuid.UUID) -> registration.DesignationVerified:
        return registration.DesignationVerified(
            registration_id=self.registration_id,
            designation_id=uuid.uuid4(),
            representative_ids=list(representative_ids or (self.main, self.alternate)),
            verified_at=NOW,
        )


def published(app: MembershipApplication) -> list[ContractEvent]:
    """What the relay would publish, in order."""
    notifications = app.recorder.select_notifications(start=None, limit=10_000)
    events = [to_contract(app.mapper.to_domain_event(n)) for n in notifications]
    return [e for e in events if e is not None]


def published_names(app: MembershipApplication) -> list[str]:
    return [type(e).__name__ for e in published(app)]


@pytest.fixture
def app() -> MembershipApplication:
    return MembershipApplication(reactions=REACTIONS)


# Members.


def test_a_verified_designation_makes_both_representatives_members(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    assert published_names(app) == [], "nominations are not membership"

    feed.deliver(feed.verified())

    activated = [e for e in published(app) if isinstance(e, membership.MemberActivated)]
    assert {e.representative_id for e in activated} == {feed.main, feed.alternate}
    main = next(e for e in activated if e.role is Role.MAIN)
    assert main.body_id == TAX_ID
    assert main.level is Level.LOCAL
    assert main.full_name.subject_id == feed.main, "personal data stays sealed"


def test_a_member_s_language_is_kept_from_the_nomination_and_published_on_activation(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(feed.verified())

    activated = {
        e.representative_id: e.language
        for e in published(app)
        if isinstance(e, membership.MemberActivated)
    }
    assert activated == {feed.main: Language.ENGLISH, feed.alternate: None}
    member: Member = app.repository.get(feed.main)
    assert member.language is Language.ENGLISH


def test_a_verification_published_again_at_a_new_offset_activates_no_one_twice(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    verification = feed.verified()
    feed.deliver(verification)
    feed.deliver(verification)

    assert published_names(app).count("MemberActivated") == 2  # main and alternate, once each


def test_a_withdrawn_member_is_deactivated_and_keeps_their_history(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(feed.verified())
    feed.deliver(
        registration.RepresentativeWithdrawn(
            registration_id=feed.registration_id,
            representative_id=feed.alternate,
            role=Role.ALTERNATE,
            reason="replaced",
            withdrawn_at=NOW + timedelta(days=3),
        )
    )

    deactivated = [e for e in published(app) if isinstance(e, membership.MemberDeactivated)]
    assert [(e.representative_id, e.reason) for e in deactivated] == [(feed.alternate, "replaced")]
    member: Member = app.repository.get(feed.alternate)
    assert member.activated_at == NOW
    assert member.deactivated_at == NOW + timedelta(days=3)


def test_a_representative_withdrawn_before_verification_never_becomes_a_member(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(
        registration.RepresentativeWithdrawn(
            registration_id=feed.registration_id,
            representative_id=feed.alternate,
            role=Role.ALTERNATE,
            withdrawn_at=NOW,
        )
    )
    feed.deliver(feed.verified(feed.alternate))

    assert published_names(app) == []


def test_a_withdrawn_registration_deactivates_every_member_of_the_body(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(feed.verified())
    feed.deliver(
        registration.RegistrationWithdrawn(registration_id=feed.registration_id, withdrawn_at=NOW)
    )

    assert published_names(app).count("MemberDeactivated") == 2
    assert not app.is_active_member(feed.main)


def test_a_lapsed_registration_s_nominees_leave_without_ever_being_members(
    app: MembershipApplication,
) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    both = [feed.main, feed.alternate]
    feed.deliver(
        registration.RegistrationLapsing(
            registration_id=feed.registration_id,
            representative_ids=both,
            lapses_on=date(2026, 6, 5),
            warned_at=NOW,
        )
    )
    feed.deliver(
        registration.RegistrationExtended(
            registration_id=feed.registration_id,
            lapses_on=date(2026, 6, 30),
            reason="Αλλαγή ηγεσίας",
            extended_at=NOW,
        )
    )
    assert [app.find(i, Member).state for i in both] == ["nominated", "nominated"]  # type: ignore[union-attr]

    feed.deliver(
        registration.RegistrationLapsed(
            registration_id=feed.registration_id, representative_ids=both, lapsed_at=NOW
        )
    )
    feed.deliver(feed.verified())  # too late: a lapsed registration's nominees stay out

    assert published_names(app) == []
    assert [app.find(i, Member).state for i in both] == ["withdrawn", "withdrawn"]  # type: ignore[union-attr]
    assert not app.is_active_member(feed.main)


def test_events_of_a_body_never_seen_are_ignored(app: MembershipApplication) -> None:
    feed = RegistrationFeed(app)
    feed.deliver(feed.verified())
    feed.deliver(
        registration.RegistrationWithdrawn(registration_id=feed.registration_id, withdrawn_at=NOW)
    )
    assert published_names(app) == []


# Activities.


def workshop(capacity: int = 2) -> Activity:
    plan = ActivityPlan(
        ActivityKind.GOVLAB_WORKSHOP,
        "GOV.LAB: designing with citizens",
        NOW + timedelta(days=7),
        NOW + timedelta(days=7, hours=3),
        "Ministry of the Interior, Athens",
        None,
        capacity,
        ["el"],
    )
    return Activity.schedule(plan, NOW)


def invitees(n: int) -> list[Invitee]:
    return [Invitee(uuid.uuid4(), f"{100000000 + i}", f"Body {i}", Level.CENTRAL) for i in range(n)]


def invited(activity: Activity, n: int) -> list[uuid.UUID]:
    people = invitees(n)
    activity.invite(people, NOW)
    return [p.representative_id for p in people]


def event_names(activity: Activity) -> list[str]:
    return [type(e).__name__ for e in activity.collect_events()]


def test_acceptances_beyond_capacity_wait_in_the_order_they_came() -> None:
    activity = workshop(capacity=2)
    a, b, c, d = invited(activity, 4)
    for representative_id in (a, b, c, d):
        activity.answer(representative_id, Answer.ACCEPTED, NOW)

    assert activity.confirmed == [a, b]
    assert activity.waiting_list == [c, d]
    assert activity.invitations[c].seat is Seat.WAITING


def test_a_confirmed_invitee_who_declines_moves_the_first_waiting_one_up() -> None:
    activity = workshop(capacity=1)
    a, b, c = invited(activity, 3)
    for representative_id in (a, b, c):
        activity.answer(representative_id, Answer.ACCEPTED, NOW)
    activity.collect_events()

    activity.answer(a, Answer.DECLINED, NOW)

    assert event_names(activity) == ["InvitationAnswered", "WaitingListMoved"]
    assert activity.confirmed == [b]
    assert activity.waiting_list == [c]


def test_a_waiting_invitee_who_declines_leaves_the_waiting_list_and_moves_no_one() -> None:
    activity = workshop(capacity=1)
    a, b, c = invited(activity, 3)
    for representative_id in (a, b, c):
        activity.answer(representative_id, Answer.ACCEPTED, NOW)
    activity.collect_events()

    activity.answer(b, Answer.DECLINED, NOW)

    assert event_names(activity) == ["InvitationAnswered"]
    assert activity.waiting_list == [c]


def test_the_same_answer_twice_changes_nothing() -> None:
    activity = workshop()
    (a,) = invited(activity, 1)
    activity.answer(a, Answer.ACCEPTED, NOW)
    activity.collect_events()
    activity.answer(a, Answer.ACCEPTED, NOW)
    assert event_names(activity) == []


def test_only_invitees_answer() -> None:
    activity = workshop()
    with pytest.raises(NotFound):
        activity.answer(uuid.uuid4(), Answer.ACCEPTED, NOW)


def test_inviting_someone_twice_sends_one_invitation() -> None:
    activity = workshop()
    people = invitees(2)
    activity.invite(people, NOW)
    activity.collect_events()
    assert activity.invite(people, NOW) == []
    assert event_names(activity) == []


def test_a_cancelled_activity_takes_no_answers_and_tells_its_invitees() -> None:
    activity = workshop()
    a, b = invited(activity, 2)
    activity.cancel("The venue is closed.", NOW)
    cancelled = [e for e in activity.collect_events() if type(e).__name__ == "Cancelled"]
    published_event = to_contract(cancelled[0])
    assert isinstance(published_event, membership.ActivityCancelled)
    assert published_event.invitee_ids == [a, b]
    with pytest.raises(Conflict):
        activity.answer(a, Answer.ACCEPTED, NOW)


def test_rescheduling_tells_the_invitees_and_publishes_no_link() -> None:
    activity = workshop()
    (a,) = invited(activity, 1)
    activity.collect_events()
    activity.reschedule(
        NOW + timedelta(days=8),
        NOW + timedelta(days=8, hours=2),
        None,
        "https://meet.example.gov.gr/room?pwd=x",
        NOW,
    )
    (event,) = activity.collect_events()
    published_event = to_contract(event)
    assert isinstance(published_event, membership.ActivityRescheduled)
    assert published_event.invitee_ids == [a]
    assert published_event.online
    assert "meet.example" not in published_event.model_dump_json()


def test_attendance_is_recorded_once_the_activity_has_started() -> None:
    activity = workshop()
    a, b = invited(activity, 2)
    with pytest.raises(Conflict):
        activity.record_attendance([a], True, NOW)
    activity.collect_events()

    activity.record_attendance([a, a], True, activity.starts_at)
    activity.record_attendance([a], True, activity.starts_at)

    assert event_names(activity) == ["AttendanceRecorded"]
    assert activity.invitations[a].attended is True
    assert activity.invitations[b].attended is None


def test_attendance_of_someone_not_invited_is_refused() -> None:
    activity = workshop()
    invited(activity, 1)
    with pytest.raises(NotFound):
        activity.record_attendance([uuid.uuid4()], True, activity.starts_at)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": NOW}, "ends_at"),
        ({"location": None, "online_url": None}, "location"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_an_activity_needs_a_time_a_place_and_seats(changes: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "kind": ActivityKind.WEBINAR,
        "title": "Webinar",
        "starts_at": NOW + timedelta(days=1),
        "ends_at": NOW + timedelta(days=1, hours=1),
        "location": "Athens",
        "online_url": None,
        "capacity": 10,
        "languages": ["el", "en"],
    }
    with pytest.raises(RuleBroken) as refused:
        Activity.schedule(ActivityPlan(**(arguments | changes)), NOW)
    assert refused.value.field == field


def test_concurrent_acceptances_take_the_seats_in_commit_order(
    app: MembershipApplication,
) -> None:
    activity_id = app.schedule_activity(
        ActivityPlan(
            ActivityKind.GOVLAB_WORKSHOP,
            "GOV.LAB",
            datetime.now(UTC) + timedelta(days=7),
            datetime.now(UTC) + timedelta(days=7, hours=3),
            "Athens",
            None,
            10,
            ["el"],
        ),
        UNIT,
    )
    people = []
    for i in range(20):
        feed = RegistrationFeed(app, tax_id=f"{100000000 + i}")
        feed.submit_and_nominate()
        feed.deliver(feed.verified(feed.main))
        people.append(Invitee(feed.main, feed.tax_id, "Δήμος", Level.LOCAL))
    assert len(app.invite(activity_id, people, UNIT)) == 20
    start = threading.Barrier(20)
    failures: list[Exception] = []

    def accept(invitee: Invitee) -> None:
        start.wait()
        try:
            app.answer(activity_id, invitee.representative_id, Answer.ACCEPTED)
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=accept, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    activity = app.activity(activity_id)
    assert len(activity.confirmed) == 10
    assert len(activity.waiting_list) == 10
    answered = sorted(activity.invitations.values(), key=lambda i: i.answered_at or NOW)
    assert [i.seat for i in answered] == [Seat.CONFIRMED] * 10 + [Seat.WAITING] * 10
    assert activity.waiting_list == [i.invitee.representative_id for i in answered[10:]]


def test_a_representative_who_left_may_decline_but_not_accept(app: MembershipApplication) -> None:
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(feed.verified())
    activity_id = app.schedule_activity(
        ActivityPlan(
            ActivityKind.WEBINAR,
            "Webinar",
            datetime.now(UTC) + timedelta(days=1),
            datetime.now(UTC) + timedelta(days=1, hours=1),
            None,
            "https://meet.example.gov.gr/webinar",
            10,
            ["el"],
        ),
        UNIT,
    )
    invitee = Invitee(feed.main, TAX_ID, "Δήμος Παραδείγματος", Level.LOCAL)
    assert app.invite(activity_id, [invitee], UNIT) == [feed.main]
    feed.deliver(
        registration.RegistrationWithdrawn(registration_id=feed.registration_id, withdrawn_at=NOW)
    )

    with pytest.raises(NotAllowed):
        app.answer(activity_id, feed.main, Answer.ACCEPTED)
    app.answer(activity_id, feed.main, Answer.DECLINED)
    assert app.invitation(activity_id, feed.main).answer is Answer.DECLINED
    assert app.invite(activity_id, [invitee], UNIT) == [], "only active members are invited"


# The rules by name, with their stable codes.


def test_an_activity_is_held_in_some_language() -> None:
    plan = ActivityPlan(
        ActivityKind.WEBINAR,
        "Webinar",
        NOW + timedelta(days=1),
        NOW + timedelta(days=1, hours=1),
        None,
        "https://meet.example.gov.gr/webinar",
        10,
        [],
    )
    with pytest.raises(RuleBroken) as refused:
        Activity.schedule(plan, NOW)
    assert refused.value.code is ErrorCode.LANGUAGES_REQUIRED
    assert refused.value.field == "languages"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ends_at": NOW + timedelta(days=1)}, ErrorCode.ENDS_BEFORE_START),
        ({"location": None, "online_url": None}, ErrorCode.ACTIVITY_NOWHERE),
        ({"capacity": 0}, ErrorCode.CAPACITY_TOO_SMALL),
    ],
)
def test_each_rule_of_a_plan_refuses_with_its_own_code(
    changes: dict[str, Any], code: ErrorCode
) -> None:
    plan = ActivityPlan(
        ActivityKind.CONFERENCE,
        "Conference",
        NOW + timedelta(days=1),
        NOW + timedelta(days=1, hours=8),
        "Athens",
        None,
        100,
        ["el"],
    )
    with pytest.raises(RuleBroken) as refused:
        replace(plan, **changes).check()
    assert refused.value.code is code


def test_rescheduling_keeps_the_rules_of_time_and_place() -> None:
    activity = workshop()
    with pytest.raises(RuleBroken) as refused:
        activity.reschedule(activity.ends_at, activity.starts_at, "Athens", None, NOW)
    assert refused.value.code is ErrorCode.ENDS_BEFORE_START
    with pytest.raises(RuleBroken) as refused:
        activity.reschedule(activity.starts_at, activity.ends_at, None, None, NOW)
    assert refused.value.code is ErrorCode.ACTIVITY_NOWHERE


def test_invitations_are_answered_before_the_activity_ends() -> None:
    activity = workshop()
    (a,) = invited(activity, 1)
    with pytest.raises(Conflict) as refused:
        activity.answer(a, Answer.ACCEPTED, activity.ends_at)
    assert refused.value.code is ErrorCode.ACTIVITY_OVER
    activity.answer(a, Answer.ACCEPTED, activity.ends_at - timedelta(seconds=1))
    assert activity.invitations[a].answer is Answer.ACCEPTED


def test_the_refusals_of_an_activity_s_state_have_their_codes() -> None:
    activity = workshop()
    (a,) = invited(activity, 1)
    with pytest.raises(Conflict) as refused:
        activity.check_started(activity.starts_at - timedelta(seconds=1))
    assert refused.value.code is ErrorCode.ACTIVITY_NOT_STARTED
    activity.check_started(activity.starts_at)
    activity.cancel(None, NOW)
    with pytest.raises(Conflict) as refused:
        activity.answer(a, Answer.ACCEPTED, NOW)
    assert refused.value.code is ErrorCode.ACTIVITY_CANCELLED
    with pytest.raises(NotFound) as missing:
        activity.check_invited(uuid.uuid4())
    assert missing.value.code is ErrorCode.INVITATION_NOT_FOUND


def test_the_waiting_list_gives_a_seat_while_any_is_left_then_a_place_in_line() -> None:
    activity = workshop(capacity=1)
    a, b, c = invited(activity, 3)
    assert activity.seat_or_waiting_list() is Seat.CONFIRMED
    activity.answer(a, Answer.ACCEPTED, NOW)
    assert activity.seat_or_waiting_list() is Seat.WAITING
    activity.answer(b, Answer.ACCEPTED, NOW)
    activity.answer(c, Answer.ACCEPTED, NOW)
    assert [activity.waiting_position(i) for i in (a, b, c)] == [None, 1, 2]


def test_only_active_members_take_part() -> None:
    with pytest.raises(NotAllowed) as refused:
        check_active_member(None)
    assert refused.value.code is ErrorCode.NOT_ACTIVE_MEMBER
    member = Member(
        representative_id=uuid.uuid4(),
        registration_id=uuid.uuid4(),
        body_id=TAX_ID,
        body_name="Δήμος Παραδείγματος",
        level=Level.LOCAL.value,
        role=Role.MAIN.value,
        full_name=sealed(uuid.uuid4()),
        email=sealed(uuid.uuid4()),
        position_title="Προϊσταμένη Διεύθυνσης",
    )
    with pytest.raises(NotAllowed):
        check_active_member(member)
    member.activate(uuid.uuid4(), NOW)
    assert check_active_member(member) is member
    member.deactivate("withdrawn", NOW)
    with pytest.raises(NotAllowed):
        check_active_member(member)


def test_an_activity_that_is_not_there_is_a_404_with_its_code(app: MembershipApplication) -> None:
    with pytest.raises(NotFound) as missing:
        app.activity(uuid.uuid4())
    assert missing.value.code is ErrorCode.ACTIVITY_NOT_FOUND


# Who decided, and the history.


def webinar_plan() -> ActivityPlan:
    starts = datetime.now(UTC) - timedelta(minutes=5)  # started: attendance can be recorded
    return ActivityPlan(
        ActivityKind.WEBINAR,
        "Webinar",
        starts,
        starts + timedelta(hours=2),
        None,
        "https://meet.example.gov.gr/webinar",
        1,
        ["el"],
    )


def decisions_of_the_unit(app: MembershipApplication) -> tuple[uuid.UUID, RegistrationFeed]:
    """An activity scheduled, its member invited, answered, attended, moved and cancelled."""
    feed = RegistrationFeed(app)
    feed.submit_and_nominate()
    feed.deliver(feed.verified(feed.main))
    activity_id = app.schedule_activity(webinar_plan(), UNIT)
    invitee = Invitee(feed.main, TAX_ID, "Δήμος Παραδείγματος", Level.LOCAL)
    app.invite(activity_id, [invitee], UNIT)
    app.answer(activity_id, feed.main, Answer.ACCEPTED)
    app.record_attendance(activity_id, [feed.main], True, UNIT)
    later = datetime.now(UTC) + timedelta(days=3)
    app.reschedule(activity_id, later, later + timedelta(hours=1), "Αθήνα", None, UNIT)
    app.cancel(activity_id, "Απεργία", UNIT)
    return activity_id, feed


DECIDED = {
    "ActivityScheduled": UNIT,
    "InvitationSent": UNIT,
    "InvitationAnswered": None,
    "AttendanceRecorded": UNIT,
    "ActivityRescheduled": UNIT,
    "ActivityCancelled": UNIT,
}
"""Each published activity event, and who decided it: the unit, or nobody for a member's own
answer (whose event has no `decided_by` at all)."""


def test_the_unit_s_decisions_are_published_with_who_decided(app: MembershipApplication) -> None:
    activity_id, _ = decisions_of_the_unit(app)

    events = [e for e in published(app) if getattr(e, "activity_id", None) == activity_id]
    assert [type(e).__name__ for e in events] == list(DECIDED)
    assert {type(e).__name__: getattr(e, "decided_by", None) for e in events} == DECIDED


def test_an_activity_s_history_says_who_did_what_and_when(app: MembershipApplication) -> None:
    activity_id, feed = decisions_of_the_unit(app)

    activity = app.activity(activity_id)
    steps = [(s.what.value, s.representative_id, s.decided_by) for s in activity.history]
    assert steps == [
        ("scheduled", None, UNIT),
        ("invited", feed.main, UNIT),
        ("answered", feed.main, None),
        ("attendance_recorded", feed.main, UNIT),
        ("rescheduled", None, UNIT),
        ("cancelled", None, UNIT),
    ]
    scheduled, invited, answered, attended, _, cancelled = activity.history
    assert scheduled.at == activity.scheduled_at
    assert invited.at == activity.invitations[feed.main].sent_at
    assert (invited.body_id, invited.body_name) == (TAX_ID, "Δήμος Παραδείγματος")
    assert (answered.answer, answered.seat) == (Answer.ACCEPTED, Seat.CONFIRMED)
    assert attended.attended is True
    assert (cancelled.reason, cancelled.at) == ("Απεργία", activity.cancelled_at)
    assert [s.at for s in activity.history] == sorted(s.at for s in activity.history)


def test_a_freed_seat_shows_in_the_history_as_the_first_waiting_moving_up() -> None:
    activity = workshop(capacity=1)
    a, b = invited(activity, 2)
    activity.answer(a, Answer.ACCEPTED, NOW)
    activity.answer(b, Answer.ACCEPTED, NOW)
    activity.answer(a, Answer.DECLINED, NOW + timedelta(hours=1))

    steps = [(s.what.value, s.representative_id, s.seat) for s in activity.history[3:]]
    assert steps == [
        ("answered", a, Seat.CONFIRMED),
        ("answered", b, Seat.WAITING),
        ("answered", a, None),
        ("waiting_list_moved", b, Seat.CONFIRMED),
    ]


def test_events_stored_before_who_decided_was_kept_still_load_and_publish(
    app: MembershipApplication,
) -> None:
    activity_id, feed = decisions_of_the_unit(app)
    # The same events as an older release stored them: without `decided_by`.
    older = MembershipApplication(reactions=REACTIONS)
    transcoder = app.mapper.transcoder
    stored = []
    for notification in app.recorder.select_notifications(start=None, limit=10_000):
        state = transcoder.decode(notification.state)
        state.pop("decided_by", None)
        stored.append(replace(notification, state=transcoder.encode(state)))
    assert all(b"decided_by" not in s.state for s in stored)
    older.recorder.insert_events(stored)

    activity = older.activity(activity_id)
    assert activity.state == "cancelled"
    assert activity.invitations[feed.main].attended is True
    assert [s.decided_by for s in activity.history] == [None] * 6
    events = [e for e in published(older) if getattr(e, "activity_id", None) == activity_id]
    assert [type(e).__name__ for e in events] == list(DECIDED)
    assert {getattr(e, "decided_by", None) for e in events} == {None}
