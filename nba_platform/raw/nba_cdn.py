"""cdn.nba.com `scheduleLeagueV2.json`: the season schedule (games, status, tip times) as a typed frame."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.calendar import ET
from nba_platform.raw.parsing import SourceParseError, load_json, require_type
from nba_platform.raw.validation import Parsed, rejected_rows

SOURCE = "nba_cdn.schedule"

# Third digit group of the NBA game id: 00 + <type> + <yy> + <seq>.
SEASON_TYPES = {
    "1": "Preseason",
    "2": "Regular Season",
    "3": "All-Star",
    "4": "Playoffs",
    "5": "PlayIn",
    "6": "NBA Cup",
}


def _utc(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    # cdn.nba.com sends UTC ('Z'); a timestamp without an offset is read as UTC, never as local time.
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _int(value: Any, bits: int) -> int:
    """An integer that fits the column's signed ``bits`` (booleans and fractions refused)."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{value!r} is not an integer")
    number = int(value)
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise ValueError(f"{number} does not fit {bits} bits")
    return number


def _text(value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        raise ValueError(f"{value!r} is not text")
    return str(value) if value not in (None, "") else None


def _game_row(game: dict[str, Any], season: str, location: str) -> dict[str, Any]:
    try:
        game_id = str(game["gameId"])
        home, away = game["homeTeam"], game["awayTeam"]
        if not isinstance(home, dict) or not isinstance(away, dict):
            raise TypeError("homeTeam/awayTeam should be objects")
        status = _int(game["gameStatus"], 8)
        final = status == 3
        return {
            "game_date": dt.date.fromisoformat(str(game["gameDateEst"])[:10]),
            "game_id": game_id,
            "season": season,
            "season_type": SEASON_TYPES.get(game_id[2:3], "Other"),
            "game_status": status,
            "game_status_text": str(game.get("gameStatusText", "")).strip(),
            "tip_time_utc": _utc(game.get("gameDateTimeUTC")),
            "home_team_id": _int(home["teamId"], 64),
            "home_team_abbr": _text(home.get("teamTricode")),
            "home_team_name": _text(home.get("teamName")),
            "away_team_id": _int(away["teamId"], 64),
            "away_team_abbr": _text(away.get("teamTricode")),
            "away_team_name": _text(away.get("teamName")),
            "home_score": _int(home["score"], 32) if final else None,
            "away_score": _int(away["score"], 32) if final else None,
            "is_neutral": bool(game.get("isNeutral", False)),
        }
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise _BadGame(f"malformed_game: {exc!r}") from exc


class _BadGame(ValueError):
    """One game of the schedule that cannot be read (the others still are)."""


def parse_schedule(data: bytes, location: str) -> pl.DataFrame:
    """Every game of one season's schedule file (all game types), keyed by its ET game date.

    Games that cannot be read are left out; `read_schedule` returns them with their reasons."""
    return read_schedule(data, location).frame


def read_schedule(data: bytes, location: str) -> Parsed:
    """The games of one season's schedule file, and the games refused with a reason. A file that cannot be
    read raises SourceParseError. (A game id listed twice is a row rule of `sources.validation`.)"""
    payload = load_json(data, SOURCE, location)
    require_type(payload, dict, SOURCE, location, "the response")
    league = require_type(payload.get("leagueSchedule"), dict, SOURCE, location, "leagueSchedule")
    season = str(league.get("seasonYear", ""))
    game_dates = require_type(league.get("gameDates"), list, SOURCE, location, "leagueSchedule.gameDates")
    rows, refused = [], []
    for day in game_dates:
        require_type(day, dict, SOURCE, location, "a gameDates entry")
        for game in require_type(day.get("games", []), list, SOURCE, location, "games"):
            if not isinstance(game, dict):
                refused.append((game, "malformed_game: not an object"))
                continue
            try:
                rows.append(_game_row(game, season, location))
            except _BadGame as exc:
                refused.append((game, str(exc)))
    frame = pl.DataFrame(rows, schema={k: v for k, v in schemas.schema("raw_schedule").items() if k != "source_file"})
    frame = frame.with_columns(pl.lit(location).alias("source_file"))
    return Parsed(schemas.conform(frame, "raw_schedule"), rejected_rows(location, refused))


# --- liveData play-by-play: /static/json/liveData/playbyplay/playbyplay_<gameId>.json -------------------

PLAYBYPLAY_SOURCE = "nba_cdn.playbyplay"

PLAYBYPLAY_SCHEMA = pl.Schema(
    {
        "game_id": pl.String,
        "action_number": pl.Int32,
        "order_number": pl.Int64,
        "period": pl.Int16,
        "period_type": pl.String,
        "clock_seconds": pl.Float64,  # time left in the period
        "time_actual_utc": schemas.UTC_TS,
        "action_type": pl.String,
        "sub_type": pl.String,
        "descriptor": pl.String,
        "team_id": pl.Int64,
        "team_tricode": pl.String,
        "person_id": pl.Int64,
        "player_name": pl.String,
        "is_field_goal": pl.Boolean,
        "shot_result": pl.String,
        "shot_distance": pl.Float64,
        "area": pl.String,
        "area_detail": pl.String,
        "x": pl.Float64,
        "y": pl.Float64,
        "side": pl.String,
        "assist_person_id": pl.Int64,
        "score_home": pl.Int32,
        "score_away": pl.Int32,
        "description": pl.String,
        "source_file": pl.String,
    }
)

_CLOCK_RE = re.compile(r"^PT(\d+)M(\d+(?:\.\d+)?)S$")


def _clock_seconds(value: Any) -> float | None:
    """'PT11M42.00S' -> 702.0 (the game clock, an ISO 8601 duration)."""
    if not value:
        return None
    match = _CLOCK_RE.match(str(value))
    if match is None:
        raise ValueError(f"clock {value!r} is not PT<m>M<s>S")
    return int(match.group(1)) * 60 + float(match.group(2))


def _action_row(action: dict[str, Any], game_id: str) -> dict[str, Any]:
    team_id = action.get("teamId")
    return {
        "game_id": game_id,
        "action_number": int(action["actionNumber"]),
        "order_number": int(action["orderNumber"]),
        "period": int(action["period"]),
        "period_type": action.get("periodType"),
        "clock_seconds": _clock_seconds(action.get("clock")),
        "time_actual_utc": _utc(action.get("timeActual")),
        "action_type": str(action["actionType"]),
        "sub_type": action.get("subType") or None,
        "descriptor": action.get("descriptor") or None,
        "team_id": int(team_id) if team_id else None,
        "team_tricode": action.get("teamTricode") or None,
        "person_id": int(action["personId"]) if action.get("personId") else None,
        "player_name": action.get("playerNameI") or None,
        "is_field_goal": bool(action.get("isFieldGoal", 0)),
        "shot_result": action.get("shotResult") or None,
        "shot_distance": None if action.get("shotDistance") is None else float(action["shotDistance"]),
        "area": action.get("area") or None,
        "area_detail": action.get("areaDetail") or None,
        "x": None if action.get("x") is None else float(action["x"]),
        "y": None if action.get("y") is None else float(action["y"]),
        "side": action.get("side") or None,
        "assist_person_id": int(action["assistPersonId"]) if action.get("assistPersonId") else None,
        "score_home": int(action["scoreHome"]),
        "score_away": int(action["scoreAway"]),
        "description": action.get("description") or None,
    }


def parse_playbyplay(data: bytes, location: str) -> pl.DataFrame:
    """Every action of one game's liveData play-by-play (shots carry area, distance and x/y for shot zones)."""
    payload = load_json(data, PLAYBYPLAY_SOURCE, location)
    require_type(payload, dict, PLAYBYPLAY_SOURCE, location, "the response")
    game = require_type(payload.get("game"), dict, PLAYBYPLAY_SOURCE, location, "game")
    game_id = game.get("gameId")
    if not game_id:
        raise SourceParseError(PLAYBYPLAY_SOURCE, location, "game.gameId is missing")
    actions = require_type(game.get("actions"), list, PLAYBYPLAY_SOURCE, location, "game.actions")
    rows = []
    for i, action in enumerate(actions):
        require_type(action, dict, PLAYBYPLAY_SOURCE, location, "an action")
        try:
            rows.append(_action_row(action, str(game_id)))
        except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as exc:
            raise SourceParseError(
                PLAYBYPLAY_SOURCE, location, f"action {i} (#{action.get('actionNumber', '?')}): {exc!r}"
            ) from exc
    try:
        frame = pl.DataFrame(rows, schema={k: v for k, v in PLAYBYPLAY_SCHEMA.items() if k != "source_file"})
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError) as exc:
        raise SourceParseError(PLAYBYPLAY_SOURCE, location, f"actions do not fit the play-by-play columns: {exc}") from exc
    return frame.with_columns(pl.lit(location).alias("source_file")).sort("order_number")


