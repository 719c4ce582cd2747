# `make run` (the sandbox channel in your browser), `make demo` (a simulated year) and
# `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Where `make run` keeps the sandbox's own SQLite file (and its key), and its port.
DATA ?= .tryghed
PORT ?= 3978

.PHONY: run demo test setup

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

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest --cov --cov-report=term
