"""cdn.nba.com: the season schedule (`scheduleLeagueV2.json`) and liveData play-by-play per game.

The schedule URL always serves the *current* season; the file lands under the season it declares
(``leagueSchedule.seasonYear``), whatever date asked for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
import polars as pl
from pydantic import Field

from nba_platform.core.calendar import season_of
from nba_platform.core.settings import SCRAPER_HOSTS
from nba_platform.landing import zone as lz
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.nba_cdn import (
    BOXSCORE_SOURCE,
    PLAYBYPLAY_SOURCE,
    parse_playbyplay,
    parse_schedule,
    read_boxscore,
)
from nba_platform.raw.nba_cdn import SOURCE as SCHEDULE_SOURCE
from nba_platform.raw.parsing import SourceParseError
from nba_platform.scrape.http import DEFAULT_TIMEOUT, SourceHttp
from nba_platform.scrape.land import Landed, land, validate_or_quarantine

BASE_URL_ENV, DEFAULT_BASE_URL = SCRAPER_HOSTS["nba_cdn"]
SCHEDULE_PATH = "/static/json/staticData/scheduleLeagueV2.json"
PLAYBYPLAY_PATH = "/static/json/liveData/playbyplay/playbyplay_{game_id}.json"
BOXSCORE_PATH = "/static/json/liveData/boxscore/boxscore_{game_id}.json"

HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Referer": "https://www.nba.com/",
    "Origin": "https://www.nba.com",
    "Accept": "application/json, text/plain, */*",
}


class NbaCdnClient:
    source = "nba_cdn"

    def __init__(self, http: SourceHttp):
        self.http = http

    def scrape_schedule(self, zone: LandingZone, game_date: dt.date) -> tuple[Landed, pl.DataFrame]:
        """Fetch, validate and land the season schedule; returns where it landed and its games."""
        day = game_date.isoformat()
        expected = season_of(game_date)
        response = self.http.get(SCHEDULE_PATH, game_date=day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> pl.DataFrame:
            games = parse_schedule(data, location)
            if games.height == 0:
                raise SourceParseError(SCHEDULE_SOURCE, location, "the schedule lists no games")
            return games

        games = validate_or_quarantine(
            zone, lz.schedule_path(expected), response.content, validate,
            source=SCHEDULE_SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        season = games["season"][0]
        if season != expected:
            self.http.log.warning(
                f"{SCHEDULE_SOURCE}: the CDN serves season {season}; {day} is in {expected} "
                f"(past seasons' schedules cannot be scraped from this URL)"
            )
        landed = land(zone, lz.schedule_path(season), response.content, logger=self.http.log)
        return landed, games

    def scrape_boxscore(self, zone: LandingZone, game_date: dt.date, game_id: str) -> Landed:
        """Fetch, validate (final, the asked game, on the date, players listed) and land one game's box score."""
        day = game_date.isoformat()
        relpath = lz.cdn_boxscore_path(day, game_id)
        response = self.http.get(BOXSCORE_PATH.format(game_id=game_id), game_date=day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> pl.DataFrame:
            players = read_boxscore(data, location).frame
            if players.height == 0:
                raise SourceParseError(BOXSCORE_SOURCE, location, f"no players listed for game {game_id}")
            if set(players["game_id"].to_list()) != {game_id}:
                raise SourceParseError(
                    BOXSCORE_SOURCE, location, f"response is for game {players['game_id'][0]}, asked for {game_id}"
                )
            if players["game_date"][0] != game_date:
                raise SourceParseError(
                    BOXSCORE_SOURCE, location, f"game {game_id} was played on {players['game_date'][0]} ET, not {day}"
                )
            return players

        validate_or_quarantine(
            zone, relpath, response.content, validate,
            source=BOXSCORE_SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        return land(zone, relpath, response.content, logger=self.http.log)

    def scrape_playbyplay(self, zone: LandingZone, game_date: dt.date, game_id: str) -> Landed:
        day = game_date.isoformat()
        relpath = lz.playbyplay_path(day, game_id)
        response = self.http.get(PLAYBYPLAY_PATH.format(game_id=game_id), game_date=day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> pl.DataFrame:
            actions = parse_playbyplay(data, location)
            if actions.height == 0:
                raise SourceParseError(PLAYBYPLAY_SOURCE, location, f"no actions for game {game_id}")
            if actions["game_id"][0] != game_id:
                raise SourceParseError(
                    PLAYBYPLAY_SOURCE, location, f"response is for game {actions['game_id'][0]}, asked for {game_id}"
                )
            return actions

        validate_or_quarantine(
            zone, relpath, response.content, validate,
            source=PLAYBYPLAY_SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        return land(zone, relpath, response.content, logger=self.http.log)


class NbaCdnResource(dg.ConfigurableResource):
    """cdn.nba.com as a Dagster resource: its configuration, shown in the UI; `client` builds the client."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description=f"cdn.nba.com, or a stand-in from {BASE_URL_ENV} (replay, tests)"
    )

    def client(self, **http_kwargs: Any) -> NbaCdnClient:
        """``http_kwargs``: `SourceHttp` options (breaker, clock, logger, transport, retry policy)."""
        http_kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return NbaCdnClient(SourceHttp("nba_cdn", self.base_url, headers=HEADERS, **http_kwargs))
