"""Shared by the reliability suite: one small simulated league and its uninterrupted reference run.

The league (6 teams, 20 games each: games on 2025-10-21, 22, 25, 26 and, not yet played, 27) and the
reference run (the whole graph over START..END in-process, without faults) are built once per test
session, shared by the pytest-xdist workers through a file lock, and never written to afterwards:
tests that need a warehouse or landing zone of their own copy them (a copy is far cheaper than a run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock  # a dagster dependency

from nba_platform import tables as schemas
from nba_platform.simulator import simulate

from ..helpers import ROOT, run_graph, table_hash

START, END = dt.date(2025, 10, 21), dt.date(2025, 10, 27)
SEED = 7
CHUNK_DAYS = 3


@dataclass(frozen=True)
class Reference:
    landing: Path
    warehouse: Path
    hashes: dict[str, int]

    def copy(self, dest: Path) -> Path:
        """A copy of the reference warehouse (and its model bundles) under `dest`."""
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.warehouse, dest / "warehouse.duckdb")
        if (self.warehouse.parent / "models").is_dir():
            shutil.copytree(self.warehouse.parent / "models", dest / "models")
        return dest / "warehouse.duckdb"


@pytest.fixture(scope="session")
def reference(tmp_path_factory, worker_id) -> Reference:
    # Workers of one session share the session's base folder (each has its own popen-gw<N> below it).
    base = tmp_path_factory.getbasetemp()
    shared = (base if worker_id == "master" else base.parent) / "reliability_reference"
    landing, warehouse, done = shared / "landing", shared / "warehouse.duckdb", shared / "hashes.json"
    with FileLock(f"{shared}.lock"):
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)
            simulate(landing, seed=SEED, teams=6, games_per_team=20, played_through=END - dt.timedelta(days=1))
            run_graph(landing, warehouse, START, END, chunk_days=CHUNK_DAYS)
            done.write_text(json.dumps({t: table_hash(t, warehouse) for t in schemas.TABLES}))
    return Reference(landing, warehouse, json.loads(done.read_text()))


def _cli(home: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "NBA_PLATFORM_HOME": str(home), "DAGSTER_HOME": str(home / "dagster_home")}
    return [str(Path(sys.executable).with_name("nba-platform"))], env


def cli_run(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `nba-platform` to the end with its own platform home (Dagster instance in home/dagster_home)."""
    command, env = _cli(home)
    return subprocess.run([*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def cli_start(*args: str, home: Path, log: Path) -> subprocess.Popen:
    """Start `nba-platform` in the background (stdout and stderr to `log`)."""
    command, env = _cli(home)
    with open(log, "wb") as out:
        return subprocess.Popen([*command, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
