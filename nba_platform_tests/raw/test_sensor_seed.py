"""The landing sensor's cursor seeded after a run without the daemon (the demo): stored where the daemon
reads it, with the status declared in code, and from it only files that land later request runs."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import dagster as dg
import yaml

from nba_platform.core.dagster_private import InstigatorStatus, stored_sensor_state
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.sensors import handled_cursor, landing_zone_sensor, seed_landing_cursor

from ..conftest import REAL_LANDING

ROOT = Path(__file__).resolve().parents[2]
LOCATION, MODULE = "nba_platform", "nba_platform.definitions"


def _land(zone: lz.LocalLanding, rels: list[str]) -> None:
    for rel in rels:
        zone.write(rel, (REAL_LANDING / rel).read_bytes())


def _tick(instance, root: Path, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"landing": LandingResource(root=str(root))})
    result = landing_zone_sensor(context)
    return sorted((r.partition_key, *(k.to_user_string() for k in r.asset_selection)) for r in result.run_requests)


def test_seeded_cursor_requests_nothing_landed_before_and_everything_after(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    _land(zone, [lz.schedule_path("2025-26"), lz.player_boxscores_path("2025-11-01"), lz.team_boxscores_path("2025-11-01")])
    with dg.instance_for_test() as instance:
        # Without a cursor the sensor asks for every date of the season schedule: the flood.
        flood = _tick(instance, tmp_path, None)
        schedule_dates = sorted(d for d, *assets in flood if "raw_schedule" in assets)
        assert len(flood) == len(schedule_dates) > 40

        cursor = seed_landing_cursor(instance, zone, LOCATION, MODULE)
        state = stored_sensor_state(instance, LOCATION, "landing_zone_sensor")
        assert state is not None and state.instigator_data.cursor == cursor == handled_cursor(zone)
        # Still running as declared in code (the CLI's `sensor cursor --set` would store it STOPPED).
        assert state.status == InstigatorStatus.DECLARED_IN_CODE
        assert state.instigator_data.min_interval == landing_zone_sensor.minimum_interval_seconds
        recorded = json.loads(cursor)
        assert set(recorded["files"]) == set(zone.list()) and recorded["deferred"] == {}
        # Every date of the schedule is recorded, the last (never materialized by the demo) too.
        assert {u.split("#")[1] for u in recorded["units"] if u.startswith(lz.schedule_path("2025-26"))} == set(schedule_dates)

        assert _tick(instance, tmp_path, state.instigator_data.cursor) == []
        # A file that lands afterwards is requested, alone.
        _land(zone, [lz.player_boxscores_path("2025-11-02")])
        assert _tick(instance, tmp_path, cursor) == [("2025-11-02", "raw_player_boxscores")]


def test_seeding_again_updates_the_one_state_and_keeps_its_status(tmp_path):
    zone = lz.LocalLanding(tmp_path)
    _land(zone, [lz.team_boxscores_path("2025-11-01")])
    with dg.instance_for_test() as instance:
        first = seed_landing_cursor(instance, zone, LOCATION, MODULE)
        # Someone stopped the sensor in the UI; the next demo seeds again.
        state = stored_sensor_state(instance, LOCATION, "landing_zone_sensor")
        instance.update_instigator_state(state.with_status(InstigatorStatus.STOPPED))
        _land(zone, [lz.team_boxscores_path("2025-11-02")])
        second = seed_landing_cursor(instance, zone, LOCATION, MODULE)
        assert second != first and len(json.loads(second)["files"]) == 2
        states = instance.all_instigator_state(instigator_type=state.instigator_type)
        assert len(states) == 1
        assert states[0].status == InstigatorStatus.STOPPED and states[0].instigator_data.cursor == second
        assert seed_landing_cursor(instance, zone, LOCATION, MODULE) == second  # idempotent


def test_the_code_location_has_one_name_everywhere():
    from nba_platform.definitions import CODE_LOCATION

    workspace = yaml.safe_load((ROOT / "workspace.yaml").read_text())["load_from"][0]["python_module"]
    assert (workspace["location_name"], workspace["module_name"]) == (CODE_LOCATION, MODULE)
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dagster"]["code_location_name"] == CODE_LOCATION
    cloud = yaml.safe_load((ROOT / "dagster_cloud.yaml").read_text())["locations"][0]
    assert cloud["location_name"] == CODE_LOCATION
    assert "dagster dev -w workspace.yaml" in (ROOT / "Makefile").read_text()
