"""The observatory refuses hostile input with a 4xx and a listed code, never a 500.

Numbers are strict (a year is 2020, never "2020"); text with NUL or bidirectional controls,
a body past the limit, the wrong content type, unknown or malformed ids and another body's
member are each refused by a stable code of contracts/errors.py. One observatory process for
the module, its members fed from membership's topic as in test_api.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracts.errors import ErrorCode
from contracts.observatory import PracticeTexts, text_max_length
from services.observatory.service import PRACTICE_JSON_LIMIT
from tests.observatory.test_api import ADMIN, BODY, OTHER, complete, draft, started
from tests.support.observatory import Stack, activate, member, observatory_api

LISTED = frozenset(code.value for code in ErrorCode)
UNKNOWN_SHA256 = "ab" * 32


@pytest.fixture(scope="module")
def observatory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with observatory_api(tmp_path_factory.mktemp("observatory-refusals")) as running:
        yield running


@pytest.fixture(scope="module")
def ours(observatory: Stack) -> dict[str, str]:
    """A member of BODY, known to the observatory."""
    return member(BODY, activate(observatory, BODY))


@pytest.fixture(scope="module")
def stranger(observatory: Stack) -> uuid.UUID:
    """A representative of OTHER, known to the observatory."""
    return activate(observatory, OTHER)


def refused(response: httpx.Response, status: int, code: str) -> list[dict[str, Any]]:
    """The refusal's detail, once it is `status` with `code` and only listed codes."""
    assert response.status_code == status, response.text
    detail: list[dict[str, Any]] = response.json()["detail"]
    assert {item["type"] for item in detail} <= LISTED, detail
    assert code in {item["type"] for item in detail}, detail
    return detail


def locs(detail: list[dict[str, Any]], code: str) -> list[list[Any]]:
    return [item["loc"] for item in detail if item["type"] == code]


def test_numbers_are_strict(observatory: Stack, ours: dict[str, str]) -> None:
    client = observatory.client
    year_as_text = client.post("/practices", json=draft(year_launched="2020"), headers=ours)
    assert locs(refused(year_as_text, 422, "int_type"), "int_type") == [["body", "year_launched"]]
    year_as_float = client.post("/practices", json=draft(year_launched=2020.0), headers=ours)
    refused(year_as_float, 422, "int_type")
    year_as_bool = client.post("/practices", json=draft(year_launched=True), headers=ours)
    refused(year_as_bool, 422, "int_type")

    created = started(observatory, ours)
    url = f"/practices/{created['practice_id']}"
    version_as_text = client.put(url, json={**complete(), "version": "1"}, headers=ours)
    assert locs(refused(version_as_text, 422, "int_type"), "int_type") == [["body", "version"]]
    edited = client.put(url, json={**complete(), "version": 1}, headers=ours)
    assert edited.status_code == 200, edited.text
    assert client.get(url, headers=ours).json()["draft"]["year_launched"] == 2024


@pytest.mark.parametrize(
    ("hostile", "why"),
    [("Γκισέ\x00", "control"), ("\u202eέσικγ", "bidirectional"), ("α\u2066β", "bidirectional")],
)
def test_hostile_characters_are_refused_naming_the_field(
    observatory: Stack, ours: dict[str, str], hostile: str, why: str
) -> None:
    client = observatory.client
    title = client.post("/practices", json=draft(texts={"el": {"title": hostile}}), headers=ours)
    detail = refused(title, 422, "text_character")
    assert locs(detail, "text_character") == [["body", "texts", "el", "title"]]
    assert why in detail[0]["msg"]
    tag = client.post("/practices", json=draft(tags=["καλό", hostile]), headers=ours)
    assert locs(refused(tag, 422, "text_character"), "text_character") == [["body", "tags", 1]]

    practice_id = started(observatory, ours)["practice_id"]
    reason = client.post(
        f"/practices/{practice_id}/withdraw", json={"reason": hostile}, headers=ours
    )
    refused(reason, 422, "text_character")
    comment = client.post(
        f"/practices/{practice_id}/reject", json={"comment": hostile}, headers=ADMIN
    )
    refused(comment, 422, "text_character")
    search = client.get("/catalogue", params={"q": hostile})
    assert locs(refused(search, 422, "text_character"), "text_character") == [["query", "q"]]
    # A tag went to PostgreSQL as it came: a NUL in it was a 500.
    for path in ("/catalogue", "/catalogue/export.csv", "/catalogue/export.opsi.json"):
        tagged = client.get(path, params={"tag": hostile})
        assert locs(refused(tagged, 422, "text_character"), "text_character") == [["query", "tag"]]


