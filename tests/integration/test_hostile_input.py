"""Hostile input on the real stack: every text field of every service, oversized bodies, bounds.

Registration, membership and notifications run as processes on one topic prefix. Each text
field is found in the service's own OpenAPI schema (request bodies, multipart forms, query
parameters), so a field added later is covered or the test says it has no sample. After each
kind of bad input, a clean registration must still reach the admin list (through the
projection) and, once its designation is verified, the membership roster: bad input is
refused at the door and never gets into the event store to block a consumer.
"""

from __future__ import annotations

import copy
import io
import re
import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pikepdf
import pytest

from services.runtime.body_limit import MIB
from tests.registration.conftest import ADMIN, TAX_IDS, form, token
from tests.support.polling import eventually
from tests.support.processes import RunningService, free_port
from tests.support.stacks import service_stack
from tests.support.tokens import applicant_for

BAD_CHARACTERS = {"NUL": "\x00", "control (ESC)": "\x1b", "bidi override (RLO)": "\u202e"}
NOT_TEXT_FORMATS = {"uuid", "date", "date-time", "binary"}
SOME_ID = "00000000-0000-4000-8000-000000000001"
JUSTIFIED = {"seniority_justification": "Συντονίστρια του Κέντρου Καινοτομίας"}
REPRESENTATIVE = {**form()["main"], **JUSTIFIED}
FULL_FORM = form(TAX_IDS[5], with_alternate=True)
FULL_FORM["main"].update(JUSTIFIED)
FULL_FORM["alternate"].update(JUSTIFIED)
ACTIVITY = {
    "kind": "govlab_workshop",
    "title": "Εργαστήριο GOV.LAB",
    "starts_at": "2030-03-02T10:00:00+02:00",
    "ends_at": "2030-03-02T13:00:00+02:00",
    "location": "Αθήνα, Βασιλίσσης Σοφίας 15",
    "online_url": "https://meet.example.gov.gr/govlab",
    "capacity": 30,
    "languages": ["el", "en"],
}
SIGNED_BY = {"signed_by_name": "Νίκος Αθανασίου", "signed_by_title": "Γενικός Γραμματέας"}

VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/registrations"): FULL_FORM,
    ("post", "/registrations/{registration_id}/designation"): SIGNED_BY,
    ("post", "/registrations/{registration_id}/designation/reject"): {
        "reason": "Λείπει η υπογραφή"
    },
    ("post", "/registrations/{registration_id}/alternate"): REPRESENTATIVE,
    (
        "post",
        "/registrations/{registration_id}/representatives/{representative_id}/replacement",
    ): REPRESENTATIVE,
    ("post", "/registrations/{registration_id}/withdraw"): {"reason": "Συγχώνευση φορέων"},
    ("post", "/registrations/{registration_id}/extension"): {
        "lapses_on": "2030-06-30",
        "reason": "Αλλαγή ηγεσίας του φορέα",
    },
    ("post", "/calendar/closures"): {"date": "2030-08-14", "reason": "Κλειστό γραφείο"},
    ("post", "/activities"): ACTIVITY,
    ("post", "/activities/{activity_id}/reschedule"): {
        key: ACTIVITY[key] for key in ("starts_at", "ends_at", "location", "online_url")
    },
    ("post", "/activities/{activity_id}/cancel"): {"reason": "Ακυρώθηκε λόγω απεργίας"},
    ("post", "/activities/{activity_id}/invitations"): {"body_ids": [TAX_IDS[0]]},
    ("post", "/internal/sign-in-links"): {
        "request_id": "6f1c8a52-3f0e-4d8e-9a57-2f4f1f0c9b11",
        "email": "m.papadopoulou@example.gov.gr",
        "language": "el",
        "sign_in_url": "http://localhost:8000/sign-in/link?token=abcdefgh",
        "expires_at": "2030-03-02T10:00:00+02:00",
    },
}
"""A request each operation accepts; one field at a time is spoilt."""

QUERY_SAMPLES = {"q": "Δήμος", "recipient": "m.papadopoulou@example.gov.gr"}
QUERY_SAMPLE = "verified"


