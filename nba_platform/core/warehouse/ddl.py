"""BigQuery DDL generated from the table schemas (one source of truth for columns and types).

`python -m nba_platform.core.warehouse.ddl` rewrites `sql/ddl/*.sql`; a test fails when they drift apart. The checked-in
files name tables as `<dataset>.<table>` (run them with a default project); `nba-platform bq-init` runs the
same text with the project and the dataset prefix filled in (`table_ddl(table, project, prefix)`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from nba_platform import tables as schemas
from nba_platform.tables import TABLE_SCHEMAS

# Dataset of each table: the phase datasets of the warehouse, plus `monitoring` for the platform's own log.
DATASET_OF: dict[str, str] = {**TABLE_SCHEMAS, "materialization_log": "monitoring"}
DATASETS: tuple[str, ...] = tuple(dict.fromkeys(DATASET_OF.values()))
ALL_TABLES: dict[str, pl.Schema] = {**schemas.TABLES, **schemas.OPS_TABLES}

# Chosen for the queries that read each table: summaries by player and team, predictions by system then player.
CLUSTERING: dict[str, tuple[str, ...]] = {
    "raw_schedule": ("home_team_abbr", "away_team_abbr"),
    "raw_player_boxscores": ("team_abbreviation", "player_id"),
    "raw_team_boxscores": ("team_abbreviation",),
    "raw_prop_lines": ("player_lookup", "bookmaker"),
    "team_game_summary": ("team_abbr",),
    "player_game_summary": ("player_lookup", "team_abbr"),
    "upcoming_player_game_context": ("player_lookup", "team_abbr"),
    "ml_feature_store": ("player_lookup", "team_abbr"),
    "player_prop_predictions": ("system_id", "player_lookup"),
    "prediction_results": ("system_id", "player_lookup"),
    "system_daily_performance": ("system_id",),
    "materialization_log": ("dataset_name", "table_name"),
}

# A query without a game_date filter is refused on the big tables (a mistake would scan every season).
# The two small tables that dashboards read whole stay open.
OPEN_TO_FULL_SCANS = {"system_daily_performance", "materialization_log"}

TABLE_DESCRIPTIONS: dict[str, str] = {
    "raw_schedule": "Games of each ET date from cdn.nba.com scheduleLeagueV2.",
    "raw_player_boxscores": "Player box scores (stats.nba.com leaguegamelog, PlayerOrTeam=P).",
    "raw_team_boxscores": "Team box scores (stats.nba.com leaguegamelog, PlayerOrTeam=T).",
    "raw_prop_lines": "Every player_points line of every book and snapshot (The Odds API).",
    "team_game_summary": "Team-game: possessions, pace, ratings, result.",
    "player_game_summary": "Player-game box score with rates, team/opponent and the pre-game line.",
    "upcoming_player_game_context": "Expected players of each scheduled game with rest, form and the pre-tip line.",
    "ml_feature_store": "Feature vector per expected player x scheduled game, from games strictly before the date.",
    "player_prop_predictions": "Predicted points, P(over), edge and recommendation per player, game and system.",
    "prediction_results": "Each prediction graded against the box score.",
    "system_daily_performance": "Per system and day: MAE, bias, hit rate, ROI, Brier.",
    "materialization_log": "One row per table and game_date each time the platform writes a partition.",
}

COLUMN_DESCRIPTIONS: dict[str, str] = {
    "game_date": "ET calendar date of the game (partition column)",
    "game_id": "NBA game id",
    "season": "season, e.g. 2025-26",
    "season_type": "Preseason, Regular Season, Playoffs, PlayIn, NBA Cup, All-Star",
    "game_status": "1 scheduled, 2 live, 3 final",
    "tip_time_utc": "scheduled tip-off (UTC)",
    "player_id": "NBA player id",
    "player_name": "player name as the source spells it",
    "player_lookup": "name key shared by box scores and books (accents folded, suffixes dropped)",
    "team_id": "NBA team id",
    "team_abbr": "team tricode",
    "team_abbreviation": "team tricode (source column name)",
    "opponent_team_abbr": "opponent tricode",
    "is_home": "the player's or team's side is the home team",
    "min": "minutes played (source)",
    "minutes": "minutes played",
    "pts": "points (source)",
    "points": "points scored",
    "source_file": "landing-zone path the row was parsed from",
    "snapshot_utc": "when the odds snapshot was taken (UTC)",
    "event_id": "The Odds API event id",
    "commence_time_utc": "event start per The Odds API (UTC)",
    "bookmaker": "sportsbook key",
    "line": "points line (over/under threshold)",
    "over_price": "American odds of the over",
    "under_price": "American odds of the under",
    "points_line": "consensus pre-tip points line (median of the books' latest main lines, transforms/lines.py)",
    "line_books": "books in the consensus line",
    "line_snapshot_utc": "latest pre-tip snapshot used for the line (UTC)",
    "possessions": "mean of both teams' FGA - OREB + TOV + 0.44 FTA",
    "pace": "possessions per 48 minutes",
    "offensive_rating": "points scored per 100 possessions",
    "defensive_rating": "points allowed per 100 possessions",
    "usage_rate": "share of team possessions used while on the floor (percent)",
    "true_shooting_pct": "PTS / (2 (FGA + 0.44 FTA))",
    "effective_fg_pct": "(FGM + 0.5 FG3M) / FGA",
    "rebuilt_from_players": "team row rebuilt from player rows (the team log lacked it)",
    "over_under_result": "OVER, UNDER or PUSH against points_line",
    "in_rotation": "played for the team in one of its last 5 games",
    "has_line": "a pre-tip points line exists for the player and game",
    "days_rest": "days since the player's previous game",
    "back_to_back": "played the day before",
    "feature_version": "version of the feature definitions",
    "quality_score": "mean of 1 (computed), 0.5 (fallback/default), 0 (missing) over the feature flags",
    "missing_feature_count": "features flagged missing",
    "system_id": "prediction system",
    "predicted_points": "predicted points",
    "predicted_std": "standard deviation of the predictive distribution",
    "p_over": "calibrated probability of going over the line",
    "edge": "predicted points minus the line",
    "recommendation": "OVER, UNDER, PASS or NO_LINE",
    "confidence": "confidence on the common 0-1 scale",
    "model_version": "model bundle that produced the prediction",
    "actual_points": "points scored (null until graded, or DNP)",
    "absolute_error": "|predicted - actual|",
    "line_result": "OVER, UNDER or PUSH of the actual points against the line",
    "outcome": "HIT, MISS, PUSH, VOID (did not play), PENDING, NO_BET",
    "profit_units": "profit at the real price, 1 unit staked per pick",
    "mae": "mean absolute error over graded predictions",
    "bias": "mean of predicted minus actual",
    "hit_rate": "hits / (hits + misses)",
    "roi": "profit_units / picks",
    "brier": "Brier score of p_over on lined, graded rows",
    "season_id": "season id (source)",
    "team_name": "team name (source)",
    "matchup": "e.g. 'BOS vs. NYK' (home) or 'BOS @ NYK' (away)",
    "wl": "W or L",
    "fantasy_pts": "fantasy points (source)",
    "game_status_text": "status as the schedule shows it",
    "home_team_id": "home team id",
    "home_team_abbr": "home team tricode",
    "home_team_name": "home team nickname",
    "away_team_id": "away team id",
    "away_team_abbr": "away team tricode",
    "away_team_name": "away team nickname",
    "home_score": "home points (final games)",
    "away_score": "away points (final games)",
    "is_neutral": "neutral-site game",
    "home_team": "home team as The Odds API names it",
    "away_team": "away team as The Odds API names it",
    "market_last_update_utc": "when the book last updated the market (UTC)",
    "opponent_team_id": "opponent team id",
    "opponent_points": "points allowed",
    "won": "won the game",
    "margin": "points minus opponent points",
    "starter": "started the game (null: the source does not say)",
    "games_last_7_days": "games played in the 7 days before",
    "minutes_last_7_days": "minutes played in the 7 days before",
    "games_last_14_days": "games played in the 14 days before",
    "minutes_last_14_days": "minutes played in the 14 days before",
    "team_days_rest": "days since the team's previous game",
    "opponent_days_rest": "days since the opponent's previous game",
    "league_pace": "league pace over the last 30 days",
    "league_def_rating": "league defensive rating over the last 30 days",
    "points_line_open": "consensus of each book's first pre-tip line",
    "predictions": "predictions made",
    "graded": "predictions graded",
    "picks": "OVER/UNDER picks",
    "hits": "picks that won",
    "misses": "picks that lost",
    "pushes": "picks pushed",
    "voids": "picks voided (did not play)",
    "brier_rows": "rows in the Brier score",
    "dataset_name": "dataset of the written table",
    "table_name": "written table",
    "row_count": "rows written for the date",
    "run_id": "Dagster run id",
    "written_at": "when the rows were loaded (UTC)",
}


# Box-score counts and rates, as stats.nba.com names them.
_BOX = {
    "fgm": "field goals made", "fga": "field goals attempted", "fg_pct": "field goal percentage",
    "fg3m": "three-pointers made", "fg3a": "three-pointers attempted", "fg3_pct": "three-point percentage",
    "ftm": "free throws made", "fta": "free throws attempted", "ft_pct": "free throw percentage",
    "oreb": "offensive rebounds", "dreb": "defensive rebounds", "reb": "rebounds", "ast": "assists",
    "stl": "steals", "blk": "blocks", "tov": "turnovers", "pf": "personal fouls", "plus_minus": "plus-minus",
}


def column_description(name: str) -> str | None:
    if name in COLUMN_DESCRIPTIONS:
        return COLUMN_DESCRIPTIONS[name]
    if name in _BOX:
        return _BOX[name]
    if name.startswith("q_") and name[2:] in schemas.FEATURE_COLUMNS:
        return f"quality flag of {name[2:]}: computed, fallback, default or missing"
    if name in schemas.FEATURE_COLUMNS:
        return "feature from games strictly before game_date (docs/data_dictionary.md)"
    return None


def bigquery_type(dtype: pl.DataType) -> str:
    if dtype == pl.Date:
        return "DATE"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    if dtype == pl.Boolean:
        return "BOOL"
    if dtype.is_integer():
        return "INT64"
    if dtype.is_float():
        return "FLOAT64"
    if dtype == pl.String:
        return "STRING"
    raise TypeError(f"no BigQuery type for {dtype}")


def _string_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def table_id(table: str, project: str | None = None, dataset_prefix: str = "") -> str:
    dataset = f"{dataset_prefix}{DATASET_OF[table]}"
    return f"{project}.{dataset}.{table}" if project else f"{dataset}.{table}"


def table_ddl(table: str, project: str | None = None, dataset_prefix: str = "") -> str:
    schema = ALL_TABLES[table]
    columns = []
    for name, dtype in schema.items():
        description = column_description(name)
        options = f" OPTIONS (description = {_string_literal(description)})" if description else ""
        columns.append(f"  {name} {bigquery_type(dtype)}{options}")
    options = [f"description = {_string_literal(TABLE_DESCRIPTIONS[table])}"]
    if table not in OPEN_TO_FULL_SCANS:
        options.append("require_partition_filter = TRUE")
    return (
        f"-- Generated by `python -m nba_platform.core.warehouse.ddl` from nba_platform/schemas.py; do not edit by hand.\n"
        f"CREATE TABLE IF NOT EXISTS `{table_id(table, project, dataset_prefix)}` (\n" + ",\n".join(columns) + "\n)\n"
        f"PARTITION BY game_date\n"
        f"CLUSTER BY {', '.join(CLUSTERING[table])}\n"
        f"OPTIONS ({', '.join(options)});\n"
    )


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in ALL_TABLES:
        path = folder / f"{table}.sql"
        path.write_text(table_ddl(table))
        written.append(path)
    return written


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "sql/ddl"))
