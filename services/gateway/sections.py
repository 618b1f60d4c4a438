"""The sections a signed-in person moves between: the navigation under the header."""

from __future__ import annotations

from typing import Final, NamedTuple

from services.gateway.i18n import N_


class Section(NamedTuple):
    """A section of the navigation: its page, its title (a msgid), and whether only that page
    is in it (a home: its pages below belong to the other sections or to none)."""

    href: str
    title: str
    only_itself: bool = False


PUBLIC_SECTIONS: Final[tuple[Section, ...]] = (
    Section("/", N_("The network"), only_itself=True),
    Section("/observatory", N_("Observatory")),
)
"""What anyone reads without signing in (the navigation of those with no sections of their own)."""
MEMBER_SECTIONS: Final[tuple[Section, ...]] = (
    Section("/my-body", N_("Your body")),
    Section("/activities", N_("Activities and invitations")),
    Section("/my-body/participation", N_("Participation")),
    Section("/my-body/practices", N_("Practices")),
    Section("/observatory", N_("Observatory")),
)
STAFF_SECTIONS: Final[tuple[Section, ...]] = (
    Section("/unit", N_("Overview"), only_itself=True),
    Section("/unit/designations", N_("Designations to check")),
    Section("/unit/waiting", N_("Awaiting a designation")),
    Section("/unit/closures", N_("Office closures")),
    Section("/unit/roster", N_("Roster")),
    Section("/unit/participation", N_("Participation")),
    Section("/unit/activities", N_("Activities")),
    Section("/unit/practices", N_("Practices")),
    Section("/unit/newsletter", N_("Newsletter")),
    Section("/unit/deliveries", N_("Delivery log")),
    Section("/observatory", N_("Observatory")),
)


def current_section(path: str, sections: tuple[Section, ...]) -> str | None:
    """The section a page belongs to: the longest section path the page's path starts with."""
    page = path.partition("?")[0]
    within = [
        s.href
        for s in sections
        if page == s.href or (not s.only_itself and page.startswith(s.href + "/"))
    ]
    return max(within, key=len, default=None)
