"""The observatory's read models, folded from Kafka: who is a member, and the practices' desk.

Each is a plain fold of the events' data, so a rebuild from offset 0 gives the same rows, and
each owns the queries of its tables.
"""

from services.observatory.projections.desk import Desk
from services.observatory.projections.members import Members

__all__ = ["Desk", "Members"]
