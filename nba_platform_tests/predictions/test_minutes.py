"""The minutes projection: what it learns, what it may see, and how it reaches the systems and the report."""

from __future__ import annotations

import datetime as dt

import lightgbm as lgb
import numpy as np
import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.grading.evaluation import evaluate, minutes_accuracy
from nba_platform.grading.grade import grade_predictions
from nba_platform.predictions import minutes
from nba_platform.predictions.bundle import ModelBundle
from nba_platform.predictions.predict import predict_props
from nba_platform.predictions.systems import lightgbm_model
from nba_platform.predictions.systems.base import SystemInputs
from nba_platform.predictions.systems.matchup import Matchup
from nba_platform.predictions.training import train_week

from ..frames import history_rows
from .test_systems import _league, feature_row, inputs


def _rows(n: int, seed: int, with_absences: bool = True) -> pl.DataFrame:
    """Feature-like rows whose minutes rise with the share of team minutes out: a role player averaging
    24 minutes plays 24 + 40 x share (+ noise). The last-5 average cannot know that; the model can."""
    rng = np.random.default_rng(seed)
    share = rng.uniform(0.0, 0.3, n)
    last5 = rng.normal(24.0, 1.0, n)
    frame = pl.DataFrame(
        {
            "game_date": [dt.date(2025, 1, 1) + dt.timedelta(days=int(i)) for i in rng.integers(0, 60, n)],
            "minutes_avg_last_5": last5,
            "minutes_avg_season": last5,
            "actual_minutes": last5 + 40.0 * share + rng.normal(0.0, 1.0, n),
        }
    )
    if with_absences:
        frame = frame.with_columns(team_out_minutes_share=pl.Series(share), q_team_out_minutes_share=pl.lit("computed"))
    return frame


def _mae(a: pl.Series, b: pl.Series) -> float:
    return float((a - b).abs().mean())


def test_model_uses_who_is_out_when_the_frame_has_it_and_beats_the_naive_baselines():
    train, valid, test = _rows(3000, 1), _rows(600, 2), _rows(600, 3)
    model = minutes.train(train, valid)
    assert "team_out_minutes_share" in model.inputs
    projected = minutes.project(test, model)
    # Noise alone is an MAE of 0.8 minutes; ignoring the absences costs about 3.
    assert _mae(projected, test["actual_minutes"]) < 1.3
    assert _mae(test["minutes_avg_last_5"], test["actual_minutes"]) > 2.5
    assert set(model.metadata["validation_mae"]) == {"projected_minutes", *minutes.BASELINES}
    assert model.metadata["validation_mae"]["projected_minutes"] < model.metadata["validation_mae"]["baseline_minutes_last5"]


def test_a_flag_saying_missing_hides_the_value_and_frames_without_the_column_still_work():
    model = minutes.train(_rows(3000, 1), _rows(600, 2))
    test = _rows(400, 4)
    high = test.with_columns(team_out_minutes_share=pl.lit(0.3))
    flagged = high.with_columns(q_team_out_minutes_share=pl.lit("missing"))
    absent = test.drop("team_out_minutes_share", "q_team_out_minutes_share")
    # Flagged missing == the column absent (both NaN to the model), and differs from the value itself.
    assert minutes.project(flagged, model).to_list() == pytest.approx(minutes.project(absent, model).to_list())
    assert float(minutes.project(high, model).mean()) > float(minutes.project(flagged, model).mean()) + 3
    # Trained without availability columns: base inputs only, and it still projects.
    plain = minutes.train(_rows(3000, 1, with_absences=False), _rows(600, 2, with_absences=False))
    assert plain.inputs == minutes.BASE_INPUTS
    assert minutes.project(test, plain).null_count() == 0


def test_projections_stay_within_a_game_and_are_null_without_a_model():
    model = minutes.train(_rows(2000, 1), _rows(400, 2))
    extreme = _rows(50, 5).with_columns(minutes_avg_last_5=pl.lit(80.0), minutes_avg_season=pl.lit(80.0))
    projected = minutes.project(extreme, model)
    assert projected.min() >= 0 and projected.max() <= minutes.MAX_MINUTES
    rows = minutes.with_projection(extreme, None)
    assert rows["projected_minutes"].null_count() == rows.height
    assert set(rows["q_projected_minutes"]) == {"missing"}


def test_cross_fitted_projection_of_a_row_never_sees_its_own_minutes():
    rows = _rows(2400, 6)
    model = minutes.train(rows, _rows(400, 7))
    first_block = rows["game_date"] < dt.date(2025, 1, 21)  # the first of three blocks of 60 dates
    oof = minutes.cross_fitted(rows, model)
    tampered = minutes.cross_fitted(
        rows.with_columns(actual_minutes=pl.when(pl.Series(first_block)).then(48.0).otherwise(pl.col("actual_minutes"))),
        model,
    )
    # Rows of the tampered block keep their projections; the other blocks' models saw the change.
    assert oof.filter(first_block).to_list() == pytest.approx(tampered.filter(first_block).to_list())
    assert not np.allclose(oof.filter(~first_block).to_numpy(), tampered.filter(~first_block).to_numpy())


def test_played_minutes_keeps_only_games_played():
    history = history_rows([(dt.date(2025, 1, 2), 1, 1, 10, 30.0), (dt.date(2025, 1, 2), 2, 1, 0, 0.0)])
    assert minutes.played_minutes(history)["actual_minutes"].to_list() == [30.0, 0.0]
    listed = history.with_columns(played=pl.Series([True, False]))
    assert minutes.played_minutes(listed).select("player_id", "actual_minutes").rows() == [(1, 30.0)]


