# Luzhi's entry points: `make run` sets everything up and serves the demo committee;
# `make test` runs the whole suite (DATABASE_URL=postgres://… runs it on PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-prod run serve test test-fast lint format bench demo clean

setup: $(VENV)/.deps node_modules/.deps var/static

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
setup-prod: $(BIN)/python node_modules/.deps var/static
	$(BIN)/pip install --quiet -r requirements.lock

var/static:
	mkdir -p var/static

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py demo_data --if-empty
	@echo "Luzhi 履职: http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn luzhi.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data

clean:
	rm -rf $(VENV) node_modules var/static
