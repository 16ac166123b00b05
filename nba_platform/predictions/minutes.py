"""Projected minutes: how long a player is expected to play tonight, if he plays.

Points follow minutes, and minutes follow role, rest and who else is available. The projection is a
small LightGBM regressor (L1 loss: judged on absolute error, like points) of the minutes of played
games on inputs read from the feature row:

* role and recent load: minutes over the last 5 and 10 games and the season, their change, games and
  minutes in the last 7 days, rest, back-to-back, the rest advantage, scoring and usage;
* the line's own hint: the book's points line divided by his points per minute is the minutes the
  market prices in (a high line implies minutes);
* availability (who is out on both teams, implied team total, his status): used when the feature
  frame has those columns, ignored otherwise. A value whose `q_` flag says `missing` is missing here too
  (LightGBM's own handling of NaN), never a made-up zero.

It is trained inside the weekly `points_model` (training.train_week: the same rows before the week,
the same held-out days for early stopping) and stored in that week's bundle; the points systems read
its output as the feature `projected_minutes`. Rows used to train the points booster get out-of-fold
projections (`cross_fitted`), so the booster learns how much to trust a projection it has not seen
fitted. Pure polars/numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import polars as pl

from nba_platform.predictions import lgbm_threads

PROJECTED = "projected_minutes"
# Regulation is 48 minutes; overtime adds 5 each, and nobody plays more than that in practice.
MAX_MINUTES = 58.0

BASE_INPUTS = [
    "minutes_avg_last_5",
    "minutes_avg_last_10",
    "minutes_avg_season",
    "minutes_change",
    "games_played_season",
    "games_in_last_7_days",
    "minutes_in_last_7_days",
    "days_rest",
    "back_to_back",
    "rest_advantage",
    "is_home",
    "is_playoff",
    "points_avg_last_5",
    "points_avg_season",
    "points_per_minute_last_10",
    "usage_avg_last_10",
    "team_win_pct",
    "points_line",
    "line_implied_minutes",
]
# From the availability features (issue 14, items 2-3); each used only when the frame carries it.
AVAILABILITY_INPUTS = [
    "team_out_minutes_share",
    "team_out_fga_share",
    "team_out_points_share",
    "team_rotation_out",
    "opp_out_minutes_share",
    "opp_out_fga_share",
    "opp_out_points_share",
    "opp_rotation_out",
    "team_star_out",
    "opp_star_out",
    "implied_team_total",
    "implied_team_total_vs_avg",
    "line_share_of_team_total",
    "availability_level",
]
# A player's own status as a number (how likely he is to be on the floor); UNKNOWN stays missing.
AVAILABILITY_LEVEL = {"OUT": 0.0, "DOUBTFUL": 0.25, "QUESTIONABLE": 0.5, "PROBABLE": 0.9, "AVAILABLE": 1.0}

# Fixed, conservative settings (not tuned on the evaluation weeks): few leaves, large leaves, L2
# shrinkage; the number of rounds comes from early stopping on the held-out days before the week.
PARAMS = {
    "objective": "regression_l1",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 5.0,
    "verbose": -1,
    "num_threads": 2,
    "seed": 23,
    "deterministic": True,
}
MAX_ROUNDS = 1000
EARLY_STOPPING = 50
DEFAULT_ROUNDS = 200
# Folds for the out-of-fold projections of the booster's training rows (contiguous blocks of dates).
CROSS_FIT_FOLDS = 3


@dataclass
class MinutesModel:
    """A week's minutes regressor: the booster, its rounds and the inputs it was trained on."""

    booster_text: str
    rounds: int
    inputs: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)

    def booster(self) -> lgb.Booster:
        return lgb.Booster(model_str=self.booster_text)