# --- liveData box score: /static/json/liveData/boxscore/boxscore_<gameId>.json ---------------------------

BOXSCORE_SOURCE = "nba_cdn.boxscore"

# liveData statistics key -> our column (stats.nba.com names, as in raw_player_boxscores).
_BOX_STATS = {
    "fieldGoalsMade": "fgm",
    "fieldGoalsAttempted": "fga",
    "threePointersMade": "fg3m",
    "threePointersAttempted": "fg3a",
    "freeThrowsMade": "ftm",
    "freeThrowsAttempted": "fta",
    "reboundsOffensive": "oreb",
    "reboundsDefensive": "dreb",
    "reboundsTotal": "reb",
    "assists": "ast",
    "steals": "stl",
    "blocks": "blk",
    "turnovers": "tov",
    "foulsPersonal": "pf",
    "points": "pts",
}
_BOX_PCTS = {"fg_pct": ("fgm", "fga"), "fg3_pct": ("fg3m", "fg3a"), "ft_pct": ("ftm", "fta")}


def season_id_from_game_id(game_id: str) -> str:
    """'0022300555' -> '22023': the game type digit and the season's first year, as stats.nba.com's SEASON_ID."""
    return f"{game_id[2]}20{game_id[3:5]}"


def _flag(value: Any) -> bool | None:
    """liveData writes flags as the strings '1'/'0'."""
    if value in (None, ""):
        return None
    if str(value) in ("1", "0"):
        return str(value) == "1"
    raise ValueError(f"flag {value!r} is not '1' or '0'")


