"""Game-aware scraping schedules read the landed season schedule (the real 2025-26 one, read in place)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from nba_platform.definitions import defs
from nba_platform.landing.resource import LandingResource
from nba_platform.scrape.schedules import (
    nba_cdn_morning,
    nba_stats_after_games,
    odds_api_every_2h,
    odds_api_pre_tip,
)

from ..conftest import REAL_LANDING

ET = ZoneInfo("America/New_York")


def _evaluate(schedule, when: dt.datetime, root=REAL_LANDING):
    ctx = dg.build_schedule_context(scheduled_execution_time=when, resources={"landing": LandingResource(root=str(root))})
    result = schedule.evaluate_tick(ctx)
    if result.run_requests:
        (request,) = result.run_requests
        return request
    return result.skip_message


def _date_of(request) -> str:
    return next(iter(request.run_config["ops"].values()))["config"]["game_date"]


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=ET)


def test_box_scores_run_after_a_game_night_and_skip_after_an_off_night():
    request = _evaluate(nba_stats_after_games, at(22, 1, 30))  # opening night was 2025-10-21
    assert _date_of(request) == "2025-10-21" and request.run_key == "nba_stats:2025-10-21:0130"
    assert request.tags["nba_platform/game_date"] == "2025-10-21"
    early = _evaluate(nba_stats_after_games, at(22, 5, 0))
    assert _date_of(early) == "2025-10-21" and early.run_key != request.run_key  # the 05:00 re-scrape
    assert _evaluate(nba_stats_after_games, at(21, 1, 30)) == "no games on 2025-10-20 in the landed schedule"


def test_lines_every_two_hours_until_the_last_tip():
    assert _date_of(_evaluate(odds_api_every_2h, at(21, 12))) == "2025-10-21"
    # Opening night tips at 19:30 and 22:00 ET: at 22:00 every game has started.
    assert _evaluate(odds_api_every_2h, at(21, 22)) == "every game of 2025-10-21 has tipped off (last at 22:00 ET)"
    assert _evaluate(odds_api_every_2h, at(20, 12)) == "no games on 2025-10-20 in the landed schedule"


@pytest.mark.parametrize("hour, minute, runs", [(18, 45, False), (19, 0, True), (19, 15, False)])
def test_pre_tip_sweep_runs_once_30_minutes_before_the_first_tip(hour, minute, runs):
    outcome = _evaluate(odds_api_pre_tip, at(21, hour, minute))  # first tip 19:30 ET
    if runs:
        assert _date_of(outcome) == "2025-10-21" and outcome.run_key == "odds_api:2025-10-21:pre_tip"
    else:
        assert outcome.startswith("first tip 19:30 ET; the sweep runs at the tick in (18:45, 19:00] ET")


def test_without_a_landed_schedule_the_scrapes_skip_and_say_which_job_lands_it(tmp_path):
    message = _evaluate(odds_api_every_2h, at(21, 12), root=tmp_path)
    assert message == (
        "no schedule landed for 2025-26 (nba_cdn/schedule/2025-26/scheduleLeagueV2.json); scrape_nba_cdn_job lands it"
    )
    # The schedule file itself is scraped every morning, games or not (with last night's play-by-play).
    assert _date_of(_evaluate(nba_cdn_morning, at(20, 6), root=tmp_path)) == "2025-10-19"


def test_schedules_and_scrape_jobs_are_registered():
    names = {s.name for s in defs.schedules}
    assert names == {
        "nba_cdn_morning", "nba_stats_after_games", "odds_api_every_2h", "odds_api_pre_tip", "injury_report_every_30m"
    }
    assert all(s.execution_timezone == "America/New_York" for s in defs.schedules)
    for job in ("scrape_nba_cdn_job", "scrape_nba_stats_job", "scrape_odds_api_job", "scrape_nba_injury_report_job"):
        assert defs.resolve_job_def(job).name == job
