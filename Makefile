# Larmkedjan. `make run` on a fresh machine with Python 3.11 sets everything up and starts the
# embedded product; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run setup test test-deps run-cluster bench lint assets clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_places_demo
	$(PY) manage.py seed_ivpa_demo
	$(PY) manage.py seed_referrals_demo
	$(PY) manage.py seed_careplans_demo
	$(PY) manage.py seed_safety_demo
	$(PY) manage.py seed_incidents_demo
	$(PY) manage.py seed_history --days 365
	$(PY) manage.py feedback_make

run: setup
	@echo "Larmkedjan on http://$(HOST):$(PORT)/  (dispatcher: anna, crew: sara; see above)"
	$(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --lifespan on --ws websockets

# Production shape: needs DATABASE_URL, REDIS_URL and SECRET_KEY in the environment.
run-cluster: $(STAMP)
	bash scripts/run-cluster.sh

# `make test` also installs the locked npm packages and Chromium when missing (scripts/test.sh);
# ARGS are passed to pytest, e.g. make test ARGS='tests/dispatch -x'.
test: $(STAMP)
	bash scripts/test.sh $(ARGS)

# Only what `make test` installs first (the venv, the npm packages, Chromium, nginx).
test-deps: $(STAMP)
	bash scripts/test.sh --deps-only

bench: $(STAMP)
	bash scripts/bench.sh

# ruff for the Python, ESLint for the front end (eslint.config.mjs, the version package-lock.json
# holds; installed with the other locked npm packages when missing). Both run; either fails it.
lint: $(STAMP)
	@test -x node_modules/.bin/eslint || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@status=0; $(VENV)/bin/ruff check . || status=1; npm run --silent lint || status=1; exit $$status

# Front-end build (needs Node and npm; `make run` does not): install the locked packages,
# copy Leaflet, build frontend/src into frontend/static/frontend/build/. Commit the result.
assets:
	npm ci --ignore-scripts --no-audit --no-fund
	npm run --silent vendor
	npm run --silent build

clean:
	rm -rf $(VENV) var staticfiles
