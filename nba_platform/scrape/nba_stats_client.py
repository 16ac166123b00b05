"""stats.nba.com `leaguegamelog` for one ET date, players (P) and teams (T), landed as the raw assets read it.

stats.nba.com blocks clients that do not look like the nba.com web app, hence the browser-like headers
(User-Agent, Referer/Origin www.nba.com, the x-nba-stats-* pair). It also tends to hang rather than
refuse, so the read timeout matters as much as the retries.
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
from nba_platform.raw.nba_stats import SOURCE, parse_leaguegamelog
from nba_platform.raw.parsing import SourceParseError
from nba_platform.scrape.http import DEFAULT_TIMEOUT, SourceHttp
from nba_platform.scrape.land import Landed, land, validate_or_quarantine

BASE_URL_ENV, DEFAULT_BASE_URL = SCRAPER_HOSTS["nba_stats"]
PATH = "/stats/leaguegamelog"

BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Referer": "https://www.nba.com/",
    "Origin": "https://www.nba.com",
    "Accept": "application/json, text/plain, */*",
    "Accept-Language": "en-US,en;q=0.9",
    "x-nba-stats-origin": "stats",
    "x-nba-stats-token": "true",
}

# Our schedule's season types -> the endpoint's SeasonType (NBA Cup group games count as regular season).
SEASON_TYPE_PARAM = {
    "Regular Season": "Regular Season",
    "NBA Cup": "Regular Season",
    "Playoffs": "Playoffs",
    "PlayIn": "PlayIn",
    "Preseason": "Pre Season",
    "All-Star": "All Star",
}
_PATHS = {"P": lz.player_boxscores_path, "T": lz.team_boxscores_path}


class NbaStatsClient:
    source = SOURCE

    def __init__(self, http: SourceHttp):
        self.http = http

    @staticmethod
    def params(game_date: dt.date, player_or_team: str, season_type: str = "Regular Season") -> dict[str, str]:
        day = game_date.isoformat()
        return {
            "Counter": "1000",
            "DateFrom": day,
            "DateTo": day,
            "Direction": "DESC",
            "LeagueID": "00",
            "PlayerOrTeam": player_or_team,
            "Season": season_of(game_date),
            "SeasonType": SEASON_TYPE_PARAM.get(season_type, season_type),
            "Sorter": "DATE",
        }

    def scrape_leaguegamelog(
        self,
        zone: LandingZone,
        game_date: dt.date,
        player_or_team: str,
        *,
        season_type: str = "Regular Season",
        expect_games: int | None = None,
    ) -> Landed:
        """Fetch, validate and land one date's log. ``expect_games``: games the schedule says were played."""
        day = game_date.isoformat()
        relpath = _PATHS[player_or_team](day)
        response = self.http.get(PATH, self.params(game_date, player_or_team, season_type), game_date=day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> pl.DataFrame:
            frame = parse_leaguegamelog(data, location, player_or_team)
            dates = sorted({d.isoformat() for d in frame["game_date"].unique().to_list()})
            if dates and dates != [day]:
                raise SourceParseError(SOURCE, location, f"rows dated {dates[:3]}, expected only {day}")
            if frame.height == 0 and expect_games:
                raise SourceParseError(
                    SOURCE, location, f"empty result set on a game day: the schedule lists {expect_games} games on {day}"
                )
            return frame

        frame = validate_or_quarantine(
            zone, relpath, response.content, validate, source=SOURCE, url=url, game_date=day, logger=self.http.log
        )
        games = frame["game_id"].n_unique()
        if expect_games and games < expect_games:
            self.http.log.warning(
                f"{SOURCE} {day} {player_or_team}: {games} of {expect_games} scheduled games in the log so far"
            )
        return land(zone, relpath, response.content, logger=self.http.log)


class NbaStatsResource(dg.ConfigurableResource):
    """stats.nba.com as a Dagster resource: its configuration, shown in the UI; `client` builds the client."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description=f"stats.nba.com, or a stand-in from {BASE_URL_ENV} (replay, tests)"
    )

    def client(self, **http_kwargs: Any) -> NbaStatsClient:
        """``http_kwargs``: `SourceHttp` options (breaker, clock, logger, transport, retry policy)."""
        http_kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return NbaStatsClient(SourceHttp(SOURCE, self.base_url, headers=BROWSER_HEADERS, **http_kwargs))
