"""The committed JSON Schemas, asyncapi.yaml and error-codes.md: current, schemas never broken
within a version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from contracts import generate
from contracts.errors import ErrorCode
from contracts.generate import (
    ASYNCAPI,
    CONTRACTS_DIR,
    ERROR_CODES,
    SCHEMAS,
    IncompatibleChange,
    check,
    write,
)

NOMINATED = f"{SCHEMAS}/gr.innovnet.registration.RepresentativeNominated.v1.json"


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A copy of the committed generated files, to change without touching the real ones."""
    shutil.copytree(CONTRACTS_DIR / SCHEMAS, tmp_path / SCHEMAS)
    shutil.copy(CONTRACTS_DIR / ASYNCAPI, tmp_path / ASYNCAPI)
    shutil.copy(CONTRACTS_DIR / ERROR_CODES, tmp_path / ERROR_CODES)
    return tmp_path


def test_the_committed_schemas_and_asyncapi_document_are_current() -> None:
    assert check() == []


def test_the_check_command_succeeds_on_the_committed_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert generate.main(["--check"]) == 0
    assert "current" in capsys.readouterr().out


def test_a_stale_file_fails_the_check_and_is_rewritten(committed: Path) -> None:
    (committed / ASYNCAPI).write_text("asyncapi: 3.0.0\n", encoding="utf-8")

    assert check(committed) == [
        f"contracts/{ASYNCAPI} is stale. Run `python -m contracts.generate` and commit the result."
    ]
    assert write(committed) == [ASYNCAPI]
    assert check(committed) == []


def test_the_generator_refuses_to_break_a_committed_event_version(committed: Path) -> None:
    schema = json.loads((committed / NOMINATED).read_text(encoding="utf-8"))
    # As if the model had since lost a required field that the committed schema still has.
    schema["properties"]["mobile"] = {"type": "string"}
    schema["required"].append("mobile")
    (committed / NOMINATED).write_text(json.dumps(schema), encoding="utf-8")
    (committed / ASYNCAPI).write_text("stale\n", encoding="utf-8")

    breaking, stale = check(committed)

    assert breaking.startswith(f"contracts/{NOMINATED} has breaking changes:")
    assert "property 'mobile' was removed" in breaking
    assert "new version" in breaking
    assert stale.startswith("contracts/asyncapi.yaml is stale")
    with pytest.raises(IncompatibleChange, match="mobile"):
        write(committed)
    assert (committed / NOMINATED).read_text(encoding="utf-8") == json.dumps(schema)
    assert (committed / ASYNCAPI).read_text(encoding="utf-8") == "stale\n"


def test_a_committed_schema_whose_event_left_the_registry_is_refused(committed: Path) -> None:
    retired = committed / SCHEMAS / "gr.innovnet.registration.RegistrationArchived.v1.json"
    retired.write_text('{"type": "object"}\n', encoding="utf-8")

    [problem] = check(committed)

    assert problem.startswith(f"contracts/{SCHEMAS}/{retired.name}: no event")
    with pytest.raises(IncompatibleChange):
        write(committed)


def test_the_check_command_exits_1_with_the_reason(
    committed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (committed / NOMINATED).unlink()
    monkeypatch.setattr(generate, "CONTRACTS_DIR", committed)

    assert generate.main(["--check"]) == 1
    assert f"contracts/{NOMINATED} is stale" in capsys.readouterr().err


def test_schema_files_are_sorted_indented_and_end_with_a_newline() -> None:
    text = (CONTRACTS_DIR / NOMINATED).read_text(encoding="utf-8")

    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_error_codes_document_lists_every_code_with_its_meaning(committed: Path) -> None:
    document = (committed / ERROR_CODES).read_text(encoding="utf-8")
    for code in ErrorCode:
        assert f"| `{code.value}` | {code.meaning} |" in document
    (committed / ERROR_CODES).write_text("# Error codes\n", encoding="utf-8")
    (stale,) = check(committed)
    assert stale.startswith(f"contracts/{ERROR_CODES} is stale.")


def test_every_error_code_is_snake_case_and_means_something() -> None:
    for code in ErrorCode:
        assert code.value.replace("_", "").isalpha(), code
        assert code.value.islower(), code
        assert code.meaning.endswith("."), code
