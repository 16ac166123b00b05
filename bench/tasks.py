"""What one benchmark measurement does, run in its own process by `bench/run.py`.

    python -m bench.tasks <task> '<json args>' <result.json>

The parent times the whole process (wall clock) and reads its peak RSS from `os.wait4`, so every
figure is per measurement. A task writes a small JSON result (row counts, in-process timings); the
heavier bookkeeping (reading step times from a Dagster instance) is a separate task, so it never
lands inside a timed process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path

# Dagster's per-step debug lines and beta warnings would bury the benchmark's own output.
logging.getLogger("dagster").setLevel(logging.WARNING)
warnings.filterwarnings("ignore")

TASKS = {}


def task(fn):
    TASKS[fn.__name__] = fn
    return fn


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------


@task
def simulate(a: dict) -> dict:
    """A simulated league in a landing folder (setup, untimed by the table)."""
    from nba_platform.simulator import simulate as sim

    s = sim(
        a["out"], seed=a["seed"], seasons=a.get("seasons", 1), last_season=a.get("last_season", "2025-26"),
        teams=a.get("teams", 30), games_per_team=a.get("games_per_team", 82),
    )
    return {
        "seasons": s.seasons,
        "games": s.games,
        "player_rows": s.player_rows,
        "files": s.files_written,
        "first_date": s.first_date.isoformat(),
        "last_date": s.last_date.isoformat(),
        "game_dates": [d.isoformat() for d in s.game_dates],
    }


# ------------------------------------------------------------------------------------------------
# Dagster runs (the platform as the CLI and the daemon run it)
# ------------------------------------------------------------------------------------------------


@task
def backfill(a: dict) -> dict:
    """`materialize_range` over a range: one upstream run per chunk, the weekly models, one downstream run."""
    from nba_platform.runner import materialize_range

    began = time.perf_counter()
    reports = materialize_range(
        _date(a["start"]), _date(a["end"]), a["landing"], chunk_days=a.get("chunk_days"),  # None: the CLI's default
        through_features=a.get("through_features", False),
    )
    rows: dict[str, int] = {}
    for r in reports:
        for k, v in r.rows.items():
            rows[k] = rows.get(k, 0) + v
    return {"seconds": time.perf_counter() - began, "chunks": len(reports), "rows": rows}


@task
def reference(a: dict) -> dict:
    """A fixed workload that uses none of the platform's code (`bench.check`'s yardstick of the machine's
    speed in the same run): a LightGBM regression and a polars group-by on seeded synthetic data, after
    importing what a backfill imports. Changing it changes the stored ratios (bench/reference.json)."""
    import dagster  # noqa: F401  (import time is part of every measured process)
    import lightgbm as lgb
    import numpy as np
    import polars as pl

    began = time.perf_counter()
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20_000, 35)).astype(np.float32)
    y = x[:, 0] * 3 + np.abs(x[:, 1]) * 2 + rng.normal(size=20_000)
    params = {"objective": "regression_l1", "learning_rate": 0.05, "num_leaves": 15, "verbose": -1,
              "num_threads": 2, "seed": 1, "deterministic": True}
    lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=a.get("rounds", 300))
    frame = pl.DataFrame({"k": rng.integers(0, 5_000, 1_000_000), "v": rng.normal(size=1_000_000)})
    for _ in range(a.get("group_bys", 5)):
        frame.group_by("k").agg(pl.col("v").mean().alias("mean"), pl.col("v").std().alias("std"), pl.len()).sort("k")
    return {"seconds": time.perf_counter() - began}


@task
def daily(a: dict) -> dict:
    """`all_assets_job` (every daily asset) for one game date in one Dagster run (the week's model already trained)."""
    from nba_platform.resources import local_resources
    from nba_platform.runner import dagster_instance, run_job

    began = time.perf_counter()
    resources = local_resources(landing_dir=a["landing"])
    rows = run_job("all_assets_job", resources, dagster_instance(), partition_key=a["date"])
    return {"seconds": time.perf_counter() - began, "rows": rows}


@task
def weekly_model(a: dict) -> dict:
    """The weekly `points_model` for one week (what a Monday adds to the daily run)."""
    from nba_platform.resources import local_resources
    from nba_platform.runner import dagster_instance, run_job

    began = time.perf_counter()
    resources = local_resources(landing_dir=a["landing"])
    run_job("points_model_job", resources, dagster_instance(), partition_key=a["week"])
    return {"seconds": time.perf_counter() - began}


@task
def step_times(a: dict) -> dict:
    """Per-asset step time (STEP_START -> STEP_SUCCESS/FAILURE, summed over runs) from the instance's
    event log, and each run's wall time."""
    import dagster as dg
    from dagster import DagsterEventType

    instance = dg.DagsterInstance.from_config(a["dagster_home"])
    per_asset: dict[str, float] = {}
    runs = []
    materializations = 0
    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
             DagsterEventType.RUN_START, DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE,
             DagsterEventType.ASSET_MATERIALIZATION}
    for record in instance.get_run_records():
        run = record.dagster_run
        if a.get("after") and record.create_timestamp.timestamp() < a["after"]:
            continue
        started, run_start, run_end = {}, None, None
        for rec in instance.get_records_for_run(run.run_id, of_type=kinds, limit=100_000).records:
            entry = rec.event_log_entry
            kind = entry.dagster_event.event_type
            if kind == DagsterEventType.RUN_START:
                run_start = entry.timestamp
            elif kind in (DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE):
                run_end = entry.timestamp
            elif kind == DagsterEventType.STEP_START:
                started[entry.step_key] = entry.timestamp
            elif kind == DagsterEventType.ASSET_MATERIALIZATION:
                materializations += 1
            elif entry.step_key in started:
                per_asset[entry.step_key] = per_asset.get(entry.step_key, 0.0) + entry.timestamp - started.pop(entry.step_key)
        if run_start is not None and run_end is not None:
            runs.append(run_end - run_start)
    return {
        "per_asset_s": dict(sorted(per_asset.items(), key=lambda kv: -kv[1])),
        "steps_total_s": sum(per_asset.values()),
        "runs": len(runs),
        "runs_total_s": sum(runs),
        "materialization_events": materializations,
    }


