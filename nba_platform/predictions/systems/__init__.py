"""Prediction systems behind one interface (see base.PredictionSystem) and the ensemble over them."""

from nba_platform.predictions.systems.lightgbm_model import LightGBMSystem
from nba_platform.predictions.systems.matchup import Matchup
from nba_platform.predictions.systems.moving_average import MovingAverage
from nba_platform.predictions.systems.similarity import Similarity

BASE_SYSTEMS = [MovingAverage(), Similarity(), Matchup(), LightGBMSystem()]
ENSEMBLE = "ensemble"
SYSTEM_IDS = [s.system_id for s in BASE_SYSTEMS] + [ENSEMBLE]
