"""The event store refuses settings that would break the relay's and policies' guarantees."""

from __future__ import annotations

import pytest

from services.runtime.eventstore import UnsafeEventStoreSetting, refuse_database_functions


@pytest.mark.parametrize("value", ["y", "yes", "true", "1", "on", "TRUE"])
def test_the_event_store_refuses_to_start_with_database_functions_switched_on(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("POSTGRES_ENABLE_DB_FUNCTIONS", value)
    with pytest.raises(UnsafeEventStoreSetting, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        refuse_database_functions()


@pytest.mark.parametrize("value", ["", "n", "no", "false", "0", "off"])
def test_the_event_store_starts_with_database_functions_off(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("POSTGRES_ENABLE_DB_FUNCTIONS", value)
    refuse_database_functions()
