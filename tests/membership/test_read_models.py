"""The read models' pure parts: the roster's search text and participation per level."""

from __future__ import annotations

from contracts.registration import Level
from services.membership.projections import Participation
from services.membership.projections.participation import BodyCounts, LevelCounts
from services.membership.projections.roster import folded, like_pattern


def test_search_text_matches_literally_not_as_a_pattern() -> None:
    assert like_pattern("50%_off\\") == "50\\%\\_off\\\\"
    assert like_pattern("") is None
    assert like_pattern(None) is None


def test_search_text_and_names_are_compared_without_case_or_accents() -> None:
    name = folded("Δήμος Αθηναίων")
    for typed in ("δημος", "ΔΗΜΟΣ", "Δήμος", "δήμοσ", "αθηναιων"):
        assert folded(typed) in name, typed
    assert folded("Ελλάς ΆΈΉΊΌΎΏ ϊΰ") == "ελλασ αεηιουω ιυ"
    assert folded("Société Générale, Zürich, ÅÇØ") == "societe generale, zurich, acø"
    assert like_pattern("GÉNÉ%") == "gene\\%"


def test_participation_per_level_sums_its_bodies_in_the_order_of_the_levels() -> None:
    bodies = [
        BodyCounts(3, 2, 1, 1, body_id="100000001", body_name="A", level=Level.REGIONAL),
        BodyCounts(1, 1, 1, 0, body_id="100000002", body_name="B", level=Level.CENTRAL),
        BodyCounts(2, 1, 0, 0, body_id="100000003", body_name="C", level=Level.REGIONAL),
    ]
    assert Participation.by_level(bodies) == sorted(
        [
            LevelCounts(1, 1, 1, 0, level=Level.CENTRAL),
            LevelCounts(5, 3, 1, 1, level=Level.REGIONAL),
        ],
        key=lambda counts: counts.level,
    )
    assert Participation.by_level([]) == []
