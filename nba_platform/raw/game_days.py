"""Which games are on an ET date, from the landed season schedule: the one answer the game-aware
scrapes, the scrape schedules and the freshness alerts share.

A game counts when it is on the date and not postponed (cdn.nba.com keeps a postponed game on its
original date with the status text "PPD"/"Postponed"). Callers may narrow it to some season types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from nba_platform.landing import zone as lz
from nba_platform.raw.nba_cdn import parse_schedule

# Game types that produce box scores and lines (preseason and the All-Star game do not count).
COUNTED_GAME_TYPES = ("Regular Season", "NBA Cup", "PlayIn", "Playoffs")

_POSTPONED = pl.col("game_status_text").str.contains(r"(?i)ppd|postponed")


def postponed() -> pl.Expr:
    """True for a game cdn.nba.com marks postponed (kept on its original date)."""
    return _POSTPONED


def games_on(schedule: pl.DataFrame, game_date: dt.date, season_types: Collection[str] | None = None) -> pl.DataFrame:
    """The games of ``game_date`` in a parsed season schedule, postponed ones left out (and, with
    ``season_types``, only those types)."""
    wanted = (pl.col("game_date") == game_date) & ~_POSTPONED
    if season_types is not None:
        wanted &= pl.col("season_type").is_in(list(season_types))
    return schedule.filter(wanted)


def landed_schedule(
    zone: lz.LandingZone, season: str, cache: dict[str, tuple[tuple[int, ...], pl.DataFrame]] | None = None
) -> pl.DataFrame | None:
    """The season's parsed schedule from the landing zone, or None when none has landed.

    Raises `SourceParseError` when the file does not parse. ``cache`` (location -> (fingerprint,
    frame)) saves re-parsing an unchanged season file (~0.25 s each) across calls.
    """
    relpath = lz.schedule_path(season)
    if not zone.exists(relpath):
        return None
    fingerprint, location = zone.stat_fingerprint(relpath), zone.describe(relpath)
    cached = (cache or {}).get(location)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    schedule = parse_schedule(zone.read_bytes(relpath), relpath)
    if cache is not None:
        cache[location] = (fingerprint, schedule)
    return schedule
