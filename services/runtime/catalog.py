"""The services of innovnet and their ports: the one list the stack, compose and tests read."""

from __future__ import annotations

import sys

SERVICE_PORTS: dict[str, int] = {
    "gateway": 8000,
    "registration": 8001,
    "membership": 8002,
    "observatory": 8003,
    "newsletter": 8004,
    "notifications": 8005,
}
"""Every service, each with its own database (named like the service): the domain services with
their own Kafka topic, and the gateway (the pages people use), which publishes none."""


def main() -> None:
    """Print `name port` lines, for shell scripts."""
    for name, port in SERVICE_PORTS.items():
        sys.stdout.write(f"{name} {port}\n")


if __name__ == "__main__":
    main()
