"""stats.nba.com `leaguegamelog`: the parser from the native `resultSets` JSON to typed frames.

One response holds one date's box scores, for players (PlayerOrTeam=P) or teams (=T). The live
client (issue: live scrapers) lands the same bytes this parser reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.raw.parsing import SourceParseError, load_json, require_type
from nba_platform.raw.validation import Parsed, rejected_rows

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


def player_columns(frame: pl.DataFrame) -> list[pl.Expr]:
    """The source columns of a leaguegamelog player row: a game log lists the players who took the
    court (so played is true), and says nothing of starters or of who sat out and why (null)."""
    return [
        pl.lit("nba_stats").alias("source"),
        pl.col("player_id").alias("source_player_id"),
        pl.lit(None, pl.Boolean).alias("starter"),
        pl.lit(True).alias("played"),
        *(pl.lit(None, pl.String).alias(c) for c in ("roster_status", "not_playing_reason", "not_playing_description")),
    ]


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
    if not all(isinstance(h, str) for h in headers):
        raise SourceParseError(SOURCE, location, "headers should be column names (strings)")
    rows = require_type(chosen.get("rowSet"), list, SOURCE, location, "rowSet")
    return headers, rows


def _minutes(value: Any) -> float | None:
    """MIN arrives as an integer, a float, or 'MM:SS' depending on the endpoint version."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number of minutes")
    if isinstance(value, str) and ":" in value:
        mins, secs = value.split(":", 1)
        return int(mins) + int(secs) / 60.0
    return float(value)


def _one_value(value: Any, target: pl.DataType) -> Any:
    """One source value as ``target`` (the slow path that finds the offending rows)."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise ValueError("not a scalar")
    if target == pl.String:
        return str(value)
    if target == pl.Date:
        return dt.date.fromisoformat(str(value)[:10])
    number = float(value)
    if target.is_integer():
        if not number.is_integer():
            raise ValueError("not a whole number")
        return int(number)
    return number


def _typed(header: str, values: list[Any], target: pl.DataType) -> tuple[pl.Series, dict[int, str]]:
    """A typed column and the rows whose value does not fit (index -> reason)."""
    name = header
    try:
        if any(isinstance(v, (bool, list, dict)) for v in values):
            raise TypeError("not a scalar of the column's type")
        if header == "MIN":
            values = [_minutes(v) for v in values]
        if target == pl.Date:
            raw = pl.Series(name, [str(v)[:10] if v is not None else None for v in values], dtype=pl.String)
            return raw.str.to_date("%Y-%m-%d", strict=True), {}
        raw = pl.Series(name, values, strict=False)
        if raw.dtype == pl.Null:
            return raw.cast(target), {}
        if raw.dtype == pl.String and target != pl.String:
            raise TypeError("strings in a typed column")
        return raw.cast(target, strict=True), {}
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError, TypeError, ValueError):
        pass
    convert = _minutes if header == "MIN" else (lambda v: _one_value(v, target))
    out, bad = [], {}
    for i, value in enumerate(values):
        try:
            out.append(None if value is None else (_one_value(convert(value), target) if header == "MIN" else convert(value)))
        except (TypeError, ValueError, OverflowError):
            out.append(None)
            bad[i] = f"wrong_type: {header} {value!r} is not {'a date' if target == pl.Date else target}"
    return pl.Series(name, out, dtype=target, strict=False), bad


def parse_leaguegamelog(data: bytes, location: str, player_or_team: str) -> pl.DataFrame:
    """Parse one leaguegamelog response into RAW_PLAYER_BOXSCORES ("P") or RAW_TEAM_BOXSCORES ("T").

    The rows that cannot be typed are left out; `read_leaguegamelog` returns them with their reasons."""
    return read_leaguegamelog(data, location, player_or_team).frame


def read_leaguegamelog(data: bytes, location: str, player_or_team: str) -> Parsed:
    """The typed rows of one leaguegamelog response, and the rows refused with a reason (a row with the
    wrong number of values, a value of the wrong type). A file that cannot be read raises SourceParseError."""
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

    refused: dict[int, str] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(headers):
            count = len(row) if isinstance(row, list) else "no"
            refused[i] = f"malformed_row: {count} values for {len(headers)} headers"
    shaped = [i for i in range(len(rows)) if i not in refused]
    index = {h: i for i, h in enumerate(headers)}
    schema = schemas.schema(table)
    columns: dict[str, pl.Series] = {}
    for header, name in mapping.items():
        values = [rows[i][index[header]] for i in shaped] if header in index else [None] * len(shaped)
        column, bad = _typed(header, values, schema[name])
        columns[name] = column.alias(name)
        for position, reason in bad.items():
            refused.setdefault(shaped[position], reason)
    keep = [position for position, i in enumerate(shaped) if i not in refused]
    frame = pl.DataFrame(columns, schema={n: schema[n] for n in mapping.values()})
    frame = frame.select(pl.all().gather(keep)).with_columns(pl.lit(location).alias("source_file"))
    if player_or_team == "P":
        frame = frame.with_columns(player_columns(frame))
    rejected = rejected_rows(
        location,
        ((dict(zip(headers, rows[i], strict=False)) if isinstance(rows[i], list) else rows[i], reason)
         for i, reason in sorted(refused.items())),
    )
    return Parsed(schemas.conform(frame, table), rejected)
