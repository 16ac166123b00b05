"""The Odds API v4: the NBA events of an ET date and each event's `player_points` odds, live or historical.

- Live (today and later): ``/v4/sports/basketball_nba/events`` and ``.../events/{id}/odds``; a snapshot is
  named by the request time in UTC.
- Historical (past dates, backfills): ``/v4/historical/sports/basketball_nba/events?date=...`` and
  ``.../events/{id}/odds?date=...``; a snapshot is named by the response's ``timestamp``.

The API key travels as the ``apiKey`` query parameter (the only way the API accepts it). It comes from
``ODDS_API_KEY`` as ``dg.EnvVar`` resource config (the UI shows the variable's name, never the key), is
registered with the redactor, and never appears in a log line, an error, Dagster metadata or a landed
file. The quota headers of every response are logged and kept in `quota`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
import polars as pl
from pydantic import Field

from nba_platform.core.calendar import ET
from nba_platform.core.settings import ODDS_API_KEY_ENV, SCRAPER_HOSTS
from nba_platform.landing import zone as lz
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.odds_api import SOURCE, parse_event_odds, parse_events
from nba_platform.raw.parsing import SourceParseError, load_json
from nba_platform.scrape.errors import ConfigError
from nba_platform.scrape.http import DEFAULT_TIMEOUT, SourceHttp
from nba_platform.scrape.land import Landed, land, validate_or_quarantine

BASE_URL_ENV, DEFAULT_BASE_URL = SCRAPER_HOSTS["odds_api"]
KEY_ENV = ODDS_API_KEY_ENV
SPORT = "basketball_nba"
EVENTS_PATH = f"/v4/sports/{SPORT}/events"
EVENT_ODDS_PATH = f"/v4/sports/{SPORT}/events/{{event_id}}/odds"
HISTORICAL_EVENTS_PATH = f"/v4/historical/sports/{SPORT}/events"
HISTORICAL_EVENT_ODDS_PATH = f"/v4/historical/sports/{SPORT}/events/{{event_id}}/odds"
ODDS_PARAMS = {"regions": "us", "markets": "player_points", "oddsFormat": "american"}
QUOTA_HEADERS = ("x-requests-remaining", "x-requests-used", "x-requests-last")


def iso_z(moment: dt.datetime) -> str:
    """The API's timestamp format: ``2025-10-21T17:00:00Z``."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def et_day_bounds(game_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The ET calendar day as a UTC half-open interval (game dates are ET dates)."""
    start = dt.datetime.combine(game_date, dt.time(0), tzinfo=ET)
    end = dt.datetime.combine(game_date + dt.timedelta(days=1), dt.time(0), tzinfo=ET)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC) - dt.timedelta(seconds=1)


def _historical_timestamp(data: bytes, location: str) -> dt.datetime:
    """The ``timestamp`` of a historical response: it names the snapshot file."""
    payload = load_json(data, SOURCE, location)
    value = payload.get("timestamp") if isinstance(payload, dict) else None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError as exc:
        raise SourceParseError(SOURCE, location, f"historical response without a valid 'timestamp': {value!r}") from exc


class OddsApiClient:
    source = SOURCE

    def __init__(self, http: SourceHttp):
        self.http = http
        self.quota: dict[str, str] = {}

    def _get(self, path: str, params: dict[str, str], day: str):
        response = self.http.get(path, params, game_date=day)
        seen = {h: response.headers[h] for h in QUOTA_HEADERS if h in response.headers}
        if seen:
            self.quota.update(seen)
            self.http.log.info(
                f"{SOURCE} quota: remaining={seen.get('x-requests-remaining', '?')} "
                f"used={seen.get('x-requests-used', '?')} last={seen.get('x-requests-last', '?')}"
            )
        return response

    def scrape_events(
        self,
        zone: LandingZone,
        game_date: dt.date,
        *,
        historical_at: dt.datetime | None = None,
        expect_games: int | None = None,
    ) -> tuple[Landed, pl.DataFrame]:
        """Land the events list of the ET date; returns the date's events (id, commence time, teams)."""
        day = game_date.isoformat()
        start, end = et_day_bounds(game_date)
        params = {"commenceTimeFrom": iso_z(start), "commenceTimeTo": iso_z(end)}
        if historical_at is not None:
            path, params["date"], snapshot = HISTORICAL_EVENTS_PATH, iso_z(historical_at), historical_at
        else:
            path, snapshot = EVENTS_PATH, self.http.now().replace(microsecond=0)
        response = self._get(path, params, day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> tuple[pl.DataFrame, dt.datetime]:
            events = parse_events(data, location)
            events = events.filter(pl.col("commence_time_utc").dt.convert_time_zone(str(ET)).dt.date() == game_date)
            if events.height == 0 and expect_games:
                raise SourceParseError(
                    SOURCE, location, f"empty events list on a game day: the schedule lists {expect_games} games"
                )
            taken = _historical_timestamp(data, location) if historical_at is not None else snapshot
            return events, taken

        events, taken = validate_or_quarantine(
            zone, lz.odds_events_path(day, snapshot), response.content, validate,
            source=SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        return land(zone, lz.odds_events_path(day, taken), response.content, logger=self.http.log), events

    def scrape_event_odds(
        self, zone: LandingZone, game_date: dt.date, event_id: str, *, historical_at: dt.datetime | None = None
    ) -> tuple[Landed, int]:
        """Land one event's player_points odds; returns where it landed and the number of lines in it."""
        day = game_date.isoformat()
        params = dict(ODDS_PARAMS)
        if historical_at is not None:
            path, params["date"], snapshot = HISTORICAL_EVENT_ODDS_PATH, iso_z(historical_at), historical_at
        else:
            path, snapshot = EVENT_ODDS_PATH, self.http.now().replace(microsecond=0)
        response = self._get(path.format(event_id=event_id), params, day)
        url = self.http.redacted(response.request.url)

        def validate(data: bytes, location: str) -> tuple[pl.DataFrame, dt.datetime]:
            taken = _historical_timestamp(data, location) if historical_at is not None else snapshot
            lines = parse_event_odds(data, location, game_date, taken)
            if lines.height and lines["event_id"][0] != event_id:
                raise SourceParseError(SOURCE, location, f"odds for event {lines['event_id'][0]}, asked for {event_id}")
            return lines, taken

        lines, taken = validate_or_quarantine(
            zone, lz.odds_player_points_path(day, event_id, snapshot), response.content, validate,
            source=SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        if lines.height == 0:
            self.http.log.info(f"{SOURCE} {day}: no player_points lines posted yet for event {event_id}")
        relpath = lz.odds_player_points_path(day, event_id, taken)
        return land(zone, relpath, response.content, logger=self.http.log), lines.height


class OddsApiResource(dg.ConfigurableResource):
    """The Odds API as a Dagster resource: its configuration, shown in the UI; `client` builds the client."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description=f"The Odds API, or a stand-in from {BASE_URL_ENV} (tests)"
    )
    api_key: str | None = Field(
        default=None, description=f"dg.EnvVar({KEY_ENV!r}): the UI shows the variable, never the key"
    )

    def client(self, **http_kwargs: Any) -> OddsApiClient:
        """``http_kwargs``: `SourceHttp` options. Without a key this raises `ConfigError` (at scrape time,
        so the definitions still load and the other sources still scrape)."""
        key = (self.api_key or "").strip()
        if not key:
            raise ConfigError(SOURCE, self.base_url, f"{KEY_ENV} is not set (The Odds API needs a key)")
        http_kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return OddsApiClient(SourceHttp(SOURCE, self.base_url, params={"apiKey": key}, secrets=[key], **http_kwargs))
