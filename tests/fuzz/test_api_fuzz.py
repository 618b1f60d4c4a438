"""Schemathesis against every service's OpenAPI, as the public, an applicant, a service, a member
and an admin.

No request may get a 5xx, and every refusal's code is one of the listed stable codes. Every
operation must get past authentication for each caller it is meant for, so the fuzzing reaches
the handlers; no caller gets a 2xx from an operation not meant for them. Ids in paths are real:
the seeded ones, and those OpenAPI links carry from responses.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis

from tests.fuzz.bodies import valid_body_every_other_case
from tests.fuzz.conftest import FuzzStack
from tests.fuzz.fuzzing import cover_boundaries, follow_links, fuzz_each_operation
from tests.fuzz.seed import ADMIN, APPLICANT, PUBLIC, SERVICE
from tests.fuzz.tally import Tally

EXAMPLES_PER_OPERATION = 25
"""Generated requests per operation and caller: bounds the run to a few minutes on two cores."""
SCENARIOS, STEPS = 15, 8
"""Linked sequences per service and caller, and calls per sequence."""
COVERAGE_CASES_PER_OPERATION = 60
"""Boundary-value cases per operation, sent once, by the most trusted caller it is for."""
TRUST = ["public", "applicant", "service", "member", "admin"]
SMALLER_BUDGETS = {"observatory": (6, 5, 15)}
"""(examples, scenarios, coverage cases) per operation of a service with many operations: the
observatory's twenty-two stay within about a minute."""

EVERYONE = frozenset(TRUST)
APPLICANTS = frozenset({"applicant"})
SERVICES_ONLY = frozenset({"service"})
SIGNED_IN = frozenset({"member", "admin"})
ADMINS = frozenset({"admin"})
MEMBERS = frozenset({"member"})

OPERATIONS = {"GET /health": EVERYONE, "GET /ready": EVERYONE}
ONE = "/registrations/{registration_id}"
ACTIVITY = "/activities/{activity_id}"
PRACTICE = "/practices/{practice_id}"
WHO_GETS_IN: dict[str, dict[str, frozenset[str]]] = {
    "registration": {
        **OPERATIONS,
        "POST /registrations": APPLICANTS,
        "GET /registrations": ADMINS,
        f"GET {ONE}": EVERYONE,
        f"POST {ONE}/designation": SIGNED_IN,
        f"GET {ONE}/designation.pdf": ADMINS,
        f"POST {ONE}/designation/verify": ADMINS,
        f"POST {ONE}/designation/reject": ADMINS,
        f"POST {ONE}/alternate": SIGNED_IN,
        f"POST {ONE}/representatives/{{representative_id}}/replacement": SIGNED_IN,
        f"POST {ONE}/withdraw": SIGNED_IN,
        f"POST {ONE}/extension": ADMINS,
        "GET /registration-form": EVERYONE,
        "GET /registration-form.pdf": EVERYONE,
        "GET /calendar/designation-due": EVERYONE,
        "GET /calendar/closures": ADMINS,
        "GET /calendar/closures/effect": ADMINS,
        "POST /calendar/closures": ADMINS,
    },
    "membership": {
        **OPERATIONS,
        "GET /members": SIGNED_IN,
        "GET /members/{body_id}": SIGNED_IN,
        "POST /activities": ADMINS,
        "GET /activities": SIGNED_IN,
        f"GET {ACTIVITY}": SIGNED_IN,
        f"POST {ACTIVITY}/invitations": ADMINS,
        f"POST {ACTIVITY}/invitations/{{representative_id}}/answer": MEMBERS,
        f"POST {ACTIVITY}/reschedule": ADMINS,
        f"POST {ACTIVITY}/cancel": ADMINS,
        f"POST {ACTIVITY}/attendance": ADMINS,
        "GET /participation": SIGNED_IN,
    },
    "notifications": {
        **OPERATIONS,
        "GET /messages": ADMINS,
        "POST /messages/{message_id}/retry": ADMINS,
        "POST /internal/sign-in-links": SERVICES_ONLY,
        "GET /newsletter/issues/{issue_id}/progress": ADMINS,
    },
    "observatory": {
        **OPERATIONS,
        "POST /practices": MEMBERS,
        "GET /practices": SIGNED_IN,
        f"GET {PRACTICE}": SIGNED_IN,
        f"PUT {PRACTICE}": MEMBERS,
        f"POST {PRACTICE}/submit": MEMBERS,
        f"POST {PRACTICE}/withdraw": MEMBERS,
        f"POST {PRACTICE}/request-changes": ADMINS,
        f"POST {PRACTICE}/publish": ADMINS,
        f"POST {PRACTICE}/reject": ADMINS,
        f"POST {PRACTICE}/archive": ADMINS,
        f"POST {PRACTICE}/attachments": MEMBERS,
        f"GET {PRACTICE}/attachments/{{sha256}}": SIGNED_IN,
        f"DELETE {PRACTICE}/attachments/{{sha256}}": MEMBERS,
        "GET /catalogue": EVERYONE,
        "GET /catalogue/{practice_id}": EVERYONE,
        "GET /catalogue/export.csv": EVERYONE,
        "GET /catalogue/export.json": EVERYONE,
        "GET /catalogue/export.opsi.json": EVERYONE,
        "GET /catalogue/feed.atom": EVERYONE,
        "GET /catalogue/attachments/{sha256}": EVERYONE,
    },
    "newsletter": {
        **OPERATIONS,
        "POST /subscriptions": SERVICES_ONLY,
        "POST /subscriptions/confirm": SERVICES_ONLY,
        "POST /unsubscribe": SERVICES_ONLY,
        "GET /preferences/{token}": SERVICES_ONLY,
        "PUT /preferences/{token}": SERVICES_ONLY,
        "GET /subscribers/summary": ADMINS,
        "GET /subscribers": ADMINS,
        "POST /subscribers/{subscriber_id}/release": ADMINS,
        "POST /issues": ADMINS,
        "GET /issues": ADMINS,
        "GET /issues/{issue_id}": ADMINS,
        "PUT /issues/{issue_id}": ADMINS,
        "POST /issues/{issue_id}/test-copy": ADMINS,
        "POST /issues/{issue_id}/schedule": ADMINS,
        "POST /issues/{issue_id}/unschedule": ADMINS,
        "POST /issues/{issue_id}/send": ADMINS,
        "GET /archive": EVERYONE,
        "GET /archive/feed.atom": EVERYONE,
        "GET /archive/{number}": EVERYONE,
    },
}
"""Who each operation is for: the test fails if one of them never got past authentication."""


