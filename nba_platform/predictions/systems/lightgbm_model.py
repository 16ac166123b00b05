"""`lightgbm`: a gradient-boosted regressor of points on the feature store.

Trained per week on rows before the week only (models/training.py). The objective is the L1 loss:
points are right-skewed and the product is judged on absolute error, whose minimizer is the median.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import polars as pl

from nba_platform import tables as schemas
from nba_platform.predictions import lgbm_threads
from nba_platform.predictions.systems.base import SystemInputs

FEATURES = list(schemas.FEATURE_COLUMNS)
PARAMS = {
    "objective": "regression_l1",
    "learning_rate": 0.03,
    "num_leaves": 15,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 2,
    "seed": 17,
    "deterministic": True,
}
MAX_ROUNDS = 2000
EARLY_STOPPING = 100


def matrix(features: pl.DataFrame, names: list[str] | None = None) -> np.ndarray:
    """Feature rows -> float matrix (booleans as 0/1, nulls as NaN, which LightGBM treats as missing).
    `names`: a booster's own features (a bundle trained before the vector changed), absent ones as NaN."""
    return features.select(
        pl.col(c).cast(pl.Float64) if c in features.columns else pl.lit(None, dtype=pl.Float64).alias(c)
        for c in (names or FEATURES)
    ).to_numpy().astype(np.float64)


def _params(threads: int, **extra: object) -> dict[str, object]:
    """PARAMS with `threads` LightGBM threads (the trees do not depend on it: `deterministic`)."""
    return {**PARAMS, "num_threads": threads, **extra}


def fit(rows: pl.DataFrame, rounds: int, threads: int = PARAMS["num_threads"]) -> lgb.Booster:
    """Fit a fixed number of rounds on all `rows` (the final model of a week)."""
    data = lgb.Dataset(matrix(rows), label=rows["actual_points"].to_numpy(), feature_name=FEATURES)
    return lgb.train(_params(threads), data, num_boost_round=rounds)


def train(
    train_rows: pl.DataFrame, valid_rows: pl.DataFrame | None, threads: int = PARAMS["num_threads"]
) -> tuple[lgb.Booster, int, float | None]:
    """Fit on `train_rows` (features + `actual_points`); early-stop on `valid_rows` when given.

    Returns the booster, the number of rounds used and the validation MAE."""
    dtrain = lgb.Dataset(matrix(train_rows), label=train_rows["actual_points"].to_numpy(), feature_name=FEATURES)
    if valid_rows is None or valid_rows.is_empty():
        booster = lgb.train(_params(threads), dtrain, num_boost_round=400)
        return booster, 400, None
    dvalid = lgb.Dataset(matrix(valid_rows), label=valid_rows["actual_points"].to_numpy(), reference=dtrain)
    booster = lgb.train(
        _params(threads, metric="l1"),
        dtrain,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(EARLY_STOPPING, verbose=False)],
    )
    rounds = booster.best_iteration or MAX_ROUNDS
    predicted = lgbm_threads.predict(booster, matrix(valid_rows), num_iteration=rounds)
    mae = float(np.mean(np.abs(predicted - valid_rows["actual_points"].to_numpy())))
    return booster, rounds, mae


class LightGBMSystem:
    system_id = "lightgbm"

    def model_version(self, bundle=None) -> str:
        return bundle.model_version if bundle is not None and bundle.booster_text else "lightgbm-untrained"

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        keys = inputs.features.select("game_id", "player_id")
        booster = inputs.bundle.booster() if inputs.bundle is not None else None
        if booster is None or inputs.features.is_empty():
            # No model for this week (not enough history before it): abstain, never guess.
            return keys.with_columns(predicted_points=pl.lit(None, dtype=pl.Float64))
        # The booster's own feature list: a week trained before a feature was added still predicts.
        predicted = lgbm_threads.predict(booster, matrix(inputs.features, booster.feature_name()))
        return keys.with_columns(predicted_points=pl.Series(predicted, dtype=pl.Float64))
