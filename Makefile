# Two commands on a fresh machine: `make demo` and `make test`. Each sets up what it needs.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

export NBA_PLATFORM_HOME ?= $(CURDIR)/.nba_platform
export DAGSTER_HOME ?= $(NBA_PLATFORM_HOME)/dagster_home

.PHONY: install demo test test-fast lint dev clean bench bench-check

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/nba-platform demo

# ruff, and the dependency contracts between packages ([tool.importlinter] in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(PY) -m pytest -n 2 --dist loadgroup -q

# The inner loop: unit tests only (no Dagster runs over a warehouse, emulators, browser or slow tests).
test-fast: lint
	$(PY) -m pytest -n 2 -q -m "not integration and not emulator and not browser and not slow"

# Benchmarks (issue 9): prints a table, writes bench/results.json; work files in bench/out (kept, reused).
# Under 20 minutes on 2 cores; see docs/benchmarks.md. `make bench BENCH_ARGS=--quick` for small sizes.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

# CI's quick benchmark (.ci/run): fails on a regression measured as a ratio within the run (bench/check.py).
bench-check: install
	$(PY) -m bench.check $(BENCH_ARGS)

# The daemon started by `dagster dev` runs the sensors, automation, freshness evaluation, backfills
# and run retries with the instance settings shipped in deploy/dagster.yaml (copied on every start).
dev: install
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(PY) -c 'import dagster as dg; from nba_platform.policies import apply_pool_limits; print("pool limits:", apply_pool_limits(dg.DagsterInstance.get()))'
	$(VENV)/bin/dagster dev -m nba_platform.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf $(NBA_PLATFORM_HOME)
