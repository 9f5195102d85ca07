# Binôme: every entry point. `make run` and `make test` bootstrap everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= scripts/uv
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails follow the address the app is served on, unless SITE_URL is set (environment or
# .env): config/settings.py reads SITE_URL first, then this.
export SERVED_AT := http://$(HOST):$(PORT)

.PHONY: help bootstrap setup run web worker test test-fast e2e lint format bench messages

help:
	@echo "make run     set up, load demo data if the database is empty, start web + worker on http://$(HOST):$(PORT)"
	@echo "make test    set up and run the whole test suite (unit, integration, browser)"
	@echo "make worker  run the background worker alone"
	@echo "make lint    ruff + mypy + import layers (lint-imports, import graph) + bandit + pip-audit"
	@echo "make bench   run every benchmark in bench/"

# uv (scripts/uv installs it if missing), then Python 3.13 (from .python-version) and the locked dependencies.
bootstrap:
	@$(UV) sync --frozen --quiet

setup: bootstrap
	@$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py load_reference_data
	@$(PY) manage.py seed_demo --if-empty --progress

# The worker runs under scripts/supervise: if it dies, it is started again.
run: setup
	@echo "Binôme on http://$(HOST):$(PORT), emailed links to $${SITE_URL:-$(SERVED_AT)}  (Ctrl-C stops the web app and the worker)"
	@$(PY) manage.py demo_logins
	@trap 'kill 0' EXIT INT TERM; \
	  scripts/supervise worker $(PY) manage.py worker --no-startup-delay --recover-running-after 0 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

web: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: bootstrap
	$(PY) manage.py worker

# Browser tests run on their own (a live server empties the database between tests), two at a time:
# each xdist worker has its own database and live server.
# COVERAGE= (empty) skips the coverage report: CI measures it on the SQLite run only.
COVERAGE ?= --cov --cov-report=term
test: bootstrap
	@bash scripts/ensure-chromium
	$(UV) run --frozen pytest -n auto --dist worksteal -m "not e2e" $(COVERAGE) --durations=15 $(PYTEST_ARGS)
	$(UV) run --frozen pytest -n auto --dist worksteal -m e2e e2e $(PYTEST_ARGS)

test-fast: bootstrap
	$(UV) run --frozen pytest -n auto -m "not e2e" $(PYTEST_ARGS)

lint: bootstrap
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy .
	$(PY) manage.py makemigrations --check --dry-run
	$(UV) run --frozen lint-imports --no-logo
	$(PY) scripts/import_graph.py
	$(UV) run --frozen bandit -c pyproject.toml -r binome config matching -q
	@bash scripts/audit-deps

format: bootstrap
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: bootstrap
	@found=0; for dir in bench/*/; do \
	  [ -f "$$dir/__main__.py" ] || continue; found=1; \
	  mod=$$(echo "$${dir%/}" | tr / .); echo "== $$mod"; $(PY) -m $$mod || exit 1; \
	done; [ $$found = 1 ] || echo "no benchmark yet"

messages: bootstrap
	$(PY) manage.py makemessages -l fr -l ar --ignore=.venv --ignore=matching --ignore=bench --ignore=e2e --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv
