"""What the fuzzer sent and got: statuses per operation and caller, and every server error."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

DENIED = frozenset({401, 403})
"""Answers that mean the request never got past authentication or the role check."""
MISSED = DENIED | {404}


@dataclass
class Tally:
    """Statuses seen, by (operation, caller); server errors with the request that caused each."""

    statuses: defaultdict[tuple[str, str], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    links: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    """Statuses of requests whose ids an OpenAPI link took from an earlier response, by link."""
    server_errors: list[str] = field(default_factory=list)
    unlisted_codes: list[str] = field(default_factory=list)
    """Refusals whose `type` is not in contracts/errors.py, with the request that got each."""
    cut_short: int = 0
    """Linked runs that ended early because a replayed scenario met a service that moved on."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, caller: str, status: int) -> None:
        with self._lock:
            self.statuses[operation, caller][status] += 1

    def followed(self, link: str, status: int) -> None:
        with self._lock:
            self.links[link][status] += 1

    def links_reached(self) -> int:
        """How many requests along links found what their ids name (not 404) and were let in."""
        return sum(n for seen in self.links.values() for s, n in seen.items() if s not in MISSED)

    def server_error(self, report: str) -> None:
        with self._lock:
            self.server_errors.append(report)

    def unlisted_code(self, report: str) -> None:
        with self._lock:
            self.unlisted_codes.append(report)

    def let_in(self, operation: str, caller: str) -> int:
        """How many of `caller`'s requests to `operation` got past authentication."""
        seen = self.statuses.get((operation, caller), Counter())
        return sum(n for status, n in seen.items() if status not in DENIED)

    def sent(self) -> int:
        return sum(sum(seen.values()) for seen in self.statuses.values())

    def summary(self, title: str, operations: list[str], callers: list[str]) -> str:
        """One line per operation: the statuses each caller got; then other methods and links."""
        pairs = f"{len(operations)} operations × {len(callers)} callers"
        lines = [f"{title}: {pairs}, {self.sent()} requests"]
        for operation in operations:
            seen = [
                f"{caller} {_statuses(self.statuses.get((operation, caller), Counter()))}"
                for caller in callers
            ]
            lines.append(f"  {operation:<78} {' | '.join(seen)}")
        others: Counter[int] = Counter()
        for (operation, _), seen in self.statuses.items():
            if operation not in operations:
                others.update(seen)
        lines.append(f"  methods the paths do not have: {_statuses(others)}")
        followed = sum(sum(seen.values()) for seen in self.links.values())
        if not followed:
            return "\n".join(lines)
        lines.append(
            f"  links followed {followed} times, {self.links_reached()} reached what they name"
            f" (linked runs cut short by a replay: {self.cut_short}):"
        )
        for link, seen in sorted(self.links.items()):
            lines.append(f"    {link:<85} {_statuses(seen)}")
        return "\n".join(lines)


def _statuses(seen: Counter[int]) -> str:
    return " ".join(f"{status}×{n}" for status, n in sorted(seen.items())) or "-"
