"""Phase 5: run the prediction systems on the feature store and attach tonight's lines.

Every system's rows get the same treatment: the consensus pre-tip line (carried by the feature store), the
probability of the Over from a normal predictive distribution, the edge, a recommendation and a
confidence on one 0-1 scale. Players without a line still get a prediction (NO_LINE).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from nba_platform import config, schemas
from nba_platform.models.base import PredictionSystem


def normal_cdf(z: pl.Expr) -> pl.Expr:
    """Standard normal CDF via the Abramowitz-Stegun 7.1.26 erf approximation (|error| < 1.5e-7)."""
    x = z.abs() / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * (-(x * x)).exp()
    return pl.when(z >= 0).then(0.5 * (1.0 + erf)).otherwise(0.5 * (1.0 - erf))


def p_over_expr(mean: pl.Expr, std: pl.Expr, line: pl.Expr) -> pl.Expr:
    """P(points > line). Points are whole numbers: on a whole line the Over needs line + 1, so the
    continuity-corrected threshold is line + 0.5; on a half line it is the line itself."""
    threshold = pl.when(line == line.floor()).then(line + 0.5).otherwise(line)
    return 1.0 - normal_cdf((threshold - mean) / std)


def recommendation_expr() -> pl.Expr:
    p, edge = pl.col("p_over"), pl.col("edge")
    return (
        pl.when(pl.col("line").is_null())
        .then(pl.lit("NO_LINE"))
        .when((edge >= config.MIN_EDGE_POINTS) & (p >= 0.5 + config.MIN_PROBABILITY_EDGE))
        .then(pl.lit("OVER"))
        .when((edge <= -config.MIN_EDGE_POINTS) & (p <= 0.5 - config.MIN_PROBABILITY_EDGE))
        .then(pl.lit("UNDER"))
        .otherwise(pl.lit("PASS"))
    )


def predict_props(features: pl.DataFrame, systems: Sequence[PredictionSystem]) -> pl.DataFrame:
    """Every system's predictions for the feature rows, with the line the feature store carries
    (the consensus pre-tip line of `upcoming_player_game_context`)."""
    features = schemas.conform(features, "ml_feature_store")
    if features.is_empty():
        return schemas.empty("player_prop_predictions")
    keys = features.select(
        "game_date", "game_id", "player_id", "player_lookup", "player_name", "team_abbr", "opponent_team_abbr",
        pl.col("points_line").alias("line"), "over_price", "under_price", "line_books", "line_snapshot_utc",
        "feature_version",
    )
    frames = []
    for system in systems:
        predicted = system.predict(features)
        frames.append(
            keys.join(predicted, on=["game_id", "player_id"], how="left").with_columns(
                system_id=pl.lit(system.system_id), model_version=pl.lit(system.model_version)
            )
        )
    out = (
        pl.concat(frames)
        .with_columns(
            p_over=pl.when(pl.col("line").is_not_null() & pl.col("predicted_points").is_not_null()).then(
                p_over_expr(pl.col("predicted_points"), pl.col("predicted_std"), pl.col("line"))
            ),
            edge=pl.col("predicted_points") - pl.col("line"),
        )
        .with_columns(recommendation=recommendation_expr())
        .with_columns(confidence=(2.0 * pl.col("p_over") - 1.0).abs())
        .sort("game_date", "game_id", "player_id", "system_id")
    )
    return schemas.conform(out, "player_prop_predictions")
