"""OpenAPI links: which later operation a response's ids lead to, for clients and API fuzzers."""

from __future__ import annotations

from typing import Any


def link(method: str, path: str, **parameters: str) -> dict[str, Any]:
    """A link to `method path`, each path parameter taken from the response (a runtime expression).

    For example `link("GET", "/items/{item_id}", item_id="$response.body#/id")`.
    """
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method.lower()}", "parameters": parameters}


def linked_response(status_code: int, **links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` declaring `links` (by their OpenAPI names) on `status_code`."""
    return {status_code: {"links": links}}
