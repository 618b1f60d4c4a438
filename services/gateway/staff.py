"""The innovation unit's staff: who they are (`GATEWAY_STAFF_EMAILS`) and the id they decide as.

An entry is an address or `Name <address>`. The services record a decision with the subject id
of the token that made it: for staff a keyed hash of their address (`staff-…`), never the
address itself, because events are read by other ministries. The name is shown to the unit
only, from these settings.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from email.utils import getaddresses
from typing import Final

from services.gateway.i18n import N_, translate

SUBJECT_PREFIX: Final = "staff-"
SUBJECT_HEX_CHARS: Final = 20
FORMER_STAFF: Final = N_("a former member of staff")


@dataclass(frozen=True)
class StaffMember:
    """One member of the innovation unit as configured."""

    email: str
    name: str
    subject: str

    @property
    def shown(self) -> str:
        """Their name, or their address when the settings give none."""
        return self.name or self.email


def normalised(email: str) -> str:
    """An address as sign-in normalises a typed one."""
    return email.strip().lower()


def staff_subject(key: str, email: str) -> str:
    """The subject id a member of staff decides as: stable while the key is."""
    digest = hmac.new(key.encode(), f"staff:{normalised(email)}".encode(), hashlib.sha256)
    return SUBJECT_PREFIX + digest.hexdigest()[:SUBJECT_HEX_CHARS]


def parse_staff(entries: str, key: str) -> tuple[StaffMember, ...]:
    """The configured staff, in order, each address once."""
    members: dict[str, StaffMember] = {}
    for name, address in getaddresses([entries]):
        email = normalised(address)
        if "@" in email and email not in members:
            members[email] = StaffMember(email, name.strip(), staff_subject(key, email))
    return tuple(members.values())


def decider_name(staff: tuple[StaffMember, ...], subject: str | None, language: str) -> str:
    """Who a decision's `decided_by` is, for the unit's pages ("" when nobody was recorded)."""
    if not subject:
        return ""
    for member in staff:
        if member.subject == subject:
            return member.shown
    return translate("en" if language == "en" else "el", FORMER_STAFF)
