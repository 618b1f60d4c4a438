"""What each consumed event causes: emails to record, and what later emails need to know.

A reaction only records; the delivery job sends. Each runs inside the transaction that stores
the Kafka position of its event, and uses the event's own time, so a replay from offset 0
records exactly the same emails, and a redelivery records none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from eventsourcing.domain import Aggregate

from contracts import membership, newsletter, observatory, registration
from contracts.registration import Language
from services.notifications.application import NotificationsApplication, in_language
from services.notifications.domain import end_of_day, message_id
from services.notifications.mirrors import Activity, Recipient, RegisteredBody, SubmittedPractice
from services.runtime.deliveries import Delivery
from services.runtime.reactions import Reactions
from services.runtime.timezone import ATHENS

REACTIONS = Reactions[NotificationsApplication]()
"""The reaction to each contract event; other events cause nothing (tolerant reader)."""

Decision = (
    observatory.PracticeChangesRequested
    | observatory.PracticeRejected
    | observatory.PracticePublished
)
"""A decision of the innovation unit on a practice, with its comment, for the body."""


@REACTIONS.to(registration.RegistrationSubmitted)
def remember_the_body(
    app: NotificationsApplication, e: registration.RegistrationSubmitted, delivery: Delivery
) -> Sequence[Aggregate]:
    return app.unless_stored(
        RegisteredBody(
            registration_id=e.registration_id,
            body_name=e.body.name,
            designation_due=e.designation_due,
            nominee_ids=[n.representative_id for n in e.representatives],
        )
    )


@REACTIONS.to(registration.RepresentativeNominated)
def acknowledge_the_nomination(
    app: NotificationsApplication, e: registration.RepresentativeNominated, delivery: Delivery
) -> Sequence[Aggregate]:
    """The acknowledgement now, the reminder on the morning of the due day, in their language.

    One named after the form (an alternate added, a successor) is news to the body's other
    representatives, whoever nominated them: each hears of it. The one nominated hears of it
    by the acknowledgement itself.
    """
    changed: list[Aggregate] = []
    body = app.registered_body(e.registration_id)
    others = app.current_representatives(e.registration_id)
    if body is not None and e.representative_id not in body.representative_ids:
        body.add_representative(e.representative_id)
        changed.append(body)
    if body is not None and body.named_later(e.representative_id):
        notice = {
            **app.body_context(e.registration_id),
            "role": e.role.value,
            "their_id": str(e.representative_id),
        }
        others = [r for r in others if r != e.representative_id]
        changed += app.record_for_each("representative_nominated", delivery, others, notice)
    language = e.language.value if e.language else None
    context = {
        **app.body_context(e.registration_id),
        "due": e.designation_due.isoformat(),
        "role": e.role.value,
        **in_language(language),
    }
    to_them = (e.representative_id, e.email, e.full_name, context)
    changed += app.record("acknowledgement", delivery, *to_them)
    morning = datetime.combine(e.designation_due, time(app.mail.reminder_hour), ATHENS)
    day_over = end_of_day(e.designation_due)
    reminding = delivery.event.time < day_over
    if reminding:
        changed += app.record(
            "reminder", delivery, *to_them, not_before=morning, expires_at=day_over
        )
    reminder_id = message_id(delivery.event.id, e.representative_id, "reminder")
    return changed + app.unless_stored(
        Recipient(
            representative_id=e.representative_id,
            registration_id=e.registration_id,
            role=e.role.value,
            full_name=e.full_name,
            email=e.email,
            designation_due=e.designation_due,
            reminder_id=reminder_id if reminding else None,
            language=language,
        )
    )


@REACTIONS.to(registration.DesignationReceived)
def cancel_the_reminders(
    app: NotificationsApplication, e: registration.DesignationReceived, delivery: Delivery
) -> Sequence[Aggregate]:
    return app.cancel_reminders(e.representative_ids, "a designation arrived", delivery.event.time)


@REACTIONS.to(registration.DesignationVerified)
def announce_the_verification(
    app: NotificationsApplication, e: registration.DesignationVerified, delivery: Delivery
) -> Sequence[Aggregate]:
    context = app.body_context(e.registration_id)
    return app.record_for_each("verified", delivery, e.representative_ids, context)


@REACTIONS.to(registration.DesignationRejected)
def announce_the_rejection(
    app: NotificationsApplication, e: registration.DesignationRejected, delivery: Delivery
) -> Sequence[Aggregate]:
    context = {**app.body_context(e.registration_id), "reason": e.reason}
    return app.record_for_each("rejected", delivery, e.representative_ids, context)


@REACTIONS.to(registration.DesignationOverdue)
def announce_the_overdue_designation(
    app: NotificationsApplication, e: registration.DesignationOverdue, delivery: Delivery
) -> Sequence[Aggregate]:
    """The overdue notice to the representatives and to the innovation unit."""
    context = {**app.body_context(e.registration_id), "due": e.designation_due.isoformat()}
    changed = app.record_for_each("overdue", delivery, e.representative_ids, context)
    unit_context = {
        "body_name": context["body_name"],
        "due": context["due"],
        "count": str(len(e.representative_ids)),
        # The gateway's page of the body, which the unit's staff may open for any registration.
        "registration_url": f"{app.public_url}/my-body?registration={e.registration_id}",
    }
    office = app.mail.innovation_unit_email
    return changed + app.record("overdue_unit", delivery, None, office, None, unit_context)


@REACTIONS.to(registration.RepresentativeWithdrawn)
def withdraw_the_representative(
    app: NotificationsApplication, e: registration.RepresentativeWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    """The body's representatives, the one withdrawn among them, hear of it."""
    reason, now = "the representative withdrew", delivery.event.time
    changed = app.cancel_reminders([e.representative_id], reason, now)
    representative = app.recipient(e.representative_id)
    if representative is None or representative.withdrawn:
        return changed
    notice = {
        **app.body_context(e.registration_id),
        "role": e.role.value,
        "reason": e.reason or "",
        "their_id": str(e.representative_id),
    }
    told = app.current_representatives(e.registration_id, also=[e.representative_id])
    for each in app.recipients(told):
        about_you = "yes" if each.representative_id == e.representative_id else ""
        context = {**notice, "about_you": about_you}
        changed += app.record_to(each, "representative_withdrawn", delivery, context)
    representative.withdraw()
    return [*changed, representative]