def test_a_body_past_the_limit_and_the_wrong_content_type(
    observatory: Stack, ours: dict[str, str]
) -> None:
    client = observatory.client
    huge = draft(texts={"el": {"title": "Γκισέ", "overview": "α" * (10 * 1024 * 1024)}})
    too_big = client.post("/practices", json=huge, headers=ours)
    assert refused(too_big, 413, "body_too_large")[0]["ctx"] == {"max_bytes": PRACTICE_JSON_LIMIT}

    as_text = client.post(
        "/practices",
        content=b'{"languages": ["el"]}',
        headers={**ours, "Content-Type": "text/plain"},
    )
    assert 400 <= as_text.status_code < 500, as_text.text
    assert {item["type"] for item in as_text.json()["detail"]} <= LISTED
    as_form = client.post("/practices", data={"languages": "el"}, headers=ours)
    assert 400 <= as_form.status_code < 500, as_form.text
    assert {item["type"] for item in as_form.json()["detail"]} <= LISTED
    texts_not_an_object = client.post("/practices", json=draft(texts=["el"]), headers=ours)
    assert locs(refused(texts_not_an_object, 422, "dict_type"), "dict_type") == [["body", "texts"]]
    not_json = client.post(
        "/practices", content=b"{\x00", headers={**ours, "Content-Type": "application/json"}
    )
    refused(not_json, 422, "json_invalid")

    practice_id = started(observatory, ours)["practice_id"]
    attachments = f"/practices/{practice_id}/attachments"
    no_file = client.post(attachments, json={"file": "x"}, headers=ours)
    refused(no_file, 422, "missing")
    not_an_image = client.post(
        attachments, files={"file": ("a.png", b"<script>1</script>", "image/png")}, headers=ours
    )
    assert not_an_image.status_code in (415, 422), not_an_image.text
    assert {item["type"] for item in not_an_image.json()["detail"]} <= LISTED


def test_unknown_and_malformed_ids(observatory: Stack, ours: dict[str, str]) -> None:
    client = observatory.client
    unknown = f"/practices/{uuid.uuid4()}"
    refused(client.get(unknown, headers=ours), 404, "practice_not_found")
    refused(client.get(unknown, headers=ADMIN), 404, "practice_not_found")
    edit = client.put(unknown, json={**complete(), "version": 1}, headers=ours)
    refused(edit, 404, "practice_not_found")
    refused(
        client.post(f"{unknown}/submit", json={"version": 1}, headers=ours),
        404,
        "practice_not_found",
    )
    decided = client.post(f"{unknown}/publish", json={"comment": "Ναι"}, headers=ADMIN)
    refused(decided, 404, "practice_not_found")
    refused(
        client.get(f"{unknown}/attachments/{UNKNOWN_SHA256}", headers=ADMIN),
        404,
        "practice_not_found",
    )
    refused(client.get(f"/catalogue/{uuid.uuid4()}"), 404, "practice_not_found")
    refused(client.get(f"/catalogue/attachments/{UNKNOWN_SHA256}"), 404, "attachment_not_found")

    refused(client.get("/practices/not-an-id", headers=ours), 422, "uuid_parsing")
    refused(client.get("/catalogue/attachments/not-a-sha"), 422, "string_pattern_mismatch")
    practice_id = started(observatory, ours)["practice_id"]
    mine = f"/practices/{practice_id}/attachments/{UNKNOWN_SHA256}"
    refused(client.get(mine, headers=ours), 404, "attachment_not_found")
    refused(client.delete(mine, headers=ours), 404, "attachment_not_found")


