"""Prediction systems on small hand-made inputs with known answers; walk-forward training; evaluation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.features.store import build_feature_store
from nba_platform.grading.evaluation import evaluate, wilson_interval
from nba_platform.grading.grade import grade_predictions, system_daily_performance
from nba_platform.predictions.distribution import (
    Calibration,
    fit_calibration,
    fit_line_calibration,
    fit_spread,
    prob_over,
)
from nba_platform.predictions.predict import predict_props
from nba_platform.predictions.systems import BASE_SYSTEMS, ensemble
from nba_platform.predictions.systems.base import SystemInputs
from nba_platform.predictions.systems.matchup import Matchup
from nba_platform.predictions.systems.moving_average import MovingAverage
from nba_platform.predictions.systems.similarity import MIN_MATCHES, Similarity
from nba_platform.predictions.training import train_week

from ..frames import history_rows, schedule_rows, team_rows


def feature_row(**values) -> pl.DataFrame:
    base = {"game_date": dt.date(2024, 11, 10), "game_id": "g1", "player_id": 1, "season": "2024-25"}
    return pl.concat(
        [schemas.empty("ml_feature_store"), pl.DataFrame([{**base, **values}])], how="diagonal_relaxed"
    ).pipe(schemas.conform, "ml_feature_store")


def inputs(features, players=None, teams=None):
    return SystemInputs(
        features,
        players if players is not None else schemas.empty("player_game_summary"),
        teams if teams is not None else schemas.empty("team_game_summary"),
    )


def test_moving_average_weights_and_renormalizes():
    full = feature_row(points_avg_last_5=20.0, points_avg_last_10=10.0, points_avg_season=30.0)
    assert MovingAverage().predict(inputs(full))["predicted_points"][0] == pytest.approx(0.4 * 20 + 0.35 * 10 + 0.25 * 30)
    no_season = feature_row(points_avg_last_5=20.0, points_avg_last_10=10.0)
    assert MovingAverage().predict(inputs(no_season))["predicted_points"][0] == pytest.approx((0.4 * 20 + 0.35 * 10) / 0.75)


def test_matchup_scales_by_defence_and_pace():
    row = feature_row(
        points_avg_season=20.0, expected_points_by_minutes=24.0, opponent_def_rating=121.0, league_def_rating=110.0,
        team_pace=102.0, opponent_pace=98.0, league_pace=100.0,
    )
    assert Matchup().predict(inputs(row))["predicted_points"][0] == pytest.approx(22.0 * 1.1 * 1.0)
    unknown = feature_row(points_avg_season=20.0, expected_points_by_minutes=24.0)
    assert Matchup().predict(inputs(unknown))["predicted_points"][0] == pytest.approx(22.0)


def test_similarity_needs_enough_past_games_and_prefers_similar_ones():
    d = dt.date(2024, 11, 30)
    # Home games every other day: 30 points at home, 10 away.
    games = [(d - dt.timedelta(days=2 * k), 7, 1, 30 if k % 2 else 10, 30.0) for k in range(1, 13)]
    players = history_rows(games).with_columns(is_home=pl.col("points") == 30)
    home_target = feature_row(game_date=d, player_id=7, is_home=True, days_rest=2, points_avg_last_5=20.0)
    predicted = Similarity().predict(inputs(home_target, players))["predicted_points"][0]
    assert predicted > 20.0  # nearest past games are the home games
    few = history_rows(games[: MIN_MATCHES - 1])
    assert Similarity().predict(inputs(home_target, few))["predicted_points"][0] is None  # abstains


def test_ensemble_weights_learned_by_nnls_and_renormalized():
    rng = np.random.default_rng(0)
    actual = rng.normal(15, 5, 600)
    rows = pl.DataFrame(
        {"good": actual + rng.normal(0, 1, 600), "bad": actual + rng.normal(0, 8, 600), "line": None, "actual_points": actual}
    ).with_columns(pl.col("line").cast(pl.Float64))
    weights = ensemble.learn(rows, ["good", "bad"])
    assert weights["without_line"]["good"] > 0.9
    assert weights["with_line"] == ensemble.prior_weights(["good", "bad"], with_line=True)  # no lined rows yet
    one = pl.DataFrame({"good": [10.0], "bad": [None], "line": [None]}, schema={"good": pl.Float64, "bad": pl.Float64, "line": pl.Float64})
    assert ensemble.combine(one, weights)[0] == pytest.approx(10.0)


def test_spread_and_calibration_recover_a_known_distribution():
    rng = np.random.default_rng(1)
    mu = rng.uniform(5, 30, 20_000)
    sigma_true = 2.0 + 0.3 * mu
    actual = np.round(rng.normal(mu, sigma_true))
    spread = fit_spread(mu, actual)
    assert spread.fitted and spread.slope == pytest.approx(0.3, abs=0.05)
    calibration = fit_calibration(mu, spread.sigma(mu), actual)
    line = np.round(mu + rng.uniform(-6, 6, mu.size)) + 0.5
    p = prob_over(mu, spread.sigma(mu), line, calibration)
    went_over = actual > line
    for low in (0.2, 0.4, 0.6):
        bucket = (p >= low) & (p < low + 0.1)
        assert abs(p[bucket].mean() - went_over[bucket].mean()) < 0.03


def test_line_calibration_shrinks_overconfident_probabilities():
    rng = np.random.default_rng(2)
    true_p = rng.uniform(0.4, 0.6, 5000)
    went_over = rng.uniform(size=5000) < true_p
    claimed = 0.5 + 3 * (true_p - 0.5)  # three times too sure
    cal = fit_line_calibration(claimed, went_over)
    assert 0.2 < cal.b < 0.5
    assert np.allclose(cal.apply(np.array([0.5])), 0.5, atol=0.02)


def test_probability_over_counts_a_whole_line_push_as_not_over():
    identity = Calibration()
    # Points ~ N(20, 0.01): over 19.5 is certain, over 20 (push at 20) is not.
    assert prob_over([20.0], [0.01], [19.5], identity)[0] == pytest.approx(1.0)
    assert prob_over([20.0], [0.01], [20.0], identity)[0] == pytest.approx(0.0, abs=1e-6)


def _league(days: int, seed: int = 3):
    """A tiny league's feature store over `days` dates, from the pure transforms."""
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 10, 22)
    dates = [start + dt.timedelta(days=2 * i) for i in range(days)]
    player_rows, team_rows_ = [], []
    for d in dates:
        for team, opp in ((1, 2), (3, 4)):
            for side in (team, opp):
                for k in range(8):
                    pid = side * 100 + k
                    mins = 34.0 - 3 * k
                    player_rows.append((d, pid, side, int(rng.poisson(mins * (0.3 + 0.05 * (k % 3)))), mins))
                team_rows_.append((d, side, float(rng.normal(100, 3)), float(rng.normal(112, 5)), bool(rng.integers(0, 2))))
    # Game ids as the schedule names them (home team 1 hosts 2, 3 hosts 4).
    game_id = pl.format("s{}{}", pl.col("game_date").dt.strftime("%y%m%d"), pl.when(pl.col("team_id") <= 2).then(1).otherwise(3))
    players = history_rows(player_rows).with_columns(game_id=game_id)
    teams = team_rows(team_rows_).with_columns(game_id=game_id)
    schedule = schedule_rows([(d, h, a) for d in dates for h, a in ((1, 2), (3, 4))])
    context, _ = build_upcoming_context(schedule, pl.DataFrame(), players, teams)
    return build_feature_store(context, players, teams), players, teams, dates


