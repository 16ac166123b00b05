"""One scrape of one source for one ET game date: the code the CLI, the jobs and the tests share.

The landed season schedule makes the scrapes game-aware: box scores and lines are skipped (with the
reason) on dates without games, an empty box-score log or events list on a game day is an error, and
play-by-play is fetched for the date's final games. Sources run in `SOURCES` order, so a full scrape of
a date lands the schedule before the others read it.

Within one source and date every request is tried even when one fails (the others still land); the
failures are raised together afterwards. A bad key (401/403) or an open circuit stops the source at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl

from nba_platform.core.calendar import ET, season_of
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.game_days import games_on, landed_schedule
from nba_platform.raw.parsing import SourceParseError
from nba_platform.scrape.balldontlie_client import BalldontlieClient
from nba_platform.scrape.errors import CircuitOpenError, HTTPStatusError, ScrapeBatchError, ScrapeError
from nba_platform.scrape.http import CircuitBreaker
from nba_platform.scrape.land import Landed
from nba_platform.scrape.nba_cdn_client import NbaCdnClient
from nba_platform.scrape.nba_stats_client import NbaStatsClient
from nba_platform.scrape.odds_api_client import OddsApiClient
from nba_platform.scrape.resources import scrape_resources

log = logging.getLogger(__name__)

SOURCES = ("nba_cdn", "nba_stats", "odds_api", "balldontlie")
# A scrape without --source: balldontlie needs a key of its own and is stats.nba.com's fallback already.
DEFAULT_SOURCES = ("nba_cdn", "nba_stats", "odds_api")
# Where the date's box scores come from when stats.nba.com fails for good (refused, breaker open, retries
# spent), in this order: each one lands the whole night (every final game) or the next is tried.
BOX_SCORE_FALLBACKS = ("nba_cdn", "balldontlie")
# Historical lines: the events list as of 11:00 ET, each event's odds 30 minutes before its tip.
HISTORICAL_EVENTS_TIME = dt.time(11, 0)
HISTORICAL_ODDS_BEFORE_TIP = dt.timedelta(minutes=30)

T = TypeVar("T")


@dataclass
class ScrapeReport:
    source: str
    game_date: str
    landed: list[str] = field(default_factory=list)  # new or changed files
    unchanged: list[str] = field(default_factory=list)  # identical bytes were already there
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)
    # Which source landed the date's box scores (nba_stats, or the fallback that did when it failed).
    box_score_source: str | None = None
    quota: dict[str, str] = field(default_factory=dict)

    def add(self, result: Landed) -> None:
        (self.landed if result.changed else self.unchanged).append(result.relpath)

    def summary(self) -> str:
        if self.skipped:
            return f"skipped: {self.skipped}"
        text = f"{len(self.landed)} landed, {len(self.unchanged)} unchanged"
        if self.quota:
            text += f", quota remaining {self.quota.get('x-requests-remaining', '?')}"
        return text + "".join(f"; {n}" for n in self.notes)

    def metadata(self) -> dict[str, Any]:
        return {
            "game_date": self.game_date,
            "landed_files": len(self.landed),
            "unchanged_files": len(self.unchanged),
            "landed": self.landed,
            "skipped": self.skipped or "",
            "notes": self.notes,
            **({"box_score_source": self.box_score_source} if self.box_score_source else {}),
            **{k.replace("-", "_"): v for k, v in self.quota.items()},
        }


def scheduled_games(
    zone: LandingZone, game_date: dt.date, logger: Any = log, cache: dict[str, tuple] | None = None
) -> pl.DataFrame | None:
    """The date's games (postponed ones left out) from the landed schedule; None when none is landed
    or it does not parse. ``cache`` is `landed_schedule`'s, for one scraper walking a range of dates."""
    try:
        schedule = landed_schedule(zone, season_of(game_date), cache)
    except SourceParseError as exc:
        logger.warning(f"{exc}: treating {game_date} as unknown")
        return None
    return None if schedule is None else games_on(schedule, game_date)


