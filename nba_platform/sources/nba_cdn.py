"""cdn.nba.com `scheduleLeagueV2.json`: the season schedule (games, status, tip times) as a typed frame."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

from nba_platform import schemas
from nba_platform.sources.errors import SourceParseError, load_json, require_type

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
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def _game_row(game: dict[str, Any], season: str, location: str) -> dict[str, Any]:
    try:
        game_id = str(game["gameId"])
        home, away = game["homeTeam"], game["awayTeam"]
        status = int(game["gameStatus"])
        final = status == 3
        return {
            "game_date": dt.date.fromisoformat(str(game["gameDateEst"])[:10]),
            "game_id": game_id,
            "season": season,
            "season_type": SEASON_TYPES.get(game_id[2:3], "Other"),
            "game_status": status,
            "game_status_text": str(game.get("gameStatusText", "")).strip(),
            "tip_time_utc": _utc(game.get("gameDateTimeUTC")),
            "home_team_id": int(home["teamId"]),
            "home_team_abbr": home.get("teamTricode") or None,
            "home_team_name": home.get("teamName") or None,
            "away_team_id": int(away["teamId"]),
            "away_team_abbr": away.get("teamTricode") or None,
            "away_team_name": away.get("teamName") or None,
            "home_score": int(home["score"]) if final else None,
            "away_score": int(away["score"]) if final else None,
            "is_neutral": bool(game.get("isNeutral", False)),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceParseError(
            SOURCE, location, f"game {game.get('gameId', '?') if isinstance(game, dict) else '?'}: {exc!r}"
        ) from exc


def parse_schedule(data: bytes, location: str) -> pl.DataFrame:
    """Every game of one season's schedule file (all game types), keyed by its ET game date."""
    payload = load_json(data, SOURCE, location)
    require_type(payload, dict, SOURCE, location, "the response")
    league = require_type(payload.get("leagueSchedule"), dict, SOURCE, location, "leagueSchedule")
    season = str(league.get("seasonYear", ""))
    game_dates = require_type(league.get("gameDates"), list, SOURCE, location, "leagueSchedule.gameDates")
    rows = []
    for day in game_dates:
        require_type(day, dict, SOURCE, location, "a gameDates entry")
        for game in require_type(day.get("games", []), list, SOURCE, location, "games"):
            require_type(game, dict, SOURCE, location, "a game")
            rows.append(_game_row(game, season, location))
    frame = pl.DataFrame(rows, schema={k: v for k, v in schemas.RAW_SCHEDULE.items() if k != "source_file"})
    frame = frame.with_columns(pl.lit(location).alias("source_file"))
    # The CDN lists a game once; a duplicate id means a broken file, not two games.
    dupes = frame.filter(pl.col("game_id").is_duplicated())["game_id"].unique().to_list()
    if dupes:
        raise SourceParseError(SOURCE, location, f"duplicate game ids {sorted(dupes)[:5]}")
    return schemas.conform(frame, "raw_schedule")


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
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceParseError(
                PLAYBYPLAY_SOURCE, location, f"action {i} (#{action.get('actionNumber', '?')}): {exc!r}"
            ) from exc
    frame = pl.DataFrame(rows, schema={k: v for k, v in PLAYBYPLAY_SCHEMA.items() if k != "source_file"})
    return frame.with_columns(pl.lit(location).alias("source_file")).sort("order_number")
