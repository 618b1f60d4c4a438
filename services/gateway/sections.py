"""The sections a signed-in person moves between: the navigation under the header."""

from __future__ import annotations

from typing import Final

from services.gateway.i18n import N_

Section = tuple[str, str]
"""(path, title msgid)."""

MEMBER_SECTIONS: Final[tuple[Section, ...]] = (
    ("/my-body", N_("Your body")),
    ("/activities", N_("Activities and invitations")),
    ("/my-body/participation", N_("Participation")),
)
STAFF_SECTIONS: Final[tuple[Section, ...]] = (
    ("/unit", N_("Overview")),
    ("/unit/designations", N_("Designations to check")),
    ("/unit/waiting", N_("Awaiting a designation")),
    ("/unit/closures", N_("Office closures")),
    ("/unit/roster", N_("Roster")),
    ("/unit/participation", N_("Participation")),
    ("/unit/activities", N_("Activities")),
    ("/unit/deliveries", N_("Delivery log")),
)


def current_section(path: str, sections: tuple[Section, ...]) -> str | None:
    """The section a page belongs to: the longest section path the page's path starts with."""
    page = path.partition("?")[0]
    within = [href for href, _title in sections if page == href or page.startswith(href + "/")]
    return max(within, key=len, default=None)
