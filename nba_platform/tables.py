"""One schema per table, declared once and used by parsers, transforms, the warehouse and the tests.

Column order matters: the warehouse inserts by name, but a fixed order keeps tables, exports and
table hashes stable across runs.
"""

from __future__ import annotations

import polars as pl

UTC_TS = pl.Datetime("us", "UTC")

_BOX_COUNTS = {
    "fgm": pl.Int32,
    "fga": pl.Int32,
    "fg_pct": pl.Float64,
    "fg3m": pl.Int32,
    "fg3a": pl.Int32,
    "fg3_pct": pl.Float64,
    "ftm": pl.Int32,
    "fta": pl.Int32,
    "ft_pct": pl.Float64,
    "oreb": pl.Int32,
    "dreb": pl.Int32,
    "reb": pl.Int32,
    "ast": pl.Int32,
    "stl": pl.Int32,
    "blk": pl.Int32,
    "tov": pl.Int32,
    "pf": pl.Int32,
    "pts": pl.Int32,
    "plus_minus": pl.Float64,
}

RAW_SCHEDULE = pl.Schema(
    {
        "game_date": pl.Date,
        "game_id": pl.String,
        "season": pl.String,
        "season_type": pl.String,
        "game_status": pl.Int8,
        "game_status_text": pl.String,
        "tip_time_utc": UTC_TS,
        "home_team_id": pl.Int64,
        "home_team_abbr": pl.String,
        "home_team_name": pl.String,
        "away_team_id": pl.Int64,
        "away_team_abbr": pl.String,
        "away_team_name": pl.String,
        "home_score": pl.Int32,
        "away_score": pl.Int32,
        "is_neutral": pl.Boolean,
        "source_file": pl.String,
    }
)

RAW_PLAYER_BOXSCORES = pl.Schema(
    {
        "game_date": pl.Date,
        "season_id": pl.String,
        "game_id": pl.String,
        "player_id": pl.Int64,
        "player_name": pl.String,
        "team_id": pl.Int64,
        "team_abbreviation": pl.String,
        "team_name": pl.String,
        "matchup": pl.String,
        "wl": pl.String,
        "min": pl.Float64,
        **_BOX_COUNTS,
        "fantasy_pts": pl.Float64,
        "source_file": pl.String,
    }
)

RAW_TEAM_BOXSCORES = pl.Schema(
    {
        "game_date": pl.Date,
        "season_id": pl.String,
        "game_id": pl.String,
        "team_id": pl.Int64,
        "team_abbreviation": pl.String,
        "team_name": pl.String,
        "matchup": pl.String,
        "wl": pl.String,
        "min": pl.Float64,
        **_BOX_COUNTS,
        "source_file": pl.String,
    }
)

RAW_PROP_LINES = pl.Schema(
    {
        "game_date": pl.Date,
        "snapshot_utc": UTC_TS,
        "event_id": pl.String,
        "commence_time_utc": UTC_TS,
        "home_team": pl.String,
        "away_team": pl.String,
        "bookmaker": pl.String,
        "market_last_update_utc": UTC_TS,
        "player_name": pl.String,
        "player_lookup": pl.String,
        "line": pl.Float64,
        "over_price": pl.Int32,
        "under_price": pl.Int32,
        "source_file": pl.String,
    }
)

TEAM_GAME_SUMMARY = pl.Schema(
    {
        "game_date": pl.Date,
        "game_id": pl.String,
        "season": pl.String,
        "season_type": pl.String,
        "team_id": pl.Int64,
        "team_abbr": pl.String,
        "opponent_team_id": pl.Int64,
        "opponent_team_abbr": pl.String,
        "is_home": pl.Boolean,
        "minutes": pl.Float64,
        "points": pl.Int32,
        "opponent_points": pl.Int32,
        "fgm": pl.Int32,
        "fga": pl.Int32,
        "fg3m": pl.Int32,
        "fg3a": pl.Int32,
        "ftm": pl.Int32,
        "fta": pl.Int32,
        "oreb": pl.Int32,
        "dreb": pl.Int32,
        "tov": pl.Int32,
        "possessions": pl.Float64,
        "pace": pl.Float64,
        "offensive_rating": pl.Float64,
        "defensive_rating": pl.Float64,
        "won": pl.Boolean,
        "margin": pl.Int32,
        "rebuilt_from_players": pl.Boolean,
    }
)

