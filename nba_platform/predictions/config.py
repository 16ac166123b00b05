"""Tunable numbers of the prediction layer, in one place."""

from __future__ import annotations

# Recommendation thresholds (points of edge and probability away from a coin flip).
MIN_EDGE_POINTS = 1.5
MIN_PROBABILITY_EDGE = 0.05

# Predictive spread of points: never below this floor, even for a player whose last games were alike.
MIN_POINTS_STD = 3.0
