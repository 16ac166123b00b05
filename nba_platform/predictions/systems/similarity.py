"""`similarity`: points in the player's most similar past games.

Each past game of the player is described as it looked beforehand: the opponent's defensive rating
over its previous 10 games, the player's days of rest, home or away, and his form (mean points of his
previous 5 games). Tonight's game is described the same way from the feature row. The prediction is
the distance-weighted mean of his points in the K nearest past games (standardized distances), and
only when at least MIN_MATCHES past games exist: otherwise the system abstains (null).
"""

from __future__ import annotations

import polars as pl

from nba_platform.analytics.history import as_of_before, team_running_stats
from nba_platform.predictions.systems.base import SystemInputs

K = 10
MIN_MATCHES = 5
# Scale of each descriptor (about one standard deviation in real NBA data) and its weight.
DESCRIPTORS = {
    "opp_def_rating": (5.0, 1.0),
    "rest": (1.5, 0.5),
    "home": (1.0, 0.5),
    "form": (5.0, 1.5),
}


def past_game_descriptors(player_history: pl.DataFrame, team_history: pl.DataFrame) -> pl.DataFrame:
    """Every past player-game with its points and the descriptors it had before tip-off."""
    games = player_history.sort("player_id", "game_date").with_columns(
        rest=(pl.col("game_date") - pl.col("game_date").shift(1).over("player_id")).dt.total_days().clip(0, 4),
        form=pl.col("points").cast(pl.Float64).shift(1).rolling_mean(5, min_samples=1).over("player_id"),
        home=pl.col("is_home").cast(pl.Float64),
    )
    # Opponent's defence before that game, keyed by tricode (player rows carry the opponent's tricode).
    defence = team_running_stats(team_history).join(
        team_history.select("team_id", pl.col("team_abbr").alias("opponent_team_abbr")).unique(), on="team_id"
    )
    games = as_of_before(games, defence.select("opponent_team_abbr", "game_date", pl.col("def_rating_last_10").alias("opp_def_rating")), by="opponent_team_abbr")
    return games.select(
        "player_id", pl.col("game_date").alias("past_date"), "points", "opp_def_rating", "rest", "home", "form"
    )


class Similarity:
    system_id = "similarity"

    def model_version(self, bundle=None) -> str:
        return f"similarity-k{K}-min{MIN_MATCHES}"

    def predict(self, inputs: SystemInputs) -> pl.DataFrame:
        targets = inputs.features.select(
            "game_id",
            "player_id",
            "game_date",
            pl.col("opponent_def_rating").alias("t_opp_def_rating"),
            pl.col("days_rest").clip(0, 4).cast(pl.Float64).alias("t_rest"),
            pl.col("is_home").cast(pl.Float64).alias("t_home"),
            pl.col("points_avg_last_5").alias("t_form"),
        )
        if targets.is_empty() or inputs.player_history.is_empty():
            return targets.select("game_id", "player_id", predicted_points=pl.lit(None, dtype=pl.Float64))
        past = inputs.from_history("similarity.past_games", past_game_descriptors)
        # A descriptor missing on either side contributes nothing rather than a made-up distance.
        distance = pl.sum_horizontal(
            [
                (w * ((pl.col(name) - pl.col(f"t_{name}")) / scale).abs()).fill_null(0.0)
                for name, (scale, w) in DESCRIPTORS.items()
            ]
        )
        pairs = (
            targets.join(past, on="player_id", how="inner")
            .filter(pl.col("past_date") < pl.col("game_date"))
            .with_columns(distance=distance)
            .with_columns(rank=pl.col("distance").rank("ordinal").over("game_id", "player_id"))
            .filter(pl.col("rank") <= K)
            .group_by("game_id", "player_id")
            .agg(
                matches=pl.len(),
                weighted=((pl.col("points") / (1.0 + pl.col("distance"))).sum() / (1.0 / (1.0 + pl.col("distance"))).sum()),
            )
        )
        return targets.select("game_id", "player_id").join(pairs, on=["game_id", "player_id"], how="left").select(
            "game_id",
            "player_id",
            predicted_points=pl.when(pl.col("matches") >= MIN_MATCHES).then(pl.col("weighted")),
        )
