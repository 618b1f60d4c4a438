"""The directory knows representatives by a keyed hash of their email, never the address."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from contracts import membership as mem
from contracts import registration as reg
from services.gateway.directory import blind_index
from services.gateway.sessions import SESSION_COOKIE
from services.gateway.settings import DEVELOPMENT_BLIND_INDEX_KEY
from tests.gateway.conftest import Feed, SignInLinks, ask_for_link, sql, use_link

EMAIL = "maria.papadopoulou@dimos.example.gov.gr"
WHEN = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def directory_rows(client: TestClient) -> str:
    """Every row of every table of the directory projection's schema, as text."""
    tables = sql(
        client,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'directory_g1'",
    )
    assert tables, "the projection's schema has its tables"
    return "\n".join(
        str(row)
        for (table,) in tables
        for row in sql(client, f'SELECT * FROM directory_g1."{table}"')
    )


def test_the_blind_index_is_the_keyed_hash_of_the_normalised_address() -> None:
    expected = hmac.new(
        DEVELOPMENT_BLIND_INDEX_KEY.encode(), EMAIL.encode(), hashlib.sha256
    ).digest()
    assert blind_index(DEVELOPMENT_BLIND_INDEX_KEY, f" {EMAIL.upper()} ") == expected
    assert blind_index("another key", EMAIL) != expected


def test_a_representative_is_known_by_the_blind_index_and_no_plaintext_is_stored(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    Feed(gateway).register(EMAIL)
    rows = sql(gateway, "SELECT blind_index, role, state FROM directory_g1.representatives")
    assert rows == [(blind_index(DEVELOPMENT_BLIND_INDEX_KEY, EMAIL), "main", "nominated")]

    ask_for_link(gateway, EMAIL)  # a representative may sign in
    assert [link["email"] for link in sign_in_links.received] == [EMAIL]
    use_link(gateway, sign_in_links.token())
    assert gateway.get("/").text.count(EMAIL) == 1, "signed in: the header names them"

    assert EMAIL not in directory_rows(gateway)


def test_the_directory_tables_hold_no_email(gateway: TestClient) -> None:
    Feed(gateway).register(EMAIL)
    rows = directory_rows(gateway)
    assert "@" not in rows
    assert "papadopoulou" not in rows.lower()


def test_a_withdrawn_representatives_session_ends(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    feed = Feed(gateway)
    main = feed.register(EMAIL)
    ask_for_link(gateway, EMAIL)
    use_link(gateway, sign_in_links.token())
    assert sql(gateway, "SELECT count(*) FROM sessions") == [(1,)]

    feed.deliver(
        reg.RepresentativeWithdrawn(
            registration_id=feed.registration_id,
            representative_id=main,
            role=reg.Role.MAIN,
            withdrawn_at=WHEN,
        )
    )
    assert sql(gateway, "SELECT count(*) FROM sessions") == [(0,)]
    assert SESSION_COOKIE in gateway.cookies
    assert EMAIL not in gateway.get("/").text, "the cookie opens nothing any more"
    ask_for_link(gateway, EMAIL)
    assert len(sign_in_links.received) == 1, "no longer a representative: no new link"


def test_a_lapsed_registration_ends_its_representatives_sessions(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    feed = Feed(gateway)
    main = feed.register(EMAIL)
    ask_for_link(gateway, EMAIL)
    use_link(gateway, sign_in_links.token())
    feed.deliver(
        reg.RegistrationLapsed(
            registration_id=feed.registration_id, representative_ids=[main], lapsed_at=WHEN
        )
    )
    assert sql(gateway, "SELECT count(*) FROM sessions") == [(0,)]


def test_a_deactivated_member_is_no_longer_current(
    gateway: TestClient, sign_in_links: SignInLinks
) -> None:
    feed = Feed(gateway)
    main = feed.register(EMAIL)
    sealer = feed.running.stores.sealer
    feed.deliver(
        mem.MemberActivated(
            representative_id=main,
            registration_id=feed.registration_id,
            designation_id=feed.registration_id,
            body_id="094014201",
            body_name="Δήμος Παραδείγματος",
            level=reg.Level.LOCAL,
            role=reg.Role.MAIN,
            full_name=sealer.seal(main, "Μαρία Παπαδοπούλου"),
            email=sealer.seal(main, EMAIL),
            position_title="Προϊσταμένη",
            activated_at=WHEN,
        ),
        topic="innovnet.membership.v1",
    )
    assert sql(gateway, "SELECT state FROM directory_g1.representatives") == [("member",)]
    ask_for_link(gateway, EMAIL)
    use_link(gateway, sign_in_links.token())
    feed.deliver(
        mem.MemberDeactivated(
            representative_id=main,
            registration_id=feed.registration_id,
            body_id="094014201",
            role=reg.Role.MAIN,
            deactivated_at=WHEN,
        ),
        topic="innovnet.membership.v1",
    )
    assert sql(gateway, "SELECT count(*) FROM sessions") == [(0,)]
