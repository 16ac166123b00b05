"""Dataset `analytics`: games summarized per team and player, and who is expected in each scheduled game."""

from __future__ import annotations

import polars as pl

from nba_platform.tables.columns import AVAILABILITY_FEATURES, FEATURE_COLUMNS, UTC_TS
from nba_platform.tables.model import Table, columns

TEAM_GAME_SUMMARY = Table(
    name="team_game_summary",
    group="analytics",
    dataset="analytics",
    grain="team-game",
    summary="Team-game: possessions, pace, ratings, result.",
    description=(
        "Team-game: possessions, pace, offensive/defensive rating, result; rebuilt from player rows "
        "(flagged) when the team row is missing."
    ),
    keys=("game_id", "team_id"),
    required=("game_date", "points"),
    # Pace: real games run ~85-120 (2024-25: 85.8-117.7); a unit error (minutes x5 or /5) lands near 20 or
    # 500. Wide on purpose: a real outlier night must not stop a backfill, a broken unit must.
    ranges={"pace": (50, 160), "offensive_rating": (40, 200), "defensive_rating": (40, 200)},
    clustering=("team_abbr",),
    columns=columns(
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
    ),
)


PLAYER_GAME_SUMMARY = Table(
    name="player_game_summary",
    group="analytics",
    dataset="analytics",
    grain="player-game",
    summary="Player-game box score with rates, team/opponent and the pre-game line.",
    description=(
        "Player-game box score with minutes, true shooting, effective FG%, usage rate, "
        "team/opponent, home/away, and the pre-game consensus line with the result against it. "
        "Players listed but not playing have a row with played=false, null points and minutes and "
        "the reason category: every reader of points/minutes history uses played rows only."
    ),
    keys=("game_id", "player_id"),
    required=("game_date", "player_lookup", "played"),
    # Usage can pass 100 in a one-minute cameo (3 shots in 1 minute is 140); 300 is impossible.
    ranges={"minutes": (0, 65), "points": (0, 100), "effective_fg_pct": (0, 1.5), "usage_rate": (0, 300)},
    clustering=("player_lookup", "team_abbr"),
    columns=columns(
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
            "played": pl.Boolean,
            "dnp_reason_category": pl.String,
            "box_source": pl.String,
            "won": pl.Boolean,
            "points_line": pl.Float64,
            "over_under_result": pl.String,
        }
    ),
)


UPCOMING_PLAYER_GAME_CONTEXT = Table(
    name="upcoming_player_game_context",
    group="analytics",
    dataset="analytics",
    grain="player x scheduled game",
    summary="Expected players of each scheduled game with rest, form and the pre-tip line.",
    description=(
        "Expected players of each scheduled game (line players + recent rotation, latest team) with "
        "rest, load, team and opponent form, and the current and opening pre-tip line."
    ),
    keys=("game_id", "player_id"),
    required=("game_date", "team_abbr", "opponent_team_abbr", "player_lookup"),
    clustering=("player_lookup", "team_abbr"),
    columns=columns(
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
            "rotation_player": pl.Boolean,
            "availability_status": pl.String,
            "availability_source": pl.String,
            "availability_as_of_utc": UTC_TS,
            "availability_reason": pl.String,
            "absence_basis": pl.String,
            **{name: FEATURE_COLUMNS[name] for name in AVAILABILITY_FEATURES},
        }
    ),
)
