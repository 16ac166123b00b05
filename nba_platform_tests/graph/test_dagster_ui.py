"""`make dev`: `dagster dev` loads the definitions and the UI serves every asset with its lineage,
its freshness policy and automation condition, and the sensors that run the platform."""

from __future__ import annotations

import time

import pytest

from ..helpers import dagster_dev, graphql

EXPECTED_EDGES = {
    ("team_game_summary", "raw_team_boxscores"),
    ("team_game_summary", "raw_schedule"),
    ("team_game_summary", "raw_player_boxscores"),
    ("player_game_summary", "raw_player_boxscores"),
    ("player_game_summary", "team_game_summary"),
    ("player_game_summary", "raw_prop_lines"),
    ("player_game_summary", "raw_schedule"),
    ("upcoming_player_game_context", "raw_schedule"),
    ("upcoming_player_game_context", "raw_prop_lines"),
    ("upcoming_player_game_context", "raw_injury_report"),
    ("upcoming_player_game_context", "player_game_summary"),
    ("upcoming_player_game_context", "team_game_summary"),
    ("ml_feature_store", "upcoming_player_game_context"),
    ("ml_feature_store", "player_game_summary"),
    ("ml_feature_store", "team_game_summary"),
    ("points_model", "ml_feature_store"),
    ("points_model", "player_game_summary"),
    ("points_model", "team_game_summary"),
    ("player_prop_predictions", "ml_feature_store"),
    ("player_prop_predictions", "points_model"),
    ("player_prop_predictions", "player_game_summary"),
    ("player_prop_predictions", "team_game_summary"),
    ("system_daily_performance", "prediction_results"),
    ("prediction_results", "player_prop_predictions"),
    ("prediction_results", "player_game_summary"),
    ("exports_tonight", "player_prop_predictions"),
    ("exports_tonight", "ml_feature_store"),
    ("exports_tonight", "raw_schedule"),
    ("exports_results", "prediction_results"),
    ("exports_results", "player_prop_predictions"),
    ("exports_players", "player_game_summary"),
    ("exports_players", "prediction_results"),
    ("exports_players", "player_prop_predictions"),
    ("exports_systems", "system_daily_performance"),
    ("exports_systems", "prediction_results"),
    ("exports_best_bets", "player_prop_predictions"),
    ("exports_best_bets", "prediction_results"),
    ("exports_best_bets", "raw_schedule"),
    ("exports_page", "exports_best_bets"),
    ("exports_page", "prediction_results"),
    ("exports_page", "exports_tonight"),
    ("exports_page", "exports_systems"),
    ("exports_page", "system_daily_performance"),
}
PUBLISHING = {"exports_tonight", "exports_results", "exports_players", "exports_systems", "exports_best_bets", "exports_page"}


@pytest.fixture
def dagster_dev_port(tmp_path):
    with dagster_dev(tmp_path) as port:
        yield port


def test_ui_shows_every_asset_with_its_lineage(dagster_dev_port):
    deadline = time.monotonic() + 60
    while True:
        data = graphql(
            dagster_dev_port,
            "{ assetNodes { assetKey { path } dependencyKeys { path } groupName "
            "internalFreshnessPolicy { __typename } automationCondition { label } } }",
        )
        nodes = (data.get("data") or {}).get("assetNodes") or []
        if nodes or time.monotonic() > deadline:
            break
        time.sleep(1)  # the code location may still be loading
    names = {n["assetKey"]["path"][-1] for n in nodes}
    assert names == {
        "raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "raw_injury_report",
        "team_game_summary", "player_game_summary", "upcoming_player_game_context", "ml_feature_store",
        "points_model", "system_daily_performance", "player_prop_predictions", "prediction_results", *PUBLISHING,
    }
    assert {n["assetKey"]["path"][-1] for n in nodes if n["groupName"] == "publishing"} == PUBLISHING
    edges = {(n["assetKey"]["path"][-1], d["path"][-1]) for n in nodes for d in n["dependencyKeys"]}
    assert edges == EXPECTED_EDGES
    policies = {n["assetKey"]["path"][-1]: n["internalFreshnessPolicy"]["__typename"] for n in nodes}
    assert policies["raw_prop_lines"] == policies["raw_injury_report"] == "TimeWindowFreshnessPolicy"
    assert policies["player_prop_predictions"] == "CronFreshnessPolicy" and len(policies) == len(names)
    conditions = {n["assetKey"]["path"][-1]: (n["automationCondition"] or {}).get("label") for n in nodes}
    assert conditions["ml_feature_store"] == "features_on_history_or_schedule"
    assert conditions["raw_team_boxscores"] is None  # raw assets run from the landing sensor
    sensors = graphql(
        dagster_dev_port,
        "{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name sensorState { status } } } } } }",
    )
    status = {s["name"]: s["sensorState"]["status"] for r in sensors["data"]["repositoriesOrError"]["nodes"] for s in r["sensors"]}
    assert status == {
        "landing_zone_sensor": "RUNNING",
        "automation_sensor": "RUNNING",
        "freshness_alert_sensor": "RUNNING",
        "run_failure_alert_sensor": "RUNNING",
    }
