"""The Dagster layer, one module per phase."""

from nba_platform.assets.analytics import player_game_summary, team_game_summary
from nba_platform.assets.features import ml_feature_store, upcoming_player_game_context
from nba_platform.assets.grading import prediction_results, system_daily_performance
from nba_platform.assets.models import player_prop_predictions, points_model
from nba_platform.assets.publishing import PUBLISHING_ASSETS
from nba_platform.assets.raw import raw_player_boxscores, raw_prop_lines, raw_schedule, raw_team_boxscores

RAW_ASSETS = [raw_schedule, raw_player_boxscores, raw_team_boxscores, raw_prop_lines]
ALL_ASSETS = [
    *RAW_ASSETS,
    team_game_summary,
    player_game_summary,
    upcoming_player_game_context,
    ml_feature_store,
    points_model,
    player_prop_predictions,
    prediction_results,
    system_daily_performance,
    *PUBLISHING_ASSETS,
]
# The daily assets the weekly model reads, and those that read the model.
UPSTREAM_OF_MODEL = [a for a in ALL_ASSETS if a not in (points_model, player_prop_predictions, prediction_results, system_daily_performance, *PUBLISHING_ASSETS)]
DOWNSTREAM_OF_MODEL = [player_prop_predictions, prediction_results, system_daily_performance, *PUBLISHING_ASSETS]
