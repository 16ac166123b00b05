"""Running statistics over past games, and the strict as-of join that reads them point in time.

Every statistic here is computed per player (or team) *through* each game, including that game.
A target dated D then takes the row of the latest game with date < D (`as_of_before`), so a
feature for D is made of games before D only, whatever the history frame contains.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

# History each date's features may look back over (days). Covers a whole season plus the gap
# to the previous one, so "last 10 games" works on opening night.
HISTORY_DAYS = 400

# Recent rotation: a player is expected in a scheduled game when he played for the team in one
# of its last ROTATION_TEAM_GAMES games.
ROTATION_TEAM_GAMES = 5


def played_only(player_history: pl.DataFrame) -> pl.DataFrame:
    """The player-games that were played: a listed player who sat (played=false) has no points or minutes,
    and a DNP is not a zero-point game in anyone's history."""
    # `played` is required in the table; a frame built without it (null) keeps its rows, as before the column.
    return player_history.filter(pl.col("played").fill_null(True))


def as_of_before(
    targets: pl.DataFrame, stats: pl.DataFrame, by: str | list[str], on: str = "game_date", stats_on: str = "game_date"
) -> pl.DataFrame:
    """Attach to each target the latest stats row strictly before its date (same `by` key)."""
    left = targets.sort(on)
    right = stats.sort(stats_on)
    if stats_on != on:
        right = right.rename({stats_on: on})
    return left.join_asof(
        right, on=on, by=by, strategy="backward", allow_exact_matches=False, check_sortedness=False
    )


def _mean_of_last(col: str, n: int, over: str | list[str]) -> pl.Expr:
    return pl.col(col).cast(pl.Float64).rolling_mean(n, min_samples=1).over(over)


def _sum_of_last(expr: pl.Expr, n: int, over: str | list[str]) -> pl.Expr:
    return expr.cast(pl.Float64).rolling_sum(n, min_samples=1).over(over)


def player_running_stats(history: pl.DataFrame, team_games: pl.DataFrame) -> pl.DataFrame:
    """Per player-game statistics through that game. `history` is player_game_summary rows."""
    p, s = "player_id", ["player_id", "season"]
    shots = pl.col("fga") + 0.44 * pl.col("fta")
    ordered = history.join(team_games, on=["team_id", "game_id", "game_date"], how="left").sort(p, "game_date")
    return ordered.with_columns(
        points_avg_last_5=_mean_of_last("points", 5, p),
        points_avg_last_10=_mean_of_last("points", 10, p),
        points_std_last_10=pl.col("points").cast(pl.Float64).rolling_std(10, min_samples=3).over(p),
        points_ewma=pl.col("points").cast(pl.Float64).ewm_mean(half_life=5, adjust=True).over(p),
        points_avg_last_2=_mean_of_last("points", 2, p),
        points_sum_last_5=_sum_of_last(pl.col("points"), 5, p),
        minutes_avg_last_5=_mean_of_last("minutes", 5, p),
        minutes_avg_last_10=_mean_of_last("minutes", 10, p),
        minutes_sum_last_10=_sum_of_last(pl.col("minutes"), 10, p),
        fga_avg_last_10=_mean_of_last("fga", 10, p),
        points_sum_last_10=_sum_of_last(pl.col("points"), 10, p),
        ftm_sum_last_10=_sum_of_last(pl.col("ftm"), 10, p),
        shots_sum_last_10=_sum_of_last(shots, 10, p),
        usage_avg_last_10=_mean_of_last("usage_rate", 10, p),
        usage_avg_last_3=_mean_of_last("usage_rate", 3, p),
        points_sum_season=pl.col("points").cast(pl.Float64).cum_sum().over(s),
        minutes_sum_season=pl.col("minutes").cum_sum().over(s),
        games_played_season=pl.col("points").cum_count().over(s).cast(pl.Int32),
        games_to_date=pl.col("points").cum_count().over(p).cast(pl.Int32),
        minutes_to_date=pl.col("minutes").cum_sum().over(p),
    ).with_columns(
        points_avg_season=pl.col("points_sum_season") / pl.col("games_played_season"),
        minutes_avg_season=pl.col("minutes_sum_season") / pl.col("games_played_season"),
    )


