# The two commands of the README: `make up` runs the whole system, `make test` proves it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up down test test-fast lint contracts

up: $(STAMP)
	bash deploy/stack.sh up

down:
	bash deploy/stack.sh down

test: $(STAMP)
	bash deploy/test-tools.sh
	bash deploy/stack.sh prepare
	$(MAKE) lint
	INNOVNET_ENV=test $(BIN)/pytest

# The tests that need no server, in seconds. tests/conftest.py marks the others `servers` and,
# told so, points every server address at a port that refuses connections: a test that needs a
# server and escaped the marker fails (within the time-out) instead of passing by luck.
test-fast: $(STAMP)
	INNOVNET_ENV=test INNOVNET_TESTS_WITHOUT_SERVERS=1 $(BIN)/pytest -m "not servers" --timeout=20

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m contracts.generate --check

# Regenerate contracts/schemas and contracts/asyncapi.yaml after changing an event model.
contracts: $(STAMP)
	$(BIN)/python -m contracts.generate

$(STAMP): pyproject.toml package-lock.json
	@command -v $(PYTHON) >/dev/null || { echo "innovnet: Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[dev]'
	bash deploy/gateway/assets.sh
	touch $@
