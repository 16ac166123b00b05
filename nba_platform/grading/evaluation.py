"""Walk-forward evaluation: every system beside naive baselines and the market line, on the same rows.

Inputs are the graded predictions of a date range and the feature rows they were made from (both
already walk-forward: features from games before each date, models from weeks before). Pure polars.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from nba_platform.predictions import minutes as minutes_model

BASELINES = {
    "baseline_season_avg": pl.col("points_avg_season"),
    "baseline_last5": pl.col("points_avg_last_5"),
    "baseline_last10": pl.col("points_avg_last_10"),
    "baseline_ewma": pl.col("points_ewma"),
}


def wilson_interval(hits: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """95% Wilson score interval of a hit rate."""
    if n == 0:
        return None
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(centre - half, 4), round(centre + half, 4))


def _wide(results: pl.DataFrame, features: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """One row per played player-game: each system's prediction, the baselines, the line, the actual."""
    played = results.filter(pl.col("actual_points").is_not_null())
    systems = sorted(played["system_id"].unique().to_list())
    if not systems:
        raise ValueError("no graded predictions in the range: nothing to evaluate")
    wide = played.pivot(on="system_id", index=["game_id", "player_id"], values="predicted_points")
    facts = played.filter(pl.col("system_id") == systems[0]).select(
        "game_id", "player_id", "game_date", "line", pl.col("actual_points").cast(pl.Float64)
    )
    base = features.select("game_id", "player_id", *[expr.alias(name) for name, expr in BASELINES.items()])
    return facts.join(wide, on=["game_id", "player_id"]).join(base, on=["game_id", "player_id"], how="left"), systems


def _mae(rows: pl.DataFrame, columns: list[str]) -> dict[str, float | None]:
    return {
        c: (round(float((rows[c] - rows["actual_points"]).abs().mean()), 4) if rows.height else None) for c in columns
    }


def reliability_by_system(results: pl.DataFrame, buckets: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Per system: mean predicted P(over) against the observed over rate, per probability decile (pushes
    left out). A system with no such rows is absent."""
    rows = results.filter(
        pl.col("p_over").is_not_null() & pl.col("line_result").is_in(["OVER", "UNDER"])
    ).with_columns(bucket=(pl.col("p_over") * buckets).floor().clip(0, buckets - 1).cast(pl.Int32))
    table = (
        rows.group_by("system_id", "bucket")
        .agg(
            n=pl.len(),
            mean_p_over=pl.col("p_over").mean(),
            observed_over=(pl.col("line_result") == "OVER").cast(pl.Float64).mean(),
        )
        .sort("system_id", "bucket")
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for system_id, b, n, p, o in table.iter_rows():
        out.setdefault(system_id, []).append(
            {"bucket": f"{b / buckets:.1f}-{(b + 1) / buckets:.1f}", "n": n, "mean_p_over": round(p, 4), "observed_over": round(o, 4)}
        )
    return out


def minutes_accuracy(predictions: pl.DataFrame, player_games: pl.DataFrame, features: pl.DataFrame) -> dict[str, Any]:
    """Walk-forward MAE of `projected_minutes` (from the predictions) beside the naive minutes baselines,
    on the same played player-games (those where every one of them has a value), and on those with a line."""
    projected = predictions.select("game_id", "player_id", minutes_model.PROJECTED).unique(["game_id", "player_id"])
    rows = (
        minutes_model.played_minutes(player_games)
        .join(projected, on=["game_id", "player_id"])
        .join(
            features.select(
                "game_id", "player_id", "points_line", *[e.alias(n) for n, e in minutes_model.BASELINES.items()]
            ),
            on=["game_id", "player_id"],
        )
    )
    compared = [minutes_model.PROJECTED, *minutes_model.BASELINES]
    common = rows.drop_nulls(compared)
    lined = common.filter(pl.col("points_line").is_not_null())

    def mae(frame: pl.DataFrame) -> dict[str, float | None]:
        return {
            c: (round(float((frame[c] - frame["actual_minutes"]).abs().mean()), 4) if frame.height else None)
            for c in compared
        }

    return {
        "played_rows": rows.height,
        "rows": common.height,
        "rows_with_line": lined.height,
        "mae": mae(common),
        "mae_on_lined_rows": mae(lined),
    }


def evaluate(
    results: pl.DataFrame,
    features: pl.DataFrame,
    predictions: pl.DataFrame | None = None,
    player_games: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """The report; with the range's predictions (their `projected_minutes`) and player-game summaries,
    it also scores the minutes projection (`minutes`)."""
    wide, systems = _wide(results, features)
    compared = [*systems, *BASELINES]
    # The same rows for everyone: every system and baseline has a prediction.
    common = wide.drop_nulls(compared)
    lined = common.filter(pl.col("line").is_not_null())
    betting, brier = {}, {}
    calibration = reliability_by_system(results)
    for system in systems:
        graded = results.filter(pl.col("system_id") == system)
        bets = graded.filter(pl.col("outcome").is_in(["HIT", "MISS", "PUSH", "VOID"]))
        hits, misses = (bets["outcome"] == "HIT").sum(), (bets["outcome"] == "MISS").sum()
        betting[system] = {
            "picks": bets.height,
            "hits": int(hits),
            "misses": int(misses),
            # OVER/UNDER picks on players who then did not play (the availability logic's own error count).
            "voids": int((bets["outcome"] == "VOID").sum()),
            "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
            "hit_rate_95ci": wilson_interval(int(hits), int(hits + misses)),
            "profit_units": round(float(bets["profit_units"].sum()), 3),
            "roi": round(float(bets["profit_units"].sum()) / bets.height, 4) if bets.height else None,
        }
        scored = graded.filter(pl.col("p_over").is_not_null() & pl.col("line_result").is_in(["OVER", "UNDER"]))
        brier[system] = (
            round(float(((scored["p_over"] - (scored["line_result"] == "OVER").cast(pl.Float64)) ** 2).mean()), 4)
            if scored.height
            else None
        )
    return {
        "start": str(results["game_date"].min()) if results.height else None,
        "end": str(results["game_date"].max()) if results.height else None,
        "played_rows": wide.height,
        "rows": common.height,
        "rows_with_line": lined.height,
        "mae": _mae(common, compared),
        "mae_on_lined_rows": _mae(lined, [*compared, "line"]),
        "betting": betting,
        "brier": brier,
        "calibration": {system: calibration.get(system, []) for system in systems},
        **(
            {"minutes": minutes_accuracy(predictions, player_games, features)}
            if predictions is not None and player_games is not None
            else {}
        ),
    }
