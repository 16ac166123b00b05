"""One player box score per game from several sources: the order of preference, the comparison of
sources that landed the same game, and the games of the schedule no source has. Pure polars.

Preference (`PREFERENCE`): cdn.nba.com's liveData box score first (every rostered player, starters,
who did not play and why, NBA ids), then stats.nba.com's leaguegamelog (players who played, NBA ids),
then balldontlie (every listed player, ids mapped by team and name). A game comes whole from one source:
mixing players of two sources in one game would double or drop players whose ids do not match.
"""

from __future__ import annotations

import polars as pl

PREFERENCE = ("nba_cdn", "nba_stats", "balldontlie")
#: stats.nba.com and balldontlie give whole minutes, cdn.nba.com seconds: a rounding is not a disagreement.
MINUTES_TOLERANCE = 1.0


def preferred(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of each game from its most preferred source among ``frames`` (raw_player_boxscores rows,
    at least one frame, all of one schema)."""
    rows = pl.concat(frames, how="vertical")
    rank = pl.col("source").replace_strict({s: i for i, s in enumerate(PREFERENCE)}, default=len(PREFERENCE))
    best = rows.group_by("game_id").agg(rank.min().alias("_best"))
    return (
        rows.with_columns(rank.alias("_rank"))
        .join(best, on="game_id")
        .filter(pl.col("_rank") == pl.col("_best"))
        .drop("_rank", "_best")
    )


def disagreements(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Players of a game that two sources both landed whose points differ, or whose minutes differ by
    more than `MINUTES_TOLERANCE`: one row per (game, player, pair of sources). Players are paired by
    NBA id; balldontlie players without one cannot be compared (see `unmatched_players`)."""
    columns = ["game_id", "player_id", "player_name", "team_abbreviation", "source", "pts", "min"]
    frames = [f.select(columns) for f in frames if f.height]
    out_schema = {
        "game_id": pl.String, "player_id": pl.Int64, "player_name": pl.String, "team_abbreviation": pl.String,
        "source": pl.String, "other_source": pl.String, "pts": pl.Int32, "other_pts": pl.Int32,
        "min": pl.Float64, "other_min": pl.Float64,
    }
    if len(frames) < 2:
        return pl.DataFrame(schema=out_schema)
    rows = pl.concat(frames, how="vertical")
    pairs = rows.join(
        rows.select("game_id", "player_id", pl.col("source").alias("other_source"),
                    pl.col("pts").alias("other_pts"), pl.col("min").alias("other_min")),
        on=["game_id", "player_id"],
    )
    rank = {s: i for i, s in enumerate(PREFERENCE)}
    pairs = pairs.filter(
        pl.col("source").replace_strict(rank, default=99) < pl.col("other_source").replace_strict(rank, default=99)
    )
    differ = (pl.col("pts") != pl.col("other_pts")) | (
        (pl.col("min") - pl.col("other_min")).abs() > MINUTES_TOLERANCE
    )
    return pairs.filter(differ).select(list(out_schema)).cast(out_schema).sort("game_id", "player_id")


def games_compared(frames: list[pl.DataFrame]) -> int:
    """Games that at least two of ``frames`` landed."""
    ids = [f.select("game_id").unique() for f in frames if f.height]
    if len(ids) < 2:
        return 0
    return pl.concat(ids).group_by("game_id").len().filter(pl.col("len") > 1).height


def missing_games(final_games: pl.DataFrame, covered_game_ids: set[str]) -> pl.DataFrame:
    """The final games of the schedule (game_date, game_id, away@home) that no source covers."""
    return final_games.filter(~pl.col("game_id").is_in(sorted(covered_game_ids))).select(
        "game_date", "game_id", pl.format("{}@{}", "away_team_abbr", "home_team_abbr").alias("matchup")
    ).sort("game_date", "game_id")
