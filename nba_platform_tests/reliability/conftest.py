"""Shared by the reliability suite: one small simulated league and its uninterrupted reference run.

The league (6 teams, 20 games each: games on 2025-10-21, 22, 25, 26 and, not yet played, 27) is written once
per test process; `reference` materializes the whole graph over `RANGE` in-process, without faults.
Tests that need a warehouse of their own copy the reference (a file copy is far cheaper than a run).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from nba_platform import schemas
from nba_platform.sources.simulated import simulate

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
def sim_landing(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("league") / "landing"
    simulate(landing, seed=SEED, teams=6, games_per_team=20, played_through=END - dt.timedelta(days=1))
    return landing


@pytest.fixture(scope="session")
def reference(sim_landing, tmp_path_factory) -> Reference:
    warehouse = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    run_graph(sim_landing, warehouse, START, END, chunk_days=CHUNK_DAYS)
    return Reference(sim_landing, warehouse, {t: table_hash(t, warehouse) for t in schemas.TABLES})


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