def played_minutes(player_history: pl.DataFrame) -> pl.DataFrame:
    """(game_id, player_id, actual_minutes) of games he played: rows of players listed but not playing
    (`played` false, where the summary says so) are not minutes he was projected to play."""
    rows = player_history.filter(pl.col("played").fill_null(True)) if "played" in player_history.columns else player_history
    return rows.filter(pl.col("minutes").is_not_null()).select(
        "game_id", "player_id", pl.col("minutes").cast(pl.Float64).alias("actual_minutes")
    )


def _input(frame: pl.DataFrame, name: str) -> pl.Expr:
    """One input as Float64, null where its quality flag says missing or the frame lacks it."""
    if name == "line_implied_minutes":
        if not {"points_line", "points_per_minute_last_10"} <= set(frame.columns):
            return pl.lit(None, dtype=pl.Float64).alias(name)
        ppm = pl.col("points_per_minute_last_10")
        value = pl.when(ppm > 0).then(pl.col("points_line") / ppm)
    elif name == "availability_level":
        if "availability_status" not in frame.columns:
            return pl.lit(None, dtype=pl.Float64).alias(name)
        value = pl.col("availability_status").replace_strict(AVAILABILITY_LEVEL, default=None, return_dtype=pl.Float64)
    elif name in frame.columns:
        value = pl.col(name).cast(pl.Float64)
        flag = f"q_{name}"
        if flag in frame.columns:
            value = pl.when(pl.col(flag) != "missing").then(value)
    else:
        return pl.lit(None, dtype=pl.Float64).alias(name)
    return value.cast(pl.Float64).alias(name)


def inputs_for(frame: pl.DataFrame) -> list[str]:
    """The inputs a model trained on `frame` uses: the base ones and the availability columns it has."""
    present = set(frame.columns)
    return BASE_INPUTS + [
        c for c in AVAILABILITY_INPUTS if c in present or (c == "availability_level" and "availability_status" in present)
    ]


def matrix(frame: pl.DataFrame, inputs: list[str]) -> np.ndarray:
    return frame.select(_input(frame, name) for name in inputs).to_numpy().astype(np.float64)


def _dataset(rows: pl.DataFrame, inputs: list[str], reference: lgb.Dataset | None = None) -> lgb.Dataset:
    return lgb.Dataset(
        matrix(rows, inputs), label=rows["actual_minutes"].to_numpy(), feature_name=inputs, reference=reference
    )


def _params(threads: int, **extra: Any) -> dict[str, Any]:
    """PARAMS with `threads` LightGBM threads (the trees do not depend on it: `deterministic`)."""
    return {**PARAMS, "num_threads": threads, **extra}


def _fit(rows: pl.DataFrame, inputs: list[str], rounds: int, threads: int) -> lgb.Booster:
    return lgb.train(_params(threads), _dataset(rows, inputs), num_boost_round=rounds)


def _mae(predicted: np.ndarray, actual: np.ndarray) -> float | None:
    ok = np.isfinite(predicted) & np.isfinite(actual)
    return round(float(np.mean(np.abs(predicted[ok] - actual[ok]))), 3) if ok.any() else None


def train(train_rows: pl.DataFrame, valid_rows: pl.DataFrame, threads: int = PARAMS["num_threads"]) -> MinutesModel:
    """Early-stop on `valid_rows` (the held-out days before the week), both with `actual_minutes`.

    The returned model is fitted on `train_rows` only, so its projections of `valid_rows` are out of
    sample; `refit` fits the same settings on all rows for the week itself."""
    inputs = inputs_for(train_rows)
    train_rows = train_rows.drop_nulls("actual_minutes")
    valid_rows = valid_rows.drop_nulls("actual_minutes")
    dtrain = _dataset(train_rows, inputs)
    if valid_rows.is_empty():
        booster, rounds = lgb.train(_params(threads), dtrain, num_boost_round=DEFAULT_ROUNDS), DEFAULT_ROUNDS
    else:
        booster = lgb.train(
            _params(threads, metric="l1"),
            dtrain,
            num_boost_round=MAX_ROUNDS,
            valid_sets=[_dataset(valid_rows, inputs, reference=dtrain)],
            callbacks=[lgb.early_stopping(EARLY_STOPPING, verbose=False)],
        )
        rounds = booster.best_iteration or MAX_ROUNDS
    model = MinutesModel(booster.model_to_string(num_iteration=rounds), rounds, inputs)
    if not valid_rows.is_empty():
        actual = valid_rows["actual_minutes"].to_numpy()
        model.metadata["validation_mae"] = {
            PROJECTED: _mae(project(valid_rows, model).to_numpy(), actual),
            **{name: _mae(valid_rows.select(expr.cast(pl.Float64)).to_series().fill_null(np.nan).to_numpy(), actual)
               for name, expr in BASELINES.items()},
        }
        model.metadata["validation_rows"] = valid_rows.height
    return model


