"""`innovnet`: the operators' command line (topics, and more as the runtime grows)."""

from __future__ import annotations

import argparse
import os
import sys

from services.runtime.topics import create_topics


def topics_create(args: argparse.Namespace) -> int:
    """Create the registry's topics with retention forever."""
    for name, outcome in create_topics(args.bootstrap_servers).items():
        print(f"topic {name}: {outcome}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command tree."""
    parser = argparse.ArgumentParser(prog="innovnet", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    topics = commands.add_parser("topics", help="Kafka topics of the contract registry")
    topics_commands = topics.add_subparsers(dest="topics_command", required=True)
    create = topics_commands.add_parser("create", help="create missing topics (idempotent)")
    create.add_argument(
        "--bootstrap-servers",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
    )
    create.set_defaults(handler=topics_create)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
