"""The one place where assets, checks, sensors, jobs and this environment's resources meet."""

from __future__ import annotations

import dagster as dg

from nba_platform.assets import ALL_ASSETS, RAW_ASSETS
from nba_platform.assets.models import points_model
from nba_platform.resources import resources_for_env
from nba_platform.schedules import SCRAPE_SCHEDULES
from nba_platform.scrape.jobs import SCRAPE_JOBS
from nba_platform.sensors import landing_zone_sensor

# The daily graph for a range of dates in one run (each daily asset is single-run backfillable);
# the weekly model has its own job.
all_assets_job = dg.define_asset_job(
    "all_assets_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(points_model)
)
points_model_job = dg.define_asset_job(
    "points_model_job", selection=dg.AssetSelection.assets(points_model)
)
raw_assets_job = dg.define_asset_job(
    "raw_assets_job", selection=dg.AssetSelection.assets(*RAW_ASSETS)
)


def build_defs(resources: dict[str, object] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        sensors=[landing_zone_sensor],
        schedules=SCRAPE_SCHEDULES,
        jobs=[all_assets_job, points_model_job, raw_assets_job, *SCRAPE_JOBS.values()],
        resources=resources or resources_for_env(),
    )


defs = build_defs()
