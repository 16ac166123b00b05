"""Phase 4 features: one vector per player x scheduled game, strictly from games before that date.

Point in time is built in, not bolted on: rolling statistics are computed per player *through* each
past game, and a target (player, date D) takes the statistics of his latest game with date < D
(an as-of join with exact matches excluded). Nothing dated D or later can reach D's row, whatever
the caller passes in. Pure polars, vectorized over any number of target dates.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform import config, schemas

PREDICTED_SEASON_TYPES = ("Regular Season", "PlayIn", "Playoffs", "NBA Cup")


def scheduled_team_slots(schedule: pl.DataFrame) -> pl.DataFrame:
    """Two rows per scheduled game (home and away side) for the game types we predict."""
    games = schemas.conform(schedule, "raw_schedule").filter(
        pl.col("season_type").is_in(PREDICTED_SEASON_TYPES)
    )
    common = ["game_date", "game_id", "season", "tip_time_utc"]
    home = games.select(
        *common,
        pl.col("home_team_id").alias("team_id"),
        pl.col("home_team_abbr").alias("team_abbr"),
        pl.col("away_team_id").alias("opponent_team_id"),
        pl.col("away_team_abbr").alias("opponent_team_abbr"),
        pl.lit(True).alias("is_home"),
    )
    away = games.select(
        *common,
        pl.col("away_team_id").alias("team_id"),
        pl.col("away_team_abbr").alias("team_abbr"),
        pl.col("home_team_id").alias("opponent_team_id"),
        pl.col("home_team_abbr").alias("opponent_team_abbr"),
        pl.lit(False).alias("is_home"),
    )
    return pl.concat([home, away]).sort("game_date", "game_id", "team_id")


def _player_rolling(history: pl.DataFrame) -> pl.DataFrame:
    """Per player-game statistics through (and including) that game."""
    by_player = ["player_id"]
    by_season = ["player_id", "season"]
    return (
        history.sort("player_id", "game_date")
        .with_columns(
            points_avg_last_5=pl.col("points").cast(pl.Float64).rolling_mean(5, min_samples=1).over(by_player),
            points_avg_last_10=pl.col("points").cast(pl.Float64).rolling_mean(10, min_samples=1).over(by_player),
            points_std_last_10=pl.col("points").cast(pl.Float64).rolling_std(10, min_samples=2).over(by_player),
            minutes_avg_last_5=pl.col("minutes").rolling_mean(5, min_samples=1).over(by_player),
            minutes_avg_last_10=pl.col("minutes").rolling_mean(10, min_samples=1).over(by_player),
            points_avg_season=pl.col("points").cast(pl.Float64).cum_sum().over(by_season)
            / pl.col("points").cum_count().over(by_season),
            minutes_avg_season=pl.col("minutes").cum_sum().over(by_season)
            / pl.col("minutes").cum_count().over(by_season),
            games_played_season=pl.col("points").cum_count().over(by_season).cast(pl.Int32),
            games_to_date=pl.col("points").cum_count().over(by_player).cast(pl.Int32),
        )
        .select(
            "player_id",
            "game_date",
            pl.col("season").alias("last_season"),
            pl.col("team_id").alias("last_team_id"),
            pl.col("player_lookup").alias("last_player_lookup"),
            pl.col("player_name").alias("last_player_name"),
            "team_game_no",
            "points_avg_last_5",
            "points_avg_last_10",
            "points_std_last_10",
            "minutes_avg_last_5",
            "minutes_avg_last_10",
            "points_avg_season",
            "minutes_avg_season",
            "games_played_season",
            "games_to_date",
            pl.col("game_date").alias("last_game_date"),
        )
        .sort("game_date")
    )


def _team_games(player_history: pl.DataFrame, team_history: pl.DataFrame) -> pl.DataFrame:
    """Each team's games in order (team_game_no), from team rows and player rows alike."""
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


def _team_rolling(team_history: pl.DataFrame) -> pl.DataFrame:
    """Each team's defensive rating and pace over its last 10 games, through each game."""
    return (
        team_history.sort("team_id", "game_date")
        .with_columns(
            opponent_def_rating=pl.col("defensive_rating").rolling_mean(10, min_samples=1).over("team_id"),
            opponent_pace=pl.col("pace").rolling_mean(10, min_samples=1).over("team_id"),
        )
        .select(pl.col("team_id").alias("opponent_team_id"), "game_date", "opponent_def_rating", "opponent_pace")
        .sort("game_date")
    )


