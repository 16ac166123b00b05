"""Helpers for graph tests: a landing folder built from real files, table reads, table hashes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import polars as pl

from nba_platform import landing as lz
from nba_platform import schemas
from nba_platform.runner import materialize_range, read_table

from .conftest import REAL_LANDING


def link_real_landing(dest: Path, dates: list[dt.date], seasons: list[str]) -> Path:
    """A landing folder of symlinks to the real files of `dates` (the real files stay in place)."""
    rels = [lz.schedule_path(s) for s in seasons]
    for d in dates:
        for prefix in (lz.PLAYER_BOXSCORES, lz.TEAM_BOXSCORES, lz.ODDS_PLAYER_POINTS, lz.ODDS_EVENTS):
            folder = REAL_LANDING / prefix / d.isoformat()
            rels += [p.relative_to(REAL_LANDING).as_posix() for p in folder.rglob("*.json")] if folder.is_dir() else []
    for rel in rels:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(REAL_LANDING / rel, target)
    return dest


def run_graph(landing: Path, warehouse: Path, start: dt.date, end: dt.date, chunk_days: int = 31):
    with dg.instance_for_test() as instance:
        return materialize_range(start, end, str(landing), str(warehouse), chunk_days=chunk_days, instance=instance)


def table(name: str, warehouse: Path) -> pl.DataFrame:
    return read_table(name, str(warehouse)).pipe(schemas.conform, name)


def table_hash(name: str, warehouse: Path) -> int:
    df = table(name, warehouse).sort(list(schemas.KEYS[name]))
    return int(df.hash_rows().sum()) ^ df.height
