"""Walk-forward training of one week's `points_model`.

Everything is learned from rows dated before `week_start`: the minutes model (minutes.py), the
LightGBM booster, each system's spread and calibration, and the ensemble weights. The last VALID_DAYS
before the week (at most 30% of the dates; after an offseason, the last VALID_DAYS dates with games)
are held out: the minutes model and the booster early-stop on them and every system is scored on them
out of sample; both are then refitted on all rows with the number of rounds found.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics.history import played_only
from nba_platform.predictions import minutes
from nba_platform.predictions.bundle import ModelBundle
from nba_platform.predictions.distribution import fit_calibration, fit_line_calibration, fit_spread, prob_over
from nba_platform.predictions.systems import BASE_SYSTEMS, ENSEMBLE, ensemble, lightgbm_model
from nba_platform.predictions.systems.base import SystemInputs

VALID_DAYS = 28
MIN_TRAIN_ROWS = 1000
# A week learns from the games of the TRAINING_WEEKS weeks before it (the asset's partition mapping).
TRAINING_WEEKS = 60
# Weeks of a range trained side by side (train_weeks): the machine's two cores.
WEEK_WORKERS = 2
# The feature-store columns training reads: all but the display names, provenance, prices and quality
# summaries, and the `q_` flags of features the minutes model does not take (it reads `q_<input>` where
# present, minutes.py). Two weeks trained side by side peak ~50 MiB lower without them.
_MINUTES_FLAGS = {f"q_{name}" for name in minutes.BASE_INPUTS + minutes.AVAILABILITY_INPUTS}
_UNREAD = {
    "tip_time_utc", "player_lookup", "player_name", "over_price", "under_price", "line_books", "line_snapshot_utc",
    "availability_source", "availability_as_of_utc", "availability_reason", "absence_basis",
    "missing_feature_count", "quality_score", "feature_version",
}
TRAINING_COLUMNS = [
    c for c in schemas.schema("ml_feature_store").names()
    if c not in _UNREAD and (not c.startswith("q_") or c in _MINUTES_FLAGS)
]


def labeled_rows(features: pl.DataFrame, player_history: pl.DataFrame) -> pl.DataFrame:
    """Feature rows of played games with the points actually scored (and the minutes, for the minutes model)."""
    actual = player_history.select("game_id", "player_id", pl.col("points").cast(pl.Float64).alias("actual_points"))
    return (
        schemas.conform(features, "ml_feature_store", TRAINING_COLUMNS)
        .join(actual, on=["game_id", "player_id"], how="inner")
        .join(minutes.played_minutes(player_history), on=["game_id", "player_id"], how="left")
    )


def system_predictions(rows: pl.DataFrame, inputs: SystemInputs) -> pl.DataFrame:
    """One column per base system (named by system id) beside the rows' keys."""
    out = rows.select("game_id", "player_id")
    for system in BASE_SYSTEMS:
        predicted = system.predict(inputs.for_rows(rows, inputs.bundle))
        out = out.join(predicted.rename({"predicted_points": system.system_id}), on=["game_id", "player_id"], how="left")
    return out


