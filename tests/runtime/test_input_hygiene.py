"""The runtime's input hygiene on its own: clean text, bounded values, paging, the body limit."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Form, Query, Request, UploadFile
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, EmailStr, HttpUrl, ValidationError

from services.runtime.body_limit import JSON_LIMIT, UPLOAD_LIMIT, BodyLimitMiddleware
from services.runtime.paging import MAX_PAGE, MAX_PAGE_SIZE, Paging
from services.runtime.text import BIDI_CONTROLS, CleanText
from services.runtime.values import Consent, Day, Moment

Line = Annotated[str, CleanText(max_length=300)]
Paragraph = Annotated[str, CleanText(max_length=2000, multiline=True)]


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line
    note: Paragraph | None = None
    email: Annotated[EmailStr, CleanText(max_length=254)] | None = None
    website: Annotated[HttpUrl, CleanText(max_length=200)] | None = None
    short: Annotated[str, CleanText(min_length=3, max_length=5)] | None = None


def refused(**fields: Any) -> dict[tuple[str | int, ...], dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        Sample.model_validate({"name": "x", **fields})
    return {tuple(e["loc"]): dict(e) for e in raised.value.errors()}


SINGLE_LINE_REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t", "\r", "\u2028"]


@pytest.mark.parametrize("char", SINGLE_LINE_REFUSED + sorted(BIDI_CONTROLS))
@pytest.mark.parametrize("field", ["name", "email", "website"])
def test_control_and_bidi_characters_are_refused_naming_the_field(char: str, field: str) -> None:
    values = {"name": "Δήμος", "email": "a@example.gov.gr", "website": "https://example.gov.gr/a"}
    value = values[field][:3] + char + values[field][3:]
    error = refused(**{field: value})[(field,)]
    assert error["type"] == "text_character"
    assert f"U+{ord(char):04X}" in error["msg"]


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\u202e", "\u2066", "\u2028"])
def test_a_multiline_field_refuses_them_too(char: str) -> None:
    assert refused(note=f"first{char}second")[("note",)]["type"] == "text_character"


def test_a_multiline_field_keeps_newlines_and_tabs_and_unifies_line_endings() -> None:
    parsed = Sample.model_validate({"name": "x", "note": "  one\r\ntwo\rthree\n\tfour  "})
    assert parsed.note == "one\ntwo\nthree\n\tfour"


def test_text_is_nfc_normalised_and_trimmed() -> None:
    decomposed = "  Παπαδοπου\u0301λου  "
    parsed = Sample.model_validate({"name": decomposed})
    assert parsed.name == "Παπαδοπούλου"
    assert unicodedata.is_normalized("NFC", parsed.name)


def test_lone_surrogates_and_noncharacters_are_refused() -> None:
    assert refused(name="a\ud800b")[("name",)]["type"] == "text_character"
    assert refused(name="a\uffffb")[("name",)]["type"] == "text_character"


def test_length_is_bounded_after_trimming_and_normalising() -> None:
    assert refused(short="  ab  ")[("short",)]["type"] == "string_too_short"
    assert refused(short="abcdef")[("short",)]["type"] == "string_too_long"
    assert refused(name="x" * 301)[("name",)]["type"] == "string_too_long"
    assert refused(name="   ")[("name",)]["type"] == "string_too_short"
    # U+0958 has no composed form: NFC makes it two characters, and the bound sees two.
    assert refused(short="\u0958\u0958\u0958")[("short",)]["type"] == "string_too_long"


def test_a_non_string_is_refused_by_the_type_itself() -> None:
    assert refused(name=5)[("name",)]["type"] == "string_type"


def test_the_bounds_are_in_the_json_schema() -> None:
    schema = Sample.model_json_schema()["properties"]
    assert (schema["name"]["minLength"], schema["name"]["maxLength"]) == (1, 300)
    email = schema["email"]["anyOf"][0]
    assert (email["format"], email["maxLength"]) == ("email", 254)
    assert schema["website"]["anyOf"][0]["maxLength"] == 200


@given(st.text(max_size=50))
def test_whatever_is_accepted_is_clean(value: str) -> None:
    try:
        parsed = Sample.model_validate({"name": value}).name
    except ValidationError:
        return
    assert unicodedata.is_normalized("NFC", parsed)
    assert parsed == parsed.strip()
    assert 1 <= len(parsed) <= 300
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in parsed)
    assert not BIDI_CONTROLS & set(parsed)
    parsed.encode("utf-8")  # PostgreSQL and SMTP need valid UTF-8


class Values(BaseModel):
    day: Day | None = None
    moment: Moment | None = None
    consent: Consent | None = None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", "9999-12-30"),
        ("day", "1999-12-31"),
        ("day", "2101-01-01"),
        ("moment", "9999-12-31T23:00:00-05:00"),
        ("moment", "0001-01-01T00:00:00+05:00"),
        ("moment", "2030-01-01T10:00:00"),  # no time zone
        ("consent", "yes"),
        ("consent", "true"),
        ("consent", 1),
    ],
)
def test_out_of_range_dates_and_loose_booleans_are_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        Values.model_validate_json(json.dumps({field: value}))
    assert [e["loc"] for e in raised.value.errors()] == [(field,)]


def test_values_in_range_are_kept() -> None:
    parsed = Values.model_validate_json(
        '{"day": "2100-12-31", "moment": "2000-01-01T00:00:00+02:00", "consent": true}'
    )
    assert (str(parsed.day), parsed.consent) == ("2100-12-31", True)
    assert Values.model_json_schema()["properties"]["consent"]["anyOf"][0]["const"] is True


# Paging and the body limit, on a small app with the runtime's middleware.

app = FastAPI()
app.add_middleware(BodyLimitMiddleware)
handled: list[str] = []


@app.get("/items")
def items(paging: Paging, q: Annotated[Line | None, Query()] = None) -> dict[str, Any]:
    return {"limit": paging.limit, "offset": paging.offset, "page": paging.number, "q": q}


@app.post("/json")
async def take_json(request: Request) -> dict[str, int]:
    handled.append("json")
    return {"bytes": len(await request.body())}


@app.post("/upload")
async def take_upload(file: UploadFile, title: Annotated[Line, Form()]) -> dict[str, int]:
    handled.append("upload")
    return {"bytes": len(await file.read())}


@pytest.fixture
def client() -> Iterator[TestClient]:
    handled.clear()
    with TestClient(app) as test_client:
        yield test_client


def test_paging_gives_limit_and_offset(client: TestClient) -> None:
    assert client.get("/items").json() == {"limit": 50, "offset": 0, "page": 1, "q": None}
    answer = client.get("/items", params={"page": 3, "page_size": 20}).json()
    assert (answer["limit"], answer["offset"]) == (20, 40)
    deepest = client.get("/items", params={"page": MAX_PAGE, "page_size": MAX_PAGE_SIZE}).json()
    assert deepest["offset"] < 2**31


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", 0),
        ("page", MAX_PAGE + 1),
        ("page", 2**63),
        ("page", "x"),
        ("page_size", 0),
        ("page_size", MAX_PAGE_SIZE + 1),
    ],
)
def test_paging_out_of_bounds_is_a_422_naming_the_parameter(
    client: TestClient, name: str, value: Any
) -> None:
    answer = client.get("/items", params={name: value})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", name]


def test_a_query_parameter_of_clean_text_names_itself(client: TestClient) -> None:
    answer = client.get("/items", params={"q": "a\x00b"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "q"]


def test_a_body_at_the_limit_is_read(client: TestClient) -> None:
    answer = client.post("/json", content=b"x" * JSON_LIMIT)
    assert answer.json() == {"bytes": JSON_LIMIT}


def test_a_declared_length_past_the_limit_is_refused_before_the_route_runs(
    client: TestClient,
) -> None:
    answer = client.post("/json", content=b"x" * (JSON_LIMIT + 1))
    assert answer.status_code == 413
    (refusal,) = answer.json()["detail"]
    assert refusal["type"] == "body_too_large"
    assert "64 KiB" in refusal["msg"]
    assert handled == []


def test_a_streamed_body_is_counted_and_refused_once_past_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):  # 100 KiB in all, without a Content-Length
            yield b"x" * 1024

    answer = client.post("/json", content=chunks())
    assert answer.status_code == 413
    assert "detail" in answer.json()


def test_an_upload_may_be_ten_mib_but_not_more(client: TestClient) -> None:
    ten_mib = b"%" * (10 * 1024 * 1024)
    accepted = client.post("/upload", files={"file": ("d.pdf", ten_mib)}, data={"title": "T"})
    assert accepted.json() == {"bytes": len(ten_mib)}
    too_big = b"%" * (UPLOAD_LIMIT + 1)
    refused = client.post("/upload", files={"file": ("d.pdf", too_big)}, data={"title": "T"})
    assert refused.status_code == 413
    assert handled == ["upload"]


def test_any_body_that_is_not_multipart_has_the_small_limit(client: TestClient) -> None:
    answer = client.post(
        "/json", content=b"x" * (JSON_LIMIT + 1), headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 413
