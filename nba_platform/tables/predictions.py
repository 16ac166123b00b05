"""Dataset `predictions`: the predictions (phase `predictions`) and their grades (phase `grading`)."""

from __future__ import annotations

import polars as pl

from nba_platform.tables.columns import UTC_TS
from nba_platform.tables.model import Table, columns

PLAYER_PROP_PREDICTIONS = Table(
    name="player_prop_predictions",
    group="predictions",
    dataset="predictions",
    grain="player x game x system",
    summary="Predicted points, P(over), edge and recommendation per player, game and system.",
    description=(
        "Predicted points, P(over), edge and OVER/UNDER/PASS/NO_LINE/OUT per player, game and system, with the "
        "player's availability status and its source."
    ),
    keys=("game_id", "player_id", "system_id"),
    required=("game_date", "recommendation", "model_version"),
    ranges={"predicted_points": (0, 100), "p_over": (0, 1), "confidence": (0, 1)},
    clustering=("system_id", "player_lookup"),
    columns=columns(
        {
            "game_date": pl.Date,
            "game_id": pl.String,
            "player_id": pl.Int64,
            "player_lookup": pl.String,
            "player_name": pl.String,
            "team_abbr": pl.String,
            "opponent_team_abbr": pl.String,
            "system_id": pl.String,
            "predicted_points": pl.Float64,
            "predicted_std": pl.Float64,
            "line": pl.Float64,
            "over_price": pl.Int32,
            "under_price": pl.Int32,
            "line_books": pl.Int32,
            "line_snapshot_utc": UTC_TS,
            "p_over": pl.Float64,
            "edge": pl.Float64,
            "recommendation": pl.String,
            "confidence": pl.Float64,
            "model_version": pl.String,
            "feature_version": pl.String,
            "availability_status": pl.String,
            "availability_source": pl.String,
            "availability_reason": pl.String,
        }
    ),
)


PREDICTION_RESULTS = Table(
    name="prediction_results",
    group="grading",
    dataset="predictions",
    grain="player x game x system",
    summary="Each prediction graded against the box score.",
    description=(
        "Each prediction graded: actual points, absolute error, HIT/MISS/PUSH/VOID, profit at the "
        "price."
    ),
    keys=("game_id", "player_id", "system_id"),
    required=("game_date", "outcome"),
    clustering=("system_id", "player_lookup"),
    columns=columns(
        {
            "game_date": pl.Date,
            "game_id": pl.String,
            "player_id": pl.Int64,
            "player_lookup": pl.String,
            "player_name": pl.String,
            "system_id": pl.String,
            "recommendation": pl.String,
            "line": pl.Float64,
            "predicted_points": pl.Float64,
            "p_over": pl.Float64,
            "actual_points": pl.Int32,
            "absolute_error": pl.Float64,
            "line_result": pl.String,
            "outcome": pl.String,
            "availability_status": pl.String,
            "profit_units": pl.Float64,
        }
    ),
)


SYSTEM_DAILY_PERFORMANCE = Table(
    name="system_daily_performance",
    group="grading",
    dataset="predictions",
    grain="system x date",
    summary="Per system and day: MAE, bias, hit rate, ROI, Brier.",
    description="Per system and day: MAE, bias, hit rate, ROI at the real prices, Brier score, counts.",
    keys=("game_date", "system_id"),
    required=("game_date", "system_id"),
    clustering=("system_id",),
    open_to_full_scans=True,
    columns=columns(
        {
            "game_date": pl.Date,
            "system_id": pl.String,
            "predictions": pl.Int32,
            "graded": pl.Int32,
            "mae": pl.Float64,
            "bias": pl.Float64,
            "picks": pl.Int32,
            "hits": pl.Int32,
            "misses": pl.Int32,
            "pushes": pl.Int32,
            "voids": pl.Int32,
            "hit_rate": pl.Float64,
            "profit_units": pl.Float64,
            "roi": pl.Float64,
            "brier": pl.Float64,
            "brier_rows": pl.Int32,
        }
    ),
)
