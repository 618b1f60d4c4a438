"""The navigation marks the section a page belongs to: the longest that holds it, a home only
on itself."""

from __future__ import annotations

import pytest

from services.gateway.sections import MEMBER_SECTIONS, STAFF_SECTIONS, current_section


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/unit", "/unit"),
        ("/unit/registrations/0b7e/verify", None),  # reached from several lists: none of them
        ("/unit/roster/094014201?page=2", "/unit/roster"),
        ("/unit/activities/new/check", "/unit/activities"),
        ("/unit/rosterx", None),
    ],
)
def test_a_unit_page_is_in_the_section_whose_path_holds_it(path: str, section: str) -> None:
    assert current_section(path, STAFF_SECTIONS) == section


def test_a_body_page_below_its_own_is_in_it_and_participation_in_its_own() -> None:
    assert current_section("/my-body/designation", MEMBER_SECTIONS) == "/my-body"
    assert current_section("/my-body/participation", MEMBER_SECTIONS) == "/my-body/participation"
    assert current_section("/activities/1/answered", MEMBER_SECTIONS) == "/activities"
