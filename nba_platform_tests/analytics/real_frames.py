"""The real landing zone (../shared/data/landing) read in place into the frames the analytics take."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from nba_platform.analytics import summaries
from nba_platform.analytics.lines import lines_by_game
from nba_platform.core.calendar import date_range
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog
from nba_platform.raw.odds_api import parse_event_odds

from ..conftest import REAL_LANDING


def schedule(season: str) -> pl.DataFrame:
    path = REAL_LANDING / "nba_cdn" / "schedule" / season / "scheduleLeagueV2.json"
    return parse_schedule(path.read_bytes(), str(path))


def odds(start: dt.date, end: dt.date) -> pl.DataFrame:
    frames = []
    for d in date_range(start, end):
        for path in sorted((REAL_LANDING / "odds_api" / "player_points" / d.isoformat()).glob("*/*.json")):
            snap = dt.datetime.strptime(path.stem, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            frames.append(parse_event_odds(path.read_bytes(), str(path), d, snap))
    return pl.concat(frames) if frames else pl.DataFrame()


def _logs(kind: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    folder = "player_boxscores" if kind == "P" else "team_boxscores"
    frames = []
    for d in date_range(start, end):
        path: Path = REAL_LANDING / "nba_stats" / folder / d.isoformat() / "leaguegamelog.json"
        if path.exists():
            frames.append(parse_leaguegamelog(path.read_bytes(), str(path), kind))
    return pl.concat(frames)


def history(start: dt.date, end: dt.date, sched: pl.DataFrame, lines: pl.DataFrame | None = None):
    """(player_game_summary, team_game_summary) of the landed dates start..end."""
    raw_team, raw_player = _logs("T", start, end), _logs("P", start, end)
    team = summaries.team_game_summary(raw_team, sched, raw_player)
    game_lines = lines_by_game(lines, sched) if lines is not None and lines.height else None
    return summaries.player_game_summary(raw_player, team, game_lines), team
