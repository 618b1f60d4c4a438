"""Page times through the gateway, next to the service calls each page is drawn from.

    python -m bench.pages [--clients 16] [--seconds 8] [--bodies 16]

Needs the local stack's Kafka and PostgreSQL (`make test` or `bash deploy/stack.sh prepare`).
Starts registration, membership, notifications and the gateway as processes on fresh databases
and topics (tests/browser/stack.py), registers bodies through the registration API (most
verified, a few waiting for the unit to check their designation), schedules activities and
invites every member, and signs in `--clients` clients by the emailed link, each as a body's
main representative and as the innovation unit. Then, page by page, the clients request it
together for `--seconds`, then make the service calls the gateway draws it from, one after the
other as the gateway does, directly for as long, with the token the gateway would mint
(`mint_token`: a member of the body, or an admin with the staff subject). The ratio of the
p99s is what the gateway adds. A page the gateway does not answer with 200 is listed as not
measured. The goal, p99 ≤ 100 ms through the gateway, is printed, not asserted.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.registrations import percentile
from services.gateway.settings import DEVELOPMENT_BLIND_INDEX_KEY, EXAMPLE_STAFF_EMAIL
from services.gateway.staff import staff_subject
from services.runtime.auth import mint_token
from services.runtime.settings import DEVELOPMENT_JWT_SECRET
from tests.browser import bodies
from tests.browser.stack import GatewayStack, gateway_stack
from tests.support.mailbox import read_link
from tests.support.polling import eventually

GOAL_P99_MS = 100.0

Kind = Literal["representative", "staff"]
Service = Literal["registration", "membership", "notifications"]


ServiceCall = tuple[Service, str]
"""A GET of a service's API: the service and the path (with the client's ids in braces)."""

EACH_ACTIVITY = "{each_activity}"
"""In a path: one call for each seeded activity (a list page reads each activity it shows)."""


@dataclass(frozen=True)
class PageCall:
    """A page of the gateway, who opens it, and the service calls the page is built from."""

    page: str
    kind: Kind
    calls: tuple[ServiceCall, ...]

    def expanded(self, activity_ids: list[str]) -> tuple[ServiceCall, ...]:
        """The calls, one per activity where a path reads each."""
        return tuple(
            (service, path.replace(EACH_ACTIVITY, activity_id))
            for service, path in self.calls
            for activity_id in (activity_ids if EACH_ACTIVITY in path else [""])
        )


ONE_REGISTRATION: Final[ServiceCall] = ("registration", "/registrations/{registration_id}")
ONE_ACTIVITY: Final[ServiceCall] = ("membership", "/activities/{activity_id}")
OWN_BODY: Final[ServiceCall] = ("membership", "/members/{tax_id}")

PAGES = (
    PageCall("/my-body", "representative", (ONE_REGISTRATION,)),
    PageCall(
        "/activities",
        "representative",
        (
            ("membership", "/activities?page=1&page_size=10"),
            ("membership", f"/activities/{EACH_ACTIVITY}"),
            OWN_BODY,
        ),
    ),
    PageCall("/activities/{activity_id}", "representative", (ONE_ACTIVITY, OWN_BODY)),
    PageCall(
        "/my-body/participation",
        "representative",
        (
            ("membership", "/participation"),
            ("membership", "/participation?from={this_year}-01-01&to={this_year}-12-31"),
            ("membership", "/participation?from={last_year}-01-01&to={last_year}-12-31"),
        ),
    ),
    PageCall(
        "/unit",
        "staff",
        (
            ("registration", "/registrations?status=designation_received&page_size=1"),
            ("registration", "/registrations?status=awaiting_designation&page_size=1"),
            ("registration", "/registrations?status=overdue&page_size=1"),
            ("registration", "/registrations?lapses_before={lapses_before}&page_size=1"),
            ("membership", "/activities?page_size=1"),
            ("membership", "/activities?page=1&page_size=200"),
        ),
    ),
    PageCall(
        "/unit/designations",
        "staff",
        (
            ("registration", "/registrations?status=designation_received&page=1&page_size=20"),
            *((ONE_REGISTRATION,) * 4),  # one per line: the four seeded as waiting
        ),
    ),
    PageCall("/unit/registrations/{registration_id}", "staff", (ONE_REGISTRATION,)),
    PageCall("/unit/roster", "staff", (("membership", "/members?page=1&page_size=20"),)),
    PageCall("/unit/participation", "staff", (("membership", "/participation"),)),
    PageCall(
        "/unit/activities",
        "staff",
        (
            ("membership", "/activities?page=1&page_size=20"),
            ("membership", f"/activities/{EACH_ACTIVITY}"),
        ),
    ),
    PageCall("/unit/activities/{activity_id}", "staff", (ONE_ACTIVITY,)),
    PageCall("/unit/deliveries", "staff", (("notifications", "/messages?page=1&page_size=25"),)),
)
"""The pages measured, each with the calls the gateway makes to draw it, in order."""

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Cookies:
    """One browser's cookies on the gateway, sent by hand.

    The gateway's cookies are Secure; httpx's cookie jar keeps them off plain http, which a
    browser allows on localhost only.
    """

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)
        self.held: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.held.items())
        headers = {"Cookie": cookie} if cookie else {}
        response = self.client.request(method, path, headers=headers, **kwargs)
        for line in response.headers.get_list("set-cookie"):
            name, _, rest = line.partition("=")
            value, _, attributes = rest.partition(";")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.held.pop(name, None)
            else:
                self.held[name] = value
        return response

    def csrf_of(self, path: str) -> str:
        page = self.request("GET", path)
        found = _CSRF.search(page.text)
        assert found, f"{path} has no CSRF field ({page.status_code})"
        return found.group(1)

    def close(self) -> None:
        self.client.close()


def sign_in(stack: GatewayStack, email: str, attempts: int = 6) -> Cookies:
    """Ask for a link, read it from the SMTP server, open it and continue: a signed-in session.

    A representative registered a moment ago is known once the gateway's directory has read
    the event; until then no link is sent, so ask again.
    """
    person = Cookies(stack.public_url)
    for attempt in range(1, attempts + 1):
        since = len(stack.smtp.emails())
        token = person.csrf_of("/sign-in")
        asked = person.request(
            "POST",
            "/sign-in",
            data={"csrf_token": token, "email": email, "next": "/", "purpose": "sign-in"},
        )
        assert asked.status_code == 303, asked.text
        try:
            link = read_link(stack.smtp, to=email, contains="/sign-in/link", since=since, timeout=5)
            break
        except AssertionError:
            if attempt == attempts:
                raise
    parts = urlsplit(link)
    token = person.csrf_of(f"{parts.path}?{parts.query}")
    used = person.request(
        "POST", "/sign-in/link", data={"csrf_token": token, "token": parts.query.split("=", 1)[1]}
    )
    assert used.status_code == 303, used.text
    return person


@dataclass
class Client:
    """One of the bench's clients: a representative's session and a staff session, and the
    tokens the gateway mints for each when it calls a service."""

    body: bodies.Body
    sessions: dict[Kind, Cookies]
    tokens: dict[Kind, str]
    ids: dict[str, str]


def member_token(body: bodies.Body) -> str:
    """The gateway's token for the body's main representative (subject: their id)."""
    return mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=body.main_id,
        role="member",
        email=body.main_email,
        body_id=body.tax_id,
        ttl=timedelta(hours=1),
    )


def staff_token() -> str:
    """The gateway's token for the innovation unit (subject: the staff member's keyed hash)."""
    return mint_token(
        DEVELOPMENT_JWT_SECRET,
        subject=staff_subject(DEVELOPMENT_BLIND_INDEX_KEY, EXAMPLE_STAFF_EMAIL),
        role="admin",
        email=EXAMPLE_STAFF_EMAIL,
        ttl=timedelta(hours=1),
    )


def admin_api(stack: GatewayStack, service: Service) -> httpx.Client:
    return stack.api(service, {"Authorization": f"Bearer {staff_token()}"})


def seed(stack: GatewayStack, active: int, waiting: int) -> tuple[list[bodies.Body], list[str]]:
    """Active bodies, bodies whose designation waits for the unit, and activities inviting all.

    Returns the active bodies and the activities' ids.
    """
    active_bodies = [bodies.active_body(stack, name=f"Δήμος Μέτρησης {i}") for i in range(active)]
    for i in range(waiting):
        body = bodies.register_body(stack, name=f"Περιφέρεια Αναμονής {i}")
        bodies.send_designation(stack, body)
    with admin_api(stack, "membership") as api:

        def all_active() -> None:
            listed = api.get("/members", params={"status": "active"}).json()
            assert listed["total"] >= active, listed

        eventually(all_active, timeout=60, interval=0.5)
        activity_ids = []
        now = datetime.now(UTC)
        for number, kind in enumerate(("govlab_workshop", "webinar", "event", "conference")):
            starts = now + timedelta(days=7 + number)
            created = api.post(
                "/activities",
                json={
                    "kind": kind,
                    "title": f"Δραστηριότητα μέτρησης {number + 1}",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=3)).isoformat(),
                    "location": "Αθήνα, Βασ. Σοφίας 15",
                    "capacity": max(1, active // 2),
                    "languages": ["el"],
                },
            )
            assert created.status_code == 201, created.text
            activity_id = created.json()["id"]
            invited = api.post(f"/activities/{activity_id}/invitations", json={})
            assert invited.status_code == 200, invited.text
            activity_ids.append(activity_id)
    # Half the members accept the first activity: seats taken, a waiting list.
    with stack.api("membership") as api:
        for body in active_bodies[::2]:
            answered = api.post(
                f"/activities/{activity_ids[0]}/invitations/{body.main_id}/answer",
                json={"answer": "accepted"},
                headers={"Authorization": f"Bearer {member_token(body)}"},
            )
            assert answered.status_code == 200, answered.text
    return active_bodies, activity_ids


def for_a_while(
    clients: list[Client], seconds: float, work: Callable[[Client, httpx.Client], int]
) -> tuple[list[float], dict[int, int]]:
    """Each client runs `work` over and over for `seconds`: each call's ms, and the statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(client: Client) -> None:
        with httpx.Client(timeout=30) as direct:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                status = work(client, direct)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


