"""raw_injury_report as an asset: every edition of both sources by game date, a damaged PDF quarantined
while the others land, no report at all an empty partition, re-runs idempotent; the landing sensor
requests the report's date and the next day."""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg
import polars as pl

from nba_platform.core.warehouse.read import read_table
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.assets import raw_injury_report
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.resources import local_resources

from ..conftest import FIXTURES, REAL_LANDING

PDF = FIXTURES / "nba_com" / "injury_report_2024-01-04_12PM.pdf"
BDL_SMALL = FIXTURES / "balldontlie" / "player_injuries_small.json"


def _materialize(tmp_path, partition: str, instance=None):
    resources = local_resources(str(tmp_path / "landing"), str(tmp_path / "warehouse.duckdb"))
    with dg.instance_for_test() as own:
        result = dg.materialize([raw_injury_report], partition_key=partition, resources=resources, instance=instance or own)
        assert result.success
        return result.asset_materializations_for_node("raw_injury_report")[0].metadata


def _rows(tmp_path, day: str) -> pl.DataFrame:
    return read_table("raw_injury_report", str(tmp_path / "warehouse.duckdb"), f"where game_date = DATE '{day}'")


def test_official_editions_and_a_damaged_one(tmp_path):
    zone = lz.LocalLanding(tmp_path / "landing")
    data = PDF.read_bytes()
    zone.write(lz.injury_report_path("2024-01-04", "2024-01-04_12PM"), data)
    zone.write(lz.injury_report_path("2024-01-04", "2024-01-04_01PM"), data[:40000])  # truncated download
    meta = _materialize(tmp_path, "2024-01-04")
    rows = _rows(tmp_path, "2024-01-04")
    assert rows.height == 14 and rows["edition"].unique().to_list() == ["2024-01-04_12PM"]
    assert rows["game_id"].null_count() == 14  # no 2023-24 schedule landed: no game ids, a warning
    assert meta["quarantined_files"].value == 1
    reason = (tmp_path / "landing" / "_quarantine" / "nba_com/injury_report/2024-01-04/2024-01-04_01PM.pdf.reason.txt")
    assert "unreadable PDF" in reason.read_text()
    # The next day's games are on the report too; nobody submitted yet: no rows, 28 teams named.
    meta = _materialize(tmp_path, "2024-01-05")
    assert _rows(tmp_path, "2024-01-05").height == 0
    assert len(meta["teams_not_yet_submitted"].value) == 28 and "2024-01-05 IND" in meta["teams_not_yet_submitted"].value
    # Re-running replaces, never duplicates.
    _materialize(tmp_path, "2024-01-04")
    assert _rows(tmp_path, "2024-01-04").height == 14


def test_a_range_run_names_each_dates_own_teams_not_yet_submitted(tmp_path):
    lz.LocalLanding(tmp_path / "landing").write(lz.injury_report_path("2024-01-04", "2024-01-04_12PM"), PDF.read_bytes())
    resources = local_resources(str(tmp_path / "landing"), str(tmp_path / "warehouse.duckdb"))
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [raw_injury_report], resources=resources, instance=instance,
            tags={"dagster/asset_partition_range_start": "2024-01-04", "dagster/asset_partition_range_end": "2024-01-05"},
        )
    assert result.success
    events = {e.partition: e.metadata for e in result.asset_materializations_for_node("raw_injury_report")}
    assert set(events) == {"2024-01-04", "2024-01-05"}
    for day, meta in events.items():
        assert all(entry.startswith(f"{day} ") for entry in meta["teams_not_yet_submitted"].value)
    assert len(events["2024-01-05"]["teams_not_yet_submitted"].value) == 28


def test_balldontlie_snapshot_lands_on_the_teams_next_game(tmp_path):
    zone = lz.LocalLanding(tmp_path / "landing")
    schedule = lz.schedule_path("2025-26")
    os.makedirs(tmp_path / "landing" / os.path.dirname(schedule))
    os.symlink(REAL_LANDING / schedule, tmp_path / "landing" / schedule)
    snapshot = dt.datetime(2025, 11, 3, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 ET
    zone.write(lz.bdl_player_injuries_path(snapshot), BDL_SMALL.read_bytes())
    # Boston's next game after the snapshot, per the real schedule.
    from nba_platform.raw.nba_cdn import parse_schedule

    games = parse_schedule((REAL_LANDING / schedule).read_bytes(), schedule)
    nxt = (
        games.filter(
            ((pl.col("home_team_abbr") == "BOS") | (pl.col("away_team_abbr") == "BOS"))
            & (pl.col("tip_time_utc") > snapshot)
        )
        .sort("tip_time_utc")
        .row(0, named=True)
    )
    day = nxt["game_date"].isoformat()
    _materialize(tmp_path, day)
    rows = _rows(tmp_path, day)
    assert rows["source"].unique().to_list() == ["balldontlie"]
    assert sorted(rows["player_lookup"]) == ["jaylenbrown", "jaysontatum"]
    assert rows["game_id"].unique().to_list() == [nxt["game_id"]]
    assert rows["edition"].unique().to_list() == ["20251103T150000Z"]
    # The game before the snapshot's date does not see it.
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    _materialize(tmp_path, before)
    assert _rows(tmp_path, before).height == 0


def test_no_report_is_an_empty_partition(tmp_path):
    (tmp_path / "landing").mkdir()
    meta = _materialize(tmp_path, "2025-11-05")
    assert meta["dagster/row_count"].value == 0 and meta["report_files"].value == 0


def test_sensor_requests_the_report_date_and_the_next_day(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    zone.write(lz.injury_report_path("2024-01-04", "2024-01-04_12PM"), PDF.read_bytes())
    with dg.instance_for_test() as instance:
        ctx = dg.build_sensor_context(instance=instance, resources={"landing": LandingResource(root=str(tmp_path))})
        result = landing_zone_sensor(ctx)
        requested = sorted((r.partition_key, tuple(k.to_user_string() for k in r.asset_selection)) for r in result.run_requests)
        assert requested == [("2024-01-04", ("raw_injury_report",)), ("2024-01-05", ("raw_injury_report",))]
        # A later edition is a new file: both dates again, under new run keys.
        zone.write(lz.injury_report_path("2024-01-04", "2024-01-04_05PM"), PDF.read_bytes()[:-10] + b"%%EOF\n" * 2)
        ctx = dg.build_sensor_context(
            instance=instance, cursor=result.cursor, resources={"landing": LandingResource(root=str(tmp_path))}
        )
        again = landing_zone_sensor(ctx).run_requests
        assert sorted(r.partition_key for r in again) == ["2024-01-04", "2024-01-05"]
        assert {r.run_key for r in again}.isdisjoint({r.run_key for r in result.run_requests})