def test_model_for_a_week_never_sees_that_week_or_later():
    features, players, teams, dates = _league(80)
    week = dt.date(2025, 1, 20)
    bundle = train_week(week, features, players, teams)
    assert bundle.metadata["status"] == "trained"
    assert dt.date.fromisoformat(bundle.metadata["training_window"][1]) < week
    # Changing everything from the week on changes nothing in the model.
    later = pl.col("game_date") >= week
    tampered_players = players.with_columns(points=pl.when(later).then(99).otherwise(pl.col("points")))
    tampered_features = features.with_columns(points_avg_last_5=pl.when(later).then(99.0).otherwise(pl.col("points_avg_last_5")))
    again = train_week(week, tampered_features, tampered_players, teams)
    assert again.booster_text == bundle.booster_text
    assert again.ensemble_weights == bundle.ensemble_weights


def test_untrained_week_abstains_for_lightgbm_but_others_predict():
    features, players, teams, _ = _league(6)
    bundle = train_week(dt.date(2024, 11, 4), features, players, teams)
    assert bundle.booster_text is None and "not trained" in bundle.metadata["status"]
    preds = predict_props(features.filter(pl.col("game_date") == features["game_date"].max()), {}, players, teams)
    by_system = dict(preds.group_by("system_id").agg(pl.col("predicted_points").null_count()).iter_rows())
    assert by_system["lightgbm"] == preds.filter(pl.col("system_id") == "lightgbm").height
    assert by_system["moving_average"] == 0 and by_system["ensemble"] == 0
    assert set(preds["recommendation"]) == {"NO_LINE"}  # no lines in this league: still predicted


