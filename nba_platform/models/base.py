"""The interface every prediction system implements.

A system maps feature rows to a point prediction and the spread of its predictive distribution;
lines, probabilities and recommendations are attached the same way for every system
(`transforms.predictions`), so systems stay comparable.
"""

from __future__ import annotations

from typing import Protocol

import polars as pl


class PredictionSystem(Protocol):
    system_id: str
    model_version: str

    def predict(self, features: pl.DataFrame) -> pl.DataFrame:
        """Return the feature rows' keys (game_id, player_id) with `predicted_points` and
        `predicted_std` (either may be null when the system cannot predict the player)."""
        ...
