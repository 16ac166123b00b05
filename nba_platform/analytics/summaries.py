"""Phase 3 analytics: team and player game summaries from raw box scores. Pure polars, no Dagster."""

from __future__ import annotations

import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.names import player_lookup_expr

SEASON_TYPES = {"1": "Preseason", "2": "Regular Season", "3": "All-Star", "4": "Playoffs", "5": "PlayIn", "6": "NBA Cup"}


def season_from_id(column: str = "season_id") -> pl.Expr:
    """stats.nba.com SEASON_ID '22024' -> '2024-25' (first digit is the game type)."""
    start = pl.col(column).str.slice(1, 4).cast(pl.Int32)
    return pl.format("{}-{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))


def season_type_from_game_id(column: str = "game_id") -> pl.Expr:
    return pl.col(column).str.slice(2, 1).replace_strict(SEASON_TYPES, default="Other")


def _is_home_from_matchup() -> pl.Expr:
    # "GSW vs. NYK" is the home row, "GSW @ NYK" the away row.
    return pl.col("matchup").str.contains(" vs. ", literal=True)


def _opponent_from_matchup() -> pl.Expr:
    return pl.col("matchup").str.split(" ").list.last()


_SUMMED = ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"]


def team_rows_from_players(raw_team: pl.DataFrame, raw_player: pl.DataFrame) -> pl.DataFrame:
    """Team box-score rows rebuilt from player rows, for team-games that have no team row.

    Minutes are the regulation 240 (player logs may hold only some players, so their sum is not the
    team's time); percentages and WL come from the sums and the opponent's rebuilt or real points.
    """
    raw_player = schemas.conform(raw_player, "raw_player_boxscores")
    have = raw_team.select("game_id", "team_id")
    rebuilt = (
        raw_player.join(have, on=["game_id", "team_id"], how="anti")
        .group_by("game_date", "season_id", "game_id", "team_id", "team_abbreviation", "team_name", "matchup")
        .agg(pl.col(c).sum() for c in _SUMMED)
        .with_columns(
            min=pl.lit(240.0),
            fg_pct=pl.when(pl.col("fga") > 0).then(pl.col("fgm") / pl.col("fga")),
            fg3_pct=pl.when(pl.col("fg3a") > 0).then(pl.col("fg3m") / pl.col("fg3a")),
            ft_pct=pl.when(pl.col("fta") > 0).then(pl.col("ftm") / pl.col("fta")),
            plus_minus=pl.lit(None, dtype=pl.Float64),
            wl=pl.lit(None, dtype=pl.String),
            source_file=pl.lit("rebuilt_from_player_rows"),
        )
    )
    return schemas.conform(rebuilt, "raw_team_boxscores")


def team_game_summary(
    raw_team: pl.DataFrame, schedule: pl.DataFrame, raw_player: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per team-game: possessions, pace, offensive/defensive rating, result.

    Possessions use the standard box-score estimate FGA - OREB + TOV + 0.44 FTA, averaged over
    both teams (they share the game's possessions). Pace is per 48 minutes of team time. A team-game
    without a team row is rebuilt from its player rows and flagged `rebuilt_from_players`.
    """
    raw_team = schemas.conform(raw_team, "raw_team_boxscores").with_columns(rebuilt_from_players=pl.lit(False))
    schedule = schemas.conform(schedule, "raw_schedule")
    if raw_player is not None:
        rebuilt = team_rows_from_players(raw_team, raw_player).with_columns(rebuilt_from_players=pl.lit(True))
        raw_team = pl.concat([raw_team, rebuilt])
    base = raw_team.with_columns(
        (pl.col("fga") - pl.col("oreb") + pl.col("tov") + 0.44 * pl.col("fta")).alias("_poss_est"),
    )
    # A game has two team rows; the opponent's values are the other row of the same game_id.
    two_rows = pl.len().over("game_id") == 2

    def other(col: str) -> pl.Expr:
        return pl.when(two_rows).then(pl.col(col).reverse().over("game_id"))

    home = schedule.select("game_id", "home_team_id")
    out = (
        base.sort("game_id", "team_id")
        .with_columns(
            opponent_team_id=other("team_id"),
            opponent_team_abbr=other("team_abbreviation"),
            opponent_points=other("pts"),
            _opp_poss_est=other("_poss_est"),
        )
        .join(home, on="game_id", how="left")
        .with_columns(
            possessions=pl.when(pl.col("_opp_poss_est").is_not_null())
            .then((pl.col("_poss_est") + pl.col("_opp_poss_est")) / 2)
            .otherwise(pl.col("_poss_est")),
            is_home=pl.when(pl.col("home_team_id").is_not_null())
            .then(pl.col("home_team_id") == pl.col("team_id"))
            .otherwise(_is_home_from_matchup()),
        )
        .with_columns(
            season=season_from_id(),
            season_type=season_type_from_game_id(),
            team_abbr=pl.col("team_abbreviation"),
            opponent_team_abbr=pl.coalesce("opponent_team_abbr", _opponent_from_matchup()),
            minutes=pl.col("min"),
            points=pl.col("pts"),
            pace=pl.col("possessions") * 240.0 / pl.col("min"),
            offensive_rating=100.0 * pl.col("pts") / pl.col("possessions"),
            defensive_rating=100.0 * pl.col("opponent_points") / pl.col("possessions"),
            won=pl.coalesce(pl.col("wl") == "W", pl.col("pts") > pl.col("opponent_points")),
            margin=(pl.col("pts") - pl.col("opponent_points")),
        )
        .sort("game_date", "game_id", "team_id")
    )
    return schemas.conform(out, "team_game_summary")


# Reasons as the sources write them (cdn.nba.com notPlayingReason codes such as INACTIVE_INJURY,
# DNP_COACH, INACTIVE_GLEAGUE_TWOWAY, and their descriptions): the first pattern that matches wins. A rest
# day (often written "Rest" or "Injury Management" under an injury code) is rest, not an injury.
_REASON_PATTERNS = (
    ("rest", r"(?i)(^|[^a-z])rest([^a-z]|$)|injury management|load management"),
    ("g_league", r"(?i)g.?league|two.?way|on assignment"),
    ("coach", r"(?i)coach"),
    ("personal", r"(?i)personal|family|bereavement"),
    ("injury", r"(?i)injur|illness|sore|sprain|strain|surgery|fracture|concussion|knee|ankle|hamstring|back"),
)
_NOT_PLAYED_NULL = (
    "minutes", "points", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl",
    "blk", "tov", "pf", "plus_minus", "true_shooting_pct", "effective_fg_pct", "usage_rate",
)


def dnp_reason_category(reason: str, description: str) -> pl.Expr:
    """injury / rest / coach / g_league / personal / other from the source's reason code and text; null
    when the source gives neither (balldontlie, a bare "did not play")."""
    text = pl.concat_str([pl.col(description).fill_null(""), pl.col(reason).fill_null("")], separator=" ")
    expr = pl.when(pl.col(reason).is_null() & pl.col(description).is_null()).then(pl.lit(None, pl.String))
    for category, pattern in _REASON_PATTERNS:
        expr = expr.when(text.str.contains(pattern)).then(pl.lit(category))
    return expr.otherwise(pl.lit("other"))


def player_game_summary(
    raw_player: pl.DataFrame, team_summary: pl.DataFrame, game_lines: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per player-game with efficiency and usage; team context comes from the team summary.

    Usage rate = 100 * (FGA + 0.44 FTA + TOV) * (team minutes / 5) / (minutes * team (FGA + 0.44 FTA + TOV)).
    It needs the team row, which is why team_game_summary is an input of this asset.
    `game_lines` (game_id, player_lookup, line) adds the pre-game consensus line and the result
    against it: OVER, UNDER, or PUSH when the points equal a whole line. `starter`, `played` and the
    reason a listed player sat come from the row's source (`box_source`): leaguegamelog lists only
    players who played and says nothing of starters, so there `starter` and `dnp_reason_category` stay null.
    """
    raw_player = schemas.conform(raw_player, "raw_player_boxscores")
    team_summary = schemas.conform(team_summary, "team_game_summary")
    team = team_summary.select(
        "game_id",
        "team_id",
        pl.col("is_home").alias("_team_is_home"),
        pl.col("opponent_team_abbr").alias("_team_opp"),
        (pl.col("fga") + 0.44 * pl.col("fta") + pl.col("tov")).alias("_team_plays"),
        pl.col("minutes").alias("_team_minutes"),
    )
    plays = pl.col("fga") + 0.44 * pl.col("fta") + pl.col("tov")
    shots = pl.col("fga") + 0.44 * pl.col("fta")
    out = (
        raw_player.join(team, on=["game_id", "team_id"], how="left")
        .with_columns(
            season=season_from_id(),
            season_type=season_type_from_game_id(),
            player_lookup=player_lookup_expr("player_name"),
            team_abbr=pl.col("team_abbreviation"),
            opponent_team_abbr=pl.coalesce("_team_opp", _opponent_from_matchup()),
            is_home=pl.coalesce("_team_is_home", _is_home_from_matchup()),
            minutes=pl.col("min"),
            points=pl.col("pts"),
            true_shooting_pct=pl.when(shots > 0).then(pl.col("pts") / (2 * shots)),
            effective_fg_pct=pl.when(pl.col("fga") > 0).then((pl.col("fgm") + 0.5 * pl.col("fg3m")) / pl.col("fga")),
            usage_rate=pl.when((pl.col("min") > 0) & (pl.col("_team_plays") > 0)).then(
                100.0 * plays * (pl.col("_team_minutes") / 5) / (pl.col("min") * pl.col("_team_plays"))
            ),
            won=pl.col("wl") == "W",
            # A source without the flag: time on the court decides (derived, not guessed).
            played=pl.coalesce("played", pl.col("min") > 0),
            dnp_reason_category=pl.when(pl.col("played").not_()).then(
                dnp_reason_category("not_playing_reason", "not_playing_description")
            ),
            box_source=pl.col("source"),
        )
        # A listed player who did not play has no points or minutes (not zero): readers of history skip him.
        .with_columns(
            pl.when(pl.col("played")).then(pl.col(c)).alias(c) for c in _NOT_PLAYED_NULL
        )
    )
    if game_lines is not None and game_lines.height:
        out = out.join(
            game_lines.select("game_id", "player_lookup", pl.col("line").alias("points_line")),
            on=["game_id", "player_lookup"],
            how="left",
        )
    else:
        out = out.with_columns(points_line=pl.lit(None, dtype=pl.Float64))
    out = out.with_columns(
        over_under_result=pl.when(pl.col("points_line").is_null() | pl.col("points").is_null())
        .then(None)
        .when(pl.col("points") > pl.col("points_line"))
        .then(pl.lit("OVER"))
        .when(pl.col("points") < pl.col("points_line"))
        .then(pl.lit("UNDER"))
        .otherwise(pl.lit("PUSH"))
    ).sort("game_date", "game_id", "player_id")
    return schemas.conform(out, "player_game_summary")
