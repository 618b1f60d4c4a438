"""Hostile input on every form of the gateway: a page (4xx) every time, never a 5xx.

Every POST route of the app is found from `app.routes`, so a new form is covered the day it is
added. Each is sent NUL bytes, control characters, bidirectional overrides, 100 kB values,
nothing at all, and malformed ids in its path, by a signed-in representative (who may also
fill in the registration form) with a valid CSRF token, against the real registration and
observatory services (the practice forms read the practice before they check what was posted).
A refused character waits at its field, in the reader's language. And a service answering
JSON that is not an object (a list, a text) is the 503 page, not a 500.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from services.gateway.directory import blind_index
from services.gateway.nominee import REPRESENTATIVE_PARTS
from services.gateway.registration_draft import PAGES
from services.gateway.service import SERVICE
from services.gateway.sessions import SESSION_COOKIE, SessionStore
from services.registration.form import REGISTRATION_FORM
from services.runtime.http import create_app
from services.runtime.settings import ServiceSettings
from tests.gateway.conftest import BASE_URL, Feed, csrf_token
from tests.gateway.observatory_site import ObservatoryStack, observatory_stack
from tests.gateway.test_my_body import MAIN_EMAIL, feed_directory, fresh_tax_id, submit
from tests.registration.conftest import RegistrationStack, running_registration
from tests.support.processes import free_port

HOSTILE_VALUES = {
    "nul": "x\x00y",
    "control": "a\x01b\x1bc\x7f",
    "bidi": "\u202etxt.exe\u202c",
    "line break": "first\r\nsecond\u2028third",
    "100 kB": "Α" * 100_000,
}
BAD_IDS = ("not-a-uuid", "%00", "1%27%20OR%20%271%27=%271", "a" * 3000)
FIELDS = (
    *(name for page in PAGES for name in page.fields),
    *REPRESENTATIVE_PARTS,
    "signed_by_name",
    "signed_by_title",
    "reason",
    "confirm",
    "email",
    "next",
    "token",
    "purpose",
)
"""Every field a form of the gateway asks (the routes' own form parameters are added)."""
LIMITS = dict.fromkeys(
    (
        "GATEWAY_SUBMIT_PER_CLIENT",
        "GATEWAY_SUBMIT_PER_ADDRESS",
        "GATEWAY_SIGN_IN_PER_CLIENT",
        "GATEWAY_SIGN_IN_PER_ADDRESS",
    ),
    "100000",
)
"""High limits: the point is what each route does with the input, not the 429 page."""
TEXT_CHARACTER_EL = "Το κείμενο έχει χαρακτήρα που δεν μπορεί να αποθηκευτεί"


@pytest.fixture(scope="module")
def registration_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistrationStack]:
    with running_registration(tmp_path_factory.mktemp("registration")) as stack:
        yield stack


@pytest.fixture(scope="module")
def observatory_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObservatoryStack]:
    with observatory_stack(tmp_path_factory.mktemp("observatory"), BASE_URL) as stack:
        yield stack


@dataclass
class Site:
    """The gateway in process, a registration of its own, and its main representative."""

    app: FastAPI
    client: TestClient
    registration_id: str
    representative_id: str

    def sign_in(self) -> str:
        """A new session of the main representative (purpose register: the form is theirs too),
        and the CSRF token of a page read in it."""
        application: Any = self.client.app.state.application  # type: ignore[attr-defined]
        store = SessionStore(application.database, timedelta(minutes=30))
        index = blind_index(application.gateway.blind_index_key, MAIN_EMAIL)
        self.client.cookies.set(SESSION_COOKIE, store.open("register", MAIN_EMAIL, index))
        return csrf_token(self.client.get("/").text)


@pytest.fixture
def site(
    registration_service: RegistrationStack,
    observatory_service: ObservatoryStack,
    gateway_env: pytest.MonkeyPatch,
) -> Iterator[Site]:
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", registration_service.url)
    gateway_env.setenv("GATEWAY_OBSERVATORY_URL", observatory_service.observatory.base_url)
    for name, value in LIMITS.items():
        gateway_env.setenv(name, value)
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with (
        TestClient(app, base_url=BASE_URL, follow_redirects=False) as client,
        registration_service.client() as service,
    ):
        tax_id = fresh_tax_id()
        created = submit(service, tax_id)
        feed_directory(client, created, tax_id)
        yield Site(app, client, created["id"], created["representatives"][0]["id"])


