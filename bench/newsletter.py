"""One newsletter issue to 10,000 subscribers into a local SMTP sink, next to a bare smtplib loop.

    python -m bench.newsletter [--subscribers 10000]

Needs the local stack's Kafka and PostgreSQL (`make test` or `bash deploy/stack.sh prepare`).
Starts a notifications process (`--role all`, as `make up` does) on a fresh database and topic
prefix (both removed afterwards), with no pace (`NOTIFICATIONS_NEWSLETTER_PER_SECOND=0`) and
its SMTP relay an aiosmtpd sink in a process of its own that counts and discards what it gets.
`--subscribers` confirmed subscribers (a third in English, addresses sealed as the newsletter
service seals them) are produced onto the newsletter's topic as its relay would, then one
`IssuePublished`. The figures:

* wall time, from the issue on the topic to its progress showing no copy pending (the audience
  folded, the copies expanded, every copy sent), and emails/s between the sink's first and
  last copy;
* the notifications process's resident memory (VmRSS from /proc) before the issue and its peak
  while sending, sampled every 50 ms: flat means the sender does not hold the audience in
  memory;
* a bare loop: the same messages built the same way (`newsletter_mail.Edition`, the VERP return
  path) sent by smtplib over one connection to the same sink, and the ratio of the service's
  rate to it. The goal, at least half the bare rate with memory flat, is printed, not asserted.

The load average is printed beside the figures: on a shared machine they are only as good as it
is quiet.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, Final

import httpx
from confluent_kafka import Producer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from contracts import newsletter as nl
from contracts.envelope import to_kafka_message
from contracts.events import ContractEvent
from contracts.registration import Language
from contracts.topics import topic_of
from services.notifications.newsletter_mail import Edition, Links
from services.runtime import newsletter_links
from services.runtime.auth import mint_token
from services.runtime.relay import producer_config
from services.runtime.sealing import KeyVault, Sealer, master_key_from_setting
from services.runtime.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings
from services.runtime.topics import create_topics
from tests.support.kafka import delete_topics
from tests.support.processes import free_port, service_process
from tests.support.servers import fresh_database, kafka_bootstrap_servers

RETURN_DOMAIN: Final = "newsletter.innovnet.localhost"
PUBLIC_URL: Final = "https://innovnet.example.gov.gr"
SENDER: Final = "Δίκτυο Καινοτομίας <newsletter@innovnet.gov.gr>"
ADMIN: Final = {
    "Authorization": "Bearer "
    + mint_token(DEVELOPMENT_JWT_SECRET, subject="bench", role="admin", email="u@example.gov.gr")
}
MARKDOWN: Final = "\n\n".join(
    f"## Ενότητα {n}\n\nΚαλές **πρακτικές** του Δικτύου, με [σύνδεσμο](https://example.gov.gr/{n})."
    for n in range(12)
)
"""An issue of a dozen short sections: a few kilobytes, as a real one."""
GOAL_RATIO: Final = 0.5


# The sink: aiosmtpd in a process of its own, so neither loop measured shares its interpreter.


class _CountingHandler:
    def __init__(self, count: Synchronized[int], first: Any, last: Any) -> None:
        self.count, self.first, self.last = count, first, last

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.monotonic()
        with self.count.get_lock():
            if self.count.value == 0:
                self.first.value = now
            self.count.value += 1
            self.last.value = now
        return "250 OK"


def _run_sink(port: int, count: Any, first: Any, last: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(
        _CountingHandler(count, first, last), hostname="127.0.0.1", port=port, ready_timeout=30
    )
    controller.start()
    stop.wait()
    controller.stop()


@dataclass
class Sink:
    """The counting sink's port and its shared counters."""

    port: int
    count: Any
    first: Any
    last: Any

    def reset(self) -> None:
        with self.count.get_lock():
            self.count.value, self.first.value, self.last.value = 0, 0.0, 0.0

    def rate(self) -> float:
        """Emails per second between the first and the last email received."""
        span = self.last.value - self.first.value
        return (self.count.value - 1) / span if span > 0 else 0.0


@contextmanager
def counting_sink() -> Iterator[Sink]:
    context = multiprocessing.get_context("spawn")
    count, first, last = context.Value("q", 0), context.Value("d", 0.0), context.Value("d", 0.0)
    stop = context.Event()
    port = free_port()
    process = context.Process(target=_run_sink, args=(port, count, first, last, stop))
    process.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as probe:
                probe.noop()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield Sink(port, count, first, last)
    finally:
        stop.set()
        process.join(10)


# The audience and the issue, as the newsletter service would publish them.


def addresses(total: int) -> list[tuple[uuid.UUID, str, Language]]:
    return [
        (
            uuid.uuid4(),
            f"reader{n:05d}@dimos{n % 97}.gov.gr",
            Language.ENGLISH if n % 3 == 0 else Language.GREEK,
        )
        for n in range(total)
    ]


def issue_texts() -> dict[Language, nl.IssueText]:
    from services.newsletter.rendering import render

    texts = {}
    for language, subject in ((Language.GREEK, "Τεύχος 1"), (Language.ENGLISH, "Issue 1")):
        rendered = render(MARKDOWN)
        texts[language] = nl.IssueText(
            subject=subject, markdown=MARKDOWN, html=rendered.html, text=rendered.text
        )
    return texts