@task
def parallel(a: dict) -> dict:
    """One date's `all_assets_job` (definitions.py) under the multiprocess executor on a persistent
    instance; step start/end from the event log."""
    import dagster as dg
    from dagster import DagsterEventType

    from nba_platform.runner import dagster_instance

    instance = dagster_instance()
    if a.get("pool_limit"):
        from nba_platform.policies import warehouse_pool

        instance.event_log_storage.set_concurrency_slots(warehouse_pool(), a["pool_limit"])
    began = time.perf_counter()
    result = dg.execute_job(
        dg.reconstructable(_all_assets_job),
        instance=instance,
        tags={"dagster/partition": a["date"]},
        raise_on_error=False,
    )
    wall = time.perf_counter() - began
    spans, failures = {}, []
    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}
    for rec in instance.get_records_for_run(result.run_id, of_type=kinds).records:
        entry = rec.event_log_entry
        if entry.dagster_event.event_type == DagsterEventType.STEP_START:
            spans[entry.step_key] = [entry.timestamp, None]
        else:
            spans[entry.step_key][1] = entry.timestamp
            if entry.dagster_event.event_type == DagsterEventType.STEP_FAILURE:
                failures.append(entry.step_key)
    run_stats = instance.get_run_stats(result.run_id)
    steps = {k: v for k, v in spans.items() if v[1] is not None}
    first = min(s for s, _ in steps.values())
    # Most steps in flight at once, and the time with two or more in flight.
    edges = sorted([(s, 1) for s, _ in steps.values()] + [(e, -1) for _, e in steps.values()])
    live = peak = 0
    overlapped, last = 0.0, first
    for t, delta in edges:
        if live >= 2:
            overlapped += t - last
        live += delta
        peak = max(peak, live)
        last = t
    return {
        "success": result.success,
        "failed_steps": failures,
        "execute_job_s": wall,
        "run_s": (run_stats.end_time or 0) - (run_stats.start_time or 0),
        "steps_sum_s": sum(e - s for s, e in steps.values()),
        "first_step_to_last_end_s": max(e for _, e in steps.values()) - first,
        "max_steps_in_flight": peak,
        "seconds_with_2plus_steps": overlapped,
        "steps": {k: [round(s - first, 2), round(e - first, 2)] for k, (s, e) in sorted(steps.items(), key=lambda kv: kv[1][0])},
    }


