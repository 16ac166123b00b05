"""Phase 5: run every system on the feature rows and turn points into picks.

For each system: `predicted_points`; a normal predictive distribution with the system's spread and
out-of-sample calibration from that week's `points_model` (whose minutes model first adds
`projected_minutes` to the feature rows); `p_over` against the consensus pre-tip
line the feature store carries; `edge`; a recommendation (thresholds in config.py); `confidence`
= |2 p_over - 1| on a 0-1 scale. Players without a line still get a prediction (NO_LINE). A player
ruled OUT or DOUBTFUL (analytics/availability.py: injury report first, then the market) gets `OUT`
instead of any OVER/UNDER, with the status, its source and reason beside it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics.availability import NO_PICK_STATUSES
from nba_platform.analytics.history import played_only
from nba_platform.core.calendar import week_start
from nba_platform.predictions import config, minutes
from nba_platform.predictions.bundle import ModelBundle
from nba_platform.predictions.distribution import prob_over
from nba_platform.predictions.systems import BASE_SYSTEMS, ENSEMBLE, ensemble
from nba_platform.predictions.systems.base import SystemInputs
from nba_platform.predictions.training import system_predictions


def recommendation_expr() -> pl.Expr:
    p, edge = pl.col("p_over"), pl.col("edge")
    return (
        pl.when(pl.col("availability_status").is_in(NO_PICK_STATUSES))
        .then(pl.lit("OUT"))
        .when(pl.col("line").is_null())
        .then(pl.lit("NO_LINE"))
        .when((edge >= config.MIN_EDGE_POINTS) & (p >= 0.5 + config.MIN_PROBABILITY_EDGE))
        .then(pl.lit("OVER"))
        .when((edge <= -config.MIN_EDGE_POINTS) & (p <= 0.5 - config.MIN_PROBABILITY_EDGE))
        .then(pl.lit("UNDER"))
        .otherwise(pl.lit("PASS"))
    )


def _predict_week(features: pl.DataFrame, bundle: ModelBundle | None, history: SystemInputs) -> pl.DataFrame:
    # The week's minutes model completes the feature vector the systems read (null without one).
    features = minutes.with_projection(features, bundle.minutes if bundle is not None else None)
    inputs = history.for_rows(features, bundle)
    wide = system_predictions(features, inputs).join(
        features.select("game_id", "player_id", minutes.PROJECTED, pl.col("points_line").alias(ensemble.LINE)),
        on=["game_id", "player_id"],
    )
    weights = bundle.ensemble_weights if bundle is not None else None
    if not weights:
        ids = [s.system_id for s in BASE_SYSTEMS]
        weights = {"without_line": ensemble.prior_weights(ids, False), "with_line": ensemble.prior_weights(ids, True)}
    wide = wide.with_columns(ensemble.combine(wide, weights).alias(ENSEMBLE))
    versions = {s.system_id: s.model_version(bundle) for s in BASE_SYSTEMS}
    versions[ENSEMBLE] = bundle.model_version if bundle is not None else "ensemble-prior"
    # Without a trained model for the week: default spreads, identity calibration, prior weights.
    source = bundle if bundle is not None else ModelBundle(dt.date.min, None, 0)
    frames = []
    for system_id, version in versions.items():
        # Points are never negative (a regressor or a scaled baseline can dip below 0 for a deep reserve).
        mu = np.clip(wide[system_id].cast(pl.Float64).fill_null(np.nan).to_numpy(), 0.0, None)
        line = wide[ensemble.LINE].cast(pl.Float64).fill_null(np.nan).to_numpy()
        sigma = source.spread(system_id).sigma(mu)
        p_over = source.line_calibration(system_id).apply(prob_over(mu, sigma, line, source.calibration(system_id)))
        frames.append(
            wide.select("game_id", "player_id", minutes.PROJECTED).with_columns(
                system_id=pl.lit(system_id),
                model_version=pl.lit(version),
                predicted_points=pl.Series(mu).fill_nan(None),
                predicted_std=pl.Series(sigma).fill_nan(None),
                p_over=pl.Series(p_over).fill_nan(None),
            )
        )
    return pl.concat(frames)


def predict_props(
    features: pl.DataFrame,
    bundles: dict[dt.date, ModelBundle],
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
) -> pl.DataFrame:
    """Predictions of every system for the feature rows; each date uses the model of its week."""
    features = schemas.conform(features, "ml_feature_store")
    if features.is_empty():
        return schemas.empty("player_prop_predictions")
    # Every week reads the same history (each system takes only what precedes a row's date from it).
    history = SystemInputs(
        features.clear(),
        played_only(schemas.conform(player_history, "player_game_summary")),
        schemas.conform(team_history, "team_game_summary"),
    )
    weeks = features.with_columns(_week=pl.col("game_date").map_elements(week_start, return_dtype=pl.Date))
    parts = [
        _predict_week(rows.drop("_week"), bundles.get(week), history)
        for (week,), rows in weeks.group_by(["_week"], maintain_order=True)
    ]
    keys = features.select(
        "game_date", "game_id", "player_id", "player_lookup", "player_name", "team_abbr", "opponent_team_abbr",
        pl.col("points_line").alias("line"), "over_price", "under_price", "line_books", "line_snapshot_utc",
        "feature_version", "availability_status", "availability_source", "availability_reason",
    )
    out = (
        keys.join(pl.concat(parts), on=["game_id", "player_id"], how="inner")
        .with_columns(
            p_over=pl.when(pl.col("line").is_not_null()).then(pl.col("p_over")),
            edge=pl.col("predicted_points") - pl.col("line"),
        )
        .with_columns(
            recommendation=pl.when(
                pl.col("predicted_points").is_null()
                & pl.col("line").is_not_null()
                & ~pl.col("availability_status").is_in(NO_PICK_STATUSES)
            )
            .then(pl.lit("PASS"))
            .otherwise(recommendation_expr())
        )
        .with_columns(
            confidence=pl.when(pl.col("recommendation") != "OUT").then((2.0 * pl.col("p_over") - 1.0).abs())
        )
        .sort("game_date", "game_id", "player_id", "system_id")
    )
    return schemas.conform(out, "player_prop_predictions")
