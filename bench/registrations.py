"""Registrations per second through the HTTP API, next to PostgreSQL's raw insert-and-commit.

    python -m bench.registrations [--per-level 600] [--levels 1 8 32]

Needs the local stack's Kafka and PostgreSQL (`make test` or `bash deploy/stack.sh prepare`).
Starts the registration service (`--role all`, as `make up` does) on a database and topics of
its own, sends valid forms from 1, 8 and 32 concurrent clients, and for each level inserts the
same number of rows into a plain table with one commit each, from as many connections.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
from stdnum.gr import vat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.runtime.topics import create_topics
from tests.registration.conftest import form, registration_env
from tests.support.kafka import delete_topics
from tests.support.processes import service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers
from tests.support.tokens import applicant_for

GOAL_RATE, GOAL_P99_MS, GOAL_LEVEL = 300.0, 50.0, 8


def tax_ids() -> Callable[[], str]:
    """An endless supply of distinct tax numbers with valid check digits."""
    numbers = itertools.count(10_000_000)
    lock = threading.Lock()

    def next_tax_id() -> str:
        with lock:
            stem = f"{next(numbers):08d}"
        return stem + vat.calc_check_digit(stem)

    return next_tax_id


def run_concurrently(
    clients: int, total: int, work: Callable[[int], None]
) -> tuple[float, list[float]]:
    """Run `work(i)` for i < total over `clients` threads; wall seconds and each call's ms."""
    latencies: list[float] = []
    counter = itertools.count()
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                return
            started = time.perf_counter()
            work(i)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def measure_http(
    base_url: str, clients: int, total: int, next_tax_id: Callable[[], str]
) -> tuple[float, list[float]]:
    local = threading.local()
    applicant = applicant_for(form(with_alternate=True))  # every form names the same filler

    def register(_: int) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, timeout=30)
        filled = form(next_tax_id(), with_alternate=True)
        response = local.client.post("/registrations", json=filled, headers=applicant)
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.text}")

    return run_concurrently(clients, total, register)


def measure_raw_postgres(database_url: str, clients: int, total: int) -> tuple[float, list[float]]:
    """The same number of rows, one INSERT and one COMMIT each, from `clients` connections."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS raw_forms (id uuid PRIMARY KEY, form jsonb)")
    local = threading.local()
    payload = json.dumps(form(with_alternate=True))

    def insert(_: int) -> None:
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(database_url)
        local.conn.execute("INSERT INTO raw_forms VALUES (%s, %s)", (uuid.uuid4(), payload))
        local.conn.commit()

    return run_concurrently(clients, total, insert)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=600)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--role", default="all", help="the service's role (all runs relay too)")
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:10]
    next_tax_id = tax_ids()
    rows = []
    with (
        fresh_database("bench") as url,
        fresh_database("benchraw") as raw_url,
        tempfile.TemporaryDirectory() as logs,
    ):
        env = registration_env(url, run_id)
        create_topics(kafka_bootstrap_servers(), prefix=env["KAFKA_TOPIC_PREFIX"])
        try:
            with service_process("registration", env, Path(logs), args.role) as service:
                measure_http(service.base_url, 4, 50, next_tax_id)  # warm-up, not reported
                for clients in args.levels:
                    print(f"{clients} clients …", file=sys.stderr)
                    seconds, latencies = measure_http(
                        service.base_url, clients, args.per_level, next_tax_id
                    )
                    raw_seconds, _ = measure_raw_postgres(raw_url, clients, args.per_level)
                    rows.append(
                        (
                            clients,
                            args.per_level / seconds,
                            percentile(latencies, 0.5),
                            percentile(latencies, 0.99),
                            args.per_level / raw_seconds,
                        )
                    )
        finally:
            delete_topics(env["KAFKA_TOPIC_PREFIX"])

    print(f"\nregistrations through HTTP, {args.per_level} forms per level (main + alternate)")
    print(
        f"{'clients':>8}{'forms/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'raw PG rows/s':>15}{'ratio':>8}"
    )
    for clients, rate, p50, p99, raw in rows:
        print(f"{clients:>8}{rate:>10.0f}{p50:>9.1f}{p99:>9.1f}{raw:>15.0f}{rate / raw:>8.3f}")
    print(
        f"goal: ≥ {GOAL_RATE:.0f} forms/s at {GOAL_LEVEL} clients with p99 ≤ {GOAL_P99_MS:.0f} ms"
    )
    at_goal = [r for r in rows if r[0] == GOAL_LEVEL]
    if at_goal:
        _, rate, _, p99, _ = at_goal[0]
        met = rate >= GOAL_RATE and p99 <= GOAL_P99_MS
        print(
            f"at {GOAL_LEVEL} clients: {rate:.0f} forms/s, p99 {p99:.1f} ms — "
            f"{'met' if met else 'not met'}"
        )
    _ = statistics


if __name__ == "__main__":
    main()
