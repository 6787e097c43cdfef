# Front door of the project. `make run` and `make test` are the two commands a new machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test e2e check types fmt messages system-deps bench clean worker beat

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# system-deps is order-only: it runs before every target built on the venv (a quick check), but a
# venv is not rebuilt because of it; a library added to scripts/system_deps.sh still reaches a
# machine whose venv is older than the addition.
$(STAMP): pyproject.toml | $(VENV)/bin/python system-deps
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP) $(RUNTIME_STAMP)

# The demo needs the runtime dependencies only, not the test toolchain (a stamp of its own;
# `make test` installs the dev extra on top and marks both).
RUNTIME_STAMP := $(VENV)/.installed-runtime
$(RUNTIME_STAMP): pyproject.toml | $(VENV)/bin/python system-deps
	$(PY) -m pip install --quiet -e .
	@touch $(RUNTIME_STAMP)

system-deps:
	@bash scripts/system_deps.sh

# PORT reaches Django too: the links in the demo's e-mails (var/mail/) point at this server.
run: export PORT := $(PORT)
run: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Background work with CELERY_BROKER_URL set (redis://… or amqp://…); without it, `make run`
# runs the same tasks in-process after each commit and needs neither.
worker: $(STAMP)
	$(PY) -m celery -A viaticos worker --loglevel INFO

# The scheduler: the outbox sweep every minute and the daily jobs (one beat per installation).
beat: $(STAMP)
	$(PY) -m celery -A viaticos beat --loglevel INFO --schedule var/celerybeat-schedule

# The suite runs on every core (pytest-xdist); PYTEST_ARGS adds options or narrows it.
test: $(STAMP)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): $(STAMP)
	@bash scripts/browser_deps.sh
	$(PY) -m pip install --quiet -e '.[dev,e2e]'
	@touch $(E2E_STAMP)

# The accessibility test's axe-core, pinned in tests/e2e/package.json and its lockfile, from the
# npm registry (npm ci: exactly the locked version, never a CDN).
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json | $(E2E_STAMP)
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	@touch $(AXE)

# Browser journeys in headless Chromium; screenshots go to var/e2e-shots/ (layout/390 and
# layout/1366 by page, a folder per journey).
e2e: $(E2E_STAMP) $(AXE)
	$(PY) -m pytest tests/e2e -m e2e -p no:cacheprovider $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Types alone (mypy + django-stubs + djangorestframework-stubs, [tool.mypy] in pyproject.toml:
# strict on viaticos/, the per-diem engine and the rules modules, the default level elsewhere).
types: $(STAMP)
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the Spanish catalogues after changing user-facing strings, then translate the new
# entries in */locale/es/LC_MESSAGES/django.po; compiled .mo files are committed.
messages: $(STAMP)
	for app in viaticos missions settlements deadlines books privacy; do \
	  (cd $$app && ../$(PY) ../manage.py makemessages -l es --no-obsolete --ignore 'migrations/*'); done
	cd templates && ../$(PY) ../manage.py makemessages -l es --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Synthetic year on PostgreSQL (BENCH_DATABASE_URL, re-created), figures beside their anchors and
# targets, JSON in bench/results/. BENCH_SCALE=1.0 is 5,000 travelers and 60,000 missions.
BENCH_SCALE ?= 1.0
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get install -y -qq wrk >/dev/null 2>&1; } || echo "wrk not installed: Python load driver."
	BENCH_SCALE=$(BENCH_SCALE) $(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
