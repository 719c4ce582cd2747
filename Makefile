# Two commands for everything: `make demo` and `make test`; while you work, `make check` (the
# fast lane: the same checks and the tests that are neither slow nor PostgreSQL's). Each sets
# up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist): one per core; WORKERS=0 runs the tests in this process.
WORKERS ?= auto

.PHONY: demo check test lint setup

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(BIN)/tryghed demo --weeks 12 --lang en

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint
	$(BIN)/pytest -n $(WORKERS) -m "not slow and not postgres"

test: lint
	$(BIN)/pytest -n $(WORKERS) --cov --cov-report=term