def _player_rows(team: dict[str, Any], opponent: dict[str, Any], is_home: bool, game: dict[str, Any], day: dt.date):
    """(row or None, the player as it came, reason or None) for every player listed for ``team``."""
    abbr, opp_abbr = team.get("teamTricode"), opponent.get("teamTricode")
    final = game.get("gameStatus") == 3
    points, opp_points = team.get("score"), opponent.get("score")
    wl = ("W" if points > opp_points else "L") if final and isinstance(points, int) and isinstance(opp_points, int) else None
    shared = {
        "game_date": day,
        "season_id": season_id_from_game_id(str(game["gameId"])),
        "game_id": str(game["gameId"]),
        "team_id": _int(team["teamId"], 64),
        "team_abbreviation": abbr,
        "team_name": " ".join(p for p in (team.get("teamCity"), team.get("teamName")) if p),
        "matchup": f"{abbr} vs. {opp_abbr}" if is_home else f"{abbr} @ {opp_abbr}",
        "wl": wl,
    }
    for player in require_type(team.get("players"), list, BOXSCORE_SOURCE, str(game["gameId"]), "players"):
        try:
            if not isinstance(player, dict):
                raise TypeError("not an object")
            stats = player.get("statistics") or {}
            if not isinstance(stats, dict):
                raise TypeError("statistics should be an object")
            counts = {col: None if stats.get(key) is None else _int(stats[key], 32) for key, col in _BOX_STATS.items()}
            minutes = _clock_seconds(stats.get("minutes"))
            row = {
                **shared,
                "player_id": _int(player["personId"], 64),
                "player_name": _text(player.get("name")) or " ".join(
                    p for p in (player.get("firstName"), player.get("familyName")) if p
                ),
                "min": None if minutes is None else minutes / 60.0,
                **counts,
                **{
                    pct: (counts[made] / counts[att]) if counts[att] else None
                    for pct, (made, att) in _BOX_PCTS.items()
                },
                "plus_minus": None if stats.get("plusMinusPoints") is None else float(stats["plusMinusPoints"]),
                "fantasy_pts": None,
                "source": "nba_cdn",
                "source_player_id": _int(player["personId"], 64),
                "starter": _flag(player.get("starter")),
                "played": _flag(player.get("played")),
                "roster_status": _text(player.get("status")),
                "not_playing_reason": _text(player.get("notPlayingReason")),
                "not_playing_description": _text(player.get("notPlayingDescription")),
            }
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            yield None, player, f"malformed_player: {exc!r}"
            continue
        yield row, player, None


