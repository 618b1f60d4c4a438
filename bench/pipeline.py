"""The event pipeline measured on this machine: relay, projection, end-to-end latency.

    python -m bench.pipeline [--events 50000] [--latency-seconds 15]

Needs the local stack's Kafka and PostgreSQL (`make test` or `bash deploy/stack.sh prepare`).
Uses the `tally` test service (`tests/runtime/tally.py`) on a topic and a database of its own,
both removed afterwards. Prints one table: each figure of innovnet next to the raw client
doing the same work on the same machine, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from prometheus_client import REGISTRY

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from contracts.topics import Topic
from services.runtime.consumer import ConsumerLoop
from services.runtime.relay import OutboxRelay, producer_config
from services.runtime.running import start_service
from services.runtime.settings import ServiceSettings
from services.runtime.topics import create_topics
from tests.support.servers import fresh_database, kafka_bootstrap_servers

GOALS = {"relay": 10_000.0, "projection": 10_000.0, "p99_ms": 100.0}


@contextmanager
def bench_environment() -> Iterator[dict[str, str]]:
    """A fresh topic, database and consumer-group prefix for the tally service."""
    run_id = uuid.uuid4().hex[:8]
    topic = f"bench.tally.{run_id}"
    with fresh_database("bench") as url:
        env = {
            "TALLY_TOPIC": topic,
            "TALLY_DATABASE_URL": url,
            "KAFKA_CONSUMER_GROUP_PREFIX": f"bench-{run_id}.",
            "INNOVNET_ENV": "test",
        }
        os.environ.update(env)
        from tests.runtime import tally

        create_topics(kafka_bootstrap_servers(), [tally.tally_topic()])
        try:
            yield env
        finally:
            admin = AdminClient({"bootstrap.servers": kafka_bootstrap_servers()})
            admin.delete_topics([topic, f"{topic}.raw"])


def append_events(running: Any, events: int) -> None:
    """Store `events` tally events, 100 per tally, 50 tallies per transaction."""
    app, sealer = running.application, running.application.sealer
    per_tally, per_save = 100, 50
    tallies_needed = events // per_tally
    from tests.runtime.tally import Tally

    for start in range(0, tallies_needed, per_save):
        batch = []
        for _ in range(min(per_save, tallies_needed - start)):
            tally = Tally(sealer.seal(uuid.uuid4(), "bench"))
            for _ in range(per_tally - 1):
                tally.increment(1)
            batch.append(tally)
        app.save(*batch)


def tally_relay(running: Any, settings: ServiceSettings) -> OutboxRelay:
    """The runtime's relay for the tally service's application and topic."""
    from tests.runtime import tally

    return OutboxRelay(
        running.application,
        settings.database_url,
        tally.tally_topic(),
        tally.to_contract,
        settings.kafka_bootstrap_servers,
    )


def measure_relay(running: Any, settings: ServiceSettings, events: int) -> tuple[float, list[Any]]:
    """Seconds for the relay to publish and record everything stored; and the messages it made."""
    relay = tally_relay(running, settings)
    stop = threading.Event()
    newest = running.application.recorder.max_notification_id()
    started = time.perf_counter()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        while True:
            try:
                row = conn.execute("SELECT notification_id FROM relay_position").fetchone()
            except psycopg.errors.UndefinedTable:  # the relay has not taken its lock yet
                row = None
            if row and row[0] >= newest:
                break
            time.sleep(0.005)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    notifications = running.application.recorder.select_notifications(0, events + 10)
    return elapsed, relay._map(notifications, set()).messages


def measure_raw_producer(messages: list[Any], topic: str) -> float:
    """Seconds for a bare idempotent producer to send the same messages and get them acked."""
    create_topics(kafka_bootstrap_servers(), [Topic(topic, 3, "tally", ())])
    producer = Producer(producer_config(kafka_bootstrap_servers()))
    started = time.perf_counter()
    for message in messages:
        while True:
            try:
                producer.produce(topic, message.value, message.key, headers=message.headers)
                break
            except BufferError:
                producer.poll(0.05)
    producer.flush(60)
    return time.perf_counter() - started


def measure_projection(running: Any, settings: ServiceSettings, events: int) -> float:
    """Seconds for the projection's consumer loop to apply every published event."""
    projection = running.projections["tally_totals"]
    loop = ConsumerLoop(projection, settings.kafka_bootstrap_servers, f"bench-{uuid.uuid4().hex}")
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    loop.assigned.wait(60)
    started = time.perf_counter()
    schema = projection.schema()
    with psycopg.connect(settings.database_url) as conn:
        while True:
            (applied,) = conn.execute(f"SELECT count(*) FROM {schema}.applied").fetchone()  # type: ignore[misc]
            if applied >= events:
                break
            time.sleep(0.01)
    elapsed = time.perf_counter() - started
    stop.set()
    thread.join()
    return elapsed


def measure_raw_consumer(topic: str, events: int) -> float:
    """Seconds for a bare consumer to read the same number of messages from offset 0."""
    consumer = Consumer(
        {
            "bootstrap.servers": kafka_bootstrap_servers(),
            "group.id": f"bench-raw-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
        }
    )
    metadata = consumer.list_topics(topic, timeout=10)
    consumer.assign([TopicPartition(topic, p, 0) for p in metadata.topics[topic].partitions])
    read = 0
    started = time.perf_counter()
    while read < events:
        read += sum(1 for m in consumer.consume(1000, timeout=1.0) if m.error() is None)
    elapsed = time.perf_counter() - started
    consumer.close()
    return elapsed


