"""Small hand-made frames for transform tests."""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform import tables as schemas

UTC = dt.UTC


def history_rows(rows, season: str = "2024-25") -> pl.DataFrame:
    """player_game_summary rows from (date, player_id, team_id, points, minutes) tuples."""
    df = pl.DataFrame(
        [
            {
                "game_date": d, "game_id": f"g{d:%y%m%d}{t}", "season": season, "season_type": "Regular Season",
                "player_id": p, "player_lookup": f"p{p}", "player_name": f"P {p}", "team_id": t,
                "team_abbr": f"T{t}", "opponent_team_abbr": "OPP", "is_home": True, "minutes": m, "points": pts,
                "fga": 10, "fta": 2, "ftm": 2, "tov": 1, "usage_rate": 20.0, "played": True, "box_source": "nba_stats",
            }
            for d, p, t, pts, m in rows
        ]
    )
    return pl.concat([schemas.empty("player_game_summary"), df], how="diagonal_relaxed").pipe(
        schemas.conform, "player_game_summary"
    )


def team_rows(rows, season: str = "2024-25") -> pl.DataFrame:
    """team_game_summary rows from (date, team_id, pace, defensive_rating, won) tuples."""
    df = pl.DataFrame(
        [
            {
                "game_date": d, "game_id": f"g{d:%y%m%d}{t}", "season": season, "season_type": "Regular Season",
                "team_id": t, "team_abbr": f"T{t}", "pace": pace, "offensive_rating": 110.0,
                "defensive_rating": drtg, "won": won, "rebuilt_from_players": False,
            }
            for d, t, pace, drtg, won in rows
        ]
    )
    return pl.concat([schemas.empty("team_game_summary"), df], how="diagonal_relaxed").pipe(
        schemas.conform, "team_game_summary"
    )


def schedule_rows(games, season: str = "2024-25") -> pl.DataFrame:
    """raw_schedule rows from (date, home_team_id, away_team_id) tuples."""
    df = pl.DataFrame(
        [
            {
                "game_date": d, "game_id": f"s{d:%y%m%d}{h}", "season": season, "season_type": "Regular Season",
                "game_status": 1, "tip_time_utc": dt.datetime(d.year, d.month, d.day, 23, tzinfo=UTC),
                "home_team_id": h, "home_team_abbr": f"T{h}", "away_team_id": a, "away_team_abbr": f"T{a}",
                "home_team_name": f"N{h}", "away_team_name": f"N{a}", "is_neutral": False, "source_file": "x",
                "game_status_text": "",
            }
            for d, h, a in games
        ]
    )
    return pl.concat([schemas.empty("raw_schedule"), df], how="diagonal_relaxed").pipe(schemas.conform, "raw_schedule")


def line_rows(rows, game_date: dt.date, home: int, away: int) -> pl.DataFrame:
    """raw_prop_lines rows from (snapshot, book, player_lookup, line, over, under) for one event."""
    tip = dt.datetime(game_date.year, game_date.month, game_date.day, 23, tzinfo=UTC)
    df = pl.DataFrame(
        [
            {
                "game_date": game_date, "snapshot_utc": snap, "event_id": "e1", "commence_time_utc": tip,
                "home_team": f"City N{home}", "away_team": f"City N{away}", "bookmaker": book,
                "market_last_update_utc": snap, "player_name": lookup, "player_lookup": lookup, "line": line,
                "over_price": over, "under_price": under, "source_file": "x",
            }
            for snap, book, lookup, line, over, under in rows
        ]
    )
    return pl.concat([schemas.empty("raw_prop_lines"), df], how="diagonal_relaxed").pipe(schemas.conform, "raw_prop_lines")
