# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run sandbox migrate test lint typecheck pytest bench soak hostile chromium \
	postgres \
	bubblewrap \
	screenshots clean

$(STAMP): pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV) || { \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

install: $(STAMP)

## Run the bot (Slack tokens from the environment or .env); without tokens, the local sandbox.
run: install bubblewrap
	$(VENV)/bin/interview-bot run

sandbox: install bubblewrap
	$(VENV)/bin/interview-bot sandbox

migrate: install
	$(VENV)/bin/interview-bot migrate

## Lint, type-check and run every test.
test: install chromium postgres bubblewrap lint typecheck pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(PY) -m pytest

# Browser tests drive Debian's Chromium; no browser is downloaded.
chromium:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update && \
		$(SUDO) apt-get install -y chromium fonts-noto-color-emoji; }

# Candidate code runs only inside bubblewrap; Node.js and g++ are the runtimes it starts there.
bubblewrap:
	@{ command -v bwrap && command -v node && command -v g++; } >/dev/null || { \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y bubblewrap nodejs g++; }

# The PostgreSQL tests need the server on 127.0.0.1:5432; start it if it is installed but down.
postgres:
	@pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || { \
		command -v pg_ctlcluster >/dev/null && \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; }

# Refresh the README's screenshots from the browser tests.
screenshots: install chromium
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

bench: install bubblewrap
	$(PY) -m bench

soak: install
	$(PY) bench/soak.py

# Ordinary interviews with slow clients, malformed requests, a rough file host, a rough model
# and hostile content mixed in; prints what it tried and what was lost (a few minutes).
hostile: install
	$(PY) bench/hostile.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
