"""What `points_model` stores for a week: the booster, the minutes model, each system's spread and
calibration, the ensemble weights, and the metadata the UI shows. Plain data, so any pickling IO manager can keep it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb

from nba_platform.predictions.distribution import Calibration, LineCalibration, Spread
from nba_platform.predictions.minutes import MinutesModel


@dataclass
class ModelBundle:
    week_start: dt.date
    booster_text: str | None
    rounds: int
    spreads: dict[str, Spread] = field(default_factory=dict)
    calibrations: dict[str, Calibration] = field(default_factory=dict)
    ensemble_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    line_calibrations: dict[str, LineCalibration] = field(default_factory=dict)
    # The week's minutes model (None before there are enough rows, and in bundles older than it).
    minutes: MinutesModel | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def model_version(self) -> str:
        return f"points_model-{self.week_start.isoformat()}"

    def booster(self) -> lgb.Booster | None:
        return lgb.Booster(model_str=self.booster_text) if self.booster_text else None

    def spread(self, system_id: str) -> Spread:
        return self.spreads.get(system_id, Spread())

    def calibration(self, system_id: str) -> Calibration:
        return self.calibrations.get(system_id, Calibration())

    def line_calibration(self, system_id: str) -> LineCalibration:
        return self.line_calibrations.get(system_id, LineCalibration())
