"""cdn.nba.com `scheduleLeagueV2.json`: the season schedule (games, status, tip times) as a typed frame."""

from __future__ import annotations

import datetime as dt
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
