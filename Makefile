# Two commands for a fresh machine: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test setup bench load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Install, prepare the demo database (SQLite, var/newind.sqlite3) and serve http://127.0.0.1:8000
demo: $(STAMP)
	$(VENV)/bin/newind demo

## Install and run the whole test suite (SQLite; PostgreSQL too when reachable)
test: $(STAMP)
	scripts/run-tests.sh

## Scale benchmarks (figures in docs/performance.md)
bench: $(STAMP)
	$(VENV)/bin/newind bench spine --scale city
	$(VENV)/bin/newind bench spine --scale province

## Load benchmark: 50 signed-in users on the production server against hello (PostgreSQL; see bench/load)
load: $(STAMP)
	bench/load

clean:
	rm -rf $(VENV) var
