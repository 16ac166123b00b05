"""Game-aware scraping schedules, in ET. The landed season schedule decides what runs.

| schedule | when (ET) | scrapes |
|---|---|---|
| `nba_cdn_morning` | 06:00 daily | the season schedule + last night's play-by-play |
| `nba_stats_after_games` | 01:30 and 05:00 | last night's box scores (the 05:00 run picks up corrections) |
| `odds_api_every_2h` | 10:00-22:00 every 2 h | today's lines, until the last game has tipped |
| `odds_api_pre_tip` | every 15 min, 09:00-23:45 | one sweep 30-45 min before the day's first tip |
| `injury_report_every_30m` | every 30 min, 11:00-23:30 | today's official injury report editions, on days with games today or tomorrow |

On a date without games (per the landed schedule) the box-score and line schedules skip with the
reason; without a landed schedule they skip and say which job lands it. They are created stopped:
start them in the UI (Automation) or with `dagster schedule start` where the scrapers should run.
"""


import datetime as dt

import dagster as dg
import polars as pl

from nba_platform.core.calendar import ET, TIMEZONE, season_of
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.scrape.jobs import (
    run_config,
    scrape_nba_cdn_job,
    scrape_nba_injury_report_job,
    scrape_nba_stats_job,
    scrape_odds_api_job,
)
from nba_platform.scrape.run import scheduled_games

PRE_TIP_LEAD = dt.timedelta(minutes=30)
PRE_TIP_TICK = dt.timedelta(minutes=15)


def _tick(context: dg.ScheduleEvaluationContext) -> dt.datetime:
    return (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(ET)


def _games_or_skip(landing: LandingResource, game_date: dt.date) -> pl.DataFrame | dg.SkipReason:
    games = scheduled_games(landing.zone(), game_date)
    if games is None:
        return dg.SkipReason(
            f"no schedule landed for {season_of(game_date)} ({lz.schedule_path(season_of(game_date))}); "
            "scrape_nba_cdn_job lands it"
        )
    if games.height == 0:
        return dg.SkipReason(f"no games on {game_date} in the landed schedule")
    return games


def _request(source: str, game_date: dt.date, key: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"{source}:{game_date}:{key}",
        run_config=run_config(source, game_date),
        tags={"nba_platform/game_date": game_date.isoformat()},
    )


@dg.schedule(
    name="nba_cdn_morning",
    cron_schedule="0 6 * * *",
    execution_timezone=TIMEZONE,
    job=scrape_nba_cdn_job,
    description="Every morning: the season schedule and the play-by-play of last night's games.",
)
def nba_cdn_morning(context: dg.ScheduleEvaluationContext):
    tick = _tick(context)
    return _request("nba_cdn", tick.date() - dt.timedelta(days=1), tick.strftime("%H%M"))


@dg.schedule(
    name="nba_stats_after_games",
    cron_schedule=["30 1 * * *", "0 5 * * *"],
    execution_timezone=TIMEZONE,
    job=scrape_nba_stats_job,
    description="Last night's box scores after the last game (01:30 ET) and again early morning (05:00 ET).",
)
def nba_stats_after_games(context: dg.ScheduleEvaluationContext, landing: LandingResource):
    tick = _tick(context)
    game_date = tick.date() - dt.timedelta(days=1)
    games = _games_or_skip(landing, game_date)
    if isinstance(games, dg.SkipReason):
        return games
    return _request("nba_stats", game_date, tick.strftime("%H%M"))


def _tips(games: pl.DataFrame) -> list[dt.datetime]:
    return sorted(t for t in games["tip_time_utc"].to_list() if t is not None)


@dg.schedule(
    name="odds_api_every_2h",
    cron_schedule="0 10-22/2 * * *",
    execution_timezone=TIMEZONE,
    job=scrape_odds_api_job,
    description="Today's player_points lines every two hours on game days, until the last tip.",
)
def odds_api_every_2h(context: dg.ScheduleEvaluationContext, landing: LandingResource):
    tick = _tick(context)
    games = _games_or_skip(landing, tick.date())
    if isinstance(games, dg.SkipReason):
        return games
    tips = _tips(games)
    if tips and tick >= tips[-1]:
        return dg.SkipReason(f"every game of {tick.date()} has tipped off (last at {tips[-1].astimezone(ET):%H:%M} ET)")
    return _request("odds_api", tick.date(), tick.strftime("%H%M"))


@dg.schedule(
    name="odds_api_pre_tip",
    cron_schedule="*/15 9-23 * * *",
    execution_timezone=TIMEZONE,
    job=scrape_odds_api_job,
    description="One sweep of today's lines 30-45 minutes before the first tip.",
)
def odds_api_pre_tip(context: dg.ScheduleEvaluationContext, landing: LandingResource):
    tick = _tick(context)
    games = _games_or_skip(landing, tick.date())
    if isinstance(games, dg.SkipReason):
        return games
    tips = _tips(games)
    if not tips:
        return dg.SkipReason(f"no tip times in the landed schedule for {tick.date()}")
    sweep_by = tips[0] - PRE_TIP_LEAD
    if not sweep_by - PRE_TIP_TICK < tick <= sweep_by:
        return dg.SkipReason(
            f"first tip {tips[0].astimezone(ET):%H:%M} ET; the sweep runs at the tick in "
            f"({(sweep_by - PRE_TIP_TICK).astimezone(ET):%H:%M}, {sweep_by.astimezone(ET):%H:%M}] ET"
        )
    return _request("odds_api", tick.date(), "pre_tip")


@dg.schedule(
    name="injury_report_every_30m",
    cron_schedule="*/30 11-23 * * *",
    execution_timezone=TIMEZONE,
    job=scrape_nba_injury_report_job,
    description="Today's official injury report editions every 30 minutes, when today or tomorrow has games.",
)
def injury_report_every_30m(context: dg.ScheduleEvaluationContext, landing: LandingResource):
    tick = _tick(context)
    # Today's report also lists tomorrow's games (due by 17:00 local the day before).
    today, tomorrow = _games_or_skip(landing, tick.date()), _games_or_skip(landing, tick.date() + dt.timedelta(days=1))
    if isinstance(today, dg.SkipReason) and isinstance(tomorrow, dg.SkipReason):
        return today
    return _request("nba_injury_report", tick.date(), tick.strftime("%H%M"))


SCRAPE_SCHEDULES = [nba_cdn_morning, nba_stats_after_games, odds_api_every_2h, odds_api_pre_tip, injury_report_every_30m]
