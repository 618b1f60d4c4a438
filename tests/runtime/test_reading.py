"""A projection's reads: what each statement of a read sees of what is committed meanwhile."""

from __future__ import annotations

import psycopg
from psycopg import Cursor
from psycopg.rows import DictRow

from services.runtime.paging import Page
from tests.runtime.conftest import TallyStack


def counted(curs: Cursor[DictRow]) -> int:
    row = curs.execute("SELECT count(*) AS n FROM totals").fetchone()
    assert row is not None
    return int(row["n"])


def commit_a_total(database_url: str) -> None:
    """What a batch applied by the projection's consumer meanwhile looks like to a reader."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tally_totals_g1.totals (tally_id, total) VALUES (gen_random_uuid(), 1)"
        )


def test_a_read_of_one_snapshot_does_not_see_a_commit_made_between_its_statements(
    tally_stack: TallyStack,
) -> None:
    with tally_stack.in_process() as running:
        totals = running.projections["tally_totals"]
        with totals.reading() as curs:
            before = counted(curs)
            commit_a_total(tally_stack.database_url)
            # Each statement on its own: the second sees the commit.
            assert counted(curs) == before + 1
        with totals.reading(one_snapshot=True) as curs:
            seen = counted(curs)
            commit_a_total(tally_stack.database_url)
            assert counted(curs) == seen == before + 1
        with totals.reading() as curs:
            assert counted(curs) == before + 2


def test_a_page_and_its_count_are_of_the_same_rows(tally_stack: TallyStack) -> None:
    with tally_stack.in_process() as running:
        totals = running.projections["tally_totals"]
        for _ in range(3):
            commit_a_total(tally_stack.database_url)
        listed = totals.page_of(
            "SELECT count(*) AS n FROM totals",
            "SELECT tally_id FROM totals ORDER BY tally_id LIMIT %(limit)s OFFSET %(offset)s",
            {},
            Page(number=1, size=50),
        )
        assert listed.total == len(listed.rows) == 3
