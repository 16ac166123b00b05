"""Dataset `raw`: the sources' rows as parsed from the landing zone (source column names, snake case)."""

from __future__ import annotations

import polars as pl

from nba_platform.tables.columns import UTC_TS
from nba_platform.tables.model import Table, columns

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


RAW_SCHEDULE = Table(
    name="raw_schedule",
    group="raw",
    dataset="raw",
    grain="game",
    summary="Games of each ET date from cdn.nba.com scheduleLeagueV2.",
    description="Games of the ET date from the season's scheduleLeagueV2 file (cdn.nba.com).",
    keys=("game_id",),
    required=("game_date", "home_team_id", "away_team_id"),
    clustering=("home_team_abbr", "away_team_abbr"),
    columns=columns(
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
    ),
)


RAW_PLAYER_BOXSCORES = Table(
    name="raw_player_boxscores",
    group="raw",
    dataset="raw",
    grain="player-game",
    summary="Player box scores of every source, one source per game (nba_cdn, nba_stats, balldontlie).",
    description=(
        "Player box scores of the ET date, each game from the most preferred source that landed it: "
        "cdn.nba.com liveData box score (every rostered player, starters, who did not play and why), then "
        "stats.nba.com leaguegamelog (PlayerOrTeam=P: players who played), then balldontlie /box_scores "
        "(every listed player; balldontlie player ids mapped to NBA ids by team and name, unmatched players "
        "keep the negated balldontlie id). `source` names the source of each row."
    ),
    keys=("game_id", "player_id"),
    required=("game_date", "team_id", "pts", "source"),
    ranges={
        "min": (0, 65), "pts": (0, 100), "fg_pct": (0, 1), "fg3_pct": (0, 1), "ft_pct": (0, 1),
        "fga": (0, 60), "reb": (0, 40), "ast": (0, 35),
    },
    clustering=("team_abbreviation", "player_id"),
    columns=columns(
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
            "source": pl.String,
            "source_player_id": pl.Int64,
            "starter": pl.Boolean,
            "played": pl.Boolean,
            "roster_status": pl.String,
            "not_playing_reason": pl.String,
            "not_playing_description": pl.String,
            "source_file": pl.String,
        }
    ),
)


RAW_TEAM_BOXSCORES = Table(
    name="raw_team_boxscores",
    group="raw",
    dataset="raw",
    grain="team-game",
    summary="Team box scores (stats.nba.com leaguegamelog, PlayerOrTeam=T).",
    description="Team box scores of the ET date: stats.nba.com leaguegamelog, PlayerOrTeam=T.",
    keys=("game_id", "team_id"),
    required=("game_date", "pts"),
    ranges={"min": (0, 400), "pts": (0, 250), "fg_pct": (0, 1), "fg3_pct": (0, 1), "ft_pct": (0, 1)},
    clustering=("team_abbreviation",),
    columns=columns(
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
    ),
)


RAW_PROP_LINES = Table(
    name="raw_prop_lines",
    group="raw",
    dataset="raw",
    grain="snapshot x event x book x player x line",
    summary="Every player_points line of every book and snapshot (The Odds API).",
    description="Every player_points line of every book and snapshot (The Odds API), by the game's ET date.",
    keys=("snapshot_utc", "event_id", "bookmaker", "player_lookup", "line"),
    required=("game_date", "commence_time_utc"),
    ranges={"line": (0, 80)},
    clustering=("player_lookup", "bookmaker"),
    columns=columns(
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
    ),
)