class Publisher:
    """Produces contract events onto the newsletter's topic, flushed once at the end."""

    def __init__(self, prefix: str) -> None:
        self.producer = Producer(
            {**producer_config(kafka_bootstrap_servers()), "queue.buffering.max.messages": 200_000}
        )
        self.topic = f"{prefix}{topic_of('newsletter').name}"

    def produce(self, aggregate_id: uuid.UUID, event: ContractEvent, version: int = 1) -> None:
        message = to_kafka_message(
            event,
            aggregate_id=aggregate_id,
            aggregate_version=version,
            time=datetime.now(UTC),
            correlation_id=aggregate_id,
            causation_id=aggregate_id,
        )
        headers: list[tuple[str, str | bytes | None]] = list(message.headers)
        while True:
            try:
                self.producer.produce(self.topic, message.value, message.key, headers=headers)
                break
            except BufferError:
                self.producer.poll(0.5)
        self.producer.poll(0)

    def flush(self) -> None:
        assert self.producer.flush(60) == 0, "the broker took every event"


# Measuring.


def rss_of(pid: int) -> int:
    """The process's resident set in bytes (VmRSS), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakRss:
    """Samples a process's RSS on a thread until stopped; the peak."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_of(self.pid))
            self._stop.wait(self.every)


def bare_loop(
    sink: Sink, issue: uuid.UUID, texts: dict[Language, nl.IssueText], audience: list[Any]
) -> tuple[float, float]:
    """The same messages, built the same way, over one smtplib connection: wall s and rate."""
    links = Links(DEVELOPMENT_JWT_SECRET, PUBLIC_URL, RETURN_DOMAIN)
    editions = {
        language: Edition.of(issue, language.value, text.model_dump(), SENDER, RETURN_DOMAIN)
        for language, text in texts.items()
    }
    sink.reset()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp:
        for subscriber, address, language in audience:
            message = editions[language].copy(issue, subscriber, address, links)
            bounce = newsletter_links.return_path(links.secret, links.domain, subscriber)
            smtp.sendmail(bounce, [address], message)
    return time.perf_counter() - started, sink.rate()


def progress(base_url: str, issue: uuid.UUID) -> dict[str, int] | None:
    answer = httpx.get(f"{base_url}/newsletter/issues/{issue}/progress", headers=ADMIN, timeout=10)
    return dict(answer.json()) if answer.status_code == 200 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    arguments = parser.parse_args()
    total = arguments.subscribers
    os.environ.setdefault("INNOVNET_ENV", "test")
    audience = addresses(total)
    texts = issue_texts()
    issue = uuid.uuid4()
    prefix = f"bench-{uuid.uuid4().hex[:10]}."
    create_topics(kafka_bootstrap_servers(), prefix=prefix)
    try:
        with (
            counting_sink() as sink,
            fresh_database("notifications") as database_url,
            tempfile.TemporaryDirectory() as logs,
        ):
            settings = ServiceSettings(service="notifications", database_url=database_url)
            vault = KeyVault(
                settings.vault_database_url, master_key_from_setting(settings.master_key)
            )
            sealer = Sealer(vault)
            env = {
                "NOTIFICATIONS_DATABASE_URL": database_url,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_CONSUMER_GROUP_PREFIX": prefix,
                "INNOVNET_PUBLIC_URL": PUBLIC_URL,
                "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
                "NOTIFICATIONS_SMTP_PORT": str(sink.port),
                "NOTIFICATIONS_NEWSLETTER_PER_SECOND": "0",
                "NOTIFICATIONS_NEWSLETTER_EVERY_SECONDS": "0.5",
                "NEWSLETTER_RETURN_DOMAIN": RETURN_DOMAIN,
            }
            with service_process("notifications", env, Path(logs)) as service:
                started = time.perf_counter()
                publisher = Publisher(prefix)

                def confirmed(entry: tuple[uuid.UUID, str, Language]) -> nl.SubscriptionConfirmed:
                    subscriber, address, language = entry
                    return nl.SubscriptionConfirmed(
                        subscriber_id=subscriber,
                        email=sealer.seal(subscriber, address),
                        language=language,
                        origin=nl.SubscriptionOrigin.FORM,
                        confirmed_at=datetime.now(UTC),
                    )

                with ThreadPoolExecutor(8) as pool:
                    for entry, event in zip(audience, pool.map(confirmed, audience), strict=True):
                        publisher.produce(entry[0], event)
                publisher.flush()
                loaded = time.perf_counter() - started
                print(f"{total} subscribers sealed and produced in {loaded:.1f} s")
                time.sleep(2)  # let the audience start folding: the issue's wait includes the rest
                before = rss_of(service.process.pid)
                sink.reset()
                published = nl.IssuePublished(
                    issue_id=issue, number=1, texts=texts, published_at=datetime.now(UTC)
                )
                with PeakRss(service.process.pid) as rss:
                    sent_from = time.perf_counter()
                    publisher.produce(issue, published)
                    publisher.flush()
                    while True:
                        state = progress(service.base_url, issue)
                        if state and state["total"] == total and state["pending"] == 0:
                            break
                        time.sleep(0.2)
                    wall = time.perf_counter() - sent_from
                service_rate, received = sink.rate(), sink.count.value
                after = rss_of(service.process.pid)
            vault.close()
            bare_wall, bare_rate = bare_loop(sink, issue, texts, audience)
    finally:
        delete_topics(prefix)
    mib = 1024 * 1024
    ratio = service_rate / bare_rate if bare_rate else 0.0
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"issue to {total} subscribers: {received} emails at the sink, progress {state}")
    print(f"  wall time (topic to nothing pending) {wall:.1f} s")
    print(f"  service: {service_rate:.0f} emails/s (first to last copy at the sink)")
    print(f"  bare smtplib loop, one connection: {bare_rate:.0f} emails/s ({bare_wall:.1f} s)")
    print(
        f"  ratio {ratio:.2f} (goal >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'})"
    )
    print(
        f"  notifications RSS: {before / mib:.0f} MiB before the issue, peak {rss.peak / mib:.0f}"
        f" MiB while sending, {after / mib:.0f} MiB after (+{(rss.peak - before) / mib:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