def test_matchup_reads_projected_minutes_when_the_vector_has_them():
    row = feature_row(points_avg_season=20.0, expected_points_by_minutes=24.0, points_per_minute_last_10=0.5)
    assert Matchup().predict(inputs(row))["predicted_points"][0] == pytest.approx(22.0)
    projected = row.with_columns(projected_minutes=pl.lit(36.0))
    assert Matchup().predict(inputs(projected))["predicted_points"][0] == pytest.approx((20.0 + 18.0) / 2)
    unknown = row.with_columns(projected_minutes=pl.lit(None, dtype=pl.Float64))
    assert Matchup().predict(inputs(unknown))["predicted_points"][0] == pytest.approx(22.0)


def test_weekly_bundle_carries_a_point_in_time_minutes_model_that_reaches_predictions_and_the_report():
    features, players, teams, dates = _league(80)
    week = dt.date(2025, 1, 20)
    bundle = train_week(week, features, players, teams)
    assert bundle.minutes is not None and bundle.minutes.rounds > 0
    assert "projected_minutes" in bundle.metadata["feature_importance"]
    assert bundle.metadata["minutes_model"]["validation_mae"]["projected_minutes"] is not None
    # Games from the week on change nothing in the week's minutes model.
    later = pl.col("game_date") >= week
    tampered = players.with_columns(minutes=pl.when(later).then(48.0).otherwise(pl.col("minutes")))
    assert train_week(week, features, tampered, teams).minutes.booster_text == bundle.minutes.booster_text

    target = features.filter((pl.col("game_date") >= week) & (pl.col("game_date") < week + dt.timedelta(days=7)))
    preds = predict_props(target, {week: bundle}, players, teams)
    per_player = preds.group_by("game_id", "player_id").agg(pl.col("projected_minutes").n_unique().alias("n"))
    assert preds["projected_minutes"].null_count() == 0 and set(per_player["n"]) == {1}
    # This league's players play fixed minutes (34 - 3k): the projection lands near them.
    actual = minutes.played_minutes(players)
    joined = preds.filter(pl.col("system_id") == "ensemble").join(actual, on=["game_id", "player_id"])
    assert joined.height == target.height
    assert _mae(joined["projected_minutes"], joined["actual_minutes"]) < 1.5

    results = grade_predictions(preds, players)
    report = evaluate(results, target, preds, players)
    assert report["minutes"] == minutes_accuracy(preds, players, target)
    assert report["minutes"]["rows"] == joined.height
    assert report["minutes"]["mae"]["projected_minutes"] == pytest.approx(
        _mae(joined["projected_minutes"], joined["actual_minutes"]), abs=1e-4
    )
    assert "minutes" not in evaluate(results, target)


def test_the_store_table_leaves_model_features_to_the_predictions_phase():
    store = schemas.TABLES["ml_feature_store"].schema
    assert "projected_minutes" in schemas.FEATURE_COLUMNS and "projected_minutes" not in store
    assert all(name in store and f"q_{name}" in store for name in schemas.STORE_FEATURE_COLUMNS)
    assert "projected_minutes" in schemas.TABLES["player_prop_predictions"].schema


def test_first_week_after_an_offseason_holds_out_the_last_days_with_games():
    features, players, teams, dates = _league(60)
    # Sixty days after the last game: the 28 days before the week hold no game at all.
    week = dates[-1] + dt.timedelta(days=60 - (dates[-1] + dt.timedelta(days=60)).weekday())
    bundle = train_week(week, features, players, teams)
    assert bundle.metadata["status"] == "trained" and bundle.minutes is not None
    held_out = [dt.date.fromisoformat(d) for d in bundle.metadata["validation_window"]]
    assert held_out[1] == dates[-1] and held_out[0] > dates[0]
    assert bundle.metadata["validation_rows"] > 0


def test_a_bundle_trained_before_projected_minutes_existed_still_predicts():
    features, players, teams, dates = _league(30)
    labeled = features.join(players.select("game_id", "player_id", pl.col("points").cast(pl.Float64)), on=["game_id", "player_id"])
    old_names = [f for f in lightgbm_model.FEATURES if f != "projected_minutes"]
    data = lgb.Dataset(lightgbm_model.matrix(labeled, old_names), label=labeled["points"].to_numpy(), feature_name=old_names)
    booster = lgb.train({**lightgbm_model.PARAMS, "min_data_in_leaf": 5}, data, num_boost_round=20)
    old = ModelBundle(dates[-1], booster.model_to_string(), 20)  # no minutes model either
    rows = minutes.with_projection(features.filter(pl.col("game_date") == dates[-1]), None)
    predicted = lightgbm_model.LightGBMSystem().predict(SystemInputs(rows, players, teams, old))
    assert predicted["predicted_points"].to_list() == pytest.approx(booster.predict(lightgbm_model.matrix(rows, old_names)).tolist())
    assert predicted["predicted_points"].null_count() == 0


def test_training_reads_every_feature_and_the_flags_the_minutes_model_takes():
    from nba_platform.predictions.training import TRAINING_COLUMNS

    store = schemas.schema("ml_feature_store").names()
    kept = set(TRAINING_COLUMNS)
    # Every feature the store holds (`projected_minutes` is added in training, by the minutes model).
    assert set(schemas.FEATURE_COLUMNS) - {minutes.PROJECTED} <= kept
    assert {f"q_{name}" for name in minutes.BASE_INPUTS + minutes.AVAILABILITY_INPUTS if f"q_{name}" in store} <= kept
    assert {"game_id", "player_id", "game_date", "points_line", "availability_status", "league_pace"} <= kept
    # What is left out is display, provenance, prices and the flags of features the minutes model does not take.
    assert {"player_name", "over_price", "feature_version", "q_points_ewma"}.isdisjoint(kept)
    assert [c for c in store if c in kept] == TRAINING_COLUMNS  # the store's order
