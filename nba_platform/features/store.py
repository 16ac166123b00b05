"""`ml_feature_store`: one feature vector per expected player x scheduled game.

The rows are those of `upcoming_player_game_context` (who is expected, and the game's context);
player statistics come from his games strictly before the date (`history.as_of_before`). Every
feature has a quality flag `q_<feature>`:

* computed - from the player's/teams' own games as defined;
* fallback - a stand-in with a stated meaning (last season's average before his first game of
  this season; the league's last-30-day average for a team without recent games);
* default  - a conventional value for an undefined input (not a back-to-back when he has no
  previous game);
* missing  - null: the input does not exist (the absence features: no injury report and no lines).
  The absence features (team_out_*, opp_out_*, *_star_out, *_rotation_out) are computed from an injury
  report, fallback from the market alone (who has a line). Nothing missing is ever filled with a value that looks
  computed.

`quality_score` is the mean over features of 1 (computed), 0.5 (fallback, default) and 0 (missing).
Pure polars, vectorized over any number of dates.
"""

from __future__ import annotations

import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics.context import ABSENCE_FEATURES
from nba_platform.analytics.history import as_of_before, played_only, player_running_stats, team_games

COMPUTED, FALLBACK, DEFAULT, MISSING = "computed", "fallback", "default", "missing"
QUALITY_WEIGHT = {COMPUTED: 1.0, FALLBACK: 0.5, DEFAULT: 0.5, MISSING: 0.0}

_STAT_COLUMNS = [
    "points_avg_last_5",
    "points_avg_last_10",
    "points_std_last_10",
    "points_ewma",
    "points_avg_last_2",
    "points_sum_last_5",
    "minutes_avg_last_5",
    "minutes_avg_last_10",
    "minutes_sum_last_10",
    "points_sum_last_10",
    "ftm_sum_last_10",
    "shots_sum_last_10",
    "usage_avg_last_10",
    "usage_avg_last_3",
    "points_sum_season",
    "minutes_sum_season",
    "points_avg_season",
    "minutes_avg_season",
    "games_played_season",
    "games_to_date",
]

# Bumped when a feature definition changes: rows of two versions are never mixed in training.
FEATURE_VERSION = "v3"


def _ratio(num: str, den: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))


def _flag_if_present(name: str) -> pl.Expr:
    return pl.when(pl.col(name).is_not_null()).then(pl.lit(COMPUTED)).otherwise(pl.lit(MISSING))


