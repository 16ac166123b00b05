"""balldontlie v1 `/box_scores?date=`: every player listed in every game of one date, as raw_player_boxscores rows.

balldontlie has its own game, team and player ids. The NBA game id and team ids come from the landed
schedule (game date + home and away tricode); the NBA player id from the rows of an NBA source that
know the player (same team, same `core.names` key). A player no NBA source knows keeps the negated
balldontlie id (never mistaken for an NBA id, which is positive), and is counted as unmatched. A game
the schedule does not have cannot be placed: its rows are refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.names import player_lookup
from nba_platform.raw.nba_cdn import season_id_from_game_id
from nba_platform.raw.parsing import SourceParseError, load_json, require_type
from nba_platform.raw.validation import Parsed, rejected_rows

SOURCE = "balldontlie.box_scores"

_COUNTS = {
    "fgm": "fgm", "fga": "fga", "fg3m": "fg3m", "fg3a": "fg3a", "ftm": "ftm", "fta": "fta", "oreb": "oreb",
    "dreb": "dreb", "reb": "reb", "ast": "ast", "stl": "stl", "blk": "blk", "turnover": "tov", "pf": "pf",
    "pts": "pts",
}
_PCTS = {"fg_pct": ("fgm", "fga"), "fg3_pct": ("fg3m", "fg3a"), "ft_pct": ("ftm", "fta")}
# Anything on the sheet means the player took the court, even when the whole minutes round to "00".
_ON_THE_SHEET = ("fga", "fta", "pts", "reb", "ast", "stl", "blk", "tov", "pf")

#: What the raw asset passes to place games: the landed schedule's columns.
GAME_COLUMNS = ("game_date", "game_id", "home_team_id", "home_team_abbr", "away_team_id", "away_team_abbr")
#: NBA player ids known from NBA sources, to map balldontlie players onto.
KNOWN_ID_COLUMNS = ("team_abbreviation", "player_lookup", "player_id")


def minutes(value: Any) -> float:
    """'28', '28:34', 28 or '' -> minutes as a float ('' and None: did not play, 0)."""
    if value in (None, ""):
        return 0.0
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number of minutes")
    text = str(value)
    if ":" in text:
        whole, secs = text.split(":", 1)
        return int(whole) + int(secs) / 60.0
    return float(text)


def _count(player: dict[str, Any], key: str) -> int | None:
    value = player.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{key} {value!r} is not a whole number")
    return int(value)


def _player_row(player: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    person = player["player"]
    if not isinstance(person, dict):
        raise TypeError("player should be an object")
    counts = {col: _count(player, key) for key, col in _COUNTS.items()}
    mins = minutes(player.get("min"))
    name = " ".join(p for p in (person.get("first_name"), person.get("last_name")) if p)
    return {
        **shared,
        "player_name": name,
        "_bdl_id": int(person["id"]),
        "min": mins,
        **counts,
        **{pct: (counts[m] / counts[a]) if counts[a] else None for pct, (m, a) in _PCTS.items()},
        "plus_minus": None,
        "fantasy_pts": None,
        "played": mins > 0 or any((counts[c] or 0) > 0 for c in _ON_THE_SHEET),
    }


def read_box_scores(
    data: bytes, location: str, games: pl.DataFrame | None, known_ids: pl.DataFrame | None = None
) -> Parsed:
    """The rows of one `/box_scores` response, placed on the schedule's games and mapped to NBA player ids.

    ``games``: the landed schedule (`GAME_COLUMNS`); ``known_ids``: (team tricode, player_lookup, NBA
    player id) from NBA-source rows. Rows of a game the schedule lacks, or that cannot be typed, are refused."""
    payload = load_json(data, SOURCE, location)
    require_type(payload, dict, SOURCE, location, "the response")
    entries = require_type(payload.get("data"), list, SOURCE, location, "data")
    by_teams: dict[tuple[dt.date, str, str], dict[str, Any]] = {}
    if games is not None:
        for game in games.select(GAME_COLUMNS).iter_rows(named=True):
            by_teams[(game["game_date"], game["home_team_abbr"], game["away_team_abbr"])] = game
    rows, refused = [], []
    for entry in entries:
        require_type(entry, dict, SOURCE, location, "a game")
        try:
            day = dt.date.fromisoformat(str(entry["date"])[:10])
            home, away = entry["home_team"], entry["visitor_team"]
            home_abbr, away_abbr = str(home["abbreviation"]), str(away["abbreviation"])
            final = str(entry.get("status", "")).lower() == "final"
            home_pts, away_pts = entry.get("home_team_score"), entry.get("visitor_team_score")
        except (KeyError, TypeError, ValueError) as exc:
            refused.append((entry, f"malformed_game: {exc!r}"))
            continue
        if not final:
            refused.append((entry, f"not_final: {away_abbr}@{home_abbr} status {entry.get('status')!r}"))
            continue
        game = by_teams.get((day, home_abbr, away_abbr))
        for team, opp_abbr, is_home, pts, opp_pts in (
            (home, away_abbr, True, home_pts, away_pts),
            (away, home_abbr, False, away_pts, home_pts),
        ):
            abbr = str(team["abbreviation"])
            for player in require_type(team.get("players", []), list, SOURCE, location, "players"):
                if game is None:
                    refused.append((player, f"no_scheduled_game: no {away_abbr}@{home_abbr} on {day} in the landed schedule"))
                    continue
                shared = {
                    "game_date": day,
                    "season_id": season_id_from_game_id(game["game_id"]),
                    "game_id": game["game_id"],
                    "team_id": game["home_team_id"] if is_home else game["away_team_id"],
                    "team_abbreviation": abbr,
                    "team_name": team.get("full_name"),
                    "matchup": f"{abbr} vs. {opp_abbr}" if is_home else f"{abbr} @ {opp_abbr}",
                    "wl": ("W" if pts > opp_pts else "L") if isinstance(pts, int) and isinstance(opp_pts, int) else None,
                }
                try:
                    if not isinstance(player, dict):
                        raise TypeError("not an object")
                    rows.append(_player_row(player, shared))
                except (KeyError, TypeError, ValueError, OverflowError) as exc:
                    refused.append((player, f"malformed_player: {exc!r}"))
    base = schemas.schema("raw_player_boxscores")
    frame_schema = {
        **{k: base[k] for k in ("game_date", "season_id", "game_id", "team_id", "team_abbreviation", "team_name",
                                "matchup", "wl", "player_name", "min", *_COUNTS.values(), *_PCTS, "plus_minus",
                                "fantasy_pts", "played")},
        "_bdl_id": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=frame_schema)
    frame = map_player_ids(frame, known_ids).with_columns(
        source=pl.lit("balldontlie"),
        starter=pl.lit(None, pl.Boolean),
        roster_status=pl.lit(None, pl.String),
        not_playing_reason=pl.lit(None, pl.String),
        not_playing_description=pl.lit(None, pl.String),
        source_file=pl.lit(location),
    )
    return Parsed(schemas.conform(frame, "raw_player_boxscores"), rejected_rows(location, refused))


def map_player_ids(frame: pl.DataFrame, known_ids: pl.DataFrame | None) -> pl.DataFrame:
    """``player_id``: the NBA id of the same team and name key from ``known_ids``, else -(balldontlie id);
    ``source_player_id``: the balldontlie id. A name key that two NBA players share on one team is
    ambiguous and is not used."""
    keyed = frame.with_columns(
        _lookup=pl.col("player_name").map_elements(player_lookup, return_dtype=pl.String, skip_nulls=True)
    )
    if known_ids is None or known_ids.is_empty():
        matched = keyed.with_columns(_nba_id=pl.lit(None, pl.Int64))
    else:
        unique = (
            known_ids.select(KNOWN_ID_COLUMNS)
            .unique()
            .filter(pl.len().over("team_abbreviation", "player_lookup") == 1)
            .rename({"team_abbreviation": "_team", "player_lookup": "_lookup", "player_id": "_nba_id"})
        )
        matched = keyed.join(
            unique, left_on=["team_abbreviation", "_lookup"], right_on=["_team", "_lookup"], how="left"
        )
    return matched.with_columns(
        player_id=pl.coalesce("_nba_id", -pl.col("_bdl_id")),
        source_player_id=pl.col("_bdl_id"),
    ).drop("_lookup", "_nba_id", "_bdl_id")


def unmatched_players(frame: pl.DataFrame) -> list[str]:
    """'TEAM Name' of the balldontlie rows without an NBA player id (what the mapping could not place)."""
    rows = frame.filter((pl.col("source") == "balldontlie") & (pl.col("player_id") < 0))
    return sorted(f"{t} {n}" for t, n in rows.select("team_abbreviation", "player_name").unique().iter_rows())


def box_score_games(data: bytes, location: str) -> pl.DataFrame:
    """The games of one `/box_scores` response (game_date, away@home, final, players listed): what the
    scraper checks before landing it. A response that is not the endpoint's shape raises SourceParseError."""
    payload = load_json(data, SOURCE, location)
    require_type(payload, dict, SOURCE, location, "the response")
    rows = []
    for i, entry in enumerate(require_type(payload.get("data"), list, SOURCE, location, "data")):
        require_type(entry, dict, SOURCE, location, f"game {i}")
        try:
            home, away = entry["home_team"], entry["visitor_team"]
            players = len(home.get("players", [])) + len(away.get("players", []))
            rows.append({
                "game_date": dt.date.fromisoformat(str(entry["date"])[:10]),
                "matchup": f"{away['abbreviation']}@{home['abbreviation']}",
                "final": str(entry.get("status", "")).lower() == "final",
                "players": players,
            })
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SourceParseError(SOURCE, location, f"game {i}: {exc!r}") from exc
    schema = {"game_date": pl.Date, "matchup": pl.String, "final": pl.Boolean, "players": pl.Int64}
    games = pl.DataFrame(rows, schema=schema)
    empty = games.filter(pl.col("final") & (pl.col("players") == 0))
    if empty.height:
        raise SourceParseError(SOURCE, location, f"final game {empty['matchup'][0]} lists no players")
    return games