def _split(labeled: pl.DataFrame, week_start: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hold out the last VALID_DAYS before the week, but never more than the last 30% of the dates
    (early in a season's history the booster still needs most rows to learn from).

    The first week of a season has nothing in those days (the off-season): its held-out window then ends
    at the last date that had lines (or, with no lines at all, games), so the week learns its spreads and
    line calibration as the last calibrated week did (carried forward) instead of identity, or an empty
    window."""
    end = week_start
    lined_dates = labeled.filter(pl.col("points_line").is_not_null())["game_date"]
    anchor = lined_dates.max() if lined_dates.len() else labeled["game_date"].max()
    if anchor < week_start - dt.timedelta(days=VALID_DAYS):
        end = anchor + dt.timedelta(days=1)
    dates = labeled.filter(pl.col("game_date") < end)["game_date"].unique().sort()
    cut = max(end - dt.timedelta(days=VALID_DAYS), dates[int(len(dates) * 0.7)])
    return (
        labeled.filter(pl.col("game_date") < cut),
        labeled.filter((pl.col("game_date") >= cut) & (pl.col("game_date") < end)),
    )


def _before(frame: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The rows dated before `day`; the frame itself when it has none later (a range run's windows are cut
    already, and a filter copies every column: two weeks side by side held each frame twice)."""
    dates = frame["game_date"]
    if dates.len() and dates.null_count() == 0 and dates.max() < day:
        return frame
    return frame.filter(pl.col("game_date") < day)


def _mae(predicted: pl.Series, actual: pl.Series) -> float | None:
    both = pl.DataFrame({"p": predicted, "a": actual}).drop_nulls()
    return float((both["p"] - both["a"]).abs().mean()) if both.height else None


def train_week(
    week_start: dt.date,
    features: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
    threads: int = lightgbm_model.PARAMS["num_threads"],
) -> ModelBundle:
    """The week's bundle; `threads` is LightGBM's per fit (the trees do not depend on it, the model text records it)."""
    # Labels and history are played games only: a DNP has no points to learn from.
    player_history = played_only(_before(player_history, week_start))
    labeled = labeled_rows(_before(features, week_start), player_history)
    team_history = _before(team_history, week_start)
    system_ids = [s.system_id for s in BASE_SYSTEMS]
    if labeled.height < MIN_TRAIN_ROWS:
        return ModelBundle(
            week_start, None, 0,
            ensemble_weights={
                "without_line": ensemble.prior_weights(system_ids[:-1], with_line=False),
                "with_line": ensemble.prior_weights(system_ids[:-1], with_line=True),
            },
            metadata={"status": f"not trained: {labeled.height} labeled rows before {week_start} (< {MIN_TRAIN_ROWS})"},
        )

    train, valid = _split(labeled, week_start)
    # Minutes first: the points booster and the systems read its projection. The held-out days get the
    # projection of a model fitted before them, the training rows out-of-fold ones (minutes.py).
    minutes_model = minutes.train(train, valid, threads=threads)
    train = minutes.attach(train, minutes.cross_fitted(train, minutes_model, threads=threads))
    valid = minutes.with_projection(valid, minutes_model)
    booster, rounds, valid_mae = lightgbm_model.train(train, valid, threads=threads)
    provisional = ModelBundle(
        week_start, booster.model_to_string(num_iteration=rounds), rounds, minutes=minutes_model
    )
    scored = system_predictions(valid, SystemInputs(valid, player_history, team_history, provisional)).join(
        valid.select("game_id", "player_id", pl.col("points_line").alias(ensemble.LINE), "actual_points"),
        on=["game_id", "player_id"],
    )
    weights = ensemble.learn(scored, system_ids)
    scored = scored.with_columns(ensemble.combine(scored, weights).alias(ENSEMBLE))

    spreads, calibrations, line_calibrations, maes = {}, {}, {}, {}
    actual = scored["actual_points"].to_numpy()
    line = scored[ensemble.LINE].cast(pl.Float64).fill_null(np.nan).to_numpy()
    decided = np.isfinite(line) & (actual != line)  # lined rows that did not push
    for system_id in [*system_ids, ENSEMBLE]:
        mu = np.clip(scored[system_id].cast(pl.Float64).fill_null(np.nan).to_numpy(), 0.0, None)
        spreads[system_id] = fit_spread(mu, actual)
        sigma = spreads[system_id].sigma(mu)
        calibrations[system_id] = fit_calibration(mu, sigma, actual)
        p_over = prob_over(mu[decided], sigma[decided], line[decided], calibrations[system_id])
        line_calibrations[system_id] = fit_line_calibration(p_over, actual[decided] > line[decided])
        maes[system_id] = _mae(scored[system_id], scored["actual_points"])
    lined = scored.filter(pl.col(ensemble.LINE).is_not_null())
    maes["line_on_lined_rows"] = _mae(lined[ensemble.LINE], lined["actual_points"])

    full = lightgbm_model.fit(pl.concat([train, valid], how="diagonal_relaxed"), rounds, threads=threads)
    minutes_model = minutes.refit(labeled, minutes_model, threads=threads)
    importance = dict(zip(lightgbm_model.FEATURES, full.feature_importance("gain").round(1).tolist(), strict=True))
    return ModelBundle(
        week_start,
        full.model_to_string(),
        rounds,
        spreads,
        calibrations,
        weights,
        line_calibrations,
        minutes=minutes_model,
        metadata={
            "status": "trained",
            "training_window": [labeled["game_date"].min().isoformat(), labeled["game_date"].max().isoformat()],
            "train_rows": labeled.height,
            "validation_rows": valid.height,
            "validation_window": [valid["game_date"].min().isoformat(), valid["game_date"].max().isoformat()],
            "validation_mae": {k: (round(v, 3) if v is not None else None) for k, v in maes.items()},
            "booster_validation_mae": valid_mae,
            "rounds": rounds,
            "feature_importance": dict(sorted(importance.items(), key=lambda kv: -kv[1])),
            "ensemble_weights": weights,
            "line_calibration": {k: [round(v.a, 3), round(v.b, 3)] for k, v in line_calibrations.items() if v.fitted},
            "minutes_model": {"rounds": minutes_model.rounds, **minutes_model.metadata},
        },
    )


def training_window(week_start: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last game date a week learns from (inclusive)."""
    return week_start - dt.timedelta(weeks=TRAINING_WEEKS), week_start - dt.timedelta(days=1)


def train_weeks(
    weeks: list[dt.date],
    features: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
    workers: int = WEEK_WORKERS,
) -> dict[dt.date, ModelBundle]:
    """`train_week` for each week, each on the rows of its own training window (the frames may cover
    the union of several weeks' windows, as a range run loads them).

    Several weeks train side by side, `workers` at a time, each fit on one LightGBM thread: on this
    data a second thread makes a fit only ~10% faster, while two one-thread fits side by side keep both
    cores busy. The bundles are the ones a week trained alone gets (`deterministic` trees)."""

    def one(week: dt.date, threads: int) -> ModelBundle:
        first, last = training_window(week)

        def window(frame: pl.DataFrame) -> pl.DataFrame:
            return frame.filter(pl.col("game_date").is_between(first, last))

        return train_week(week, window(features), window(player_history), window(team_history), threads=threads)

    features = schemas.conform(features, "ml_feature_store", TRAINING_COLUMNS)  # before the windows' copies
    if workers <= 1 or len(weeks) <= 1:
        return {week: one(week, lightgbm_model.PARAMS["num_threads"]) for week in weeks}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="train_week") as pool:
        futures = {week: pool.submit(one, week, 1) for week in weeks}
        return {week: future.result() for week, future in futures.items()}
