# Luzhi's entry points: `make run` sets everything up and serves the demo committee;
# `make test` runs the whole suite (DATABASE_URL=postgres://… runs it on PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-prod run serve test test-fast lint format bench demo clean css

setup: $(VENV)/.deps node_modules/.deps var/static css

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: $(BIN)/python requirements.lock requirements-dev.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

node_modules/.deps: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Production: the runtime pins only (no test or lint tools).
setup-prod: $(BIN)/python node_modules/.deps var/static css
	$(BIN)/pip install --quiet -r requirements.lock

var/static:
	mkdir -p var/static

# The one stylesheet of the pages: Bootstrap and its icons cut to the classes Luzhi uses, plus
# luzhi.css (frontend/build-css.mjs, PurgeCSS). Pages fall back to the full stylesheets while it
# is missing or older than a template (luzhi/conf/staticbuild.py).
css: node_modules/.deps
	node frontend/build-css.mjs

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py demo_data --if-empty
	@echo "Luzhi 履职: http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn luzhi.wsgi -c luzhi/conf/gunicorn.py --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

# The suite runs on every core (pytest-xdist), each worker on its own test database (SQLite in
# memory; PostgreSQL test_<name>_gw0, _gw1…). A module goes whole to one worker, so its
# module-scoped fixtures (the demo committee) load once; the slowest files go out first (tests/
# conftest.py SLOW_FILES_FIRST, hence --no-loadscope-reorder). One process: PYTEST_XDIST=-n0 (or
# PYTEST_ARGS="-n 0"); without the plugin: PYTEST_XDIST= PYTEST_ARGS="-p no:xdist".
PYTEST_XDIST ?= -n auto --dist loadfile --no-loadscope-reorder

test: setup
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# mypy (pyproject [tool.mypy]): strict on core and every services.py / selectors.py, the rest at the
# default level, with the django-stubs and DRF plugins.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy luzhi

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# `make bench`: the load benchmark (gunicorn + wrk) on the province-scale database — built once
# by generate_scale (~6 minutes), reused afterwards — then the feature benchmarks, all on the
# PostgreSQL server of BENCH_DATABASE_URL (default: DATABASE_URL when it is PostgreSQL, else
# the local server). LUZHI_SCALE_DB names the scale database (default luzhi_scale).
BENCH_DATABASE_URL ?= $(if $(filter postgres%,$(DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)

bench: setup
	@command -v wrk >/dev/null || { echo "make bench: wrk is not installed; the load benchmark needs it (Debian: apt-get install wrk)." >&2; exit 1; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.load
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data

clean:
	rm -rf $(VENV) node_modules var/static
