"""The one place where assets, checks, sensors, jobs, policies and this environment's resources meet."""

from __future__ import annotations

from nba_platform.core.settings import configure_openmp, freeze_long_lived, pause_collector

# The code location is an entry point (`dagster dev`, the forkserver's preload, Dagster+): libgomp reads
# OMP_WAIT_POLICY once, when lightgbm is first imported, so it is set before the imports below load it.
configure_openmp()
# The imports and the definitions below live as long as the process: built without the cyclic collector,
# frozen out of its way at the end of this module (core/settings.py says why).
_COLLECTOR_WAS_ON = pause_collector()

from pathlib import Path  # noqa: I001  (after configure_openmp on purpose)

import dagster as dg

from nba_platform import policies
from nba_platform.alerts.sensors import ALERT_SENSORS
from nba_platform.analytics.assets import player_game_summary, team_game_summary, upcoming_player_game_context
from nba_platform.core.settings import source_repository
from nba_platform.features.assets import ml_feature_store
from nba_platform.grading.assets import prediction_results, system_daily_performance
from nba_platform.predictions.assets import player_prop_predictions, points_model
from nba_platform.publishing.assets import PUBLISHING_ASSETS
from nba_platform.raw.assets import (
    raw_injury_report,
    raw_player_boxscores,
    raw_prop_lines,
    raw_schedule,
    raw_team_boxscores,
)
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.resources import resources_for_env
from nba_platform.scrape.jobs import SCRAPE_JOBS
from nba_platform.scrape.schedules import SCRAPE_SCHEDULES

# The code location's name wherever the definitions are served: workspace.yaml (`make dev`),
# [tool.dagster] in pyproject.toml, dagster_cloud.yaml. Sensor state in the instance is keyed by it.
CODE_LOCATION = "nba_platform"

RAW_ASSETS = [raw_schedule, raw_player_boxscores, raw_team_boxscores, raw_prop_lines, raw_injury_report]
ALL_ASSETS = [
    *RAW_ASSETS,
    team_game_summary,
    player_game_summary,
    upcoming_player_game_context,
    ml_feature_store,
    points_model,
    player_prop_predictions,
    prediction_results,
    system_daily_performance,
    *PUBLISHING_ASSETS,
]


def _with_code_references(assets: list) -> list:
    """Each asset links to the code that defines it: the file in the repository when the settings name
    one (`NBA_PLATFORM_GIT_URL`), else the local path."""
    assets = dg.with_source_code_references(assets)
    repository = source_repository()
    if repository is None:
        return list(assets)
    url, branch = repository
    return list(
        dg.link_code_references_to_git(
            assets,
            git_url=url,
            git_branch=branch,
            file_path_mapping=dg.AnchorBasedFilePathMapping(
                local_file_anchor=Path(__file__), file_anchor_path_in_repository="nba_platform/definitions.py"
            ),
        )
    )


# Freshness policy and automation condition of every asset, from policies.py (the one place
# deadlines and automation rules are written down; an asset missing there is an error).
ASSETS = _with_code_references(dg.map_asset_specs(policies.with_policies, ALL_ASSETS))

# The daily graph for a range of dates in one run (each daily asset is single-run backfillable);
# the weekly model has its own job. Partitions are inferred from the selected assets.
MODEL = dg.AssetSelection.assets(points_model)
all_assets_job = dg.define_asset_job("all_assets_job", selection=dg.AssetSelection.all() - MODEL)
points_model_job = dg.define_asset_job("points_model_job", selection=MODEL)
raw_assets_job = dg.define_asset_job("raw_assets_job", selection=dg.AssetSelection.assets(*RAW_ASSETS))
# The same daily graph split around the weekly model, as a range backfill needs it (runner.py): the
# dates' history through the feature store, then the model of each week, then what reads the model.
features_job = dg.define_asset_job(
    "features_job",
    selection=dg.AssetSelection.all() - MODEL.downstream(),
    description="Every daily asset the weekly points_model reads (raw through the feature store).",
)
predictions_job = dg.define_asset_job(
    "predictions_job",
    selection=MODEL.downstream() - MODEL,
    description="Every daily asset that reads the weekly points_model (predictions, grading, publishing).",
)

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
        jobs=[all_assets_job, points_model_job, raw_assets_job, features_job, predictions_job, *SCRAPE_JOBS.values()],
        resources=resources or resources_for_env(),
        executor=EXECUTOR,
    )


defs = build_defs()

freeze_long_lived(resume=_COLLECTOR_WAS_ON)