def refit(rows: pl.DataFrame, model: MinutesModel, threads: int = PARAMS["num_threads"]) -> MinutesModel:
    """The same inputs and rounds fitted on all `rows` (the model that serves the week)."""
    rows = rows.drop_nulls("actual_minutes")
    booster = _fit(rows, model.inputs, model.rounds, threads)
    return MinutesModel(booster.model_to_string(), model.rounds, model.inputs, {**model.metadata, "train_rows": rows.height})


def project(features: pl.DataFrame, model: MinutesModel | None) -> pl.Series:
    """Projected minutes for every feature row (null without a model)."""
    if model is None or features.is_empty():
        return pl.Series(PROJECTED, [None] * features.height, dtype=pl.Float64)
    predicted = np.clip(lgbm_threads.predict(model.booster(), matrix(features, model.inputs)), 0.0, MAX_MINUTES)
    return pl.Series(PROJECTED, predicted, dtype=pl.Float64)


def attach(features: pl.DataFrame, projected: pl.Series) -> pl.DataFrame:
    """The rows with `projected_minutes` and its quality flag (computed, or missing without a model)."""
    return features.with_columns(projected.alias(PROJECTED)).with_columns(
        pl.when(pl.col(PROJECTED).is_not_null()).then(pl.lit("computed")).otherwise(pl.lit("missing")).alias(f"q_{PROJECTED}")
    )


def with_projection(features: pl.DataFrame, model: MinutesModel | None) -> pl.DataFrame:
    return attach(features, project(features, model))


def cross_fitted(
    rows: pl.DataFrame, model: MinutesModel, folds: int = CROSS_FIT_FOLDS, threads: int = PARAMS["num_threads"]
) -> pl.Series:
    """Out-of-fold projections of `rows` (with `actual_minutes`): each block of consecutive dates is
    projected by the model's settings fitted on the other blocks, never on itself."""
    dates = rows["game_date"].unique().sort()
    if len(dates) < folds:
        return project(rows, model)
    block = pl.DataFrame({"game_date": dates, "_fold": (np.arange(len(dates)) * folds // len(dates)).astype(np.int32)})
    indexed = rows.with_row_index("_row").join(block, on="game_date", how="left")
    out = np.full(rows.height, np.nan)
    for fold in range(folds):
        held = indexed.filter(pl.col("_fold") == fold)
        others = indexed.filter((pl.col("_fold") != fold) & pl.col("actual_minutes").is_not_null())
        booster = _fit(others, model.inputs, model.rounds, threads)
        out[held["_row"].to_numpy()] = np.clip(lgbm_threads.predict(booster, matrix(held, model.inputs)), 0.0, MAX_MINUTES)
    return pl.Series(PROJECTED, out, dtype=pl.Float64)


# Naive minutes projections the model must beat (the evaluation reports them beside it).
BASELINES = {
    "baseline_minutes_last5": pl.col("minutes_avg_last_5"),
    "baseline_minutes_season": pl.col("minutes_avg_season"),
}
