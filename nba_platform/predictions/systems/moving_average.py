"""`moving_average`: weighted recent scoring averages, the baseline every other system must beat."""

from __future__ import annotations

import polars as pl

from nba_platform.predictions.systems.base import SystemInputs

# Weights of last 5, last 10 and season averages; renormalized over those available.
WEIGHTS = {"points_avg_last_5": 0.4, "points_avg_last_10": 0.35, "points_avg_season": 0.25}


class MovingAverage:
    system_id = "moving_average"

    def model_version(self, bundle=None) -> str:
        return "moving_average-1"

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        weighted = pl.sum_horizontal([pl.col(c).fill_null(0.0) * w for c, w in WEIGHTS.items()])
        weight = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * w for c, w in WEIGHTS.items()])
        return inputs.features.select(
            "game_id", "player_id", predicted_points=pl.when(weight > 0).then(weighted / weight)
        )
