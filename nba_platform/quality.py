"""Data-quality rules as pure functions: each returns the number of offending rows (0 = pass)."""

from __future__ import annotations

import polars as pl

# Inclusive plausible ranges per table and column; nulls are not range violations.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "raw_player_boxscores": {
        "min": (0, 65), "pts": (0, 100), "fg_pct": (0, 1), "fg3_pct": (0, 1), "ft_pct": (0, 1),
        "fga": (0, 60), "reb": (0, 40), "ast": (0, 35),
    },
    "raw_team_boxscores": {"min": (0, 400), "pts": (0, 250), "fg_pct": (0, 1), "fg3_pct": (0, 1), "ft_pct": (0, 1)},
    # Usage can pass 100 in a one-minute cameo (3 shots in 1 minute is 140); 300 is impossible.
    "player_game_summary": {"minutes": (0, 65), "points": (0, 100), "effective_fg_pct": (0, 1.5), "usage_rate": (0, 300)},
    # Pace: NBA games run 85-125; a shootout can pass 140 (the simulator's season of `runbook.md` has one
    # at 140.04, which stopped a whole backfill); a unit error (minutes x5 or /5) is far beyond 160.
    "team_game_summary": {"pace": (50, 160), "offensive_rating": (40, 200), "defensive_rating": (40, 200)},
    "raw_prop_lines": {"line": (0, 80)},
    "ml_feature_store": {"quality_score": (0, 1), "points_avg_last_10": (0, 100), "days_rest": (0, 400)},
    "player_prop_predictions": {"predicted_points": (0, 100), "p_over": (0, 1), "confidence": (0, 1)},
}


def out_of_range(frame: pl.DataFrame, table: str) -> dict[str, int]:
    """Offending row counts per column outside RANGES (columns with none are left out)."""
    counts = {}
    for column, (low, high) in RANGES.get(table, {}).items():
        n = frame.filter(~pl.col(column).is_between(low, high) & pl.col(column).is_not_null()).height
        if n:
            counts[column] = n
    return counts


def team_points_mismatch(team_summary: pl.DataFrame, player_summary: pl.DataFrame) -> int:
    """Team-games whose points differ from the sum of their players' points (rebuilt rows excluded)."""
    sums = player_summary.group_by("game_id", "team_id").agg(pl.col("points").sum().alias("_player_points"))
    return (
        team_summary.filter(~pl.col("rebuilt_from_players"))
        .join(sums, on=["game_id", "team_id"], how="inner")
        .filter(pl.col("points") != pl.col("_player_points"))
        .height
    )