def post_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app that takes a POST: its own, and those of the service's routers."""
    candidates = [*app.routes, *(route for router in SERVICE.routers for route in router.routes)]
    routes = [r for r in candidates if isinstance(r, APIRoute) and "POST" in r.methods]
    assert len(routes) > 10, "the gateway's forms are found"
    return routes


def path_of(route: APIRoute, site: Site, bad_id: str | None = None) -> str:
    """The route's path with real ids in it, or with `bad_id` for every id."""
    known = {"registration_id": site.registration_id, "representative_id": site.representative_id}
    return re.sub(
        r"\{(\w+)(:\w+)?\}",
        lambda found: bad_id or known.get(found.group(1), str(uuid.uuid4())),
        route.path,
    )


def form_fields(route: APIRoute) -> set[str]:
    return {*FIELDS, *(param.alias for param in route.dependant.body_params)}


def assert_a_page(answer: httpx.Response, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code}"
    if answer.status_code not in (204, 303):
        assert answer.headers["content-type"].startswith("text/html"), what


def test_every_form_answers_hostile_values_with_a_page(site: Site) -> None:
    for route in post_routes(site.app):
        path = path_of(route, site)
        for case, value in HOSTILE_VALUES.items():
            token = site.sign_in()
            data = dict.fromkeys(form_fields(route), value)
            answer = site.client.post(path, data={**data, "csrf_token": token})
            assert_a_page(answer, f"POST {path} with {case} values")
            if answer.status_code == 303:  # the page it sends the reader to is a page too
                location = answer.headers["location"]
                assert_a_page(site.client.get(location), f"GET {location} after {case}")


def test_every_form_answers_missing_fields_and_bad_ids_with_a_page(site: Site) -> None:
    for route in post_routes(site.app):
        token = site.sign_in()
        answer = site.client.post(path_of(route, site), data={"csrf_token": token})
        assert_a_page(answer, f"POST {route.path} with nothing")
        if "{" not in route.path:
            continue
        # The unit's routes are the 403 page to a representative, whatever the id.
        expected = 403 if route.path.startswith("/unit/") else 404
        for bad_id in BAD_IDS:
            answer = site.client.post(path_of(route, site, bad_id), data={"csrf_token": token})
            assert_a_page(answer, f"POST {route.path} with the id {bad_id[:20]}")
            assert answer.status_code == expected, route.path


def test_a_refused_character_is_shown_at_its_field(site: Site) -> None:
    token = site.sign_in()
    role = site.client.post(
        "/register/role", data={"csrf_token": token, "submitted_by": "main\x00"}
    )
    assert role.headers["location"] == "/register/role"
    assert 'href="#submitted-by"' in site.client.get("/register/role").text

    body = {"body.name": "Δήμος\x00Παραδείγματος", "body.tax_id": "094014201\u202e"}
    sent = site.client.post("/register/body", data={"csrf_token": token, **body})
    assert sent.headers["location"] == "/register/body"
    page = site.client.get("/register/body").text
    assert 'href="#body-name"' in page
    assert 'href="#body-tax-id"' in page
    assert TEXT_CHARACTER_EL in page
    assert 'value="ΔήμοςΠαραδείγματος"' in page, "kept, without the refused character"

    nominee = {"full_name": "Γιώργος\u202eΝικολάου", "language": "el"}
    site.client.post("/my-body/alternate", data={"csrf_token": token, **nominee})
    alternate = site.client.get("/my-body/alternate").text
    assert 'href="#full-name"' in alternate
    assert TEXT_CHARACTER_EL in alternate

    withdraw = site.client.post(
        "/my-body/withdraw", data={"csrf_token": token, "reason": "x\x00", "confirm": "yes"}
    )
    assert withdraw.status_code == 422
    assert 'href="#reason"' in withdraw.text
    assert TEXT_CHARACTER_EL in withdraw.text


