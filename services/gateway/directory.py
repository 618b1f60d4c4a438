"""Who the representatives are, known by a keyed hash of their email (a blind index).

A projection of `innovnet.registration.v1` and `innovnet.membership.v1`. An email arrives
sealed; it is unsealed only to compute its HMAC-SHA256 with `GATEWAY_BLIND_INDEX_KEY`, and the
plaintext is never stored. Sign-in asks "is this address a current representative?" by the
HMAC of what was typed. A representative who is withdrawn, replaced or deactivated, or whose
registration is withdrawn or lapses, is no longer current, and their sessions end here, in the
transaction that applies the event.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Final, cast
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import DictRow

from contracts import membership, registration
from contracts.personal import Sealed
from contracts.topics import topic_of
from services.gateway.application import GatewayApplication
from services.runtime.deliveries import Delivery
from services.runtime.projection import Projection

CURRENT_STATES: Final = ("nominated", "member")
OPEN_STATES: Final = ("open",)


def normalised_email(email: str) -> str:
    """The form of an address that its blind index is computed from: NFC, trimmed, lower case."""
    return unicodedata.normalize("NFC", email).strip().lower()


def blind_index(key: str, email: str) -> bytes:
    """The HMAC-SHA256 of the normalised address with the deployment's blind-index key."""
    return hmac.new(key.encode(), normalised_email(email).encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class Representative:
    """A current representative, as the directory knows them."""

    representative_id: UUID
    registration_id: UUID
    body_id: str
    role: str
    state: str


class Directory(Projection):
    """Blind index → registration, body, role, representative and state."""

    name = "directory"
    topics: ClassVar = (topic_of("registration").name, topic_of("membership").name)

    def create_tables(self, curs: Cursor[DictRow]) -> None:
        curs.execute(
            "CREATE TABLE IF NOT EXISTS registrations ("
            " registration_id uuid PRIMARY KEY, body_id text NOT NULL, state text NOT NULL)"
        )
        curs.execute(
            "CREATE TABLE IF NOT EXISTS representatives ("
            " representative_id uuid PRIMARY KEY, registration_id uuid NOT NULL,"
            " blind_index bytea NULL, role text NOT NULL, state text NOT NULL)"
        )
        curs.execute(
            "CREATE INDEX IF NOT EXISTS representatives_blind_index"
            " ON representatives (blind_index)"
        )

    def apply(self, curs: Cursor[DictRow], delivery: Delivery) -> None:
        match delivery.model:
            case registration.RegistrationSubmitted() as e:
                curs.execute(
                    "INSERT INTO registrations VALUES (%s, %s, 'open')"
                    " ON CONFLICT (registration_id) DO NOTHING",
                    (e.registration_id, e.body.tax_id),
                )
            case registration.RepresentativeNominated() as e:
                curs.execute(
                    "INSERT INTO representatives VALUES (%s, %s, %s, %s, 'nominated')"
                    " ON CONFLICT (representative_id) DO NOTHING",
                    (e.representative_id, e.registration_id, self._index(e.email), e.role.value),
                )
            case membership.MemberActivated() as e:
                curs.execute(
                    "INSERT INTO representatives VALUES (%s, %s, %s, %s, 'member')"
                    " ON CONFLICT (representative_id) DO UPDATE SET state = 'member'"
                    " WHERE representatives.state = 'nominated'",
                    (e.representative_id, e.registration_id, self._index(e.email), e.role.value),
                )
            case registration.RepresentativeWithdrawn() as e:
                self._end_representative(curs, e.representative_id, "withdrawn")
            case membership.MemberDeactivated() as e:
                self._end_representative(curs, e.representative_id, "deactivated")
            case registration.RegistrationWithdrawn() as e:
                self._end_registration(curs, e.registration_id, "withdrawn")
            case registration.RegistrationLapsed() as e:
                self._end_registration(curs, e.registration_id, "lapsed")
            case registration.PersonalDataErased() as e:
                self._end_sessions(curs, "representative_id = %s", e.subject_id)
                curs.execute(
                    "UPDATE representatives SET blind_index = NULL WHERE representative_id = %s",
                    (e.subject_id,),
                )

    def _index(self, sealed: Sealed) -> bytes | None:
        email = self.sealer.unseal(sealed)
        if email is None:
            return None  # erased: nobody can sign in as them
        key = cast(GatewayApplication, self.application).gateway.blind_index_key
        return blind_index(key, email)

    def _end_representative(
        self, curs: Cursor[DictRow], representative_id: UUID, state: str
    ) -> None:
        curs.execute(
            "UPDATE representatives SET state = %s WHERE representative_id = %s",
            (state, representative_id),
        )
        self._end_sessions(curs, "representative_id = %s", representative_id)

    def _end_registration(self, curs: Cursor[DictRow], registration_id: UUID, state: str) -> None:
        curs.execute(
            "UPDATE registrations SET state = %s WHERE registration_id = %s",
            (state, registration_id),
        )
        self._end_sessions(curs, "registration_id = %s", registration_id)

    @staticmethod
    def _end_sessions(curs: Cursor[DictRow], which: str, value: UUID) -> None:
        """Delete the sessions of the representatives `which` picks (the gateway's own table)."""
        curs.execute(
            "DELETE FROM public.sessions WHERE blind_index IN"  # noqa: S608 (`which` is ours)
            f" (SELECT blind_index FROM representatives WHERE {which}"
            " AND blind_index IS NOT NULL)",
            (value,),
        )

    # Queries.

    def current(self, index: bytes) -> Representative | None:
        """The current representative with that blind index (the latest one, if several)."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT r.representative_id, r.registration_id, g.body_id, r.role, r.state"
                " FROM representatives r JOIN registrations g USING (registration_id)"
                " WHERE r.blind_index = %s AND r.state = ANY(%s) AND g.state = ANY(%s)"
                " ORDER BY (r.state = 'member') DESC, r.role LIMIT 1",
                (index, list(CURRENT_STATES), list(OPEN_STATES)),
            ).fetchone()
        if row is None:
            return None
        return Representative(
            row["representative_id"],
            row["registration_id"],
            row["body_id"],
            row["role"],
            row["state"],
        )

    def current_by_id(self, representative_id: UUID) -> Representative | None:
        """The representative of that id while they are current (an invitation link's check)."""
        with self.reading() as curs:
            row = curs.execute(
                "SELECT r.representative_id, r.registration_id, g.body_id, r.role, r.state"
                " FROM representatives r JOIN registrations g USING (registration_id)"
                " WHERE r.representative_id = %s AND r.state = ANY(%s) AND g.state = ANY(%s)",
                (representative_id, list(CURRENT_STATES), list(OPEN_STATES)),
            ).fetchone()
        if row is None:
            return None
        return Representative(
            row["representative_id"],
            row["registration_id"],
            row["body_id"],
            row["role"],
            row["state"],
        )
