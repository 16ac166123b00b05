"""Tunable numbers of the prediction layer, in one place."""

from __future__ import annotations

FEATURE_VERSION = "v2"

# History each date's features may look back over (days). Covers a whole season plus the gap
# to the previous one, so "last 10 games" works on opening night.
HISTORY_DAYS = 400

# Recent rotation: a player is expected in a scheduled game when he played for the team in one
# of its last ROTATION_TEAM_GAMES games.
ROTATION_TEAM_GAMES = 5

# Recommendation thresholds (points of edge and probability away from a coin flip).
MIN_EDGE_POINTS = 1.5
MIN_PROBABILITY_EDGE = 0.05

# Predictive spread of points: never below this floor, even for a player whose last games were alike.
MIN_POINTS_STD = 3.0
