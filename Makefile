# Two commands on a fresh machine: `make demo` and `make test`. Each sets up what it needs.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

export NBA_PLATFORM_HOME ?= $(CURDIR)/.nba_platform
export DAGSTER_HOME ?= $(NBA_PLATFORM_HOME)/dagster_home

.PHONY: install demo test test-fast lint dev clean bench bench-check lock

# The exact tested set (requirements.lock: runtime + test + bench extras), then the project itself
# without resolving anything again, so every machine and CI get the same versions.
$(STAMP): pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
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
# 7-18 minutes warm on a 2-core machine, by machine (docs/benchmarks.md). `make bench BENCH_ARGS=--quick` for small sizes.
# (The bench extra, pyinstrument, is in requirements.lock.)
bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

# Regenerate the lock files after changing a requirement in pyproject.toml: uv keeps every pin already
# in them and resolves only what changed (`make lock LOCK_ARGS=--upgrade` moves everything to the newest
# versions the ranges allow). Resolved for CPython 3.11 on Linux (CI and the image). deploy/image.lock
# is the image's set (runtime + prod + cloud extras), held to the versions of requirements.lock.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --python-platform linux \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock: install
	$(LOCK) --extra test --extra bench -o requirements.lock
	$(LOCK) --extra prod --extra cloud -c requirements.lock -o deploy/image.lock
# CI's quick benchmark (.ci/run): fails on a regression measured as a ratio within the run (bench/check.py).
bench-check: install
	$(PY) -m bench.check $(BENCH_ARGS)

# The daemon started by `dagster dev` runs the sensors, automation, freshness evaluation, backfills
# and run retries with the instance settings shipped in deploy/dagster.yaml (copied on every start).
# workspace.yaml names the code location `nba_platform` (definitions.CODE_LOCATION), under which the
# demo stored the landing sensor's cursor.
dev: install
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(PY) -c 'import dagster as dg; from nba_platform.policies import apply_pool_limits; print("pool limits:", apply_pool_limits(dg.DagsterInstance.get()))'
	$(VENV)/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

clean:
	rm -rf $(NBA_PLATFORM_HOME)
