"""`innovnet`: the operators' command line (topics, and more as the runtime grows)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import get_args

from services.runtime import dead_letter_commands
from services.runtime.auth import Access, mint_token
from services.runtime.dead_letter_commands import Keeper
from services.runtime.rebuild import rebuild_projection
from services.runtime.release import release_service
from services.runtime.service import ServiceDefinition
from services.runtime.settings import ServiceSettings, SettingsRefused
from services.runtime.startup import opened_stores
from services.runtime.topics import create_topics


def topics_create(args: argparse.Namespace) -> int:
    """Create the registry's topics with retention forever."""
    for name, outcome in create_topics(args.bootstrap_servers, prefix=args.prefix).items():
        print(f"topic {name}: {outcome}")
    return 0


def load_definition(target: str) -> ServiceDefinition:
    """A service by name (`registration`) or by `module:attribute` (a definition or factory)."""
    module_name, _, attribute = target.partition(":")
    if not attribute:
        module_name, attribute = f"services.{target}.service", "SERVICE"
    found = getattr(importlib.import_module(module_name), attribute)
    return found() if callable(found) else found  # type: ignore[no-any-return]


def projection_rebuild(args: argparse.Namespace) -> int:
    """Rebuild one projection of a service from offset 0 and switch over."""
    definition = load_definition(args.service)
    by_name = {p.name: p for p in definition.projections}
    if args.projection not in by_name:
        known = ", ".join(by_name) or "none"
        print(
            f"innovnet: {definition.name} has no projection {args.projection!r} (it has: {known})"
        )
        return 2
    settings = ServiceSettings.for_service(definition.name)

    def progress(done: int, total: int) -> None:
        print(f"\r{args.projection}: {done}/{total} messages", end="", flush=True)

    generation = rebuild_projection(definition, by_name[args.projection], settings, progress)
    print(f"\n{args.projection}: generation {generation} is live")
    return 0


@contextmanager
def dead_letter_keepers(args: argparse.Namespace) -> Iterator[list[Keeper]]:
    """The service's processors that keep dead letters (or the one `--processor` names)."""
    definition = load_definition(args.service)
    settings = ServiceSettings.for_service(definition.name)
    with opened_stores(definition, settings) as stores:
        projections = [stores.projection(p, settings.database_url) for p in definition.projections]
        keepers: list[Keeper] = [*projections]
        policies = definition.policy_processor(stores.application)
        if policies is not None:
            keepers.append(policies)
        try:
            if args.processor:
                known = ", ".join(k.name for k in keepers) or "none"
                keepers = [k for k in keepers if args.processor in (k.name, k.name.split(".")[0])]
                if not keepers:
                    raise SystemExit(
                        f"innovnet: {definition.name} has no processor {args.processor!r}"
                        f" (it has: {known})"
                    )
            if args.ids and len(keepers) > 1:
                # Ids are numbered per processor's table: an id alone could name several.
                raise SystemExit(
                    "innovnet: dead-letter ids belong to one processor: add --processor NAME"
                    f" (one of: {', '.join(k.name for k in keepers)})"
                )
            yield keepers
        finally:
            for projection in projections:
                projection.close()


def deadletters_list(args: argparse.Namespace) -> int:
    """Print a service's dead letters, open ones unless `--all`."""
    with dead_letter_keepers(args) as keepers:
        for keeper in keepers:
            for letter in dead_letter_commands.letters_of(keeper, args.ids, open_only=not args.all):
                key = letter.hold_key or "-"
                print(
                    f"{letter.id}\t{letter.processor}\t{letter.state}\t"
                    f"{letter.topic}:{letter.partition}:{letter.offset}\tkey={key}\t"
                    f"{letter.dead_at:%Y-%m-%dT%H:%M:%SZ}\t{letter.reason}\t{letter.error[:200]}"
                )
    return 0


