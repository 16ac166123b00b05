"""balldontlie (api.balldontlie.io, v1): the second source of box scores and of injury news.

The key travels in the ``Authorization`` header (the API's only scheme). It comes from
``BALLDONTLIE_API_KEY`` as ``dg.EnvVar`` resource config (the UI shows the variable's name, never the
key), is registered with the redactor and never appears in a log line, an error, metadata or a landed
file. List endpoints page with a ``cursor`` (``meta.next_cursor``); `get_pages` follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import httpx
import polars as pl
from pydantic import Field

from nba_platform.core.settings import BALLDONTLIE_API_KEY_ENV, SCRAPER_HOSTS
from nba_platform.landing import zone as lz
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.balldontlie_box_scores import SOURCE as BOX_SOURCE
from nba_platform.raw.balldontlie_box_scores import box_score_games
from nba_platform.raw.parsing import SourceParseError, load_json
from nba_platform.scrape.errors import ConfigError
from nba_platform.scrape.http import DEFAULT_TIMEOUT, SourceHttp
from nba_platform.scrape.land import Landed, land, validate_or_quarantine

SOURCE = "balldontlie"
BASE_URL_ENV, DEFAULT_BASE_URL = SCRAPER_HOSTS[SOURCE]
KEY_ENV = BALLDONTLIE_API_KEY_ENV
PER_PAGE = 100
#: A cursor loop that never ends is a server bug; stop with an error rather than spin.
MAX_PAGES = 200


BOX_SCORES_PATH = "/v1/box_scores"


class BalldontlieClient:
    source = SOURCE

    def __init__(self, http: SourceHttp):
        self.http = http

    def get_pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, game_date: str | None = None
    ) -> Iterator[httpx.Response]:
        """Every page of a cursor-paged list endpoint, in order (one response when it has no ``next_cursor``)."""
        query: dict[str, Any] = {"per_page": PER_PAGE, **(params or {})}
        for _ in range(MAX_PAGES):
            response = self.http.get(path, query, game_date=game_date)
            yield response
            payload = load_json(response.content, SOURCE, self.http.redacted(response.request.url))
            meta = payload.get("meta") if isinstance(payload, dict) else None
            cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
            if cursor in (None, ""):
                return
            query["cursor"] = cursor
        raise SourceParseError(SOURCE, path, f"more than {MAX_PAGES} pages: the cursor does not end")


    def scrape_box_scores(
        self, zone: LandingZone, game_date: dt.date, *, expect_games: int | None = None
    ) -> tuple[Landed, pl.DataFrame]:
        """Fetch, validate and land one date's ``/v1/box_scores?date=`` (one response: the endpoint
        does not page). ``expect_games``: the final games the landed schedule lists; fewer is an error
        (quarantined), as a half-finished night must not pass for a whole one. Returns the games
        (date, away@home, status) the response holds."""
        day = game_date.isoformat()
        relpath = lz.bdl_box_scores_path(day)
        response = self.http.get(BOX_SCORES_PATH, {"date": day}, game_date=day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> pl.DataFrame:
            games = box_score_games(data, location)
            wrong = games.filter(pl.col("game_date") != game_date)
            if wrong.height:
                raise SourceParseError(BOX_SOURCE, location, f"games dated {wrong['game_date'][0]}, expected only {day}")
            finals = games.filter(pl.col("final")).height
            if expect_games and finals < expect_games:
                raise SourceParseError(
                    BOX_SOURCE, location, f"{finals} final games, the schedule lists {expect_games} on {day}"
                )
            return games

        games = validate_or_quarantine(
            zone, relpath, response.content, validate, source=BOX_SOURCE, url=url, game_date=day, logger=self.http.log
        )
        return land(zone, relpath, response.content, logger=self.http.log), games


class BalldontlieResource(dg.ConfigurableResource):
    """balldontlie as a Dagster resource: its configuration, shown in the UI; `client` builds the client."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description=f"api.balldontlie.io, or a stand-in from {BASE_URL_ENV} (tests)"
    )
    api_key: str | None = Field(
        default=None, description=f"dg.EnvVar({KEY_ENV!r}): the UI shows the variable, never the key"
    )

    def client(self, **http_kwargs: Any) -> BalldontlieClient:
        """``http_kwargs``: `SourceHttp` options. Without a key this raises `ConfigError` at scrape time."""
        key = (self.api_key or "").strip()
        if not key:
            raise ConfigError(SOURCE, self.base_url, f"{KEY_ENV} is not set (balldontlie needs a key)")
        http_kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        headers = {"Authorization": key, "Accept": "application/json"}
        return BalldontlieClient(SourceHttp(SOURCE, self.base_url, headers=headers, secrets=[key], **http_kwargs))
