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

# `make test` runs the tests in two parts. First every test not marked `serial`, in parallel on
# TEST_WORKERS processes, each file whole on one of them (its module's stack started once): each
# test has its own databases, topic prefix and ports. Files go out in the order of tests/ (the
# long browser and fuzz files early), not by their number of tests (which would leave those few
# long files to the end). Then, alone, the `serial` ones: they stop or restart the shared Kafka
# or PostgreSQL, which every other test would see go down.
TEST_WORKERS ?= 2

test: $(STAMP)
	bash deploy/test-tools.sh
	bash deploy/stack.sh prepare
	$(MAKE) lint
	INNOVNET_ENV=test $(BIN)/pytest -m "not serial" -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
	INNOVNET_ENV=test $(BIN)/pytest -m serial

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
