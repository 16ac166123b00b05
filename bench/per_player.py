"""The feature computation the way the replaced system did it: for every expected player and date, one
filter of the history for his games before the date, then the statistics of those games.

Only the player statistics (12 of the feature store's 35 features) are computed here; the batch
`build_feature_store` it is timed against computes every feature, so the measured speedup understates
the real one. `compare` checks both give the same values.
"""

from __future__ import annotations

import math

import polars as pl

FEATURES = (
    "points_avg_last_5",
    "points_avg_last_10",
    "points_std_last_10",
    "points_ewma",
    "points_avg_season",
    "minutes_avg_last_5",
    "minutes_avg_last_10",
    "minutes_avg_season",
    "points_per_minute_last_10",
    "usage_avg_last_10",
    "true_shooting_last_10",
    "games_played_season",
)


def _mean(values: list) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _ewma(values: list[float], half_life: float = 5.0) -> float:
    """Adjusted exponentially weighted mean of the series, at its last value (newest weighs 1)."""
    alpha = 1 - math.exp(math.log(0.5) / half_life)
    weights = [(1 - alpha) ** i for i in range(len(values) - 1, -1, -1)]
    return sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)


def _player_features(games: pl.DataFrame, season: str) -> dict:
    """Statistics of one player's games before the date (sorted by date)."""
    if games.is_empty():
        return dict.fromkeys(FEATURES)
    points = games["points"].cast(pl.Float64).to_list()
    minutes = games["minutes"].to_list()
    usage = games["usage_rate"].to_list()
    shots = (games["fga"] + 0.44 * games["fta"]).to_list()
    last_season = games["season"][-1]
    in_season = games.filter(pl.col("season") == last_season)
    last10 = points[-10:]
    std10 = None
    if len(last10) >= 3:
        m = sum(last10) / len(last10)
        std10 = math.sqrt(sum((p - m) ** 2 for p in last10) / (len(last10) - 1))
    minutes10, shots10 = sum(minutes[-10:]), sum(shots[-10:])
    return {
        "points_avg_last_5": _mean(points[-5:]),
        "points_avg_last_10": _mean(last10),
        "points_std_last_10": std10,
        "points_ewma": _ewma(points),
        "points_avg_season": in_season["points"].cast(pl.Float64).mean(),
        "minutes_avg_last_5": _mean(minutes[-5:]),
        "minutes_avg_last_10": _mean(minutes[-10:]),
        "minutes_avg_season": in_season["minutes"].mean(),
        "points_per_minute_last_10": sum(last10) / minutes10 if minutes10 > 0 else None,
        "usage_avg_last_10": _mean(usage[-10:]),
        "true_shooting_last_10": sum(last10) / (2 * shots10) if shots10 > 0 else None,
        # Games this season; 0 when his latest game was last season.
        "games_played_season": in_season.height if last_season == season else 0,
    }


def features_per_player(context: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """One history filter per (player, date) row of `context`."""
    rows = []
    for game_id, player_id, game_date, season in context.select(
        "game_id", "player_id", "game_date", "season"
    ).iter_rows():
        games = history.filter((pl.col("player_id") == player_id) & (pl.col("game_date") < game_date)).sort("game_date")
        rows.append({"game_id": game_id, "player_id": player_id, **_player_features(games, season)})
    schema = {"game_id": pl.String, "player_id": pl.Int64, **{f: pl.Float64 for f in FEATURES}}
    schema["games_played_season"] = pl.Int32
    return pl.DataFrame(rows, schema=schema, orient="row")


def compare(per_player: pl.DataFrame, batch: pl.DataFrame, tolerance: float = 1e-9) -> dict:
    """Rows and values compared feature by feature (both null counts as equal)."""
    joined = per_player.join(
        batch.select("game_id", "player_id", *FEATURES), on=["game_id", "player_id"], how="full", suffix="_batch"
    )
    mismatches = {}
    for f in FEATURES:
        a, b = pl.col(f).cast(pl.Float64), pl.col(f"{f}_batch").cast(pl.Float64)
        differs = (a.is_null() != b.is_null()) | ((a - b).abs() > tolerance * (1 + b.abs()))
        n = joined.filter(differs.fill_null(True)).height
        if n:
            mismatches[f] = n
    return {
        "rows_per_player": per_player.height,
        "rows_batch": batch.height,
        "rows_matched": joined.filter(pl.col("game_id").is_not_null() & pl.col("game_id_batch").is_not_null()).height,
        "features_compared": len(FEATURES),
        "mismatched_values": mismatches,
        "identical": not mismatches and per_player.height == batch.height,
    }
