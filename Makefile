# Diplomaregister developer tasks. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
APP := $(BIN)/diplomaregister
STAMP := $(VENV)/.stamp-install
# `make run` serves here; override with the environment or the command line: PORT=8001 make run
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PERSONS ?= 2000
PYTHON_FOR_VENV := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

.PHONY: help venv run test test-replica bench lint format openapi clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-9s %s\n", $$1, $$2}'

venv: $(STAMP) ## create .venv and install the project with dev extras (skipped if up to date)

$(STAMP): pyproject.toml
	@test -x $(PY) || { test -n "$(PYTHON_FOR_VENV)" || { echo "python3.11/python3 not found" >&2; exit 1; }; \
		$(PYTHON_FOR_VENV) -m venv $(VENV); }
	$(PY) -m pip install -e '.[dev]'
	@touch $@

run: venv ## create var/, migrate, load demo data (first time), serve on HOST:PORT (127.0.0.1:8000)
	@VENV='$(VENV)' HOST='$(HOST)' PORT='$(PORT)' DEMO_PERSONS='$(DEMO_PERSONS)' bash scripts/run.sh

test: venv ## the full check suite (lint, types, migrations, OpenAPI, pytest on SQLite and PostgreSQL)
	bash scripts/test.sh

test-replica: venv ## the replica path: a throwaway primary + streaming replica, tests/replica
	$(PY) scripts/replica_pg.py -- $(BIN)/pytest -q -p no:cacheprovider tests/replica

bench: venv ## run every bench/*.py against a throwaway PostgreSQL
	@shopt -s nullglob; files=(bench/[!_]*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no bench/*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do \
		echo "==== $$f ===="; \
		$(PY) scripts/throwaway_pg.py -- env PYTHONPATH=src $(PY) "$$f" || exit $$?; \
	done

lint: venv ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

format: venv ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: venv ## regenerate and validate docs/openapi.yaml
	@mkdir -p docs
	$(APP) spectacular --file docs/openapi.yaml --validate --lang en

clean: ## remove caches and build output (keeps .venv and var/)
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./.git \) -prune \
		-o \( -name __pycache__ -o -name '*.egg-info' \) -type d -exec rm -rf {} +

distclean: clean ## also remove the virtualenv
	rm -rf $(VENV)
