"""Prediction systems behind one interface (see base.PredictionSystem)."""

from nba_platform.models.moving_average import MovingAverage

SYSTEMS = [MovingAverage()]