UPCOMING_PLAYER_GAME_CONTEXT = pl.Schema(
    {
        "game_date": pl.Date,
        "game_id": pl.String,
        "season": pl.String,
        "season_type": pl.String,
        "tip_time_utc": UTC_TS,
        "player_id": pl.Int64,
        "player_lookup": pl.String,
        "player_name": pl.String,
        "team_id": pl.Int64,
        "team_abbr": pl.String,
        "opponent_team_id": pl.Int64,
        "opponent_team_abbr": pl.String,
        "is_home": pl.Boolean,
        "in_rotation": pl.Boolean,
        "has_line": pl.Boolean,
        "days_rest": pl.Int32,
        "back_to_back": pl.Boolean,
        "games_last_7_days": pl.Int32,
        "minutes_last_7_days": pl.Float64,
        "games_last_14_days": pl.Int32,
        "minutes_last_14_days": pl.Float64,
        "team_days_rest": pl.Int32,
        "opponent_days_rest": pl.Int32,
        "team_pace": pl.Float64,
        "team_off_rating": pl.Float64,
        "team_win_pct": pl.Float64,
        "opponent_def_rating": pl.Float64,
        "opponent_pace": pl.Float64,
        "league_pace": pl.Float64,
        "league_def_rating": pl.Float64,
        "points_line": pl.Float64,
        "points_line_open": pl.Float64,
        "line_movement": pl.Float64,
        "over_price": pl.Int32,
        "under_price": pl.Int32,
        "line_books": pl.Int32,
        "line_snapshot_utc": UTC_TS,
    }
)

PLAYER_GAME_SUMMARY = pl.Schema(
    {
        "game_date": pl.Date,
        "game_id": pl.String,
        "season": pl.String,
        "season_type": pl.String,
        "player_id": pl.Int64,
        "player_lookup": pl.String,
        "player_name": pl.String,
        "team_id": pl.Int64,
        "team_abbr": pl.String,
        "opponent_team_abbr": pl.String,
        "is_home": pl.Boolean,
        "minutes": pl.Float64,
        "points": pl.Int32,
        "fgm": pl.Int32,
        "fga": pl.Int32,
        "fg3m": pl.Int32,
        "fg3a": pl.Int32,
        "ftm": pl.Int32,
        "fta": pl.Int32,
        "oreb": pl.Int32,
        "dreb": pl.Int32,
        "reb": pl.Int32,
        "ast": pl.Int32,
        "stl": pl.Int32,
        "blk": pl.Int32,
        "tov": pl.Int32,
        "pf": pl.Int32,
        "plus_minus": pl.Float64,
        "true_shooting_pct": pl.Float64,
        "effective_fg_pct": pl.Float64,
        "usage_rate": pl.Float64,
        "starter": pl.Boolean,
        "won": pl.Boolean,
        "points_line": pl.Float64,
        "over_under_result": pl.String,
    }
)

# The feature vector (feature_version v2). Each feature also gets a `q_<name>` quality flag column:
# computed | fallback | default | missing (see transforms/features.py for every definition).
FEATURE_COLUMNS: dict[str, pl.DataType] = {
    "points_avg_last_5": pl.Float64,
    "points_avg_last_10": pl.Float64,
    "points_avg_season": pl.Float64,
    "points_std_last_10": pl.Float64,
    "points_ewma": pl.Float64,
    "recent_trend": pl.Float64,
    "minutes_avg_last_5": pl.Float64,
    "minutes_avg_last_10": pl.Float64,
    "minutes_avg_season": pl.Float64,
    "minutes_change": pl.Float64,
    "points_per_minute_last_10": pl.Float64,
    "points_per_minute_season": pl.Float64,
    "expected_points_by_minutes": pl.Float64,
    "usage_avg_last_10": pl.Float64,
    "usage_trend": pl.Float64,
    "true_shooting_last_10": pl.Float64,
    "free_throw_share": pl.Float64,
    "games_played_season": pl.Int32,
    "games_in_last_7_days": pl.Int32,
    "minutes_in_last_7_days": pl.Float64,
    "days_rest": pl.Int32,
    "back_to_back": pl.Boolean,
    "fatigue_score": pl.Float64,
    "rest_advantage": pl.Int32,
    "is_home": pl.Boolean,
    "is_playoff": pl.Boolean,
    "opponent_def_rating": pl.Float64,
    "opponent_pace": pl.Float64,
    "team_pace": pl.Float64,
    "team_off_rating": pl.Float64,
    "pace_differential": pl.Float64,
    "team_win_pct": pl.Float64,
    "points_line": pl.Float64,
    "line_movement": pl.Float64,
    "has_line": pl.Boolean,
}

