"""Data-quality rules as pure functions: each returns the number of offending rows (0 = pass)."""

from __future__ import annotations

import polars as pl

from nba_platform.tables import TABLES


def out_of_range(frame: pl.DataFrame, table: str) -> dict[str, int]:
    """Offending row counts per column outside the table's declared ranges (columns with none are left
    out; nulls are not range violations)."""
    counts = {}
    for column, (low, high) in TABLES[table].ranges.items():
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