@dataclass(frozen=True)
class Measured:
    page: str
    calls: int
    requests: int
    p50: float
    p99: float
    service_p50: float
    service_p99: float


def measure(
    stack: GatewayStack,
    clients: list[Client],
    page: PageCall,
    activity_ids: list[str],
    seconds: float,
) -> Measured | str:
    """The page, then the service calls behind it, each from every client for `seconds`."""
    first = clients[0]
    tried = first.sessions[page.kind].request("GET", page.page.format(**first.ids))
    if tried.status_code != 200:
        return f"not measured: the gateway answers {tried.status_code}"
    calls = page.expanded(activity_ids)

    def open_page(client: Client, _direct: httpx.Client) -> int:
        return client.sessions[page.kind].request("GET", page.page.format(**client.ids)).status_code

    def call_services(client: Client, direct: httpx.Client) -> int:
        """The page's calls one after the other, as the gateway makes them: the worst status."""
        headers = {"Authorization": f"Bearer {client.tokens[page.kind]}"}
        statuses = [
            direct.get(
                stack.services[service].base_url + path.format(**client.ids), headers=headers
            ).status_code
            for service, path in calls
        ]
        return max(statuses)

    pages, page_statuses = for_a_while(clients, seconds, open_page)
    direct, call_statuses = for_a_while(clients, seconds, call_services)
    if set(page_statuses) != {200} or set(call_statuses) != {200}:
        return f"not measured: statuses {page_statuses} (page), {call_statuses} (services)"
    return Measured(
        page.page,
        len(calls),
        len(pages),
        percentile(pages, 0.5),
        percentile(pages, 0.99),
        percentile(direct, 0.5),
        percentile(direct, 0.99),
    )


