"""The membership service's read models, folded from Kafka: the roster and participation.

Both are plain folds of the events' data (no look-up in the event store), so a rebuild from
offset 0 gives the same rows as the live projection, whatever the order in which partitions
interleave. Each owns the queries of its tables.
"""

from services.membership.projections.participation import Participation
from services.membership.projections.roster import Roster

__all__ = ["Participation", "Roster"]