def test_another_bodys_member_is_refused(
    observatory: Stack, ours: dict[str, str], stranger: uuid.UUID
) -> None:
    client = observatory.client
    theirs = member(OTHER, stranger)
    created = started(observatory, ours)
    url = f"/practices/{created['practice_id']}"
    started(observatory, theirs)  # their activation has reached the observatory

    refused(client.get(url, headers=theirs), 404, "practice_not_found")
    edit = client.put(url, json={**complete(), "version": 1}, headers=theirs)
    refused(edit, 403, "not_the_bodys")
    refused(client.post(f"{url}/submit", json={"version": 1}, headers=theirs), 403, "not_the_bodys")
    refused(
        client.post(f"{url}/withdraw", json={"reason": "Όχι"}, headers=theirs), 403, "not_the_bodys"
    )
    upload = client.post(
        f"{url}/attachments", files={"file": ("a.png", b"x", "image/png")}, headers=theirs
    )
    refused(upload, 403, "not_the_bodys")
    attachment = f"{url}/attachments/{UNKNOWN_SHA256}"
    refused(client.get(attachment, headers=theirs), 404, "practice_not_found")
    refused(client.delete(attachment, headers=theirs), 403, "not_the_bodys")
    listed = client.get("/practices", params={"body_id": BODY.tax_id}, headers=theirs)
    assert listed.status_code == 200, listed.text
    assert created["practice_id"] not in {item["practice_id"] for item in listed.json()["items"]}
    # A token naming our body for a representative of theirs is no member of ours.
    forged = member(BODY, stranger)
    refused(client.get(url, headers=forged), 404, "practice_not_found")
    refused(
        client.put(url, json={**complete(), "version": 1}, headers=forged), 403, "not_active_member"
    )
    refused(client.post("/practices", json=draft(), headers=forged), 403, "not_active_member")
    assert client.get(url, headers=ours).json()["version"] == created["version"]


def test_a_practice_filled_to_opsis_limits_in_both_languages_is_taken(
    observatory: Stack, ours: dict[str, str]
) -> None:
    # Greek letters, which httpx's json= sends as \uXXXX escapes (six bytes each).
    full = {name: "ά" * text_max_length(name) for name in PracticeTexts.model_fields}
    body = {
        **complete(),
        "languages": ["el", "en"],
        "texts": {"el": full, "en": full},
        "tags": [f"ετικέτα {n:02}" + "λ" * 28 for n in range(20)],
        "websites": [f"https://example.gov.gr/{'p' * 1900}/{n}" for n in range(10)],
    }
    # As httpx's json= sends it, and with every non-ASCII letter escaped (json.dumps' default,
    # what older httpx sends): 272 KB, past the runtime's 64 KiB, within the observatory's.
    escaped = json.dumps(body).encode()
    assert 256 * 1024 < len(escaped) < PRACTICE_JSON_LIMIT
    for sent in (
        {"json": body},
        {"content": escaped, "headers": {**ours, "Content-Type": "application/json"}},
    ):
        created = observatory.client.post("/practices", **{"headers": ours, **sent})
        assert created.status_code == 201, created.text
    view = observatory.client.get(f"/practices/{created.json()['practice_id']}", headers=ours)
    assert view.json()["draft"]["texts"]["en"]["overview"] == "ά" * 5000


def test_tags_and_websites_name_no_person(observatory: Stack, ours: dict[str, str]) -> None:
    client = observatory.client
    tag = client.post("/practices", json=draft(tags=["καλό", "jane@example.gov.gr"]), headers=ours)
    assert locs(refused(tag, 422, "email_in_text"), "email_in_text") == [["body", "tags", 1]]
    websites = [
        "https://example.gov.gr/ok",
        "https://jane.doe@example.gov.gr/",
        "https://example.gov.gr/?contact=jane@example.gov.gr",
        "https://user:secret@example.gov.gr/",
        "https://example.gov.gr/contact/jane%40example.gov.gr",
    ]
    site = client.post("/practices", json=draft(websites=websites), headers=ours)
    assert locs(refused(site, 422, "email_in_text"), "email_in_text") == [
        ["body", "websites", n] for n in (1, 2, 3, 4)
    ]
    fine = client.post(
        "/practices", json=draft(tags=["open data"], websites=websites[:1]), headers=ours
    )
    assert fine.status_code == 201, fine.text