@dataclass(frozen=True)
class TextField:
    """A text field of one operation: where it is sent and its path there."""

    service: str
    method: str
    route: str
    where: str  # "json", "form" or "query"
    path: tuple[str | int, ...]

    @property
    def url(self) -> str:
        """The route with an id in every path parameter: bodies are checked before ids are."""
        return re.sub(r"\{[^}]+\}", SOME_ID, self.route)

    def expected_loc(self) -> list[str | int]:
        return ["query" if self.where == "query" else "body", *self.path]

    def __str__(self) -> str:
        return f"{self.service} {self.method.upper()} {self.route} {'.'.join(map(str, self.path))}"


@dataclass
class Tally:
    """What each kind of bad input got, for the closing note."""

    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def record(self, kind: str, response: httpx.Response | int) -> None:
        status = response if isinstance(response, int) else response.status_code
        self.outcomes[(kind, str(status))] += 1

    def report(self) -> str:
        lines = [f"  {kind}: {count} × {status}" for (kind, status), count in self.outcomes.items()]
        return "hostile input tried, and what it got:\n" + "\n".join(sorted(lines))


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def text_paths(
    schema: dict[str, Any], spec: dict[str, Any], prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """The path of every free-text string in `schema` (enums, ids, dates and files are not)."""
    schema = resolve(schema, spec)
    for branch in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        yield from text_paths(branch, spec, prefix)
    kind = schema.get("type")
    if kind == "object":
        for name, sub in schema.get("properties", {}).items():
            yield from text_paths(sub, spec, (*prefix, name))
    elif kind == "array":
        yield from text_paths(schema.get("items", {}), spec, (*prefix, 0))
    elif kind == "string" and is_free_text(schema):
        yield prefix


def is_free_text(schema: dict[str, Any]) -> bool:
    """A string a person types: not a choice, an id, a day or a file."""
    return (
        not {"enum", "const", "contentMediaType"} & schema.keys()
        and schema.get("format") not in NOT_TEXT_FORMATS
    )


def text_fields(service: str, spec: dict[str, Any]) -> list[TextField]:
    """Every text field of every operation of `spec`, bodies and query parameters alike."""
    found: set[TextField] = set()
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and list(text_paths(parameter["schema"], spec)):
                    found.add(TextField(service, method, route, "query", (parameter["name"],)))
            content = operation.get("requestBody", {}).get("content", {})
            for media, where in (("application/json", "json"), ("multipart/form-data", "form")):
                if media in content:
                    for path in text_paths(content[media]["schema"], spec):
                        found.add(TextField(service, method, route, where, path))
    return sorted(found, key=str)


def spoilt(value: Any, path: tuple[str | int, ...], bad: str) -> Any:
    """`value` with `bad` put inside the string at `path`."""
    changed = copy.deepcopy(value)
    holder = changed
    for step in path[:-1]:
        holder = holder[step]
    text = holder[path[-1]]
    assert isinstance(text, str), f"the sample has no text at {path}"
    holder[path[-1]] = text[:2] + bad + text[2:]
    return changed


def has_sample(text_field: TextField) -> bool:
    if text_field.where == "query":
        return True
    holder: Any = VALID_BODIES.get((text_field.method, text_field.route))
    for step in text_field.path:
        try:
            holder = holder[step]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(holder, str)


def send_spoilt(client: httpx.Client, text_field: TextField, bad: str) -> httpx.Response:
    if text_field.where == "query":
        name = str(text_field.path[0])
        value = QUERY_SAMPLES.get(name, QUERY_SAMPLE)
        return client.request(
            text_field.method, text_field.url, params={name: value[:2] + bad + value[2:]}
        )
    body = VALID_BODIES[(text_field.method, text_field.route)]
    if text_field.where == "form":
        return client.request(
            text_field.method,
            text_field.url,
            data=spoilt(body, text_field.path, bad),
            files={"file": ("designation.pdf", a_pdf(), "application/pdf")},
        )
    return client.request(
        text_field.method, text_field.url, json=spoilt(body, text_field.path, bad)
    )


def caller_for(text_field: TextField) -> dict[str, str]:
    """Who an operation is for: the form's applicant, a service for the internal ones, or the
    innovation unit."""
    if text_field.route == "/registrations":
        return applicant_for(FULL_FORM)  # who proved the filler's email, nobody else
    if text_field.route.startswith("/internal/"):
        return token("service")
    return ADMIN


def a_pdf() -> bytes:
    """A real one-page PDF."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@dataclass
class Stack:
    """The three services on one topic prefix."""

    services: dict[str, RunningService]

    def client(self, name: str, headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.services[name].base_url, timeout=60, headers=headers)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp_path: Path = tmp_path_factory.mktemp("hostile")
    # Nothing listens there: emails wait for their retries, which this test ignores.
    with service_stack(tmp_path, {"NOTIFICATIONS_SMTP_PORT": str(free_port())}) as running:
        yield Stack(running.services)


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    counts = Tally()
    yield counts
    print("\n" + counts.report())


def clean_registration_flows(stack: Stack, tax_id: str) -> None:
    """A clean form reaches the admin list and, once verified, the membership roster."""
    with stack.client("registration", ADMIN) as client:
        created = client.post(
            "/registrations", json=form(tax_id), headers=applicant_for(form(tax_id))
        )
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]

        def listed() -> None:
            page = client.get("/registrations", params={"page_size": 200}).json()
            assert registration_id in {item["id"] for item in page["items"]}

        eventually(listed, timeout=60)
        sent = client.post(
            f"/registrations/{registration_id}/designation",
            data=SIGNED_BY,
            files={"file": ("designation.pdf", a_pdf(), "application/pdf")},
            headers=token("member", body_id=tax_id),
        )
        assert sent.status_code == 201, sent.text
        verified = client.post(f"/registrations/{registration_id}/designation/verify")
        assert verified.status_code == 200, verified.text
    with stack.client("membership", ADMIN) as members:

        def on_roster() -> None:
            page = members.get("/members", params={"status": "active", "page_size": 200}).json()
            assert tax_id in {body["body_id"] for body in page["items"]}

        eventually(on_roster, timeout=60)


def all_text_fields(stack: Stack) -> list[TextField]:
    fields = []
    for name in stack.services:
        with stack.client(name) as client:
            fields += text_fields(name, client.get("/openapi.json").json())
    return fields


def test_every_text_field_is_enumerated_and_has_a_sample(stack: Stack) -> None:
    fields = all_text_fields(stack)
    assert [f for f in fields if not has_sample(f)] == [], "add a valid sample for these"
    services = {f.service for f in fields}
    assert services == {"registration", "membership", "notifications"}
    print(f"\n{len(fields)} text fields: " + ", ".join(map(str, fields)))
    # The fields the form of a registration is made of are all there, nested ones included.
    paths = {f.path for f in fields if f.route == "/registrations" and f.method == "post"}
    assert {
        ("body", "name"),
        ("main", "email"),
        ("alternate", "phone"),
        ("body", "website"),
    } <= paths


@pytest.mark.parametrize("kind", sorted(BAD_CHARACTERS))
def test_a_bad_character_in_any_text_field_is_a_422_naming_that_field(
    stack: Stack, tally: Tally, kind: str
) -> None:
    bad = BAD_CHARACTERS[kind]
    fields = all_text_fields(stack)
    wrong = []
    for text_field in fields:
        with stack.client(text_field.service, caller_for(text_field)) as client:
            answer = send_spoilt(client, text_field, bad)
        tally.record(kind, answer)
        locs = [e.get("loc") for e in answer.json()["detail"]] if answer.status_code == 422 else []
        if locs != [text_field.expected_loc()]:
            wrong.append(f"{text_field}: {answer.status_code} {answer.text[:300]}")
    assert wrong == []
    clean_registration_flows(stack, TAX_IDS[sorted(BAD_CHARACTERS).index(kind)])


def declared_only(base_url: str, path: str, length: int, content_type: str) -> int:
    """The status answered to a request that declares `length` bytes and sends none of them."""
    address = urlsplit(base_url)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {address.hostname}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port or 80), timeout=15) as sock:
        sock.sendall(head.encode())
        received = b""
        while b"\r\n" not in received:  # the status line; a server waiting for the body times out
            chunk = sock.recv(4096)
            assert chunk, "the server closed the connection without answering"
            received += chunk
    return int(received.split(b" ", 2)[1])


def test_oversized_bodies_are_refused_before_they_are_parsed_or_authenticated(
    stack: Stack, tally: Tally
) -> None:
    two_mib = b'{"x": "' + b"a" * (2 * MIB) + b'"}'
    not_json = b"{" * (2 * MIB)
    twelve_mib = b"%" * (12 * MIB)
    json_type = {"content-type": "application/json"}
    # Admin-only routes, sent without a token: a 401 would mean the body got past the limit.
    # A streamed body is counted as it is read; the retry route reads none, so it has no case.
    anonymous = {
        "registration": ("/calendar/closures", True),
        "membership": ("/activities", True),
        "notifications": (f"/messages/{SOME_ID}/retry", False),
    }
    for name, (path, reads_a_body) in anonymous.items():
        with stack.client(name) as client:
            for kind, body in (("2 MiB JSON", two_mib), ("2 MiB not JSON", not_json)):
                answer = client.post(path, content=body, headers=json_type)
                tally.record(kind, answer)
                assert answer.status_code == 413, f"{name} {path}: {answer.text[:200]}"
                (refusal,) = answer.json()["detail"]
                assert refusal["type"] == "body_too_large"
                assert "KiB" in refusal["msg"]
            if reads_a_body:
                streamed = client.post(path, content=chunks(2 * MIB), headers=json_type)
                tally.record("2 MiB JSON streamed (chunked)", streamed)
                assert streamed.status_code == 413, streamed.text[:200]
        declared = declared_only(stack.services[name].base_url, path, 2 * MIB, "application/json")
        tally.record("2 MiB declared, no body sent", declared)
        assert declared == 413

    upload = f"/registrations/{SOME_ID}/designation"
    with stack.client("registration") as client:
        for kind, headers in (
            ("12 MiB upload, anonymous", {}),
            ("12 MiB upload, signed in", ADMIN),
        ):
            answer = client.post(
                upload,
                data=SIGNED_BY,
                files={"file": ("designation.pdf", twelve_mib, "application/pdf")},
                headers=headers,
            )
            tally.record(kind, answer)
            assert answer.status_code == 413, answer.text[:200]
    declared = declared_only(
        stack.services["registration"].base_url, upload, 12 * MIB, "multipart/form-data; boundary=x"
    )
    tally.record("12 MiB upload declared, no body sent", declared)
    assert declared == 413

    clean_registration_flows(stack, TAX_IDS[3])


def chunks(size: int) -> Iterator[bytes]:
    """`size` bytes in 64 KiB pieces: httpx sends them chunked, without a Content-Length."""
    for _ in range(size // (64 * 1024)):
        yield b"a" * (64 * 1024)


OUT_OF_RANGE = [
    ("registration", "/registrations", {"page": 10**12}, "page"),
    ("registration", "/registrations", {"page_size": 10**6}, "page_size"),
    ("registration", "/calendar/designation-due", {"submitted": "9999-12-30"}, "submitted"),
    ("membership", "/members", {"page": 10**12}, "page"),
    ("membership", "/activities", {"page": 2**63}, "page"),
    ("membership", "/participation", {"from": "0001-01-01"}, "from"),
    ("notifications", "/messages", {"page": 10**12}, "page"),
]


def test_out_of_range_pages_and_dates_are_a_422_naming_the_parameter(
    stack: Stack, tally: Tally
) -> None:
    for name, path, params, parameter in OUT_OF_RANGE:
        with stack.client(name, ADMIN) as client:
            answer = client.get(path, params=params)
        tally.record("page or date out of range", answer)
        assert answer.status_code == 422, f"{name} {path}: {answer.text[:200]}"
        assert [e["loc"] for e in answer.json()["detail"]] == [["query", parameter]]

    with stack.client("registration", ADMIN) as client:
        loose = form(TAX_IDS[4], consent="yes")
        answer = client.post("/registrations", json=loose, headers=applicant_for(loose))
        tally.record('consent "yes"', answer)
        assert answer.status_code == 422
        assert [e["loc"] for e in answer.json()["detail"]] == [["body", "consent"]]
    with stack.client("membership", ADMIN) as client:
        answer = client.post("/activities", json={**ACTIVITY, "capacity": "30"})
        tally.record('capacity "30"', answer)
        assert [e["loc"] for e in answer.json()["detail"]] == [["body", "capacity"]]
    clean_registration_flows(stack, TAX_IDS[4])