def measure_latency(
    env: dict[str, str], running: Any, settings: ServiceSettings, seconds: float, rate: float
) -> list[float]:
    """Milliseconds from `save()` returning to the event being visible in another process's
    projection, at a steady `rate` events per second."""
    projection_schema = running.projections["tally_totals"].schema()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.runtime.tally", "--role", "worker"],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    relay_stop = threading.Event()
    relay = tally_relay(running, settings)
    relay_thread = threading.Thread(target=relay.run, args=(relay_stop,), daemon=True)
    relay_thread.start()
    saved: dict[tuple[uuid.UUID, int], float] = {}
    seen: dict[tuple[uuid.UUID, int], float] = {}
    watching = threading.Event()
    watching.set()

    def watch() -> None:
        # Every 2 ms, the rows committed since the last look: visibility to another reader.
        last_seq = 0
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            while watching.is_set():
                rows = conn.execute(
                    f"SELECT seq, tally_id, version FROM {projection_schema}.applied"
                    " WHERE seq > %s",
                    (last_seq,),
                ).fetchall()
                now = time.perf_counter()
                for seq, tally_id, version in rows:
                    seen.setdefault((tally_id, version), now)
                    last_seq = max(last_seq, seq)
                time.sleep(0.002)

    try:
        app, sealer = running.application, running.application.sealer
        tallies = [app.open(sealer.seal(uuid.uuid4(), "bench")) for _ in range(20)]
        versions = dict.fromkeys(tallies, 1)
        time.sleep(10)  # the worker joins its group and catches up before the clock starts
        watcher = threading.Thread(target=watch)
        watcher.start()
        interval, next_at = 1.0 / rate, time.perf_counter()
        deadline = next_at + seconds
        index = 0
        while next_at < deadline:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            tally_id = tallies[index % len(tallies)]
            app.increment(tally_id)
            versions[tally_id] += 1
            saved[(tally_id, versions[tally_id])] = time.perf_counter()
            index += 1
            next_at += interval
        wait_until = time.perf_counter() + 30
        while len(seen.keys() & saved.keys()) < len(saved) and time.perf_counter() < wait_until:
            time.sleep(0.05)
        watching.clear()
        watcher.join()
    finally:
        relay_stop.set()
        relay_thread.join()
        worker.terminate()
        worker.wait(15)
    missing = len(saved) - len(seen.keys() & saved.keys())
    if missing:
        print(f"warning: {missing} events not seen within 30 s", file=sys.stderr)
    return [(seen[key] - saved[key]) * 1000 for key in saved if key in seen]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--latency-seconds", type=float, default=15.0)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()

    with bench_environment() as env:
        from tests.runtime import tally

        settings = ServiceSettings.for_service("tally")
        running = start_service(tally.definition(), settings, "api")
        try:
            print(f"storing {args.events} events …", file=sys.stderr)
            append_events(running, args.events)
            print("relay …", file=sys.stderr)
            relay_s, messages = measure_relay(running, settings, args.events)
            print("raw producer …", file=sys.stderr)
            raw_producer_s = measure_raw_producer(messages, f"{env['TALLY_TOPIC']}.raw")
            print("projection …", file=sys.stderr)
            projection_s = measure_projection(running, settings, len(messages))
            print("raw consumer …", file=sys.stderr)
            raw_consumer_s = measure_raw_consumer(env["TALLY_TOPIC"], len(messages))
            print(
                f"latency at {args.rate:.0f} events/s for {args.latency_seconds:.0f} s …",
                file=sys.stderr,
            )
            latencies = measure_latency(env, running, settings, args.latency_seconds, args.rate)
        finally:
            running.stop()

    n = len(messages)
    relay_rate, raw_producer_rate = n / relay_s, n / raw_producer_s
    projection_rate, raw_consumer_rate = n / projection_s, n / raw_consumer_s
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    print(f"\ninnovnet pipeline, {n} events, {os.cpu_count()} cores")
    print(f"{'measure':<34}{'innovnet':>12}{'raw client':>12}{'ratio':>8}{'goal':>10}")
    print(
        f"{'relay, events/s':<34}{relay_rate:>12,.0f}{raw_producer_rate:>12,.0f}"
        f"{relay_rate / raw_producer_rate:>8.2f}{GOALS['relay']:>10,.0f}"
    )
    print(
        f"{'projection, events/s':<34}{projection_rate:>12,.0f}{raw_consumer_rate:>12,.0f}"
        f"{projection_rate / raw_consumer_rate:>8.2f}{GOALS['projection']:>10,.0f}"
    )
    print(f"{'end-to-end latency p50, ms':<34}{p50:>12.1f}")
    print(f"{'end-to-end latency p95, ms':<34}{p95:>12.1f}")
    goal = GOALS["p99_ms"]
    print(f"{'end-to-end latency p99, ms':<34}{p99:>12.1f}{'':>12}{'':>8}{goal:>10.0f}")
    print(
        f"{'(latency samples; mean ms)':<34}{len(latencies):>12}{statistics.mean(latencies):>12.1f}"
    )
    print(f"{'projection batch retries':<34}{projection_retries():>12.0f}{'':>12}{'':>8}{0:>10}")


def projection_retries() -> float:
    """Batches the projection tried again in this process (the bench's projection runs here)."""
    labels = {"processor": "tally_totals"}
    return REGISTRY.get_sample_value("innovnet_batch_retries_total", labels) or 0.0


if __name__ == "__main__":
    main()
