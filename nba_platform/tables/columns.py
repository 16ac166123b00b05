"""The column vocabulary: what a column name means, wherever it occurs.

A name means the same in every table that has it (the BigQuery DDL, the Dagster column schemas and the
data dictionary all show this text). The feature vector is declared here too: its names are described
wherever they occur (the context table carries some of them).
"""

from __future__ import annotations

import polars as pl

# Every timestamp is UTC, microseconds (`*_utc` columns).
UTC_TS = pl.Datetime("us", "UTC")

# The feature vector (feature_version v3). Each feature also gets a `q_<name>` quality flag column:
# computed | fallback | default | missing (features/store.py computes them; FEATURE_DESCRIPTIONS says what
# each is).
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
    "team_out_minutes_share": pl.Float64,
    "team_out_fga_share": pl.Float64,
    "team_out_points_share": pl.Float64,
    "team_rotation_out": pl.Int32,
    "opp_out_minutes_share": pl.Float64,
    "opp_out_fga_share": pl.Float64,
    "opp_out_points_share": pl.Float64,
    "opp_rotation_out": pl.Int32,
    "team_star_out": pl.Boolean,
    "opp_star_out": pl.Boolean,
    "implied_team_total": pl.Float64,
    "implied_team_total_vs_avg": pl.Float64,
    "line_share_of_team_total": pl.Float64,
}

# Availability features (v3), computed in the context (analytics/availability.py) and carried by the store.
AVAILABILITY_FEATURES = (
    "team_out_minutes_share", "team_out_fga_share", "team_out_points_share", "team_rotation_out",
    "opp_out_minutes_share", "opp_out_fga_share", "opp_out_points_share", "opp_rotation_out",
    "team_star_out", "opp_star_out", "implied_team_total", "implied_team_total_vs_avg", "line_share_of_team_total",
)

# What each feature is (features/store.py computes them). Every statistic comes from games strictly before
# game_date; the text says the fallback (a stated stand-in) or default where a feature has one.
FEATURE_DESCRIPTIONS: dict[str, str] = {
    "points_avg_last_5": "mean points over his last 5 games (across seasons)",
    "points_avg_last_10": "mean points over his last 10 games (across seasons)",
    "points_avg_season": "mean points this season; fallback: last season's average",
    "points_std_last_10": "sample standard deviation of points over the last 10 games (needs 3)",
    "points_ewma": "exponentially weighted mean of points, half-life 5 games",
    "recent_trend": "mean points of the last 2 games minus the mean of the 3 before (needs 5 games)",
    "minutes_avg_last_5": "mean minutes over the last 5 games",
    "minutes_avg_last_10": "mean minutes over the last 10 games",
    "minutes_avg_season": "mean minutes this season; fallback: last season's",
    "minutes_change": "mean minutes of the last 10 games minus this season's average",
    "points_per_minute_last_10": "points per minute over the last 10 games",
    "points_per_minute_season": "points per minute this season; fallback: last season's",
    "expected_points_by_minutes": "mean minutes of the last 5 games x points per minute of the last 10",
    "usage_avg_last_10": "mean usage rate over the last 10 games",
    "usage_trend": "mean usage of the last 3 games minus that of the last 10",
    "true_shooting_last_10": "points / (2 (FGA + 0.44 FTA)) over the last 10 games",
    "free_throw_share": "free throws made / points over the last 10 games",
    "games_played_season": "games he played this season before the date (0 before his first)",
    "games_in_last_7_days": "games he played in the 7 days before the date",
    "minutes_in_last_7_days": "minutes he played in the 7 days before the date",
    "fatigue_score": "minutes in the last 7 days / 36, plus 1 on a back-to-back",
    "rest_advantage": "his team's days of rest minus the opponent's, each capped at 4",
    "is_playoff": "a playoff or play-in game (from the schedule)",
    "opponent_def_rating": "opponent's defensive rating over its last 10 games (the feature store falls back to the league 30-day average)",
    "opponent_pace": "opponent's pace over its last 10 games (the feature store falls back to the league 30-day average)",
    "team_pace": "his team's pace over its last 10 games (the feature store falls back to the league 30-day average)",
    "team_off_rating": "his team's offensive rating over its last 10 games",
    "pace_differential": "mean of team and opponent pace minus the league's pace",
    "team_win_pct": "his team's win share this season before the date",
    "line_movement": "consensus pre-tip line minus the opening line",
    "team_out_minutes_share": (
        "expected share of his team's minutes missing tonight: over his rotation teammates, absence weight of "
        "their status (OUT 1, DOUBTFUL 0.75, QUESTIONABLE 0.5, market no-line 0.54) x their last-10 minutes / the "
        "team's last-10 minutes; computed from an injury report, fallback from the market alone, missing with neither"
    ),
    "team_out_fga_share": "as team_out_minutes_share, for field goal attempts",
    "team_out_points_share": "as team_out_minutes_share, for points",
    "team_rotation_out": "his rotation teammates (>= 15 min in >= 3 of the team's last 5 games) ruled OUT or DOUBTFUL",
    "opp_out_minutes_share": "as team_out_minutes_share, for the opponent's rotation",
    "opp_out_fga_share": "as team_out_fga_share, for the opponent's rotation",
    "opp_out_points_share": "as team_out_points_share, for the opponent's rotation",
    "opp_rotation_out": "the opponent's rotation players ruled OUT or DOUBTFUL",
    "team_star_out": "a teammate star (rotation player averaging >= 20 points over his last 10 games) is OUT or DOUBTFUL",
    "opp_star_out": "an opponent star (as team_star_out) is OUT or DOUBTFUL",
    "implied_team_total": "sum of the consensus points lines of his team's players in this game (needs 3 lines)",
    "implied_team_total_vs_avg": "implied_team_total minus the team's mean line sum over its last 10 games with lines",
    "line_share_of_team_total": "his points line / implied_team_total",
}

