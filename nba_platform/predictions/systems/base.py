"""The interface every prediction system implements.

A system maps feature rows to a point prediction of points (`predicted_points`, null when it cannot
predict the player). Spreads, calibrated probabilities, lines and recommendations are attached the
same way for every system (`transforms.predictions`), so systems stay comparable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    # Frames derived from the history alone, shared by every batch made with `for_rows` (a range's weeks
    # read the same history; each past game's descriptors do not depend on the target rows).
    derived: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)

    def for_rows(self, features: pl.DataFrame, bundle: ModelBundle | None) -> SystemInputs:
        """The same history, and what was derived from it, for other target rows."""
        return SystemInputs(features, self.player_history, self.team_history, bundle, self.derived)

    def from_history(self, name: str, compute: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
        """`compute(player_history, team_history)`, once per history."""
        if name not in self.derived:
            self.derived[name] = compute(self.player_history, self.team_history)
        return self.derived[name]


class PredictionSystem(Protocol):
    system_id: str

    def model_version(self, bundle: ModelBundle | None) -> str: ...

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        """Return (game_id, player_id, predicted_points) for every feature row."""
        ...
