"""What each consumed event causes: emails to record, and what later emails need to know.

A reaction only records; the delivery job sends. Each runs inside the transaction that stores
the Kafka position of its event, and uses the event's own time, so a replay from offset 0
records exactly the same emails, and a redelivery records none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from contracts import membership, registration
from contracts.events import ContractEvent
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
from services.notifications.templates import ATHENS

if TYPE_CHECKING:
    from services.notifications.application import NotificationsApplication

Reaction = Callable[["NotificationsApplication", Any, UUID, datetime], list[Aggregate]]


def on_registration_submitted(
    app: NotificationsApplication, e: registration.RegistrationSubmitted, cause: UUID, now: datetime
) -> list[Aggregate]:
    body_id = registered_body_id(e.registration_id)
    if app.find(body_id, RegisteredBody) is not None:
        return []
    return [
        RegisteredBody(
            registration_id=e.registration_id,
            body_name=e.body.name,
            designation_due=e.designation_due,
        )
    ]


def on_representative_nominated(
    app: NotificationsApplication,
    e: registration.RepresentativeNominated,
    cause: UUID,
    now: datetime,
) -> list[Aggregate]:
    """The acknowledgement now, and the reminder on the morning of the due day."""
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
    reminder = []
    if now < day_over:
        reminder = app.record(
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
    changed += reminder
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


def on_designation_received(
    app: NotificationsApplication, e: registration.DesignationReceived, cause: UUID, now: datetime
) -> list[Aggregate]:
    return app.cancel_reminders(e.representative_ids, "a designation arrived", now)


def on_designation_decided(
    app: NotificationsApplication,
    e: registration.DesignationVerified | registration.DesignationRejected,
    cause: UUID,
    now: datetime,
) -> list[Aggregate]:
    rejected = isinstance(e, registration.DesignationRejected)
    context = {
        "body_name": app.body_name(e.registration_id),
        "upload_url": app.upload_url(e.registration_id),
    }
    if isinstance(e, registration.DesignationRejected):
        context["reason"] = e.reason
    return app.record_for_each(
        "rejected" if rejected else "verified", cause, e.representative_ids, context, now
    )


def on_designation_overdue(
    app: NotificationsApplication, e: registration.DesignationOverdue, cause: UUID, now: datetime
) -> list[Aggregate]:
    """The overdue notice to the representatives and to the innovation unit."""
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


def on_representative_withdrawn(
    app: NotificationsApplication,
    e: registration.RepresentativeWithdrawn,
    cause: UUID,
    now: datetime,
) -> list[Aggregate]:
    changed = app.cancel_reminders([e.representative_id], "the representative withdrew", now)
    representative = app.find(recipient_id(e.representative_id), Recipient)
    if representative is not None and not representative.withdrawn:
        representative.withdraw()
        changed.append(representative)
    return changed


def on_registration_withdrawn(
    app: NotificationsApplication, e: registration.RegistrationWithdrawn, cause: UUID, now: datetime
) -> list[Aggregate]:
    body = app.find(registered_body_id(e.registration_id), RegisteredBody)
    if body is None or body.withdrawn:
        return []
    body.withdraw()
    reason = "the registration was withdrawn"
    return [body, *app.cancel_reminders(body.representative_ids, reason, now)]


def on_member_activated(
    app: NotificationsApplication, e: membership.MemberActivated, cause: UUID, now: datetime
) -> list[Aggregate]:
    context = {"body_name": e.body_name}
    return app.record("welcome", cause, e.representative_id, e.email, e.full_name, context, now)


def on_activity_scheduled(
    app: NotificationsApplication, e: membership.ActivityScheduled, cause: UUID, now: datetime
) -> list[Aggregate]:
    activity = app.find(activity_mirror_id(e.activity_id), Activity)
    if activity is not None:
        return []
    return [
        Activity(
            activity_id=e.activity_id,
            title=e.title,
            starts_at=e.starts_at,
            location=e.location,
        )
    ]


def on_invitation_sent(
    app: NotificationsApplication, e: membership.InvitationSent, cause: UUID, now: datetime
) -> list[Aggregate]:
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
        cause,
        e.representative_id,
        representative.email,
        representative.full_name,
        context,
        now,
        expires_at=activity.starts_at,
    )


def on_activity_changed(
    app: NotificationsApplication,
    e: membership.ActivityRescheduled | membership.ActivityCancelled,
    cause: UUID,
    now: datetime,
) -> list[Aggregate]:
    activity = app.find(activity_mirror_id(e.activity_id), Activity)
    if activity is None:
        return []
    changed: list[Aggregate] = []
    if isinstance(e, membership.ActivityRescheduled):
        activity.reschedule(e.starts_at, e.location)
        changed.append(activity)
        template = "activity_rescheduled"
        context = {"title": activity.title, "starts_at": e.starts_at.isoformat()}
        context["location"] = e.location or ""
    else:
        template = "activity_cancelled"
        context = {"title": activity.title, "reason": e.reason or ""}
    changed += app.record_for_each(template, cause, e.invitee_ids, context, now)
    return changed


REACTIONS: dict[type[ContractEvent], Reaction] = {
    registration.RegistrationSubmitted: on_registration_submitted,
    registration.RepresentativeNominated: on_representative_nominated,
    registration.DesignationReceived: on_designation_received,
    registration.DesignationVerified: on_designation_decided,
    registration.DesignationRejected: on_designation_decided,
    registration.DesignationOverdue: on_designation_overdue,
    registration.RepresentativeWithdrawn: on_representative_withdrawn,
    registration.RegistrationWithdrawn: on_registration_withdrawn,
    membership.MemberActivated: on_member_activated,
    membership.ActivityScheduled: on_activity_scheduled,
    membership.InvitationSent: on_invitation_sent,
    membership.ActivityRescheduled: on_activity_changed,
    membership.ActivityCancelled: on_activity_changed,
}
"""The reaction to each contract event; other events cause nothing (tolerant reader)."""
