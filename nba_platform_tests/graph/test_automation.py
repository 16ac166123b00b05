"""Declarative automation walks a game day: what each tick requests, asset by asset, partition by partition.

Materializations are reported into a test instance (as runs of the requested assets would record
them); `evaluate_automation_conditions` evaluates the conditions from policies.py at explicit ET times.
History exists for three days only, so the feature store's 400-day window is mostly holes: the
conditions must not wait for it.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from nba_platform.definitions import build_defs, raw_player_boxscores
from nba_platform.landing import zone as lz
from nba_platform.resources import local_resources

from ..conftest import REAL_LANDING
from ..helpers import without_row_rules

ET = ZoneInfo("America/New_York")
EVERY_ASSET = [
    "raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "team_game_summary",
    "player_game_summary", "upcoming_player_game_context", "ml_feature_store", "player_prop_predictions",
    "prediction_results", "system_daily_performance",
]
TODAY_CHAIN = ["upcoming_player_game_context", "ml_feature_store", "player_prop_predictions"]
GRADING = ["team_game_summary", "player_game_summary", "prediction_results", "system_daily_performance"]


def on(partition: str, *assets: str) -> dict[str, list[str]]:
    return {asset: [partition] for asset in assets}


class GameDay:
    """A test instance plus the automation cursor, ticking at explicit ET times."""

    def __init__(self, instance: dg.DagsterInstance, defs: dg.Definitions):
        self.instance, self.defs, self.cursor = instance, defs, None

    def land(self, partition: str, *assets: str) -> None:
        for asset in assets:
            self.instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=asset, partition=partition))

    def tick(self, when: dt.datetime, exports: bool = False) -> dict[str, list[str]]:
        """What the tick requests; the publishing exports (which follow every update, see
        test_exports_follow_predictions_and_grading) are left out unless `exports`."""
        result = dg.evaluate_automation_conditions(
            defs=self.defs, instance=self.instance, cursor=self.cursor, evaluation_time=when
        )
        self.cursor = result.cursor
        return {
            r.key.to_user_string(): sorted(result.get_requested_partitions(r.key))
            for r in result.results
            if r.true_subset.size and (exports or not r.key.to_user_string().startswith("exports_"))
        }

    def run(self, requested: dict[str, list[str]]) -> None:
        """What the requested runs record when they succeed."""
        for asset, partitions in requested.items():
            for partition in partitions:
                self.land(partition, asset)


@pytest.fixture
def game_day(tmp_path):
    defs = build_defs(local_resources(str(tmp_path / "landing"), str(tmp_path / "warehouse.duckdb")))
    with dg.instance_for_test() as instance:
        yield GameDay(instance, defs)


def et(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), ET)


def test_a_game_day_flows_from_box_scores_to_graded_predictions(game_day):
    last_night, today, tomorrow = "2024-11-01", "2024-11-02", "2024-11-03"
    for day in ("2024-10-29", "2024-10-30", "2024-10-31"):
        game_day.land(day, *EVERY_ASSET)
    game_day.land("2024-10-28", "points_model")  # this week's model (Monday 04:30)
    game_day.land(last_night, "raw_schedule", "raw_prop_lines", *TODAY_CHAIN)
    assert game_day.tick(et(today, 0, 0)) == {}

    # 00:01: today's partition exists; the landing sensor runs raw_schedule for it (the season file
    # landed long ago) -> who plays today, then features and provisional predictions (no lines yet:
    # NO_LINE rows; lines are optional, the 07:00 deadline is not).
    game_day.land(today, "raw_schedule")
    requested = game_day.tick(et(today, 0, 5))
    assert requested == on(today, "upcoming_player_game_context")
    game_day.run(requested)
    requested = game_day.tick(et(today, 0, 6))
    assert requested == on(today, "ml_feature_store", "player_prop_predictions")  # one run, in lineage order
    game_day.run(requested)
    assert game_day.tick(et(today, 0, 7)) == {}

    # 01:00: last night's box scores land (the landing sensor ran the raw assets).
    game_day.land(last_night, "raw_player_boxscores", "raw_team_boxscores")
    requested = game_day.tick(et(today, 1, 5))
    # Analytics and grading of last night's date, one run (same partition); not today's features yet:
    # they must read last night's analytics after they are written.
    assert requested == on(last_night, *GRADING)
    assert game_day.tick(et(today, 1, 6)) == {}  # requested once, not again while it runs
    game_day.run(requested)

    # Last night's analytics are written: today's chain again, over a history window full of holes.
    requested = game_day.tick(et(today, 1, 15))
    assert requested == on(today, *TODAY_CHAIN)
    game_day.run(requested)
    assert game_day.tick(et(today, 1, 25)) == {}

    # 05:50: the morning lines snapshot lands -> who has a line, then features and predictions.
    game_day.land(today, "raw_prop_lines")
    requested = game_day.tick(et(today, 6, 0))
    assert requested == on(today, "upcoming_player_game_context")
    game_day.run(requested)
    requested = game_day.tick(et(today, 6, 1))
    assert requested == on(today, "ml_feature_store", "player_prop_predictions")
    game_day.run(requested)
    # 07:00: nothing moved, nothing requested (the 05:30 fallback does not fire: they exist).
    assert game_day.tick(et(today, 7, 0)) == {}

    # 15:00: a late lines file (a line moved) -> today's predictions again, through the context.
    game_day.land(today, "raw_prop_lines")
    requested = game_day.tick(et(today, 15, 5))
    assert requested == on(today, "upcoming_player_game_context")
    game_day.run(requested)
    requested = game_day.tick(et(today, 15, 6))
    assert requested == on(today, "ml_feature_store", "player_prop_predictions")
    game_day.run(requested)
    assert game_day.tick(et(today, 15, 10)) == {}

    # Next night: tomorrow's schedule partition, then today's box scores land -> today's analytics and
    # the grading of today's predictions, then tomorrow's chain on the new history.
    game_day.land(tomorrow, "raw_schedule")
    requested = game_day.tick(et(tomorrow, 0, 5))
    assert requested == on(tomorrow, "upcoming_player_game_context")
    game_day.run(requested)
    game_day.run(game_day.tick(et(tomorrow, 0, 6)))
    game_day.land(today, "raw_player_boxscores", "raw_team_boxscores")
    requested = game_day.tick(et(tomorrow, 1, 5))
    assert requested == on(today, *GRADING)
    game_day.run(requested)
    assert game_day.tick(et(tomorrow, 1, 15)) == on(tomorrow, *TODAY_CHAIN)


def test_todays_chain_still_missing_at_0530_is_requested_again(game_day):
    # The day after an off-day: no box scores will land to trigger another build.
    off_day, today = "2024-11-04", "2024-11-05"
    game_day.land("2024-11-03", *EVERY_ASSET)
    game_day.land(off_day, "points_model")
    assert game_day.tick(et(off_day, 23, 0)) == {}
    game_day.land(today, "raw_schedule")
    assert game_day.tick(et(today, 0, 5)) == on(today, "upcoming_player_game_context")
    # ... and that run failed: nothing was materialized. Nothing retries it until 05:30.
    assert game_day.tick(et(today, 1, 5)) == {}
    assert game_day.tick(et(today, 5, 0)) == {}
    assert game_day.tick(et(today, 5, 35)) == on(today, *TODAY_CHAIN)
    assert game_day.tick(et(today, 5, 40)) == {}


def test_the_weekly_model_is_trained_once_on_monday_morning(game_day):
    monday = "2024-11-04"
    game_day.land("2024-11-03", *EVERY_ASSET)
    assert game_day.tick(et(monday, 4, 0)) == {}
    requested = game_day.tick(et(monday, 4, 35))
    assert requested == {"points_model": [monday]}
    game_day.run(requested)
    assert game_day.tick(et(monday, 4, 40)) == {}
    assert game_day.tick(et("2024-11-06", 4, 35)) == {}  # not again until next Monday


def test_no_features_on_a_date_without_games(game_day):
    game_day.land("2024-11-03", *EVERY_ASSET)
    assert game_day.tick(et("2024-11-04", 5, 0)) == {}
    assert game_day.tick(et("2024-11-04", 5, 35)) == {}  # fallback fires, but there is no schedule for the date


def test_a_corrected_old_box_score_flows_to_its_date_then_to_todays_features(game_day):
    old, today = "2024-10-20", "2024-11-02"
    for day in (old, "2024-11-01"):
        game_day.land(day, *EVERY_ASSET)
    game_day.land("2024-10-28", "points_model")
    game_day.land(today, "raw_schedule", *TODAY_CHAIN)
    assert game_day.tick(et(today, 9, 0)) == {}

    game_day.land(old, "raw_player_boxscores")  # a stat correction for a date two weeks back
    requested = game_day.tick(et(today, 9, 5))
    assert requested == on(old, *GRADING)
    game_day.run(requested)
    # The history changed: today's chain (and nothing older) is rebuilt.
    assert game_day.tick(et(today, 9, 10)) == on(today, *TODAY_CHAIN)


def test_a_failed_blocking_check_on_an_input_holds_its_consumers(game_day, tmp_path, monkeypatch):
    day, today = "2024-11-01", "2024-11-02"
    game_day.land(day, "raw_schedule", "raw_team_boxscores", "team_game_summary")
    assert game_day.tick(et(today, 0, 30)) == {}
    zone, rel = lz.LocalLanding(tmp_path / "landing"), lz.player_boxscores_path(day)
    payload = json.loads((REAL_LANDING / rel).read_bytes())
    resources = local_resources(str(tmp_path / "landing"), str(tmp_path / "warehouse.duckdb"))

    # The box-score file repeats a player row; past the row rules (which reject such duplicates) the
    # raw run writes it, then keys_unique fails.
    without_row_rules(monkeypatch)
    payload["resultSets"][0]["rowSet"].append(payload["resultSets"][0]["rowSet"][0])
    zone.write(rel, json.dumps(payload).encode())
    run = dg.materialize([raw_player_boxscores], partition_key=day, resources=resources,
                         instance=game_day.instance, raise_on_error=False)
    assert not run.success
    assert game_day.tick(et(today, 1, 5)) == {}  # raw updated, but its blocking check failed

    # A corrected file lands and passes: the summary runs.
    payload["resultSets"][0]["rowSet"].pop()
    zone.write(rel, json.dumps(payload).encode())
    assert dg.materialize([raw_player_boxscores], partition_key=day, resources=resources,
                          instance=game_day.instance).success
    # Team rows are rebuilt from player rows when missing, so both summaries read the player file.
    assert game_day.tick(et(today, 1, 10)) == on(day, "team_game_summary", "player_game_summary")


def test_exports_follow_predictions_and_grading(game_day):
    last_night, today = "2024-11-01", "2024-11-02"
    game_day.land("2024-10-31", *EVERY_ASSET)
    game_day.land("2024-10-28", "points_model")
    game_day.land(last_night, "raw_schedule", *TODAY_CHAIN)
    game_day.land(today, "raw_schedule", *TODAY_CHAIN)
    game_day.tick(et(today, 0, 0), exports=True)
    # Today's predictions updated (a line moved): tonight's picks and page are published again.
    game_day.land(today, "player_prop_predictions")
    requested = game_day.tick(et(today, 15, 0), exports=True)
    assert requested["exports_tonight"] == requested["exports_best_bets"] == [today]
    game_day.run(requested)
    assert game_day.tick(et(today, 15, 1), exports=True) == {}  # the page also needs today's system records
    # Last night's grading lands: its results document is published.
    game_day.land(last_night, "prediction_results", "system_daily_performance")
    requested = game_day.tick(et(today, 15, 5), exports=True)
    assert requested["exports_results"] == [last_night]
    assert requested["exports_best_bets"] == [last_night]  # last night's card, graded
    assert requested["exports_systems"] == [last_night, today]  # records to date, for both documents
    assert requested["exports_page"] == [today]  # tonight's file and today's records exist now