ML_FEATURE_STORE = pl.Schema(
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
        "missing_feature_count": pl.Int32,
        "quality_score": pl.Float64,
        "feature_version": pl.String,
    }
)

PLAYER_PROP_PREDICTIONS = pl.Schema(
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
    }
)

PREDICTION_RESULTS = pl.Schema(
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
        "profit_units": pl.Float64,
    }
)

SYSTEM_DAILY_PERFORMANCE = pl.Schema(
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
)

TABLES: dict[str, pl.Schema] = {
    "raw_schedule": RAW_SCHEDULE,
    "raw_player_boxscores": RAW_PLAYER_BOXSCORES,
    "raw_team_boxscores": RAW_TEAM_BOXSCORES,
    "raw_prop_lines": RAW_PROP_LINES,
    "team_game_summary": TEAM_GAME_SUMMARY,
    "player_game_summary": PLAYER_GAME_SUMMARY,
    "upcoming_player_game_context": UPCOMING_PLAYER_GAME_CONTEXT,
    "ml_feature_store": ML_FEATURE_STORE,
    "player_prop_predictions": PLAYER_PROP_PREDICTIONS,
    "prediction_results": PREDICTION_RESULTS,
    "system_daily_performance": SYSTEM_DAILY_PERFORMANCE,
}

# Warehouse schema (DuckDB) / dataset (BigQuery) of each table.
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

# Unique key of each table (asset checks and idempotency tests use these).
KEYS: dict[str, tuple[str, ...]] = {
    "raw_schedule": ("game_id",),
    "raw_player_boxscores": ("game_id", "player_id"),
    "raw_team_boxscores": ("game_id", "team_id"),
    "raw_prop_lines": ("snapshot_utc", "event_id", "bookmaker", "player_lookup", "line"),
    "team_game_summary": ("game_id", "team_id"),
    "player_game_summary": ("game_id", "player_id"),
    "upcoming_player_game_context": ("game_id", "player_id"),
    "ml_feature_store": ("game_id", "player_id"),
    "player_prop_predictions": ("game_id", "player_id", "system_id"),
    "prediction_results": ("game_id", "player_id", "system_id"),
    "system_daily_performance": ("game_date", "system_id"),
}

# Production only: one row per (materialized partition date, table) that the BigQuery IO manager writes
# after each load, read by the monitoring queries in sql/monitoring (pipeline timing, freshness).
MATERIALIZATION_LOG = pl.Schema(
    {
        "game_date": pl.Date,
        "dataset_name": pl.String,
        "table_name": pl.String,
        "row_count": pl.Int64,
        "run_id": pl.String,
        "written_at": UTC_TS,
    }
)
OPS_TABLES: dict[str, pl.Schema] = {"materialization_log": MATERIALIZATION_LOG}


class SchemaMismatchError(ValueError):
    """A frame does not carry the columns its table declares."""


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=TABLES[table])


def conform(df: pl.DataFrame, table: str) -> pl.DataFrame:
    """Select the table's columns in order with their declared dtypes.

    A frame with no columns at all (what the IO manager returns for an empty window) becomes the
    typed empty table; a frame missing some columns is an error, never a silent null fill.
    """
    schema = TABLES[table]
    if df.width == 0:
        return empty(table)
    missing = [c for c in schema.names() if c not in df.columns]
    if missing:
        raise SchemaMismatchError(f"{table}: missing columns {missing}")
    return df.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