# Registration last: as an admin it withdraws the seeded body, which the others' callers need.
SERVICES = ["observatory", "newsletter", "notifications", "membership", "registration"]


@pytest.mark.parametrize("service", SERVICES)
def test_no_caller_gets_a_server_error_and_each_reaches_its_handlers(
    service: str, fuzz_stack: FuzzStack, capsys: pytest.CaptureFixture[str]
) -> None:
    url = fuzz_stack.urls[service]
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    meant_for = WHO_GETS_IN[service]
    ids = fuzz_stack.seeded.path_ids
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == set(meant_for), "say who a new operation is for in WHO_GETS_IN"

    examples, scenarios, coverage = SMALLER_BUDGETS.get(
        service, (EXAMPLES_PER_OPERATION, SCENARIOS, COVERAGE_CASES_PER_OPERATION)
    )
    tally = Tally()
    callers = {c.name: c for c in [PUBLIC, APPLICANT, SERVICE, fuzz_stack.seeded.member, ADMIN]}
    for caller in callers.values():
        prepare = valid_body_every_other_case()
        fuzz_each_operation(schema, caller, ids, tally, examples, prepare)
        if schema.statistic.transitions.total:
            follow_links(schema, caller, tally, scenarios, STEPS, prepare)
    # Last, as it mostly sends an admin's requests, which change the seeded data most.
    most_trusted = {op: callers[max(allowed, key=TRUST.index)] for op, allowed in meant_for.items()}
    cover_boundaries(schema, most_trusted, ids, tally, coverage)
    metrics = httpx.get(f"{url}/metrics", timeout=10)
    with capsys.disabled():
        title = f"{service} ({schema.statistic.transitions.total} links)"
        print("\n" + tally.summary(title, sorted(meant_for), TRUST))

    assert metrics.status_code == 200
    assert not tally.server_errors, "\n".join(tally.server_errors[:5])
    unlisted = sorted(set(tally.unlisted_codes))
    assert not unlisted, f"refusal codes missing from contracts/errors.py: {unlisted[:10]}"
    never_let_in = [
        f"{operation} as {caller}"
        for operation, allowed in meant_for.items()
        for caller in allowed
        if tally.let_in(operation, caller) == 0
    ]
    assert not never_let_in, f"never got past authentication: {never_let_in}"
    let_in_wrongly = [
        f"{operation} as {caller}: {statuses}"
        for (operation, caller), statuses in tally.statuses.items()
        if caller not in meant_for.get(operation, ()) and any(200 <= s < 300 for s in statuses)
    ]
    assert not let_in_wrongly, f"answered callers it is not for: {let_in_wrongly}"
    if schema.statistic.transitions.total:
        assert tally.links_reached(), "no request with ids from a link found what they name"