def sign_in_clients(
    stack: GatewayStack, active: list[bodies.Body], activity_ids: list[str], count: int
) -> list[Client]:
    clients = []
    for number, body in zip(range(count), itertools.cycle(active), strict=False):
        print(f"signing in client {number + 1} …", file=sys.stderr)
        sessions: dict[Kind, Cookies] = {
            "representative": sign_in(stack, body.main_email),
            "staff": sign_in(stack, EXAMPLE_STAFF_EMAIL),
        }
        tokens: dict[Kind, str] = {"representative": member_token(body), "staff": staff_token()}
        ids = {
            "registration_id": body.registration_id,
            "activity_id": activity_ids[0],
            "tax_id": body.tax_id,
            "lapses_before": (date.today() + timedelta(days=30)).isoformat(),
            "this_year": str(date.today().year),
            "last_year": str(date.today().year - 1),
        }
        clients.append(Client(body, sessions, tokens, ids))
    return clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0, help="per page, and per service")
    parser.add_argument("--bodies", type=int, default=16, help="active bodies (plus a few waiting)")
    args = parser.parse_args()
    rows: list[tuple[PageCall, Measured | str]] = []
    with tempfile.TemporaryDirectory() as logs, gateway_stack(Path(logs)) as stack:
        print("seeding …", file=sys.stderr)
        active, activity_ids = seed(stack, args.bodies, waiting=4)
        clients = sign_in_clients(stack, active, activity_ids, args.clients)
        for page in PAGES:
            print(f"{page.page} …", file=sys.stderr)
            rows.append((page, measure(stack, clients, page, activity_ids, args.seconds)))
        for client in clients:
            for session in client.sessions.values():
                session.close()

    print(
        f"\npages through the gateway, and the service calls behind each made directly, "
        f"{args.clients} clients, {args.seconds:.0f} s each"
    )
    print(
        f"{'page':<40}{'requests':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'calls':>7}{'calls p50':>11}{'calls p99':>11}{'p99 ratio':>11}"
    )
    for page, result in rows:
        if isinstance(result, str):
            print(f"{page.page:<40}  {result}")
            continue
        print(
            f"{page.page:<40}{result.requests:>9}{result.p50:>8.1f}{result.p99:>8.1f}"
            f"{result.calls:>7}{result.service_p50:>11.1f}{result.service_p99:>11.1f}"
            f"{result.p99 / result.service_p99:>11.1f}"
        )
    measured = [result for _, result in rows if isinstance(result, Measured)]
    over = [result.page for result in measured if result.p99 > GOAL_P99_MS]
    print(f"goal: p99 ≤ {GOAL_P99_MS:.0f} ms for every page at {args.clients} clients")
    print(
        f"{len(measured) - len(over)} of {len(measured)} measured pages meet it"
        + (f"; over: {', '.join(over)}" if over else "")
    )


if __name__ == "__main__":
    main()