@REACTIONS.to(registration.RegistrationWithdrawn)
def withdraw_the_body(
    app: NotificationsApplication, e: registration.RegistrationWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    """Each current representative hears that the body left; their reminders are cancelled."""
    body = app.registered_body(e.registration_id)
    if body is None or body.withdrawn:
        return []
    context = {**app.body_context(e.registration_id), "reason": e.reason or ""}
    told = app.current_representatives(e.registration_id)
    changed = app.record_for_each("registration_withdrawn", delivery, told, context)
    body.withdraw()
    reason = "the registration was withdrawn"
    return [
        body,
        *changed,
        *app.cancel_reminders(body.representative_ids, reason, delivery.event.time),
    ]


@REACTIONS.to(registration.RegistrationLapsing)
def warn_of_the_lapse(
    app: NotificationsApplication, e: registration.RegistrationLapsing, delivery: Delivery
) -> Sequence[Aggregate]:
    """A week before: the day it lapses unless the designation comes, and where to upload it."""
    context = {**app.body_context(e.registration_id), "lapses_on": e.lapses_on.isoformat()}
    told = app.current_representatives(e.registration_id, also=e.representative_ids)
    return app.record_for_each("registration_lapsing", delivery, told, context)


@REACTIONS.to(registration.RegistrationExtended)
def announce_the_extension(
    app: NotificationsApplication, e: registration.RegistrationExtended, delivery: Delivery
) -> Sequence[Aggregate]:
    context = {
        **app.body_context(e.registration_id),
        "lapses_on": e.lapses_on.isoformat(),
        "reason": e.reason,
    }
    told = app.current_representatives(e.registration_id)
    return app.record_for_each("registration_extended", delivery, told, context)


@REACTIONS.to(registration.RegistrationLapsed)
def announce_the_lapse(
    app: NotificationsApplication, e: registration.RegistrationLapsed, delivery: Delivery
) -> Sequence[Aggregate]:
    """The body may register again; what was still to be sent about it is pointless now."""
    context = {
        **app.body_context(e.registration_id),
        "lapsed_on": e.lapsed_at.astimezone(ATHENS).date().isoformat(),
        "register_url": f"{app.public_url}/register",
    }
    told = app.current_representatives(e.registration_id, also=e.representative_ids)
    changed = app.record_for_each("registration_lapsed", delivery, told, context)
    reason = "the registration lapsed"
    return [*changed, *app.cancel_reminders(told, reason, delivery.event.time)]


@REACTIONS.to(membership.MemberActivated)
def welcome_the_member(
    app: NotificationsApplication, e: membership.MemberActivated, delivery: Delivery
) -> Sequence[Aggregate]:
    """The welcome, in the language they asked for (on this event, else on their nomination)."""
    known = app.recipient(e.representative_id)
    language = e.language.value if e.language else (known.language if known else None)
    context = {"body_name": e.body_name, **in_language(language)}
    return app.record("welcome", delivery, e.representative_id, e.email, e.full_name, context)


@REACTIONS.to(membership.ActivityScheduled)
def remember_the_activity(
    app: NotificationsApplication, e: membership.ActivityScheduled, delivery: Delivery
) -> Sequence[Aggregate]:
    return app.unless_stored(
        Activity(
            activity_id=e.activity_id,
            title=e.title,
            starts_at=e.starts_at,
            location=e.location,
        )
    )


@REACTIONS.to(membership.InvitationSent)
def record_the_invitation(
    app: NotificationsApplication, e: membership.InvitationSent, delivery: Delivery
) -> Sequence[Aggregate]:
    """The invitation; its signed accept/decline links are made at send time, never stored."""
    activity = app.activity(e.activity_id)
    representative = app.recipient(e.representative_id)
    if activity is None or representative is None:
        return []
    context = {
        **_when_and_where(activity),
        "activity_id": str(e.activity_id),
        "representative_id": str(e.representative_id),
    }
    return app.record_to(
        representative, "invitation", delivery, context, expires_at=activity.starts_at
    )


@REACTIONS.to(membership.ActivityRescheduled)
def announce_the_new_date(
    app: NotificationsApplication, e: membership.ActivityRescheduled, delivery: Delivery
) -> Sequence[Aggregate]:
    activity = app.activity(e.activity_id)
    if activity is None:
        return []
    activity.reschedule(e.starts_at, e.location)
    context = _when_and_where(activity)
    changed = app.record_for_each("activity_rescheduled", delivery, e.invitee_ids, context)
    return [activity, *changed]


@REACTIONS.to(membership.ActivityCancelled)
def announce_the_cancellation(
    app: NotificationsApplication, e: membership.ActivityCancelled, delivery: Delivery
) -> Sequence[Aggregate]:
    activity = app.activity(e.activity_id)
    if activity is None:
        return []
    context = {"title": activity.title, "reason": e.reason or ""}
    return app.record_for_each("activity_cancelled", delivery, e.invitee_ids, context)


@REACTIONS.to(observatory.PracticeSubmitted)
def ask_the_unit_to_review(
    app: NotificationsApplication, e: observatory.PracticeSubmitted, delivery: Delivery
) -> Sequence[Aggregate]:
    """The unit's office hears of it, with its review page; the title is kept for decisions."""
    known = app.practice(e.practice_id)
    if known is None:
        kept = app.unless_stored(
            SubmittedPractice(practice_id=e.practice_id, title=e.title, submitted_by=e.submitted_by)
        )
    else:
        kept = [known] if known.submit_again(e.title, e.submitted_by) else []
    body = app.submitters_registration(e.submitted_by)
    context = {
        "title": e.title,
        "body_name": body.body_name if body else e.body_id,
        "resubmission": "yes" if e.resubmission else "",
        "review_url": f"{app.public_url}/unit/practices/{e.practice_id}",
    }
    office = app.mail.innovation_unit_email
    return kept + app.record("practice_submitted", delivery, None, office, None, context)


@REACTIONS.to(observatory.PracticeChangesRequested)
def return_the_practice(
    app: NotificationsApplication, e: observatory.PracticeChangesRequested, delivery: Delivery
) -> Sequence[Aggregate]:
    return _tell_the_body(app, "practice_changes_requested", e, delivery, _kept_titles(app, e))


@REACTIONS.to(observatory.PracticeRejected)
def announce_the_practice_s_rejection(
    app: NotificationsApplication, e: observatory.PracticeRejected, delivery: Delivery
) -> Sequence[Aggregate]:
    return _tell_the_body(app, "practice_rejected", e, delivery, _kept_titles(app, e))


@REACTIONS.to(observatory.PracticePublished)
def announce_the_publication(
    app: NotificationsApplication, e: observatory.PracticePublished, delivery: Delivery
) -> Sequence[Aggregate]:
    """Its title in each language as published, and its public page beside the body's."""
    texts = e.practice.texts
    first = texts[e.practice.languages[0]].title
    context = {
        **{
            f"title_{each.value}": texts[each].title if each in texts else first
            for each in Language
        },
        "public_page_url": f"{app.public_url}/observatory/practices/{e.practice_id}",
    }
    return _tell_the_body(app, "practice_published", e, delivery, context)


@REACTIONS.to(newsletter.SubscriptionRequested)
def ask_to_confirm_the_subscription(
    app: NotificationsApplication, e: newsletter.SubscriptionRequested, delivery: Delivery
) -> Sequence[Aggregate]:
    """The confirmation email; its signed link is made at send time and expires with the request.

    Each request is its own event, so a repeated request (a new expiry) is a new email.
    """
    context = {
        "subscriber_id": str(e.subscriber_id),
        "expires_at": e.expires_at.isoformat(),
        **in_language(e.language.value),
    }
    return app.record(
        "newsletter_confirmation",
        delivery,
        e.subscriber_id,
        e.email,
        None,
        context,
        expires_at=e.expires_at,
    )


@REACTIONS.to(newsletter.IssueTestCopyRequested)
def send_the_test_copy(
    app: NotificationsApplication, e: newsletter.IssueTestCopyRequested, delivery: Delivery
) -> Sequence[Aggregate]:
    """One copy of the draft to the staff member who asked, in the language asked (else Greek)."""
    text = e.texts.get(e.language) or e.texts.get(Language.GREEK) or next(iter(e.texts.values()))
    context = {
        "issue_id": str(e.issue_id),
        "issue_subject": text.subject,
        "issue_html": text.html,
        "issue_text": text.text,
        **in_language(e.language.value),
    }
    return app.record("newsletter_test_copy", delivery, e.request_id, e.email, None, context)


def _kept_titles(app: NotificationsApplication, e: observatory.ObservatoryEvent) -> dict[str, str]:
    """The title submitted for review, in both languages' parts (its one language's)."""
    practice = app.practice(e.practice_id)
    title = practice.title if practice else ""
    return {f"title_{each.value}": title for each in Language}


def _tell_the_body(
    app: NotificationsApplication,
    template: str,
    e: Decision,
    delivery: Delivery,
    context: dict[str, str],
) -> Sequence[Aggregate]:
    """The unit's decision, its comment and the practice's page, to each current representative."""
    told = app.practice_representatives(e.practice_id)
    context = {
        **context,
        "comment": e.comment,
        "practice_url": f"{app.public_url}/my-body/practices/{e.practice_id}",
    }
    return app.record_for_each(template, delivery, told, context)


def _when_and_where(activity: Activity) -> dict[str, str]:
    return {
        "title": activity.title,
        "starts_at": activity.starts_at.isoformat(),
        "location": activity.location or "",
    }
