"""The one place where assets, checks, sensors, jobs, policies and this environment's resources meet."""

from __future__ import annotations

import dagster as dg

from nba_platform import policies
from nba_platform.alert_sensors import ALERT_SENSORS
from nba_platform.assets import ALL_ASSETS, RAW_ASSETS
from nba_platform.assets.models import points_model
from nba_platform.resources import resources_for_env
from nba_platform.schedules import SCRAPE_SCHEDULES
from nba_platform.scrape.jobs import SCRAPE_JOBS
from nba_platform.sensors import landing_zone_sensor

# Freshness policy and automation condition of every asset, from policies.py (the one place
# deadlines and automation rules are written down).
ASSETS = dg.map_asset_specs(policies.with_policies, ALL_ASSETS)

# The daily graph for a range of dates in one run (each daily asset is single-run backfillable);
# the weekly model has its own job. Partitions are inferred from the selected assets.
all_assets_job = dg.define_asset_job(
    "all_assets_job", selection=dg.AssetSelection.all() - dg.AssetSelection.assets(points_model)
)
points_model_job = dg.define_asset_job("points_model_job", selection=dg.AssetSelection.assets(points_model))
raw_assets_job = dg.define_asset_job("raw_assets_job", selection=dg.AssetSelection.assets(*RAW_ASSETS))

# Evaluates the automation conditions (raw -> analytics -> features -> predictions -> grading).
automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=policies.AUTOMATION_SENSOR_INTERVAL_SECONDS,
    description="Moves data down the graph as inputs land (conditions in nba_platform/policies.py).",
)


# Runs launched by the daemon or the UI execute each step in its own process. Spawned processes would
# each import dagster, polars, lightgbm and this package again (~3-5 s a step on 2 cores, 10x the step's
# own work for one date); forked from a server that imported them once, a step starts in well under a second.
EXECUTOR = dg.multi_or_in_process_executor.configured(
    {"multiprocess": {"start_method": {"forkserver": {"preload_modules": ["nba_platform.definitions"]}}}}
)


def build_defs(resources: dict[str, object] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        sensors=[landing_zone_sensor, automation_sensor, *ALERT_SENSORS],
        schedules=SCRAPE_SCHEDULES,
        jobs=[all_assets_job, points_model_job, raw_assets_job, *SCRAPE_JOBS.values()],
        resources=resources or resources_for_env(),
        executor=EXECUTOR,
    )


defs = build_defs()