def team_games(player_history: pl.DataFrame, team_history: pl.DataFrame) -> pl.DataFrame:
    """Each team's games in order (`team_game_no`), from team rows and player rows alike."""
    return (
        pl.concat(
            [
                team_history.select("team_id", "game_id", "game_date"),
                player_history.select("team_id", "game_id", "game_date"),
            ]
        )
        .unique()
        .sort("team_id", "game_date", "game_id")
        .with_columns(team_game_no=pl.col("game_id").cum_count().over("team_id").cast(pl.Int32))
    )


def team_running_stats(team_history: pl.DataFrame) -> pl.DataFrame:
    """Per team-game: last-10 pace and ratings, season record, through that game."""
    t, s = "team_id", ["team_id", "season"]
    return (
        team_history.sort(t, "game_date")
        .with_columns(
            pace_last_10=_mean_of_last("pace", 10, t),
            off_rating_last_10=_mean_of_last("offensive_rating", 10, t),
            def_rating_last_10=_mean_of_last("defensive_rating", 10, t),
            team_minutes_last_10=_mean_of_last("minutes", 10, t),
            team_fga_last_10=_mean_of_last("fga", 10, t),
            team_points_last_10=_mean_of_last("points", 10, t),
            wins_season=pl.col("won").cast(pl.Int32).cum_sum().over(s),
            games_season=pl.col("won").cum_count().over(s).cast(pl.Int32),
        )
        .select(
            "team_id",
            "game_date",
            pl.col("season").alias("team_stats_season"),
            "pace_last_10",
            "off_rating_last_10",
            "def_rating_last_10",
            "team_minutes_last_10",
            "team_fga_last_10",
            "team_points_last_10",
            "wins_season",
            "games_season",
            pl.col("game_date").alias("team_last_game_date"),
        )
    )


def league_running_averages(team_history: pl.DataFrame, days: int = 30) -> pl.DataFrame:
    """League pace and defensive rating per date over the `days` before it (fallbacks for a team
    without recent games). Returns one row per calendar date from the first game on."""
    if team_history.is_empty():
        return pl.DataFrame(schema={"game_date": pl.Date, "league_pace": pl.Float64, "league_def_rating": pl.Float64})
    daily = team_history.group_by("game_date").agg(
        pl.col("pace").sum().alias("_pace"),
        pl.col("defensive_rating").sum().alias("_drtg"),
        pl.col("pace").count().alias("_n"),
    )
    start, end = daily["game_date"].min(), daily["game_date"].max() + dt.timedelta(days=1)
    calendar = pl.DataFrame({"game_date": pl.date_range(start, end, "1d", eager=True)})
    rolled = (
        calendar.join(daily, on="game_date", how="left")
        .fill_null(0)
        .sort("game_date")
        .with_columns(
            [pl.col(c).rolling_sum(days, min_samples=1).alias(c) for c in ("_pace", "_drtg", "_n")]
        )
    )
    # Row for date X summarizes games dated X-days+1..X; a target D reads the row of D-1 (strictly before).
    return rolled.filter(pl.col("_n") > 0).select(
        "game_date",
        (pl.col("_pace") / pl.col("_n")).alias("league_pace"),
        (pl.col("_drtg") / pl.col("_n")).alias("league_def_rating"),
    )


def team_line_totals(player_history: pl.DataFrame, games: int = 10) -> pl.DataFrame:
    """Per team-game with lines: the mean, over the team's last `games` such games through this one, of
    the sum of its players' pre-game lines (the average a tonight's implied team total is compared with)."""
    sums = (
        player_history.filter(pl.col("points_line").is_not_null())
        .group_by("team_id", "game_id", "game_date")
        .agg(_sum=pl.col("points_line").sum())
        .sort("team_id", "game_date")
    )
    return sums.select(
        "team_id", "game_date", line_total_avg=pl.col("_sum").rolling_mean(games, min_samples=1).over("team_id")
    )