def read_boxscore(data: bytes, location: str) -> Parsed:
    """Every player listed in one game's liveData box score (RAW_PLAYER_BOXSCORES rows, source nba_cdn).

    The full response lists each team's whole roster: ``starter`` '1'/'0', ``status`` ACTIVE/INACTIVE,
    ``played`` '1'/'0', and for those who did not play ``notPlayingReason`` (e.g. INACTIVE_INJURY,
    DNP_COACH) and ``notPlayingDescription``. A game that is not final (``gameStatus`` 3) is refused:
    its numbers are still moving. Players that cannot be read are refused with the reason."""
    payload = load_json(data, BOXSCORE_SOURCE, location)
    require_type(payload, dict, BOXSCORE_SOURCE, location, "the response")
    game = require_type(payload.get("game"), dict, BOXSCORE_SOURCE, location, "game")
    if not game.get("gameId"):
        raise SourceParseError(BOXSCORE_SOURCE, location, "game.gameId is missing")
    if game.get("gameStatus") != 3:
        raise SourceParseError(
            BOXSCORE_SOURCE, location, f"game {game['gameId']} is not final (gameStatus {game.get('gameStatus')!r})"
        )
    home = require_type(game.get("homeTeam"), dict, BOXSCORE_SOURCE, location, "game.homeTeam")
    away = require_type(game.get("awayTeam"), dict, BOXSCORE_SOURCE, location, "game.awayTeam")
    try:
        tip = _utc(game.get("gameTimeUTC"))
    except ValueError as exc:
        raise SourceParseError(BOXSCORE_SOURCE, location, f"gameTimeUTC: {exc}") from exc
    if tip is None:
        raise SourceParseError(BOXSCORE_SOURCE, location, "game.gameTimeUTC is missing")
    day = tip.astimezone(ET).date()
    rows, refused = [], []
    try:
        for team, opponent, is_home in ((home, away, True), (away, home, False)):
            for row, player, reason in _player_rows(team, opponent, is_home, game, day):
                (refused.append((player, reason)) if reason else rows.append(row))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise SourceParseError(BOXSCORE_SOURCE, location, f"team header: {exc!r}") from exc
    frame = pl.DataFrame(rows, schema={k: v for k, v in schemas.schema("raw_player_boxscores").items() if k != "source_file"})
    frame = frame.with_columns(pl.lit(location).alias("source_file"))
    return Parsed(schemas.conform(frame, "raw_player_boxscores"), rejected_rows(location, refused))