def deadletters_replay(args: argparse.Namespace) -> int:
    """Apply open dead letters (those named, or all) and those held behind them, in order."""
    failed = 0
    with dead_letter_keepers(args) as keepers:
        for keeper in keepers:
            for outcome in dead_letter_commands.replay(keeper, args.ids):
                failed += outcome.result.startswith("failed")
                print(f"{outcome.letter.id}\t{keeper.name}\t{outcome.result}")
    return 1 if failed else 0


def deadletters_discard(args: argparse.Namespace) -> int:
    """Mark the named dead letters discarded (never applied); held ones stay held."""
    if not args.ids:
        print("innovnet: name the dead letters to discard (their ids, from `list`)")
        return 2
    with dead_letter_keepers(args) as keepers:
        for keeper in keepers:
            for outcome in dead_letter_commands.discard(keeper, args.ids):
                print(f"{outcome.letter.id}\t{keeper.name}\t{outcome.result}")
    return 0


def token(args: argparse.Namespace) -> int:
    """Print a bearer token signed with the configured secret, for local use."""
    if args.role == "member" and not args.body_id:
        print("innovnet: a member token needs --body-id (the body the member represents)")
        return 2
    if args.role != "member" and args.body_id:
        print(f"innovnet: an {args.role} token belongs to no body; drop --body-id")
        return 2
    print(
        mint_token(
            ServiceSettings.for_service("cli").jwt_secret,
            subject=args.subject or args.email,
            role=args.role,
            email=args.email,
            body_id=args.body_id,
            ttl=timedelta(hours=args.hours),
        )
    )
    return 0


def relay_release(args: argparse.Namespace) -> int:
    """Publish a service's parked events (after the fix that maps them)."""
    definition = load_definition(args.service)
    return release_service(definition, ServiceSettings.for_service(definition.name))


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
    create.add_argument("--prefix", default=os.environ.get("KAFKA_TOPIC_PREFIX", ""))
    create.set_defaults(handler=topics_create)

    projection = commands.add_parser("projection", help="read models built from topics")
    projection_commands = projection.add_subparsers(dest="projection_command", required=True)
    rebuild = projection_commands.add_parser(
        "rebuild", help="rebuild from offset 0 into fresh tables, then switch over"
    )
    rebuild.add_argument("service", help="a service name, or module:attribute of a definition")
    rebuild.add_argument("projection", help="the projection's name")
    rebuild.set_defaults(handler=projection_rebuild)

    relay = commands.add_parser("relay", help="the outbox relay of a service")
    relay_commands = relay.add_subparsers(dest="relay_command", required=True)
    release = relay_commands.add_parser(
        "release", help="publish the parked events that map now, in order per aggregate"
    )
    release.add_argument("service", help="a service name, or module:attribute of a definition")
    release.set_defaults(handler=relay_release)

    dead = commands.add_parser("deadletters", help="consumed messages no processor could apply")
    dead_commands = dead.add_subparsers(dest="deadletters_command", required=True)
    for name, handler, text in (
        ("list", deadletters_list, "show dead and held messages"),
        ("replay", deadletters_replay, "apply them (and those held behind) in order, once"),
        ("discard", deadletters_discard, "settle them without applying; held ones stay held"),
    ):
        sub = dead_commands.add_parser(name, help=text)
        sub.add_argument("service", help="a service name, or module:attribute of a definition")
        sub.add_argument(
            "ids", nargs="*", type=int, metavar="ID", help="dead-letter ids (with --processor)"
        )
        sub.add_argument("--processor", help="one projection, or `policies`")
        if name == "list":
            sub.add_argument("--all", action="store_true", help="replayed and discarded too")
        sub.set_defaults(handler=handler)

    mint = commands.add_parser("token", help="mint a bearer token for local use")
    mint.add_argument("--role", choices=list(get_args(Access)), required=True)
    mint.add_argument("--email", required=True)
    mint.add_argument("--subject", help="the token's subject (default: the email)")
    mint.add_argument("--body-id", help="the body a member belongs to (members only)")
    mint.add_argument("--hours", type=float, default=8.0)
    mint.set_defaults(handler=token)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SettingsRefused as refused:
        # A person typed the command: one line that names the variable, not a traceback.
        print(f"innovnet: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