def _season_value(name: str, value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """This season's value; last season's when he has not played this season yet (fallback)."""
    this_season = pl.col("stat_season") == pl.col("season")
    return value.alias(name), (
        pl.when(value.is_null())
        .then(pl.lit(MISSING))
        .when(this_season)
        .then(pl.lit(COMPUTED))
        .otherwise(pl.lit(FALLBACK))
        .alias(f"q_{name}")
    )


def _with_league_fallback(name: str, own: str, league: str) -> tuple[pl.Expr, pl.Expr]:
    value = pl.coalesce(pl.col(own), pl.col(league))
    flag = (
        pl.when(pl.col(own).is_not_null())
        .then(pl.lit(COMPUTED))
        .when(pl.col(league).is_not_null())
        .then(pl.lit(FALLBACK))
        .otherwise(pl.lit(MISSING))
    )
    return value.alias(name), flag.alias(f"q_{name}")


def build_feature_store(
    context: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
    feature_version: str = FEATURE_VERSION,
) -> pl.DataFrame:
    context = schemas.conform(context, "upcoming_player_game_context")
    player_history = played_only(schemas.conform(player_history, "player_game_summary"))
    team_history = schemas.conform(team_history, "team_game_summary")
    if context.is_empty() or player_history.is_empty():
        return schemas.empty("ml_feature_store")

    stats = player_running_stats(player_history, team_games(player_history, team_history)).select(
        "player_id", "game_date", pl.col("season").alias("stat_season"), *_STAT_COLUMNS
    )
    base = as_of_before(context, stats, by="player_id").with_columns(
        # Same-season season statistics, or last season's as a flagged fallback.
        games_played_season=pl.when(pl.col("stat_season") == pl.col("season"))
        .then(pl.col("games_played_season"))
        .otherwise(0),
        _ppm_season=_ratio("points_sum_season", "minutes_sum_season"),
        points_per_minute_last_10=_ratio("points_sum_last_10", "minutes_sum_last_10"),
    )

    season_avg, q_season_avg = _season_value("points_avg_season", pl.col("points_avg_season"))
    season_min, q_season_min = _season_value("minutes_avg_season", pl.col("minutes_avg_season"))
    season_ppm, q_season_ppm = _season_value("points_per_minute_season", pl.col("_ppm_season"))
    opp_drtg, q_opp_drtg = _with_league_fallback("opponent_def_rating", "opponent_def_rating", "league_def_rating")
    opp_pace, q_opp_pace = _with_league_fallback("opponent_pace", "opponent_pace", "league_pace")
    team_pace, q_team_pace = _with_league_fallback("team_pace", "team_pace", "league_pace")

    features = base.with_columns(
        season_avg, q_season_avg, season_min, q_season_min, season_ppm, q_season_ppm,
        opp_drtg, q_opp_drtg, opp_pace, q_opp_pace, team_pace, q_team_pace,
    ).with_columns(
        # Last 2 games against the 3 before them; needs 5 games.
        recent_trend=pl.when(pl.col("games_to_date") >= 5).then(
            pl.col("points_avg_last_2") - (pl.col("points_sum_last_5") - 2 * pl.col("points_avg_last_2")) / 3
        ),
        minutes_change=pl.when(pl.col("q_minutes_avg_season") == COMPUTED).then(
            pl.col("minutes_avg_last_10") - pl.col("minutes_avg_season")
        ),
        expected_points_by_minutes=pl.col("minutes_avg_last_5") * pl.col("points_per_minute_last_10"),
        usage_trend=pl.col("usage_avg_last_3") - pl.col("usage_avg_last_10"),
        true_shooting_last_10=pl.when(pl.col("shots_sum_last_10") > 0).then(
            pl.col("points_sum_last_10") / (2 * pl.col("shots_sum_last_10"))
        ),
        free_throw_share=_ratio("ftm_sum_last_10", "points_sum_last_10"),
        games_in_last_7_days=pl.col("games_last_7_days"),
        minutes_in_last_7_days=pl.col("minutes_last_7_days"),
        back_to_back=pl.col("days_rest").fill_null(0) == 1,
        # Load of the last week in 36-minute games, plus one on the second night of a back-to-back.
        fatigue_score=pl.col("minutes_last_7_days") / 36.0 + (pl.col("days_rest") == 1).cast(pl.Float64),
        # Rest beyond 4 days is full rest: cap it so an opening night does not read as a huge edge.
        rest_advantage=(pl.col("team_days_rest").clip(0, 4) - pl.col("opponent_days_rest").clip(0, 4)).cast(pl.Int32),
        is_playoff=pl.col("season_type").is_in(["Playoffs", "PlayIn"]),
        # Expected pace of this game against the league's recent pace.
        pace_differential=(pl.col("team_pace") + pl.col("opponent_pace")) / 2 - pl.col("league_pace"),
    )

    explicit_flags = {
        "points_avg_season", "minutes_avg_season", "points_per_minute_season",
        "opponent_def_rating", "opponent_pace", "team_pace",
    }
    flags = []
    for name in schemas.FEATURE_COLUMNS:
        if name in explicit_flags:
            continue
        if name in ABSENCE_FEATURES:
            basis = pl.col("absence_basis")
            flags.append(
                pl.when(pl.col(name).is_null() | (basis == "none"))
                .then(pl.lit(MISSING))
                .when(basis == "injury_report")
                .then(pl.lit(COMPUTED))
                .otherwise(pl.lit(FALLBACK))
                .alias(f"q_{name}")
            )
        elif name == "back_to_back":
            flags.append(
                pl.when(pl.col("days_rest").is_null()).then(pl.lit(DEFAULT)).otherwise(pl.lit(COMPUTED)).alias(f"q_{name}")
            )
        elif name == "pace_differential":
            worst = pl.when(pl.col("pace_differential").is_null()).then(pl.lit(MISSING))
            flags.append(
                worst.when((pl.col("q_team_pace") == FALLBACK) | (pl.col("q_opponent_pace") == FALLBACK))
                .then(pl.lit(FALLBACK))
                .otherwise(pl.lit(COMPUTED))
                .alias(f"q_{name}")
            )
        else:
            flags.append(_flag_if_present(name).alias(f"q_{name}"))
    features = features.with_columns(flags)

    q_cols = [f"q_{name}" for name in schemas.FEATURE_COLUMNS]
    features = features.with_columns(
        missing_feature_count=pl.sum_horizontal([(pl.col(q) == MISSING).cast(pl.Int32) for q in q_cols]).cast(pl.Int32),
        quality_score=pl.mean_horizontal([pl.col(q).replace_strict(QUALITY_WEIGHT, return_dtype=pl.Float64) for q in q_cols]),
        feature_version=pl.lit(feature_version),
    ).sort("game_date", "game_id", "player_id")
    return schemas.conform(features, "ml_feature_store")