def build_feature_store(
    schedule: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
    feature_version: str = config.FEATURE_VERSION,
) -> pl.DataFrame:
    """Features for every expected player of every scheduled game in ``schedule``.

    Expected players are the team's recent rotation: players whose latest game before the date was
    for this team and within its last ``ROTATION_TEAM_GAMES`` games (so traded players follow
    their new team and long-absent ones drop out).
    """
    slots = scheduled_team_slots(schedule)
    player_history = schemas.conform(player_history, "player_game_summary")
    team_history = schemas.conform(team_history, "team_game_summary")
    if slots.is_empty() or player_history.is_empty():
        return schemas.empty("ml_feature_store")

    team_games = _team_games(player_history, team_history)
    rolling = _player_rolling(
        player_history.join(team_games, on=["team_id", "game_id", "game_date"], how="left")
    )

    # Every known player at every target date, then his latest game strictly before that date.
    dates = slots.select("game_date").unique().sort("game_date")
    players = rolling.select("player_id").unique()
    latest = players.join(dates, how="cross").sort("game_date").join_asof(
        rolling, on="game_date", by="player_id", strategy="backward", allow_exact_matches=False, check_sortedness=False
    )
    team_count_before = (
        slots.select("game_date", "team_id")
        .unique()
        .sort("game_date")
        .join_asof(
            team_games.select("team_id", "game_date", pl.col("team_game_no").alias("team_games_before")).sort(
                "game_date"
            ),
            on="game_date",
            by="team_id",
            strategy="backward",
            allow_exact_matches=False, check_sortedness=False,
        )
    )
    candidates = (
        slots.join(team_count_before, on=["game_date", "team_id"], how="left")
        .join(latest, left_on=["game_date", "team_id"], right_on=["game_date", "last_team_id"], how="inner")
        .filter(pl.col("team_game_no") > pl.col("team_games_before").fill_null(0) - config.ROTATION_TEAM_GAMES)
    )

    # Games in the last 7 days = games before D minus games before D-7.
    week_ago = (
        candidates.select("player_id", "game_date")
        .with_columns(week_start=pl.col("game_date") - dt.timedelta(days=7))
        .sort("week_start")
        .join_asof(
            rolling.select("player_id", pl.col("game_date").alias("week_start"), pl.col("games_to_date").alias("_g7")),
            on="week_start",
            by="player_id",
            strategy="backward",
            allow_exact_matches=False, check_sortedness=False,
        )
        .select("player_id", "game_date", "_g7")
    )
    same_season = pl.col("last_season") == pl.col("season")
    features = (
        candidates.join(week_ago, on=["player_id", "game_date"], how="left")
        .sort("game_date")
        .join_asof(_team_rolling(team_history), on="game_date", by="opponent_team_id", allow_exact_matches=False, check_sortedness=False)
        .with_columns(
            player_lookup=pl.col("last_player_lookup"),
            player_name=pl.col("last_player_name"),
            points_avg_season=pl.when(same_season).then(pl.col("points_avg_season")),
            minutes_avg_season=pl.when(same_season).then(pl.col("minutes_avg_season")),
            games_played_season=pl.when(same_season).then(pl.col("games_played_season")).otherwise(0),
            games_in_last_7_days=(pl.col("games_to_date") - pl.col("_g7").fill_null(0)).cast(pl.Int32),
            days_rest=(pl.col("game_date") - pl.col("last_game_date")).dt.total_days().cast(pl.Int32),
        )
        .with_columns(back_to_back=pl.col("days_rest") == 1)
        .with_columns(
            missing_feature_count=pl.sum_horizontal(
                [pl.col(c).is_null().cast(pl.Int32) for c in schemas.FEATURE_COLUMNS]
            ).cast(pl.Int32),
            feature_version=pl.lit(feature_version),
        )
        .sort("game_date", "game_id", "player_id")
    )
    return schemas.conform(features, "ml_feature_store")
