"""Every OpenAPI link a route declares leads to an operation that exists, filling its path."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest

from services.runtime.catalog import SERVICE_PORTS
from services.runtime.http import create_app
from services.runtime.openapi_links import link
from services.runtime.settings import ServiceSettings


def openapi_of(name: str) -> dict[str, Any]:
    """The service's OpenAPI document, as its app serves it."""
    definition = importlib.import_module(f"services.{name}.service").SERVICE
    return create_app(definition, ServiceSettings.for_service(name)).openapi()


def declared_links(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, link name, link) for every link in an OpenAPI document."""
    return [
        (f"{method.upper()} {path}", link_name, declared)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for response in operation["responses"].values()
        for link_name, declared in response.get("links", {}).items()
    ]


def test_a_link_names_its_target_by_json_pointer() -> None:
    made = link("GET", "/items/{item_id}/a~b", item_id="$response.body#/id")
    assert made == {
        "operationRef": "#/paths/~1items~1{item_id}~1a~0b/get",
        "parameters": {"item_id": "$response.body#/id"},
    }


def test_the_services_with_ids_declare_links() -> None:
    counts = {name: len(declared_links(openapi_of(name))) for name in SERVICE_PORTS}
    assert counts["registration"] >= 10
    assert counts["membership"] >= 10
    assert counts["notifications"] >= 1
    assert counts["observatory"] >= 10


@pytest.mark.parametrize("name", sorted(SERVICE_PORTS))
def test_every_link_leads_to_an_operation_and_fills_its_path(name: str) -> None:
    document = openapi_of(name)
    for source, link_name, declared in declared_links(document):
        pointer, method = declared["operationRef"].removeprefix("#/paths/").rsplit("/", 1)
        path = pointer.replace("~1", "/").replace("~0", "~")
        assert method in document["paths"].get(path, {}), f"{source} {link_name}: no {path}"
        wanted = set(re.findall(r"{(\w+)}", path))
        assert set(declared["parameters"]) == wanted, f"{source} {link_name}"
        for expression in declared["parameters"].values():
            assert re.fullmatch(r"\$(response\.body#/[\w/]+|request\.path\.\w+)", expression)
