"""The policies in nba_platform/policies.py reach the definitions and the shipped instance settings."""

from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from nba_platform import policies
from nba_platform.definitions import build_defs, defs
from nba_platform.resources import local_resources

from ..helpers import SHIPPED_DAGSTER_YAML

ET = ZoneInfo("America/New_York")


def _specs(tmp_path) -> dict[str, dg.AssetSpec]:
    defs = build_defs(local_resources(str(tmp_path / "landing"), str(tmp_path / "w.duckdb")))
    graph = defs.resolve_asset_graph()
    return {node.key.to_user_string(): node for node in graph.asset_nodes}


def test_every_asset_has_its_deadline_pool_and_retry_policy(tmp_path):
    nodes = _specs(tmp_path)
    assert {dg.AssetKey(name) for name in nodes} == set(policies.FRESHNESS)
    predictions = nodes["player_prop_predictions"].freshness_policy
    assert (predictions.deadline_cron, predictions.timezone, predictions.lower_bound_delta) == (
        "0 7 * * *", "America/New_York", dt.timedelta(hours=7)
    )
    boxscores = nodes["raw_player_boxscores"].freshness_policy
    assert (boxscores.deadline_cron, boxscores.lower_bound_delta) == ("0 4 * * *", dt.timedelta(hours=6))
    lines = nodes["raw_prop_lines"].freshness_policy
    assert (lines.fail_window.to_timedelta(), lines.warn_window.to_timedelta()) == (
        dt.timedelta(hours=3), dt.timedelta(hours=2, minutes=30)
    )
    defs = build_defs(local_resources(str(tmp_path / "landing"), str(tmp_path / "w.duckdb")))
    for assets_def in defs.assets:
        op = assets_def.op
        assert op.pool == "duckdb_writer"
        assert op.retry_policy == policies.WAREHOUSE_RETRY
        assert op.retry_policy.backoff == dg.Backoff.EXPONENTIAL and op.retry_policy.jitter == dg.Jitter.PLUS_MINUS
    conditions = {k: n.automation_condition for k, n in nodes.items() if n.automation_condition}
    assert set(conditions) == {
        "team_game_summary", "player_game_summary", "upcoming_player_game_context", "ml_feature_store",
        "points_model", "player_prop_predictions", "prediction_results", "system_daily_performance",
        "exports_tonight", "exports_results", "exports_players", "exports_systems", "exports_best_bets", "exports_page",
    }


def test_policies_name_exactly_the_assets_of_the_definitions():
    assets = {node.key for node in defs.resolve_asset_graph().asset_nodes}
    assert assets - set(policies.FRESHNESS) == set(), "assets without a freshness policy"
    assert set(policies.FRESHNESS) - assets == set(), "freshness policies of assets that do not exist"
    assert assets - set(policies.AUTOMATION) == set(), "assets without an automation entry (None for none)"
    assert set(policies.AUTOMATION) - assets == set(), "automation entries of assets that do not exist"
    # "No condition" is a decision, written down as None: only the raw assets (the landing sensor runs them).
    unconditioned = {key.to_user_string() for key, condition in policies.AUTOMATION.items() if condition is None}
    assert unconditioned == {"raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines"}


def test_an_asset_missing_from_the_policies_is_an_error():
    with pytest.raises(policies.MissingPolicyError, match="raw_schedul has no entry in policies.FRESHNESS or AUTOMATION"):
        policies.with_policies(dg.AssetSpec("raw_schedul"))
    spec = policies.with_policies(dg.AssetSpec("raw_schedule"))
    assert spec.automation_condition is None and spec.freshness_policy is not None


def test_bigquery_environment_uses_its_own_pool(monkeypatch):
    monkeypatch.setenv("NBA_PLATFORM_ENV", "prod")
    assert policies.warehouse_pool() == "bigquery_writer"


def test_alerts_are_game_aware():
    lines = policies.FRESHNESS[dg.AssetKey("raw_prop_lines")]
    boxscores = policies.FRESHNESS[dg.AssetKey("raw_player_boxscores")]
    game_days = {dt.date(2025, 11, 5)}.__contains__
    noon = dt.datetime(2025, 11, 5, 12, tzinfo=ET)
    assert lines.alert_active(noon, game_days)
    assert not lines.alert_active(noon.replace(hour=20), game_days)  # after tip-off: lines do not matter
    assert not lines.alert_active(noon + dt.timedelta(days=1), game_days)  # no games that day
    assert not boxscores.alert_active(noon, game_days)  # last night had no games
    assert boxscores.alert_active(noon + dt.timedelta(days=1), game_days)  # box scores of the 5th


def test_shipped_instance_settings(tmp_path):
    shutil.copy(SHIPPED_DAGSTER_YAML, tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        assert not instance.run_retries_retry_on_asset_or_op_failure
        assert instance.freshness_enabled and instance.auto_materialize_use_sensors
        assert not instance.telemetry_enabled
        pools = instance.get_concurrency_config().pool_config
        assert (pools.default_pool_limit, pools.pool_granularity.value) == (1, "op")
        assert {"SENSOR", "ASSET", "FRESHNESS_DAEMON", "BACKFILL", "EVENT_LOG_CONSUMER", "QUEUED_RUN_COORDINATOR", "MONITORING"} <= set(
            instance.get_required_daemon_types()
        )
        assert policies.apply_pool_limits(instance)["duckdb_writer"] == 1
        assert instance.event_log_storage.get_concurrency_info("duckdb_writer").slot_count == 1
        assert instance.event_log_storage.get_concurrency_info("scrape_odds_api").slot_count == 2


def test_job_steps_fork_from_a_preloaded_server():
    # Spawned step processes re-import dagster, polars, lightgbm and the package (seconds per step);
    # forked from a forkserver that preloaded the definitions they start at once (bench/, parallelism).
    job = build_defs(local_resources()).resolve_job_def("all_assets_job")
    resolved = job.executor_def.config_schema.resolve_config({}).value["config"]
    assert resolved["multiprocess"]["start_method"] == {"forkserver": {"preload_modules": ["nba_platform.definitions"]}}