def _all_assets_job():
    from nba_platform.definitions import defs

    return defs.get_job_def("all_assets_job")


# ------------------------------------------------------------------------------------------------
# Pure transforms (the platform's compute without Dagster)
# ------------------------------------------------------------------------------------------------


@task
def features(a: dict) -> dict:
    """Feature store of a full season (median of `repeat`), and the old per-player computation
    against `build_feature_store` on the same input in the same process."""
    import polars as pl

    from bench import per_player
    from nba_platform.analytics.context import build_upcoming_context
    from nba_platform.analytics.history import HISTORY_DAYS
    from nba_platform.core.warehouse.read import read_table
    from nba_platform.features.store import build_feature_store

    wh = a["warehouse"]
    schedule = read_table("raw_schedule", wh)
    lines = read_table("raw_prop_lines", wh)
    players = read_table("player_game_summary", wh)
    teams = read_table("team_game_summary", wh)
    first, last = schedule["game_date"].min(), schedule["game_date"].max()
    # The single-run window of the season: every date's 400-day history, ending the day before the last date.
    lo, hi = first - dt.timedelta(days=HISTORY_DAYS), last
    ph = players.filter(pl.col("game_date").is_between(lo, hi, closed="left"))
    th = teams.filter(pl.col("game_date").is_between(lo, hi, closed="left"))

    context_s, feature_s = [], []
    for _ in range(a.get("repeat", 3)):
        t = time.perf_counter()
        context, _unplaced = build_upcoming_context(schedule, lines, ph, th)
        context_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        store = build_feature_store(context, ph, th)
        feature_s.append(time.perf_counter() - t)

    # Per player vs batch on the same sample dates (context rows of those dates, same history).
    dates = sorted(context["game_date"].unique().to_list())
    start = dates[len(dates) // 2]
    sample_dates = [d for d in dates if start <= d < start + dt.timedelta(days=a.get("sample_days", 7))]
    sample = context.filter(pl.col("game_date").is_in(sample_dates))
    hist_p = ph.filter(pl.col("game_date") < max(sample_dates))
    hist_t = th.filter(pl.col("game_date") < max(sample_dates))
    batch_s = []
    for _ in range(a.get("repeat", 3)):
        t = time.perf_counter()
        batch = build_feature_store(sample, hist_p, hist_t)
        batch_s.append(time.perf_counter() - t)
    t = time.perf_counter()
    old = per_player.features_per_player(sample, hist_p)
    per_player_s = time.perf_counter() - t
    check = per_player.compare(old, batch)
    return {
        "season_context_rows": context.height,
        "season_feature_rows": store.height,
        "context_season_s": statistics.median(context_s),
        "feature_store_season_s": statistics.median(feature_s),
        "feature_store_season_runs_s": feature_s,
        "sample_dates": [d.isoformat() for d in sample_dates],
        "sample_rows": sample.height,
        "batch_sample_s": statistics.median(batch_s),
        "per_player_sample_s": per_player_s,
        "per_player_features": list(per_player.FEATURES),
        "check": check,
    }


@task
def prepare_scaling(a: dict) -> dict:
    """Parse each simulated season's landing files into raw frames (parquet), once (setup)."""
    from bench import scaling

    return scaling.prepare(a["landing"], a["out"], a["seasons"])


@task
def scaling_run(a: dict) -> dict:
    """`n` seasons through analytics, context, feature store, one bundle and predictions, after the
    first season as untimed warm-up history (so every timed season has a previous season behind it)."""
    from bench import scaling

    return scaling.run(a["raw"], a["out"], a["seasons"][1 : a["n"] + 1], warm_up=a["seasons"][0])


def main(argv: list[str]) -> int:
    from nba_platform.core.settings import configure_openmp

    configure_openmp()  # before a task's first import of lightgbm (as the CLI and the code location do)
    name, args, out = argv[1], json.loads(argv[2]), Path(argv[3])
    result = TASKS[name](args)
    out.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
