"""stats.nba.com `leaguegamelog`: the parser from the native `resultSets` JSON to typed frames.

One response holds one date's box scores, for players (PlayerOrTeam=P) or teams (=T). The live
client (issue: live scrapers) lands the same bytes this parser reads.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from nba_platform import schemas
from nba_platform.sources.errors import SourceParseError, load_json, require_type

SOURCE = "nba_stats.leaguegamelog"

# Source header -> our column. Columns not listed here are ignored (the API adds some over time).
_COMMON = {
    "SEASON_ID": "season_id",
    "TEAM_ID": "team_id",
    "TEAM_ABBREVIATION": "team_abbreviation",
    "TEAM_NAME": "team_name",
    "GAME_ID": "game_id",
    "GAME_DATE": "game_date",
    "MATCHUP": "matchup",
    "WL": "wl",
    "MIN": "min",
    "FGM": "fgm",
    "FGA": "fga",
    "FG_PCT": "fg_pct",
    "FG3M": "fg3m",
    "FG3A": "fg3a",
    "FG3_PCT": "fg3_pct",
    "FTM": "ftm",
    "FTA": "fta",
    "FT_PCT": "ft_pct",
    "OREB": "oreb",
    "DREB": "dreb",
    "REB": "reb",
    "AST": "ast",
    "STL": "stl",
    "BLK": "blk",
    "TOV": "tov",
    "PF": "pf",
    "PTS": "pts",
    "PLUS_MINUS": "plus_minus",
}
PLAYER_COLUMNS = {**_COMMON, "PLAYER_ID": "player_id", "PLAYER_NAME": "player_name", "FANTASY_PTS": "fantasy_pts"}
TEAM_COLUMNS = dict(_COMMON)
# FANTASY_PTS is derived by the API and absent from some captures; everything else is required.
_OPTIONAL = {"FANTASY_PTS"}


def _result_set(payload: Any, location: str) -> tuple[list[str], list[list[Any]]]:
    require_type(payload, dict, SOURCE, location, "the response")
    sets = payload.get("resultSets", payload.get("resultSet"))
    if isinstance(sets, dict):
        sets = [sets]
    if not isinstance(sets, list) or not sets:
        raise SourceParseError(SOURCE, location, "no resultSets in the response")
    chosen = next((s for s in sets if isinstance(s, dict) and s.get("name") == "LeagueGameLog"), None)
    if chosen is None:
        raise SourceParseError(SOURCE, location, "result set 'LeagueGameLog' is missing")
    headers = require_type(chosen.get("headers"), list, SOURCE, location, "headers")
    rows = require_type(chosen.get("rowSet"), list, SOURCE, location, "rowSet")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(headers):
            raise SourceParseError(
                SOURCE, location, f"row {i} has {len(row) if isinstance(row, list) else 'no'} values "
                f"for {len(headers)} headers"
            )
    return headers, rows


def _minutes(value: Any) -> float | None:
    """MIN arrives as an integer, a float, or 'MM:SS' depending on the endpoint version."""
    if value is None:
        return None
    if isinstance(value, str) and ":" in value:
        mins, secs = value.split(":", 1)
        return int(mins) + int(secs) / 60.0
    return float(value)


def parse_leaguegamelog(data: bytes, location: str, player_or_team: str) -> pl.DataFrame:
    """Parse one leaguegamelog response into RAW_PLAYER_BOXSCORES ("P") or RAW_TEAM_BOXSCORES ("T")."""
    if player_or_team not in ("P", "T"):
        raise ValueError(f"player_or_team must be 'P' or 'T', got {player_or_team!r}")
    payload = load_json(data, SOURCE, location)
    params = payload.get("parameters") if isinstance(payload, dict) else None
    declared = params.get("PlayerOrTeam") if isinstance(params, dict) else None
    if declared is not None and declared != player_or_team:
        raise SourceParseError(SOURCE, location, f"PlayerOrTeam={declared}, expected {player_or_team}")
    headers, rows = _result_set(payload, location)

    mapping = PLAYER_COLUMNS if player_or_team == "P" else TEAM_COLUMNS
    table = "raw_player_boxscores" if player_or_team == "P" else "raw_team_boxscores"
    missing = [h for h in mapping if h not in headers and h not in _OPTIONAL]
    if missing:
        raise SourceParseError(SOURCE, location, f"missing columns {missing} (schema drift?)")

    index = {h: i for i, h in enumerate(headers)}
    schema = schemas.TABLES[table]
    columns: dict[str, pl.Series] = {}
    for header, name in mapping.items():
        values = [row[index[header]] for row in rows] if header in index else [None] * len(rows)
        if name == "min":
            try:
                values = [_minutes(v) for v in values]
            except (TypeError, ValueError) as exc:
                raise SourceParseError(SOURCE, location, f"MIN is not a number of minutes: {exc}") from exc
        if name == "game_date":
            values = [str(v)[:10] if v is not None else None for v in values]
        target = schema[name]
        try:
            raw = pl.Series(name, values, strict=False, dtype=pl.String if target == pl.Date else None)
            if target == pl.Date:
                columns[name] = raw.str.to_date("%Y-%m-%d", strict=True)
            elif raw.dtype == pl.Null:
                columns[name] = raw.cast(target)
            else:
                columns[name] = raw.cast(target, strict=True)
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError, TypeError) as exc:
            raise SourceParseError(SOURCE, location, f"column {header} has values of the wrong type: {exc}") from exc
    frame = pl.DataFrame(columns).with_columns(pl.lit(location).alias("source_file"))
    return schemas.conform(frame, table)
