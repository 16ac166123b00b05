"""The jobs the CLI runs (runner.materialize_range) are jobs of `definitions.defs`: they split the graph
around the weekly model, carry every asset's checks and the policies definitions.py applies."""

from __future__ import annotations

import dagster as dg

from nba_platform.definitions import defs

RANGE_JOBS = ("features_job", "points_model_job", "predictions_job")


def _assets(job: dg.JobDefinition) -> set[str]:
    return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}


def test_the_range_jobs_split_the_graph_around_the_weekly_model():
    graph = defs.resolve_asset_graph()
    features, model, predictions = (_assets(defs.resolve_job_def(name)) for name in RANGE_JOBS)
    assert model == {"points_model"}
    assert not features & predictions and "points_model" not in features | predictions
    assert features | model | predictions == {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert features == {
        "raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "raw_injury_report",
        "team_game_summary", "player_game_summary", "upcoming_player_game_context", "ml_feature_store",
    }
    # Nothing in the first run reads what a later run writes; everything in the last reads the model.
    for name in features:
        parents = {key.to_user_string() for key in graph.get(dg.AssetKey(name)).parent_keys}
        assert parents <= features, name
    downstream = dg.AssetSelection.assets("points_model").downstream().resolve(graph)
    assert {dg.AssetKey(name) for name in predictions} < downstream
    assert _assets(defs.resolve_job_def("all_assets_job")) == features | predictions


def test_the_range_jobs_run_every_check_of_their_assets():
    graph = defs.resolve_asset_graph()
    for name in RANGE_JOBS:
        job = defs.resolve_job_def(name)
        assets = job.asset_layer.selected_asset_keys
        expected = {check for check in graph.asset_check_keys if check.asset_key in assets}
        assert set(job.asset_layer.asset_graph.asset_check_keys) == expected, name
        assert expected or name == "points_model_job", name


def test_the_range_jobs_carry_the_policies():
    for name in RANGE_JOBS:
        job = defs.resolve_job_def(name)
        for key in job.asset_layer.selected_asset_keys:
            node = job.asset_layer.asset_graph.get(key)
            assert node.freshness_policy is not None, key
            assert node.automation_condition is not None or key.to_user_string().startswith("raw_"), key
