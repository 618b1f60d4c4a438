"""The real Kafka broker and PostgreSQL server the tests run against (started by `make test`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from services.runtime.settings import server_url


def kafka_bootstrap_servers() -> str:
    """The broker of the stack."""
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")


@contextmanager
def fresh_database(prefix: str = "test") -> Iterator[str]:
    """Create an empty database on the stack's server, yield its URL, drop it afterwards."""
    admin_url = server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_conninfo(_as_url_parts(admin_url), dbname=name)
    try:
        yield url
    finally:
        drop_database(url)


def drop_database(url: str) -> None:
    """Drop the database of `url`, closing its connections; nothing if it is already gone."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _as_url_parts(url: str) -> str:
    """Normalise a URL to key=value conninfo so `make_conninfo` can override the database."""
    return make_conninfo(**conninfo_to_dict(url))
