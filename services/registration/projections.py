"""The innovation unit's list of registrations, and what the overdue check reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from psycopg import Cursor
from psycopg.rows import DictRow

from contracts.topics import topic_of
from services.registration.domain import Registration
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection


class RegistrationIndex(Projection):
    """One row per registration: body, status, due days; rebuilt from the service's own topic.

    A row is written from the registration's current state in the event store, so the status
    rules live in the domain alone.
    """

    name = "registrations"
    topics: ClassVar = (topic_of("registration").name,)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS registrations ("
            " id uuid PRIMARY KEY, body_name text NOT NULL, tax_id text NOT NULL,"
            " level text NOT NULL, status text NOT NULL, designation_due date NOT NULL,"
            " next_due date, submitted_at timestamptz NOT NULL)"
        )
        curs.execute("CREATE INDEX IF NOT EXISTS registrations_status ON registrations (status)")
        curs.execute(
            "CREATE INDEX IF NOT EXISTS registrations_next_due ON registrations (next_due)"
            " WHERE next_due IS NOT NULL"
        )

    def apply_all(self, curs: Cursor[DictRow], deliveries: Sequence[Delivery]) -> None:
        """Each registration once a batch: its row is its current state, whatever the events."""
        newest = {d.event.aggregate_id: d for d in deliveries}
        for delivery in newest.values():
            self.apply(curs, delivery)

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        found: object = self.application.repository.get(delivery.event.aggregate_id)
        if not isinstance(found, Registration):
            return  # an erasure: this index keeps no personal data
        waiting = [r.designation_due for r in found.current() if r.state == "awaiting_designation"]
        curs.execute(
            "INSERT INTO registrations VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET body_name = EXCLUDED.body_name,"
            " status = EXCLUDED.status, next_due = EXCLUDED.next_due",
            (
                found.id,
                found.body.name,
                found.body.tax_id,
                found.body.level.value,
                found.status,
                found.designation_due,
                min(waiting) if waiting else None,
                found.submitted_at,
            ),
        )