def test_a_range_predicts_each_week_as_that_week_alone_and_derives_the_history_once(monkeypatch):
    from nba_platform.predictions.systems import similarity

    features, players, teams, dates = _league(40)
    target = features.filter(pl.col("game_date") >= dates[-12])  # three weeks
    weeks = target.with_columns(week=pl.col("game_date").dt.truncate("1w"))["week"].unique().sort().to_list()
    assert len(weeks) >= 3
    calls = []
    descriptors = similarity.past_game_descriptors
    monkeypatch.setattr(similarity, "past_game_descriptors", lambda p, t: calls.append(1) or descriptors(p, t))
    together = predict_props(target, {}, players, teams)
    assert len(calls) == 1  # once for the range, not once a week
    alone = pl.concat(
        predict_props(target.filter(pl.col("game_date").dt.truncate("1w") == w), {}, players, teams) for w in weeks
    ).sort("game_date", "game_id", "player_id", "system_id")
    assert together.filter(pl.col("system_id") == "similarity")["predicted_points"].null_count() < together.height // 5
    assert together.equals(alone)


def test_evaluate_report_is_consistent_with_the_results():
    features, players, teams, dates = _league(60)
    target = features.filter(pl.col("game_date") >= dates[-10])
    week = target["game_date"].min() - dt.timedelta(days=target["game_date"].min().weekday())
    bundles = {week + dt.timedelta(weeks=i): train_week(week + dt.timedelta(weeks=i), features, players, teams) for i in range(4)}
    preds = predict_props(target, bundles, players, teams)
    results = grade_predictions(preds, players)
    report = evaluate(results, target)
    assert set(report) >= {"rows", "rows_with_line", "mae", "mae_on_lined_rows", "betting", "brier"}
    assert set(report["mae"]) == {s.system_id for s in BASE_SYSTEMS} | {"ensemble"} | {
        "baseline_season_avg", "baseline_last5", "baseline_last10", "baseline_ewma"
    }
    # Recompute "the same rows" independently: played, every system predicted, every baseline present.
    n_systems = results["system_id"].n_unique()
    complete = (
        results.filter(pl.col("actual_points").is_not_null())
        .group_by("game_id", "player_id")
        .agg(pl.col("predicted_points").is_not_null().sum().alias("n"))
        .filter(pl.col("n") == n_systems)
        .join(target.drop_nulls(["points_avg_season", "points_avg_last_5", "points_avg_last_10", "points_ewma"]), on=["game_id", "player_id"])
    )
    assert report["rows"] == complete.height > 50
    ma = results.filter(pl.col("system_id") == "moving_average").join(complete, on=["game_id", "player_id"])
    assert report["mae"]["moving_average"] == pytest.approx(ma["absolute_error"].mean(), abs=1e-4)
    for system, figures in report["betting"].items():
        rows = results.filter(pl.col("system_id") == system)
        assert figures["voids"] == (rows["outcome"] == "VOID").sum()
        assert figures["picks"] == rows["outcome"].is_in(["HIT", "MISS", "PUSH", "VOID"]).sum()
    perf = system_daily_performance(results)
    assert perf["predictions"].sum() == results.height
    assert perf.filter(pl.col("system_id") == "ensemble")["graded"].sum() == results.filter(
        (pl.col("system_id") == "ensemble") & pl.col("absolute_error").is_not_null()
    ).height


def test_wilson_interval():
    low, high = wilson_interval(55, 100)
    assert low == pytest.approx(0.4524, abs=1e-3) and high == pytest.approx(0.6438, abs=1e-3)
    assert wilson_interval(0, 0) is None
