"""How values that eventsourcing's JSON transcoder does not know are stored in domain events."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from contracts.personal import Sealed


class SealedAsDict(Transcoding):
    """A sealed personal-data value, stored sealed: the event store never holds it in clear."""

    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> dict[str, Any]:
        return obj.model_dump(mode="json")

    def decode(self, data: dict[str, Any]) -> Sealed:
        return Sealed.model_validate(data)


class DateAsISO(Transcoding):
    """A calendar date (a due day, a closure), as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_innovnet_transcodings(transcoder: JSONTranscoder) -> None:
    """Add the project's transcodings to an application's transcoder."""
    transcoder.register(SealedAsDict())
    transcoder.register(DateAsISO())
