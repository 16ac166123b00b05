"""`systems/performance.json`: each system's record over the last 7 and 30 days and the season, its daily
series and the calibration of its P(over), as of a date. Pure polars and Python, no Dagster (the header,
rounding and status helpers are `documents`')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.grading.evaluation import reliability_by_system
from nba_platform.publishing import PUBLISHED_SYSTEM
from nba_platform.publishing import status as st
from nba_platform.publishing.documents import header, num, season_start

# The daily series and the calibration cover the last this many days to the date.
SYSTEM_DAILY_DAYS = 30


def _window_sums(name: str, keep: pl.Expr) -> list[pl.Expr]:
    """Sums of the daily counts of the rows `keep` selects, named `{name}/{sum}`: MAE and bias weighted by
    graded rows, Brier by its rows."""

    def c(column: str) -> pl.Expr:
        return pl.col(column).filter(keep)

    sums = {
        "days": (c("graded") > 0).sum(),
        "predictions": c("predictions").sum(),
        "graded": c("graded").sum(),
        "mae_sum": (c("mae") * c("graded")).sum(),
        "bias_sum": (c("bias") * c("graded")).sum(),
        "settled": c("picks").sum(),
        "wins": c("hits").sum(),
        "losses": c("misses").sum(),
        "pushes": c("pushes").sum(),
        "voids": c("voids").sum(),
        "profit": c("profit_units").sum(),
        "brier_sum": (c("brier") * c("brier_rows")).sum(),
        "brier_rows": c("brier_rows").sum(),
    }
    return [expr.alias(f"{name}/{key}") for key, expr in sums.items()]


def _window_summaries(daily: pl.DataFrame, firsts: dict[str, dt.date]) -> dict[str, dict[str, dict[str, Any]]]:
    """system -> window name -> summary of its days from the window's first date on (a window without
    any of its days sums to zero), in one pass over `daily`."""
    sums = daily.group_by("system_id").agg(
        expr for name, first in firsts.items() for expr in _window_sums(name, pl.col("game_date") >= first)
    )
    return {
        row["system_id"]: {
            name: _summary({key.split("/", 1)[1]: v for key, v in row.items() if key.startswith(f"{name}/")})
            for name in firsts
        }
        for row in sums.iter_rows(named=True)
    }


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    graded, wins, losses, settled = (int(row[k] or 0) for k in ("graded", "wins", "losses", "settled"))
    profit = float(row["profit"] or 0.0)
    return {
        "days": int(row["days"] or 0),
        "predictions": int(row["predictions"] or 0),
        "graded": graded,
        "mae": num(row["mae_sum"] / graded, 3) if graded else None,
        "bias": num(row["bias_sum"] / graded, 3) if graded else None,
        "picks": settled,
        "wins": wins,
        "losses": losses,
        "pushes": int(row["pushes"] or 0),
        "voids": int(row["voids"] or 0),
        "hit_rate": num(wins / (wins + losses), 4) if wins + losses else None,
        "profit_units": num(profit, 3),
        "roi": num(profit / settled, 4) if settled else None,
        "brier": num(row["brier_sum"] / row["brier_rows"], 4) if row["brier_rows"] else None,
    }


def calibration(game_date: dt.date, results: pl.DataFrame) -> dict[str, Any]:
    """Each system's reliability over the graded rows of the last `SYSTEM_DAILY_DAYS` days to the date:
    per decile of predicted P(over), the mean prediction against the observed over rate (pushes left out)."""
    first = game_date - dt.timedelta(days=SYSTEM_DAILY_DAYS - 1)
    rows = schemas.conform(results, "prediction_results").filter(pl.col("game_date").is_between(first, game_date))
    systems = []
    for system_id, table in sorted(reliability_by_system(rows).items()):
        buckets = [
            {"bucket": b["bucket"], "rows": b["n"], "mean_p_over": b["mean_p_over"], "observed_over": b["observed_over"]}
            for b in table
        ]
        systems.append({"system_id": system_id, "rows": sum(b["rows"] for b in buckets), "buckets": buckets})
    return {"from": first.isoformat(), "to": game_date.isoformat(), "systems": systems}


def build_systems(
    game_date: dt.date,
    daily: pl.DataFrame,
    results: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
) -> dict[str, Any]:
    """`systems/performance.json`: each system over the last 7 and 30 days and the season, as of the date,
    and the calibration of its P(over) over the last 30 days (`results`: prediction_results)."""
    daily = schemas.conform(daily, "system_daily_performance").filter(pl.col("game_date") <= game_date)
    windows = {
        "last_7_days": game_date - dt.timedelta(days=6),
        "last_30_days": game_date - dt.timedelta(days=29),
        "season": season_start(game_date),
    }
    graded_dates = daily.filter(pl.col("graded") > 0)["game_date"]
    as_of = graded_dates.max() if graded_dates.len() else None
    summaries = _window_summaries(daily, windows)
    series: dict[str, list[dict[str, Any]]] = {system_id: [] for system_id in summaries}
    recent = daily.filter((pl.col("game_date") > game_date - dt.timedelta(days=SYSTEM_DAILY_DAYS)) & (pl.col("graded") > 0))
    for r in recent.sort("system_id", "game_date").iter_rows(named=True):
        series[r["system_id"]].append(
            {
                "game_date": r["game_date"].isoformat(),
                "graded": r["graded"],
                "mae": num(r["mae"], 3),
                "picks": r["picks"],
                "hit_rate": num(r["hit_rate"], 4),
                "roi": num(r["roi"], 4),
            }
        )
    systems = [
        {"system_id": system_id, **summaries[system_id], "daily": series[system_id]} for system_id in sorted(summaries)
    ]
    findings = st.missing_results_findings(daily, game_date, now)
    return {
        **header(
            "systems_performance",
            game_date,
            now,
            st.status_block(findings, freshness, applies=st.freshness_applies(game_date, now)),
        ),
        "published_system": PUBLISHED_SYSTEM,
        "as_of": as_of.isoformat() if as_of else None,
        "windows": {name: {"from": first.isoformat(), "to": game_date.isoformat()} for name, first in windows.items()},
        "systems": systems,
        "calibration": calibration(game_date, results),
    }