class Scraper:
    """Runs the scrapes of a landing zone.

    ``resources``: the scraper resources by source (`scrape.resources.scrape_resources`, the default);
    each client is built from its resource when the source is first scraped. ``http_kwargs`` go to
    every client's `SourceHttp` (one circuit breaker is shared by all).
    """

    def __init__(
        self,
        zone: LandingZone,
        *,
        resources: Mapping[str, Any] | None = None,
        clients: dict[str, Any] | None = None,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        logger: Any = None,
        **http_kwargs: Any,
    ):
        self.zone = zone
        self.now = now
        self.log = logger or log
        self.breaker = http_kwargs.pop("breaker", None) or CircuitBreaker()
        self._http_kwargs = http_kwargs
        self._resources = dict(resources) if resources is not None else scrape_resources()
        self._clients: dict[str, Any] = dict(clients or {})
        self._schedules: dict[str, tuple] = {}

    def client(self, source: str) -> Any:
        if source not in self._clients:
            # Outside a run (the CLI, tests) a resource's dg.EnvVar config is still unresolved; inside
            # one Dagster has resolved it and this changes nothing.
            resource = self._resources[source].process_config_and_initialize()
            self._clients[source] = resource.client(
                breaker=self.breaker, now=self.now, logger=self.log, **self._http_kwargs
            )
        return self._clients[source]

    def close(self) -> None:
        for client in self._clients.values():
            client.http.close()

    def today(self) -> dt.date:
        return self.now().astimezone(ET).date()

    def run(self, source: str, game_date: dt.date) -> ScrapeReport:
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; one of {SOURCES}")
        report = ScrapeReport(source, game_date.isoformat())
        try:
            getattr(self, f"_{source}")(report, game_date)
        except ScrapeError as exc:
            exc.report = report  # what did land before the failure, for the caller's summary
            raise
        return report

    def _each(self, report: ScrapeReport, items: Iterable[T], fetch: Callable[[T], Landed]) -> None:
        """Fetch every item; raise the failures together after the others have landed."""
        items = list(items)
        errors: list[ScrapeError] = []
        for item in items:
            try:
                report.add(fetch(item))
            except CircuitOpenError:
                raise
            except HTTPStatusError as exc:
                if exc.status in (401, 403):
                    raise
                errors.append(exc)
            except ScrapeError as exc:
                errors.append(exc)
        if len(errors) == 1 and len(items) == 1:
            raise errors[0]
        if errors:
            raise ScrapeBatchError(report.source, errors, len(items), report.game_date)

    def _nba_cdn(self, report: ScrapeReport, game_date: dt.date) -> None:
        client: NbaCdnClient = self.client("nba_cdn")
        landed, _ = client.scrape_schedule(self.zone, game_date)
        report.add(landed)
        games = scheduled_games(self.zone, game_date, self.log, self._schedules)
        if games is None:
            report.notes.append(f"no schedule landed for {season_of(game_date)}: no play-by-play")
            return
        finals = games.filter(pl.col("game_status") == 3)["game_id"].to_list()
        if not finals:
            report.notes.append(f"no final games on {game_date}: no play-by-play or box scores")
            return
        # Box scores (starters, who did not play and why) and play-by-play of every final game.
        todo = [(kind, game_id) for game_id in finals for kind in ("boxscore", "playbyplay")]
        self._each(
            report, todo, lambda item: getattr(client, f"scrape_{item[0]}")(self.zone, game_date, item[1])
        )

    def _nba_stats(self, report: ScrapeReport, game_date: dt.date) -> None:
        """stats.nba.com's logs; when it fails for good, the date's box scores from `BOX_SCORE_FALLBACKS`."""
        try:
            self._nba_stats_logs(report, game_date)
        except ScrapeError as failure:
            # Any failure for good (refused, breaker open, retries spent, a response quarantined): the
            # night's box scores must still land, so the next source is asked for every final game.
            self.log.warning(f"{failure.one_line()}: trying {', '.join(BOX_SCORE_FALLBACKS)} for the box scores")
            report.notes.append(f"nba_stats failed: {failure.one_line()}")
            for source in BOX_SCORE_FALLBACKS:
                try:
                    self._fallback_box_scores(source, report, game_date)
                except ScrapeError as exc:
                    self.log.warning(f"box-score fallback {source} failed: {exc.one_line()}")
                    report.notes.append(f"{source} failed: {exc.one_line()}")
                    continue
                report.box_score_source = source
                report.notes.append(f"box scores landed from {source}")
                return
            raise
        if not report.skipped:
            report.box_score_source = "nba_stats"

    def _fallback_box_scores(self, source: str, report: ScrapeReport, game_date: dt.date) -> None:
        """Every final game of the date from ``source`` (known from the landed schedule)."""
        games = scheduled_games(self.zone, game_date, self.log, self._schedules)
        if games is None:
            raise ScrapeError(source, "", f"no schedule landed for {season_of(game_date)}: the games to fetch are unknown")
        finals = games.filter(pl.col("game_status") == 3)["game_id"].to_list()
        if source == "nba_cdn":
            client: NbaCdnClient = self.client("nba_cdn")
            self._each(report, finals, lambda game_id: client.scrape_boxscore(self.zone, game_date, game_id))
        else:
            self._balldontlie_box_scores(report, game_date, expect_games=len(finals))

    def _nba_stats_logs(self, report: ScrapeReport, game_date: dt.date) -> None:
        client: NbaStatsClient = self.client("nba_stats")
        games = scheduled_games(self.zone, game_date, self.log, self._schedules)
        season_type, expect = "Regular Season", None
        if games is None:
            report.notes.append(f"no schedule landed for {season_of(game_date)}: an empty log is not checked")
        elif games.height == 0:
            report.skipped = f"no games on {game_date} in the landed schedule"
            return
        else:
            season_type = games["season_type"].mode().sort()[0]
            expect = games.height
            if game_date >= self.today():
                expect = games.filter(pl.col("game_status") == 3).height
                if expect == 0:
                    report.skipped = f"no final games on {game_date} yet (schedule as landed)"
                    return
        self._each(
            report,
            ("P", "T"),
            lambda pot: client.scrape_leaguegamelog(
                self.zone, game_date, pot, season_type=season_type, expect_games=expect
            ),
        )

    def _balldontlie(self, report: ScrapeReport, game_date: dt.date) -> None:
        games = scheduled_games(self.zone, game_date, self.log, self._schedules)
        if games is not None and games.height == 0:
            report.skipped = f"no games on {game_date} in the landed schedule"
            return
        expect = None if games is None else games.filter(pl.col("game_status") == 3).height
        self._balldontlie_box_scores(report, game_date, expect_games=expect)

    def _balldontlie_box_scores(self, report: ScrapeReport, game_date: dt.date, expect_games: int | None) -> None:
        """The date's `/v1/box_scores` (every game, every listed player), landed whole or not at all."""
        client: BalldontlieClient = self.client("balldontlie")
        landed, games = client.scrape_box_scores(self.zone, game_date, expect_games=expect_games)
        report.add(landed)
        report.notes.append(f"balldontlie: {games.filter(pl.col('final')).height} final games")

    def _odds_api(self, report: ScrapeReport, game_date: dt.date) -> None:
        client: OddsApiClient = self.client("odds_api")
        games = scheduled_games(self.zone, game_date, self.log, self._schedules)
        if games is not None and games.height == 0:
            report.skipped = f"no games on {game_date} in the landed schedule"
            return
        historical = game_date < self.today()
        events_at = dt.datetime.combine(game_date, HISTORICAL_EVENTS_TIME, tzinfo=ET) if historical else None
        try:
            landed, events = client.scrape_events(
                self.zone, game_date, historical_at=events_at, expect_games=None if games is None else games.height
            )
            report.add(landed)
            now = self.now()
            todo: list[tuple[str, dt.datetime | None]] = []
            for event in events.iter_rows(named=True):
                if historical:
                    todo.append((event["event_id"], event["commence_time_utc"] - HISTORICAL_ODDS_BEFORE_TIP))
                elif event["commence_time_utc"] > now:
                    todo.append((event["event_id"], None))
                else:
                    report.notes.append(f"event {event['event_id']} has started: no pre-game lines to take")
            self._each(
                report, todo, lambda t: client.scrape_event_odds(self.zone, game_date, t[0], historical_at=t[1])[0]
            )
        finally:
            report.quota = dict(client.quota)
