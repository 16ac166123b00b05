"""Dataset `precompute`: the feature store (phase `features`)."""

from __future__ import annotations

import polars as pl

from nba_platform.tables.columns import FEATURE_COLUMNS, UTC_TS
from nba_platform.tables.model import Table, columns

ML_FEATURE_STORE = Table(
    name="ml_feature_store",
    group="features",
    dataset="precompute",
    grain="player x scheduled game",
    summary="Feature vector per expected player x scheduled game, from games strictly before the date.",
    description=(
        "One feature vector (with per-feature quality flags) per expected player x scheduled game, "
        "from games strictly before the date."
    ),
    keys=("game_id", "player_id"),
    required=("game_date", "feature_version", "quality_score"),
    ranges={"quality_score": (0, 1), "points_avg_last_10": (0, 100), "days_rest": (0, 400)},
    clustering=("player_lookup", "team_abbr"),
    columns=columns(
        {
            "game_date": pl.Date,
            "game_id": pl.String,
            "season": pl.String,
            "tip_time_utc": UTC_TS,
            "player_id": pl.Int64,
            "player_lookup": pl.String,
            "player_name": pl.String,
            "team_abbr": pl.String,
            "opponent_team_abbr": pl.String,
            **FEATURE_COLUMNS,
            **{f"q_{name}": pl.String for name in FEATURE_COLUMNS},
            "league_pace": pl.Float64,
            "league_def_rating": pl.Float64,
            "over_price": pl.Int32,
            "under_price": pl.Int32,
            "line_books": pl.Int32,
            "line_snapshot_utc": UTC_TS,
            "availability_status": pl.String,
            "availability_source": pl.String,
            "availability_as_of_utc": UTC_TS,
            "availability_reason": pl.String,
            "absence_basis": pl.String,
            "missing_feature_count": pl.Int32,
            "quality_score": pl.Float64,
            "feature_version": pl.String,
        },
    ),
)
