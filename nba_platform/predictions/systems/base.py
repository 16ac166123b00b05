"""The interface every prediction system implements.

A system maps feature rows to a point prediction of points (`predicted_points`, null when it cannot
predict the player). Spreads, calibrated probabilities, lines and recommendations are attached the
same way for every system (`transforms.predictions`), so systems stay comparable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import polars as pl

if TYPE_CHECKING:
    from nba_platform.predictions.bundle import ModelBundle


@dataclass
class SystemInputs:
    """What a system may read for one batch of target rows; all of it from before the rows' dates."""

    features: pl.DataFrame
    player_history: pl.DataFrame
    team_history: pl.DataFrame
    bundle: ModelBundle | None = None


class PredictionSystem(Protocol):
    system_id: str

    def model_version(self, bundle: ModelBundle | None) -> str: ...

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        """Return (game_id, player_id, predicted_points) for every feature row."""
        ...
