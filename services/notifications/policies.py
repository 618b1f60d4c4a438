"""What each consumed event causes: emails to record, and what later emails need to know.

A reaction only records; the delivery job sends. Each runs inside the transaction that stores
the Kafka position of its event, and uses the event's own time, so a replay from offset 0
records exactly the same emails, and a redelivery records none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from eventsourcing.domain import Aggregate

from contracts import membership, registration
from services.notifications.application import NotificationsApplication
from services.notifications.domain import (
    Activity,
    Recipient,
    RegisteredBody,
    activity_mirror_id,
    end_of_day,
    message_id,
    recipient_id,
    registered_body_id,
)
from services.runtime.deliveries import Delivery
from services.runtime.reactions import Reactions
from services.runtime.timezone import ATHENS

REACTIONS = Reactions[NotificationsApplication]()
"""The reaction to each contract event; other events cause nothing (tolerant reader)."""


@REACTIONS.to(registration.RegistrationSubmitted)
def remember_the_body(
    app: NotificationsApplication, e: registration.RegistrationSubmitted, delivery: Delivery
) -> Sequence[Aggregate]:
    if app.find(registered_body_id(e.registration_id), RegisteredBody) is not None:
        return []
    return [
        RegisteredBody(
            registration_id=e.registration_id,
            body_name=e.body.name,
            designation_due=e.designation_due,
        )
    ]


@REACTIONS.to(registration.RepresentativeNominated)
def acknowledge_the_nomination(
    app: NotificationsApplication, e: registration.RepresentativeNominated, delivery: Delivery
) -> Sequence[Aggregate]:
    """The acknowledgement now, and the reminder on the morning of the due day."""
    cause, now = delivery.event.id, delivery.event.time
    changed: list[Aggregate] = []
    body = app.find(registered_body_id(e.registration_id), RegisteredBody)
    body_name = body.body_name if body else "—"
    if body is not None and e.representative_id not in body.representative_ids:
        body.add_representative(e.representative_id)
        changed.append(body)
    context = {
        "body_name": body_name,
        "due": e.designation_due.isoformat(),
        "role": e.role.value,
        "upload_url": app.upload_url(e.registration_id),
    }
    changed += app.record(
        "acknowledgement", cause, e.representative_id, e.email, e.full_name, context, now
    )
    morning = datetime.combine(e.designation_due, time(app.mail.reminder_hour), ATHENS)
    day_over = end_of_day(e.designation_due)
    if now < day_over:
        changed += app.record(
            "reminder",
            cause,
            e.representative_id,
            e.email,
            e.full_name,
            context,
            now,
            not_before=morning,
            expires_at=day_over,
        )
    if app.find(recipient_id(e.representative_id), Recipient) is None:
        changed.append(
            Recipient(
                representative_id=e.representative_id,
                registration_id=e.registration_id,
                role=e.role.value,
                full_name=e.full_name,
                email=e.email,
                designation_due=e.designation_due,
                reminder_id=message_id(cause, e.representative_id, "reminder")
                if now < day_over
                else None,
            )
        )
    return changed


@REACTIONS.to(registration.DesignationReceived)
def cancel_the_reminders(
    app: NotificationsApplication, e: registration.DesignationReceived, delivery: Delivery
) -> Sequence[Aggregate]:
    return app.cancel_reminders(e.representative_ids, "a designation arrived", delivery.event.time)


@REACTIONS.to(registration.DesignationVerified)
def announce_the_verification(
    app: NotificationsApplication, e: registration.DesignationVerified, delivery: Delivery
) -> Sequence[Aggregate]:
    context = {
        "body_name": app.body_name(e.registration_id),
        "upload_url": app.upload_url(e.registration_id),
    }
    cause, now = delivery.event.id, delivery.event.time
    return app.record_for_each("verified", cause, e.representative_ids, context, now)


@REACTIONS.to(registration.DesignationRejected)
def announce_the_rejection(
    app: NotificationsApplication, e: registration.DesignationRejected, delivery: Delivery
) -> Sequence[Aggregate]:
    context = {
        "body_name": app.body_name(e.registration_id),
        "upload_url": app.upload_url(e.registration_id),
        "reason": e.reason,
    }
    cause, now = delivery.event.id, delivery.event.time
    return app.record_for_each("rejected", cause, e.representative_ids, context, now)


@REACTIONS.to(registration.DesignationOverdue)
def announce_the_overdue_designation(
    app: NotificationsApplication, e: registration.DesignationOverdue, delivery: Delivery
) -> Sequence[Aggregate]:
    """The overdue notice to the representatives and to the innovation unit."""
    cause, now = delivery.event.id, delivery.event.time
    body_name = app.body_name(e.registration_id)
    context = {
        "body_name": body_name,
        "due": e.designation_due.isoformat(),
        "upload_url": app.upload_url(e.registration_id),
    }
    changed = app.record_for_each("overdue", cause, e.representative_ids, context, now)
    unit_context = {
        "body_name": body_name,
        "due": e.designation_due.isoformat(),
        "count": str(len(e.representative_ids)),
        "registration_url": f"{app.mail.portal_url}/admin/registrations/{e.registration_id}",
    }
    changed += app.record(
        "overdue_unit", cause, None, app.mail.innovation_unit_email, None, unit_context, now
    )
    return changed


@REACTIONS.to(registration.RepresentativeWithdrawn)
def withdraw_the_representative(
    app: NotificationsApplication, e: registration.RepresentativeWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    reason, now = "the representative withdrew", delivery.event.time
    changed = app.cancel_reminders([e.representative_id], reason, now)
    representative = app.find(recipient_id(e.representative_id), Recipient)
    if representative is not None and not representative.withdrawn:
        representative.withdraw()
        changed.append(representative)
    return changed


@REACTIONS.to(registration.RegistrationWithdrawn)
def withdraw_the_body(
    app: NotificationsApplication, e: registration.RegistrationWithdrawn, delivery: Delivery
) -> Sequence[Aggregate]:
    body = app.find(registered_body_id(e.registration_id), RegisteredBody)
    if body is None or body.withdrawn:
        return []
    body.withdraw()
    reason = "the registration was withdrawn"
    return [body, *app.cancel_reminders(body.representative_ids, reason, delivery.event.time)]


@REACTIONS.to(membership.MemberActivated)
def welcome_the_member(
    app: NotificationsApplication, e: membership.MemberActivated, delivery: Delivery
) -> Sequence[Aggregate]:
    context = {"body_name": e.body_name}
    cause, now = delivery.event.id, delivery.event.time
    return app.record("welcome", cause, e.representative_id, e.email, e.full_name, context, now)


@REACTIONS.to(membership.ActivityScheduled)
def remember_the_activity(
    app: NotificationsApplication, e: membership.ActivityScheduled, delivery: Delivery
) -> Sequence[Aggregate]:
    if app.find(activity_mirror_id(e.activity_id), Activity) is not None:
        return []
    return [
        Activity(
            activity_id=e.activity_id,
            title=e.title,
            starts_at=e.starts_at,
            location=e.location,
        )
    ]


@REACTIONS.to(membership.InvitationSent)
def record_the_invitation(
    app: NotificationsApplication, e: membership.InvitationSent, delivery: Delivery
) -> Sequence[Aggregate]:
    """The invitation; its signed accept/decline links are made at send time, never stored."""
    activity = app.find(activity_mirror_id(e.activity_id), Activity)
    representative = app.find(recipient_id(e.representative_id), Recipient)
    if activity is None or representative is None:
        return []
    context = {
        "title": activity.title,
        "starts_at": activity.starts_at.isoformat(),
        "location": activity.location or "",
        "activity_id": str(e.activity_id),
        "representative_id": str(e.representative_id),
    }
    return app.record(
        "invitation",
        delivery.event.id,
        e.representative_id,
        representative.email,
        representative.full_name,
        context,
        delivery.event.time,
        expires_at=activity.starts_at,
    )


@REACTIONS.to(membership.ActivityRescheduled)
def announce_the_new_date(
    app: NotificationsApplication, e: membership.ActivityRescheduled, delivery: Delivery
) -> Sequence[Aggregate]:
    activity = app.find(activity_mirror_id(e.activity_id), Activity)
    if activity is None:
        return []
    activity.reschedule(e.starts_at, e.location)
    context = {
        "title": activity.title,
        "starts_at": e.starts_at.isoformat(),
        "location": e.location or "",
    }
    cause, now = delivery.event.id, delivery.event.time
    return [
        activity,
        *app.record_for_each("activity_rescheduled", cause, e.invitee_ids, context, now),
    ]


@REACTIONS.to(membership.ActivityCancelled)
def announce_the_cancellation(
    app: NotificationsApplication, e: membership.ActivityCancelled, delivery: Delivery
) -> Sequence[Aggregate]:
    activity = app.find(activity_mirror_id(e.activity_id), Activity)
    if activity is None:
        return []
    context = {"title": activity.title, "reason": e.reason or ""}
    cause, now = delivery.event.id, delivery.event.time
    return app.record_for_each("activity_cancelled", cause, e.invitee_ids, context, now)
