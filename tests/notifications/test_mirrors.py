"""The mirrors first stored from `domain.py` are still read from the events stored then."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from eventsourcing.domain import Aggregate

from services.notifications.application import NotificationsApplication
from services.notifications.mirrors import Activity, Recipient, RegisteredBody
from services.notifications.policies import REACTIONS
from tests.notifications.test_reactions import FakeSealer

NOW = "services.notifications.mirrors:"
THEN = "services.notifications.domain:"


def stored_as_then(app: NotificationsApplication, aggregate: Aggregate) -> None:
    """Store the aggregate's events as the first module named them, topics and all."""
    events = [app.mapper.to_stored_event(e) for e in aggregate.collect_events()]
    app.recorder.insert_events(
        [
            replace(
                stored,
                topic=stored.topic.replace(NOW, THEN),
                state=stored.state.replace(NOW.encode(), THEN.encode()),
            )
            for stored in events
        ]
    )


def test_events_stored_under_the_domain_module_s_topics_are_read_as_the_mirrors() -> None:
    app = NotificationsApplication(sealer=FakeSealer(), reactions=REACTIONS)  # type: ignore[arg-type]
    sealer = FakeSealer()
    rid = uuid.uuid4()
    representative = Recipient(
        representative_id=rid,
        registration_id=uuid.uuid4(),
        role="main",
        full_name=sealer.seal(rid, "Μαρία Παπαδοπούλου"),
        email=sealer.seal(rid, "maria@example.gr"),
        designation_due=date(2026, 4, 15),
        reminder_id=None,
    )
    representative.withdraw()
    body = RegisteredBody(uuid.uuid4(), "Δήμος Παραδείγματος", date(2026, 4, 15))
    body.add_representative(rid)
    body.withdraw()
    activity = Activity(uuid.uuid4(), "Ημερίδα", datetime(2026, 5, 4, 9, tzinfo=UTC), None)
    activity.reschedule(datetime(2026, 5, 5, 9, tzinfo=UTC), "Αθήνα")
    for aggregate in (representative, body, activity):
        stored_as_then(app, aggregate)
    assert app.recorder.select_events(body.id)[0].topic == THEN + "RegisteredBody.Registered"

    assert app.find(representative.id, Recipient) == representative
    assert app.find(body.id, RegisteredBody) == body
    assert app.find(activity.id, Activity) == activity


def test_mirrors_stored_before_languages_and_nominees_were_kept_read_as_unknown() -> None:
    app = NotificationsApplication(sealer=FakeSealer(), reactions=REACTIONS)  # type: ignore[arg-type]
    sealer = FakeSealer()
    rid = uuid.uuid4()
    representative = Recipient(
        representative_id=rid,
        registration_id=uuid.uuid4(),
        role="main",
        full_name=sealer.seal(rid, "Μαρία Παπαδοπούλου"),
        email=sealer.seal(rid, "maria@example.gr"),
        designation_due=date(2026, 4, 15),
        reminder_id=None,
        language="en",
    )
    body = RegisteredBody(uuid.uuid4(), "Δήμος Παραδείγματος", date(2026, 4, 15), [rid])
    for aggregate, added in ((representative, "language"), (body, "nominee_ids")):
        events = [app.mapper.to_stored_event(e) for e in aggregate.collect_events()]
        state = json.loads(events[0].state)
        assert added in state
        del state[added]  # as the events stored before the field was added
        app.recorder.insert_events([replace(events[0], state=json.dumps(state).encode())])

    read = app.find(representative.id, Recipient)
    assert read is not None
    assert read.language is None
    old_body = app.find(body.id, RegisteredBody)
    assert old_body is not None
    assert old_body.nominee_ids is None
    assert not old_body.named_later(uuid.uuid4()), "an old body's nominations are no news"
