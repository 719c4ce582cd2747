# `make run` (the sandbox channel in your browser), `make demo` (a simulated year) and
# `make test`; while you work, `make check` (the fast lane: the same checks and the tests that
# are neither slow nor PostgreSQL's). Each sets up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Where `make run` keeps the sandbox's own SQLite file (and its key), and its port.
DATA ?= .tryghed
PORT ?= 3978
# Test processes (pytest-xdist): one per core for `check`; twice that for `test`, whose slow
# tests mostly wait (served processes, timers due on the minute, a browser). 0: no workers.
WORKERS ?= auto
TEST_WORKERS ?= auto

.PHONY: run demo check test lint setup

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: setup
	@mkdir -p $(DATA)
	@echo "Tryghed's sandbox channel: open http://127.0.0.1:$(PORT)/ in your browser (Ctrl-C stops it)"
	TRYGHED_DATABASE_URL=sqlite+aiosqlite:///$(abspath $(DATA))/sandbox.db TRYGHED_SANDBOX=on \
		$(BIN)/tryghed serve --host 127.0.0.1 --port $(PORT)

demo: setup
	$(BIN)/tryghed demo --weeks 12 --lang en

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -m "not slow and not postgres"

test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --cov --cov-report=term
