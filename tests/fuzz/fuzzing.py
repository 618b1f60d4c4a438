"""Schemathesis against a running service: each operation alone, then sequences along its links."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput
from schemathesis.schemas import APIOperation, BaseSchema

from contracts.errors import ErrorCode
from tests.fuzz.seed import PUBLIC, Caller
from tests.fuzz.tally import Tally

# Repeatable: the same cases every run, no example database, no timing-based health checks.
COMMON_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "phases": [Phase.explicit, Phase.generate],
    "print_blob": False,
}

REQUEST_TIMEOUT_SECONDS = 30
STATEFUL_SEED = 9

DESIGNED_5XX = {"GET /ready": {503}}
"""Server-side statuses an operation is made to answer: readiness says 503 while a part is down."""


Prepare = Callable[[Case], None]
"""Adjusts a generated case before it is sent (e.g. plants a valid body now and then)."""


def send(case: Case, caller: Caller, tally: Tally, prepare: Prepare, **kwargs: Any) -> Response:
    """Send `case` as `caller`; count its status and keep any 5xx with the request that got it."""
    prepare(case)
    if case.headers:
        # Generated security headers are dropped: the caller alone decides who is asking.
        case.headers.pop("Authorization", None)
    response = case.call(headers=caller.headers, timeout=REQUEST_TIMEOUT_SECONDS, **kwargs)
    # A negative case may leave the security header out: then the public sent it.
    sender = caller.name if "Authorization" in response.request.headers else PUBLIC.name
    # Coverage cases also try methods a path does not have: each counts as an operation of its own.
    sent_as = f"{case.method.upper()} {case.operation.path}"
    tally.record(sent_as, sender, response.status_code)
    for code in refusal_codes(response):
        if code not in LISTED_CODES:
            tally.unlisted_code(f"{sent_as} as {sender}: {code}")
    if response.status_code in DESIGNED_5XX.get(case.operation.label, ()):
        return response
    try:
        case.validate_response(response, checks=[not_a_server_error])
    except FailureGroup as failures:
        tally.server_error(f"as {sender}: {failures.message}")
    return response


LISTED_CODES = frozenset(code.value for code in ErrorCode)


def refusal_codes(response: Response) -> list[str]:
    """The `type` of each refusal in a 4xx answer's `detail` list (none for other answers)."""
    if not 400 <= response.status_code < 500:
        return []
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return []
    if not isinstance(detail, list):
        return []  # a plain-text detail (401, 405, 413): not a refusal of the request's data
    return [str(item.get("type")) for item in detail if isinstance(item, dict)]


PathIds = dict[str, tuple[str, ...]]
"""Path parameter name → the real values of the seeded data (e.g. a draft's and a published
practice's id)."""


def real_ids(operation: APIOperation, path_ids: PathIds, turn: int) -> dict[str, str]:
    """The seeded values of `operation`'s path parameters, the `turn`-th of each (cycling)."""
    return {
        p.name: path_ids[p.name][turn % len(path_ids[p.name])]
        for p in operation.path_parameters
        if p.name in path_ids
    }


def cases_of(operation: APIOperation, path_ids: PathIds) -> st.SearchStrategy[Case]:
    """Valid and invalid requests to `operation`, some with the real ids of the seeded data."""
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    if any(True for _ in operation.iter_parameters()) or operation.body:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    turns = max(
        (len(path_ids[p.name]) for p in operation.path_parameters if p.name in path_ids), default=0
    )
    for turn in range(turns):
        strategies.append(
            operation.as_strategy(path_parameters=real_ids(operation, path_ids, turn))
        )
    return st.one_of(strategies)


def cover_boundaries(
    schema: BaseSchema,
    callers: dict[str, Caller],
    path_ids: PathIds,
    tally: Tally,
    limit: int,
) -> None:
    """Schemathesis's coverage cases for each operation, as the caller in `callers` for it.

    They are deterministic: boundary values (the largest page, the last day of year 9999),
    missing and wrongly typed fields. At most `limit` an operation, spread over all of them.
    """
    modes = list(GenerationMode)
    for result in schema.get_all_operations():
        operation = result.ok()
        config = schema.config.generation_for(operation=operation)
        cases = list(
            schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config)
        )
        for turn, case in enumerate(cases[:: max(1, math.ceil(len(cases) / limit))]):
            real = real_ids(operation, path_ids, turn)
            if real and case.meta is not None and not case.meta.generation.mode.is_negative:
                # Valid requests get real ids, so their boundary values reach the handler.
                case.path_parameters = {**(case.path_parameters or {}), **real}
            send(case, callers[operation.label], tally, prepare=lambda case: None)


def fuzz_each_operation(
    schema: BaseSchema,
    caller: Caller,
    path_ids: PathIds,
    tally: Tally,
    examples: int,
    prepare: Prepare,
) -> None:
    """Up to `examples` generated requests to every operation of `schema`, sent as `caller`."""
    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.settings(max_examples=examples, **COMMON_SETTINGS)
        @hypothesis.given(case=cases_of(operation, path_ids))
        def fuzz(case: Case) -> None:
            send(case, caller, tally, prepare)

        fuzz()


def follow_links(
    schema: BaseSchema,
    caller: Caller,
    tally: Tally,
    scenarios: int,
    steps: int,
    prepare: Prepare,
) -> None:
    """Sequences of calls where each takes its ids from an earlier response (OpenAPI links)."""

    class AsCaller(schema.as_state_machine()):  # type: ignore[misc]
        def step(self, input: StepInput) -> StepOutput:
            output: StepOutput = super().step(input)
            if input.transition is not None and input.applied_parameters:
                tally.followed(input.transition.id, output.response.status_code)
            return output

        def call(self, case: Case, **kwargs: Any) -> Response:
            return send(case, caller, tally, prepare, **kwargs)

        def validate_response(self, response: Response, case: Case, *args: Any, **kw: Any) -> None:
            """`send` checked it already: only server errors matter, and they are tallied."""

    settings = {**COMMON_SETTINGS, "derandomize": False, "phases": [Phase.generate]}
    try:
        hypothesis.seed(STATEFUL_SEED)(AsCaller).run(
            settings=hypothesis.settings(
                max_examples=scenarios, stateful_step_count=steps, **settings
            )
        )
    except Flaky:
        # A scenario replayed on a service whose state moved on (new ids, a withdrawn body)
        # does not draw the same steps twice; schemathesis's own runner ends there too.
        # Every request sent until then is tallied and checked.
        tally.cut_short += 1