DESCRIPTIONS: dict[str, str] = {
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
    "points_line": "consensus pre-tip points line (median of the books' latest main lines, analytics/lines.py)",
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
    "rotation_player": "played >= 15 minutes in >= 3 of his team's previous 5 games",
    "availability_status": "OUT, DOUBTFUL, QUESTIONABLE, PROBABLE, AVAILABLE or UNKNOWN, as known before tip and the prediction time",
    "availability_source": "nba_injury_report, balldontlie, market (the odds snapshots) or none",
    "availability_as_of_utc": "publication time of the report edition or odds snapshot the status comes from (UTC)",
    "availability_reason": "the report's reason, or what the market showed",
    "absence_basis": "what the absence features rest on: injury_report, market or none",
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
    "recommendation": "OVER, UNDER, PASS, NO_LINE, or OUT (ruled OUT or DOUBTFUL: no pick)",
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
    "source": "which source the row comes from",
    "box_source": "source of the player's box-score row: nba_cdn, nba_stats or balldontlie (what starter and the DNP columns can know)",
    "source_player_id": "the player's id in the row's source (balldontlie ids differ from NBA ids)",
    "played": "took the court (false: listed on the roster but did not play; null: the source does not say)",
    "roster_status": "ACTIVE or INACTIVE as the box score lists the player (null: the source does not say)",
    "not_playing_reason": "the source's code for why a listed player did not play, e.g. INACTIVE_INJURY, DNP_COACH",
    "not_playing_description": "the source's text for why a listed player did not play, e.g. 'Left Knee; Soreness'",
    "dnp_reason_category": "why a listed player did not play: injury, rest, coach, g_league, personal or other (null: played, or the source does not say)",
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


def describe(name: str) -> str:
    """What a column name means; a name the vocabulary does not know is an error (every column of every
    table is described)."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if name in _BOX:
        return _BOX[name]
    # Feature names keep the vocabulary's text above where they have one (days_rest, is_home, ...).
    if name.startswith("q_") and name[2:] in FEATURE_COLUMNS:
        return f"quality flag of {name[2:]}: computed, fallback, default or missing"
    if name in FEATURE_DESCRIPTIONS:
        return FEATURE_DESCRIPTIONS[name]
    raise KeyError(f"column {name!r} has no description: add it to nba_platform/tables/columns.py")
