"""Materialize the whole graph for a range of game dates in-process (the CLI's backfill and demo).

Each chunk of dates is one Dagster run of every asset over a partition range (all assets are
single-run backfillable), recorded in the Dagster instance so `make dev` shows the history.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from nba_platform.assets import ALL_ASSETS, DOWNSTREAM_OF_MODEL, UPSTREAM_OF_MODEL, points_model
from nba_platform.resources import LandingResource, default_warehouse_path, local_resources, platform_home
from nba_platform.transforms.predictions import week_start

log = logging.getLogger(__name__)

TABLE_SCHEMAS = {
    "raw_schedule": "raw",
    "raw_player_boxscores": "raw",
    "raw_team_boxscores": "raw",
    "raw_prop_lines": "raw",
    "team_game_summary": "analytics",
    "player_game_summary": "analytics",
    "upcoming_player_game_context": "analytics",
    "ml_feature_store": "precompute",
    "player_prop_predictions": "predictions",
    "prediction_results": "predictions",
    "system_daily_performance": "predictions",
}


# The instance settings `make dev` and the CLI start from. Scrapers of one source never run at once:
# each scrape op is in pool `scrape_<source>` (limit 1 per pool) and each scrape run is tagged with its
# source (one queued run per tag value); asset runs have neither, so they are not limited by this.
# The instance settings shipped with the project (queue, pools, run retries, daemons); see the file.
INSTANCE_SETTINGS = Path(__file__).resolve().parents[1] / "deploy" / "dagster.yaml"


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under $DAGSTER_HOME (default $NBA_PLATFORM_HOME/dagster_home)."""
    home = Path(os.environ.get("DAGSTER_HOME") or platform_home() / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_SETTINGS.read_text())
    return dg.DagsterInstance.from_config(str(home))


class RunFailed(RuntimeError):
    """A Dagster run of the range failed; the message names the failed steps and why."""


@dataclass
class ChunkReport:
    start: dt.date
    end: dt.date
    seconds: float
    rows: dict[str, int]


def _materialize(
    selection: list,
    resources: dict,
    instance: dg.DagsterInstance,
    log_level: str,
    tags: dict[str, str],
    partition_key: str | None = None,
) -> dict[str, int]:
    """One in-process Dagster run; raises RunFailed naming the failed steps. Returns rows per asset."""
    result = dg.materialize(
        ALL_ASSETS,
        selection=selection,
        resources=resources,
        instance=instance,
        partition_key=partition_key,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        tags={**tags, "nba_platform/trigger": "cli"},
        raise_on_error=False,
    )
    if not result.success:
        reasons = [
            f"{event.step_key}: {event.event_specific_data.error.message.strip().splitlines()[0]}"
            for event in result.get_step_failure_events()
        ]
        scope = partition_key or f"{tags.get('dagster/asset_partition_range_start')}..{tags.get('dagster/asset_partition_range_end')}"
        raise RunFailed(f"run {result.run_id} for {scope} failed: " + "; ".join(reasons or ["see the run's logs"]))
    rows = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat is not None and "rows" in mat.metadata:
            rows[mat.asset_key.to_user_string()] = int(mat.metadata["rows"].value)
    return rows


def materialize_range(
    start: dt.date,
    end: dt.date,
    landing_dir: str,
    warehouse_path: str | None = None,
    chunk_days: int = 7,
    instance: dg.DagsterInstance | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
    log_level: str = "WARNING",
    through_features: bool = False,
    resources: dict[str, object] | None = None,
) -> list[ChunkReport]:
    """Run every asset for start..end (inclusive), `chunk_days` dates per chunk.

    A chunk is three runs: the daily graph up to the feature store over the chunk's range, the
    weekly `points_model` of each week the chunk touches (trained on the features already there),
    then predictions and grading over the range. `through_features` stops after the first run
    (history that later weeks train on, without predicting it). `resources` replaces the local DuckDB
    ones (e.g. `resources.prod_resources()`); `landing_dir` still picks the landing zone."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    warehouse = warehouse_path or default_warehouse_path()
    if resources is None:
        resources = local_resources(landing_dir=landing_dir, warehouse_path=warehouse)
    else:
        resources = {**resources, "landing": LandingResource(root=landing_dir)}
    instance = instance or dagster_instance()
    reports, trained_weeks = [], set()
    chunk_start = start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + dt.timedelta(days=chunk_days - 1))
        began = time.perf_counter()
        range_tags = {
            "dagster/asset_partition_range_start": chunk_start.isoformat(),
            "dagster/asset_partition_range_end": chunk_end.isoformat(),
        }
        rows = _materialize(UPSTREAM_OF_MODEL, resources, instance, log_level, range_tags)
        for day in range(0 if through_features else (chunk_end - chunk_start).days + 1):
            week = week_start(chunk_start + dt.timedelta(days=day))
            if week not in trained_weeks:
                _materialize([points_model], resources, instance, log_level, {}, partition_key=week.isoformat())
                trained_weeks.add(week)
        if not through_features:
            rows.update(_materialize(DOWNSTREAM_OF_MODEL, resources, instance, log_level, range_tags))
        report = ChunkReport(chunk_start, chunk_end, time.perf_counter() - began, rows)
        reports.append(report)
        if on_chunk:
            on_chunk(report)
        chunk_start = chunk_end + dt.timedelta(days=1)
    return reports


def read_table(table: str, warehouse_path: str | None = None, where: str = "") -> pl.DataFrame:
    """Read a warehouse table (read-only connection: never hold the writer's lock)."""
    path = warehouse_path or default_warehouse_path()
    with duckdb.connect(path, read_only=True) as conn:
        sql = f"select * from {TABLE_SCHEMAS[table]}.{table} {where}"
        return pl.from_arrow(conn.execute(sql).to_arrow_table())
