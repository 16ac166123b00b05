"""The landing sensor requests raw runs for exactly the partitions whose files are new or changed."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import dagster as dg
from dagster._core.test_utils import freeze_time

from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.sensors import landing_zone_sensor

from ..conftest import REAL_LANDING


def _tick(instance, root, cursor=None):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"landing": LandingResource(root=str(root))})
    result = landing_zone_sensor(ctx)
    return result.run_requests, result.cursor


def _keys(requests):
    return sorted((r.partition_key, tuple(k.to_user_string() for k in r.asset_selection)) for r in requests)


def test_new_same_and_changed_files(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    rel = lz.player_boxscores_path("2024-11-01")
    real = (REAL_LANDING / rel).read_bytes()
    with dg.instance_for_test() as instance:
        zone.write(rel, real)
        requests, cursor = _tick(instance, tmp_path)
        assert _keys(requests) == [("2024-11-01", ("raw_player_boxscores",))]
        original_key = requests[0].run_key

        # Same file again (even re-landed): nothing to do.
        zone.write(rel, real)
        requests, cursor2 = _tick(instance, tmp_path, cursor)
        assert requests == []

        # Corrected file: exactly one run for its date, with a new run key.
        payload = json.loads(real)
        payload["resultSets"][0]["rowSet"][0][28] += 1
        zone.write(rel, json.dumps(payload).encode())
        requests3, _ = _tick(instance, tmp_path, cursor2)
        assert _keys(requests3) == [("2024-11-01", ("raw_player_boxscores",))]
        assert requests3[0].run_key != original_key
        # The run key depends on content only: a fresh cursor sees the same change under the same key.
        assert _tick(instance, tmp_path)[0][0].run_key == requests3[0].run_key


def test_schedule_file_requests_only_its_changed_dates(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    rel = lz.schedule_path("2025-26")
    real = (REAL_LANDING / rel).read_bytes()
    with dg.instance_for_test() as instance:
        zone.write(rel, real)
        requests, cursor = _tick(instance, tmp_path)
        dates = {r.partition_key for r in requests}
        game_dates = {d["gameDate"] for d in json.loads(real)["leagueSchedule"]["gameDates"] if d["games"]}
        assert len(dates) == len(game_dates) > 40 and "2025-10-21" in dates  # every ET date with games
        assert {k for r in requests for k in r.asset_selection} == {dg.AssetKey("raw_schedule")}

        # A status change on one date re-requests that date only.
        payload = json.loads(real)
        day = next(d for d in payload["leagueSchedule"]["gameDates"] if d["gameDate"].startswith("11/20/2025"))
        day["games"][0]["gameStatus"] = 2
        zone.write(rel, json.dumps(payload).encode())
        requests, cursor = _tick(instance, tmp_path, cursor)
        assert _keys(requests) == [("2025-11-20", ("raw_schedule",))]

        # balldontlie's box scores are placed on the schedule's games: a schedule change re-places them.
        zone.write(lz.bdl_box_scores_path("2025-11-21"), b'{"data": []}')
        requests, cursor = _tick(instance, tmp_path, cursor)
        assert _keys(requests) == [("2025-11-21", ("raw_player_boxscores",))]
        day = next(d for d in payload["leagueSchedule"]["gameDates"] if d["gameDate"].startswith("11/21/2025"))
        day["games"][0]["gameStatus"] = 2
        zone.write(rel, json.dumps(payload).encode())
        requests, _ = _tick(instance, tmp_path, cursor)
        assert [(k, sorted(a)) for k, a in _keys(requests)] == [("2025-11-21", ["raw_player_boxscores", "raw_schedule"])]


def test_odds_and_boxscores_of_one_date_share_a_run(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    date = "2025-10-22"
    odds = sorted((REAL_LANDING / lz.ODDS_PLAYER_POINTS / date).rglob("*.json"))[:2]
    for f in odds:
        zone.write(f.relative_to(REAL_LANDING).as_posix(), f.read_bytes())
    zone.write(lz.team_boxscores_path(date), (REAL_LANDING / lz.team_boxscores_path(date)).read_bytes())
    zone.write("nba_stats/player_boxscores/not-a-date/leaguegamelog.json", b"{}")  # not in the layout: ignored
    with dg.instance_for_test() as instance:
        requests, _ = _tick(instance, tmp_path)
    assert _keys(requests) == [(date, ("raw_prop_lines", "raw_team_boxscores"))]


def test_dates_without_a_partition_yet_are_requested_when_their_partition_appears(tmp_path):
    """The season schedule lists months ahead; today's partition appears at midnight ET."""
    et = ZoneInfo("America/New_York")
    zone = lz.LocalLanding(tmp_path)
    rel = lz.schedule_path("2025-26")
    zone.write(rel, (REAL_LANDING / rel).read_bytes())
    with dg.instance_for_test() as instance:
        with freeze_time(dt.datetime(2025, 11, 19, 12, 0, tzinfo=et)):
            requests, cursor = _tick(instance, tmp_path)
        assert max(r.partition_key for r in requests) == "2025-11-19"  # today's partition exists
        with freeze_time(dt.datetime(2025, 11, 19, 23, 59, tzinfo=et)):
            requests, cursor = _tick(instance, tmp_path, cursor)
        assert requests == []
        with freeze_time(dt.datetime(2025, 11, 20, 0, 1, tzinfo=et)):
            requests, cursor = _tick(instance, tmp_path, cursor)
        assert _keys(requests) == [("2025-11-20", ("raw_schedule",))]
        with freeze_time(dt.datetime(2025, 11, 20, 0, 2, tzinfo=et)):
            assert _tick(instance, tmp_path, cursor)[0] == []
