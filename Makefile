# Weir's two commands: `make run` (the whole fleet on this machine) and `make test` (the suite).
# Both work from a fresh clone: they create the virtualenv, install, provision the local Tryton
# and start RabbitMQ and Redis when they are installed but not running.

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
GOLDEN := var/tryton/golden
PROVISIONED := $(GOLDEN)/erp.json

.PHONY: run test test-faults test-slow lint install erp services browser bench help

help:
	@echo "make run          start the fleet (Procfile) with the embedded Tryton ERP"
	@echo "make test         lint, then run the test suite against real RabbitMQ, Redis and Tryton"
	@echo "make test-faults  kill workers, the receiver, RabbitMQ's connection and Redis under load, fuzz the receiver"
	@echo "make test-slow    every slow test: the fault checks, provisioning from scratch, the three-host cluster"
	@echo "make bench        run the benchmarks under bench/ (not part of the suite)"

install: $(INSTALLED)

$(INSTALLED): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) is required (make PYTHON=/path/to/python3.11)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

erp: $(PROVISIONED)

# Building the golden database takes about 20 s; it is rebuilt only when provisioning changes.
$(PROVISIONED): $(INSTALLED) $(wildcard erp/tryton/local/*.py)
	$(BIN)/python -m erp.tryton.local.provision --dir $(GOLDEN)

services:
	bin/ensure-services

# The console's browser test drives Debian's chromium through chromedriver; installed when missing.
browser:
	bin/ensure-browser

# `make run` guards the console with this demo token unless WEIR_CONSOLE_TOKEN is set (production refuses it).
DEMO_CONSOLE_TOKEN := weir-demo-console-token

run: install erp services
	@echo "Weir: post webhooks to http://127.0.0.1:$${PORT:-8000}/webhooks/<channel> (channels in channels.toml)"
	@echo "Weir: try '$(BIN)/weir send-sample' once the fleet is up"
	@token=$${WEIR_CONSOLE_TOKEN:+your WEIR_CONSOLE_TOKEN}; \
	echo "Weir: the on-call console is http://127.0.0.1:$${WEIR_CONSOLE_PORT:-8010}/ (log in with $${token:-$(DEMO_CONSOLE_TOKEN)})"
	WEIR_CONSOLE_TOKEN="$${WEIR_CONSOLE_TOKEN:-$(DEMO_CONSOLE_TOKEN)}" PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --port $${PORT:-8000}

# Two test processes (pytest-xdist): most tests wait on RabbitMQ, Redis or Tryton, so two share
# this 2-core machine's time well; each has its own Tryton, and every test its own namespace.
test: lint erp services browser
	$(BIN)/python -m pytest -n 2

# The fault checks (tests/faults, marked slow, so `make test` leaves them out), about 3-4 minutes.
# They start their own processes and a redis-server of their own; CI runs them after `make test`.
# pytest exits 5 when it collects nothing, and make fails on it as on any other status.
test-faults: install erp services
	$(BIN)/python -m pytest -m slow tests/faults -p no:cacheprovider

# Every slow-marked test (about 5 minutes): the fault checks, plus provisioning Tryton from
# scratch, Tryton on PostgreSQL (a server on 127.0.0.1:5432 that lets the postgres role in; its
# template database takes about 70 s to provision, once) and the three-host cluster with a
# RabbitMQ node and the Redis master killed.
test-slow: install erp services
	$(BIN)/python -m pytest -m slow tests -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# bench.ingest drives the receiver from Python; `python -m bench.ingest --load wrk` uses wrk instead.
bench: install erp services
	$(BIN)/python -m bench.ingest
