"""Idempotency: re-materializing any asset for a partition gives identical rows; re-landing the same
file changes nothing (no write, no kept version, no run request from the sensor)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import dagster as dg
import pytest

from nba_platform import tables as schemas
from nba_platform.core.calendar import week_start
from nba_platform.definitions import ALL_ASSETS, points_model
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.resources import local_resources
from nba_platform.scrape.land import land

from ..helpers import table_hash
from .conftest import END, START

TABLE_ASSETS = [a for a in ALL_ASSETS if a is not points_model]


def _played_dates(landing) -> list[dt.date]:
    folder = landing / lz.PLAYER_BOXSCORES
    return sorted(d for d in (dt.date.fromisoformat(p.name) for p in folder.iterdir()) if START <= d <= END)


def test_every_asset_rematerialized_for_a_partition_gives_identical_rows(reference, tmp_path):
    warehouse = reference.copy(tmp_path)
    day = _played_dates(reference.landing)[-1]  # a date with history before it: every table has rows
    resources = local_resources(landing_dir=str(reference.landing), warehouse_path=str(warehouse))
    model_file = tmp_path / "models" / "points_model" / week_start(day).isoformat()
    model_before = model_file.read_bytes()
    with dg.instance_for_test() as instance:
        for asset in [*TABLE_ASSETS, points_model]:
            key = week_start(day).isoformat() if asset is points_model else day.isoformat()
            result = dg.materialize(
                ALL_ASSETS, selection=[asset], partition_key=key, resources=resources, instance=instance
            )
            assert result.success, asset.key
    assert model_file.read_bytes() == model_before  # the weekly model: byte for byte (training is deterministic)
    for name in schemas.TABLES:
        assert table_hash(name, warehouse) == reference.hashes[name], name


@pytest.fixture
def small_landing(reference, tmp_path):
    """A writable copy of two dates of the league (box scores, lines) and its schedule."""
    dest = tmp_path / "landing"
    days = _played_dates(reference.landing)[:2]
    for rel in [lz.schedule_path("2025-26")] + [
        p.relative_to(reference.landing).as_posix()
        for d in days for prefix in (lz.PLAYER_BOXSCORES, lz.TEAM_BOXSCORES, lz.ODDS_PLAYER_POINTS)
        for p in (reference.landing / prefix / d.isoformat()).rglob("*.json")
    ]:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(reference.landing / rel, dest / rel)
    return dest


def _tick(instance, root, cursor):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"landing": LandingResource(root=str(root))})
    result = landing_zone_sensor(ctx)
    return result.run_requests, result.cursor


def test_relanding_the_same_files_changes_nothing(small_landing):
    zone = lz.LocalLanding(small_landing)
    files = zone.list()
    before = {f: (zone.read_bytes(f), os.stat(small_landing / f).st_mtime_ns) for f in files}
    with dg.instance_for_test() as instance:
        requests, cursor = _tick(instance, small_landing, None)
        assert requests  # the first scan requests the raw runs
        # The scrapers' path and the landing zone's own write: identical bytes are not written.
        for f in files:
            assert land(zone, f, before[f][0], logger=dg.get_dagster_logger()).changed is False
            assert zone.write(f, before[f][0]) is False
        assert not (small_landing / lz.VERSIONS_DIR).exists()
        assert {f: (zone.read_bytes(f), os.stat(small_landing / f).st_mtime_ns) for f in files} == before
        assert _tick(instance, small_landing, cursor)[0] == []
        # Copied over by hand (same bytes, new mtime): the sensor re-reads, sees the same digest, requests nothing.
        for f in files:
            (small_landing / f).write_bytes(before[f][0])
            os.utime(small_landing / f, ns=(before[f][1] + 10**9, before[f][1] + 10**9))
        assert _tick(instance, small_landing, cursor)[0] == []