def test_a_line_break_belongs_in_a_textarea_only(site: Site) -> None:
    token = site.sign_in()
    nominee = {
        "full_name": "Γιώργος\nΝικολάου",
        "seniority": "equivalent",
        "seniority_justification": "Αυτοτελές γραφείο\r\nμε δική του διοίκηση",
        "language": "el",
    }
    site.client.post("/my-body/alternate", data={"csrf_token": token, **nominee})
    page = site.client.get("/my-body/alternate").text
    assert 'href="#full-name"' in page
    assert 'href="#seniority-justification"' not in page


# A service that answers JSON other than an object.


@dataclass
class OddService:
    """A stand-in of the registration service: its real form, and `answer` for anything else."""

    port: int = field(default_factory=free_port)
    status: int = 200
    answer: bytes = b"[1, 2]"
    form: bytes = json.dumps(REGISTRATION_FORM.model_dump(mode="json")).encode()
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        odd = self

        class Handler(BaseHTTPRequestHandler):
            def reply(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                self.rfile.read(length)
                is_form = self.path == "/registration-form"
                self.send_response(200 if is_form else odd.status)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(odd.form if is_form else odd.answer)

            def do_GET(self) -> None:
                self.reply()

            def do_POST(self) -> None:
                self.reply()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def odd_service() -> Iterator[OddService]:
    odd = OddService()
    odd.start()
    try:
        yield odd
    finally:
        odd.stop()


@pytest.fixture
def odd_gateway(gateway_env: pytest.MonkeyPatch, odd_service: OddService) -> Iterator[TestClient]:
    """The gateway calling the odd service (a 500 would raise in the test client)."""
    gateway_env.setenv("GATEWAY_REGISTRATION_URL", odd_service.url)
    app = create_app(SERVICE, ServiceSettings.for_service("gateway"), role="api")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


def open_session(client: TestClient, email: str) -> str:
    application: Any = client.app.state.application  # type: ignore[attr-defined]
    store = SessionStore(application.database, timedelta(minutes=30))
    index = blind_index(application.gateway.blind_index_key, email)
    client.cookies.set(SESSION_COOKIE, store.open("register", email, index))
    return csrf_token(client.get("/").text)


def test_a_form_that_is_not_an_object_is_the_unavailable_page(
    odd_gateway: TestClient, odd_service: OddService
) -> None:
    odd_service.form = b'["not", "a", "form"]'
    answer = odd_gateway.get("/registration-form")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")


def test_answers_that_are_not_objects_are_the_unavailable_page(
    odd_gateway: TestClient, odd_service: OddService
) -> None:
    token = open_session(odd_gateway, "someone@example.gov.gr")
    odd_gateway.post("/register/role", data={"csrf_token": token, "submitted_by": "main"})
    for status, answer in ((201, b"[1, 2]"), (201, b'"text"'), (201, b"<html>")):
        odd_service.status, odd_service.answer = status, answer
        sent = odd_gateway.post("/register/submit", data={"csrf_token": token, "consent": "yes"})
        assert sent.status_code == 503, (status, answer)
    for status in (422, 409, 403):
        odd_service.status, odd_service.answer = status, b"[1, 2]"
        sent = odd_gateway.post("/register/submit", data={"csrf_token": token, "consent": "yes"})
        assert sent.status_code in (303, 503), status
    odd_service.status, odd_service.answer = 200, b"[1, 2]"
    # A done page of a form this session never sent is not found, before any call.
    assert odd_gateway.get(f"/register/done/{uuid.uuid4()}").status_code == 404

    feed = Feed(odd_gateway)
    feed.register("representative@example.gov.gr")
    token = open_session(odd_gateway, "representative@example.gov.gr")
    for path in ("/my-body", "/my-body/alternate", "/my-body/withdraw"):
        assert odd_gateway.get(path).status_code == 503, path
    odd_service.answer = b'{"detail": "not a list"}'
    assert odd_gateway.get("/my-body").status_code == 503
