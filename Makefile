# Entry points: `make run` (set up and serve the portal), `make test` (lint, import contracts, migration check, tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup install install-dev lock audit test lint format messages worker beat bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The locks pin every package with its hashes, and pip refuses any file whose hash is not there.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Rewrite the locks from requirements.in and requirements-dev.in (uv; PyPI must be reachable), for every platform.
# The development lock takes the runtime lock's versions. Add UPGRADE=--upgrade to move transitive pins too.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock" $(UPGRADE)
lock: install-dev
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) -c requirements.txt requirements-dev.in -o requirements-dev.txt

# Known vulnerabilities in the locked packages (pip-audit asks PyPI's advisory service: it needs the internet, so
# CI does not run it). It fails when a package has an advisory, or when a package cannot be looked up (--strict):
# offline, that is every package, and the audit has not been done.
audit: install-dev
	$(BIN)/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements.txt
	$(BIN)/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements-dev.txt

# The embedded default: SQLite, tasks in-process, DEBUG on (unless the environment or .env says otherwise).
run setup: export DEBUG ?= true
# Links in emails lead to the server make run starts, unless PORTAL_URL is set (in the environment or in .env).
RUN_ENV := $(if $(PORTAL_URL)$(shell grep -s '^PORTAL_URL=' .env),,PORTAL_URL=http://$(HOST):$(PORT) )

setup: install
	$(RUN_ENV)$(PY) manage.py migrate --noinput
	$(RUN_ENV)$(PY) manage.py load_regions
	$(RUN_ENV)$(PY) manage.py load_programme
	$(RUN_ENV)$(PY) manage.py seed_demo
	$(RUN_ENV)$(PY) manage.py generate_report

run: setup
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (demo accounts above)"
	$(RUN_ENV)$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev lint
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=true LOG_LEVEL=WARNING $(PY) manage.py lintmigrations
	$(BIN)/pytest

# ruff, and the import contracts in pyproject.toml: apps and the programme layer's packages in one-way order, no cycles.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract and compile the Indonesian translations (needs GNU gettext); commit both .po and .mo.
messages: install-dev
	DEBUG=true $(PY) manage.py makemessages --locale id --no-obsolete --ignore .venv --ignore staticfiles
	DEBUG=true $(PY) manage.py compilemessages --locale id --ignore .venv

# Production-like processes; they need CELERY_BROKER_URL (Redis).
worker: install
	$(BIN)/celery -A smartcity worker --loglevel INFO

beat: install
	$(BIN)/celery -A smartcity beat --loglevel INFO

# Benchmarks at national scale on PostgreSQL (PG_SERVER): builds a database per scale once (--rebuild to redo),
# measures with DEBUG off (pages, report job, API under gunicorn, a locust load test), prints the table and writes
# bench.json. With CACHE_URL set (Redis), every process shares one cache, as in production.
PG_SERVER ?= postgres://postgres@127.0.0.1:5432
bench: install-dev
	DEBUG=true $(PY) manage.py bench --server $(PG_SERVER)
