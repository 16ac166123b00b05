"""`matchup`: the player's baseline scaled by the opponent's defence and the game's expected pace.

baseline = mean of his season average and minutes x points-per-minute (the strongest driver; minutes
are the week's projection, `projected_minutes`, or his last 5 games' mean without one);
x opponent defensive rating / league defensive rating (a leaky defence concedes more per possession);
x expected game pace / league pace (more possessions, more shots). Factors are 1 when unknown.
"""

from __future__ import annotations

import polars as pl

from nba_platform.predictions.systems.base import SystemInputs


class Matchup:
    system_id = "matchup"

    def model_version(self, bundle=None) -> str:
        return "matchup-2"

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        season = pl.coalesce("points_avg_season", "points_avg_last_10")
        by_minutes = pl.col("expected_points_by_minutes")
        if "projected_minutes" in inputs.features.columns:
            by_minutes = pl.coalesce(pl.col("projected_minutes") * pl.col("points_per_minute_last_10"), by_minutes)
        baseline = pl.mean_horizontal(season, by_minutes)
        defence = pl.coalesce(pl.col("opponent_def_rating") / pl.col("league_def_rating"), pl.lit(1.0))
        expected_pace = (pl.col("team_pace") + pl.col("opponent_pace")) / 2
        pace = pl.coalesce(expected_pace / pl.col("league_pace"), pl.lit(1.0))
        return inputs.features.select("game_id", "player_id", predicted_points=baseline * defence * pace)
