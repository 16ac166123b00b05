"""`upcoming_player_game_context`: who is expected in each scheduled game, and the game's context.

The player list of a scheduled game is what is knowable before tip-off: every player with a line for
the game, plus each team's recent rotation (played for the team in one of its last few games), each
on his latest team (so trades are followed). For each: rest, recent load, the opponent's and his
team's recent form, the current and opening pre-tip line, and availability (analytics/availability.py):
his status with its source and as-of time, what his team and the opponent lose to absences, and the
implied team total from the sum of the team's player lines. Pure polars.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics import availability as avail
from nba_platform.analytics.history import (
    ROTATION_TEAM_GAMES,
    as_of_before,
    league_running_averages,
    played_only,
    player_running_stats,
    team_games,
    team_line_totals,
    team_running_stats,
)
from nba_platform.analytics.lines import consensus_lines, event_games

# An implied team total needs this many of the team's players priced (fewer is not a team total).
MIN_LINES_FOR_TEAM_TOTAL = 3

PREDICTED_SEASON_TYPES = ("Regular Season", "PlayIn", "Playoffs", "NBA Cup")


def scheduled_team_slots(schedule: pl.DataFrame) -> pl.DataFrame:
    """Two rows per scheduled game (home and away side) for the game types we predict."""
    games = schemas.conform(schedule, "raw_schedule").filter(pl.col("season_type").is_in(PREDICTED_SEASON_TYPES))
    common = ["game_date", "game_id", "season", "season_type", "tip_time_utc"]

    def side(team: str, opponent: str, is_home: bool) -> pl.DataFrame:
        return games.select(
            *common,
            pl.col(f"{team}_team_id").alias("team_id"),
            pl.col(f"{team}_team_abbr").alias("team_abbr"),
            pl.col(f"{opponent}_team_id").alias("opponent_team_id"),
            pl.col(f"{opponent}_team_abbr").alias("opponent_team_abbr"),
            pl.lit(is_home).alias("is_home"),
        )

    return pl.concat([side("home", "away", True), side("away", "home", False)]).sort("game_date", "game_id", "team_id")


def _latest_player_rows(stats: pl.DataFrame, dates: pl.DataFrame) -> pl.DataFrame:
    """Every known player at every target date, with his latest game strictly before it."""
    identity = stats.select(
        "player_id",
        "game_date",
        "team_id",
        "player_lookup",
        "player_name",
        "team_game_no",
        "games_to_date",
        "minutes_to_date",
        pl.col("game_date").alias("last_game_date"),
    )
    players = stats.select("player_id").unique()
    return as_of_before(players.join(dates, how="cross"), identity, by="player_id").filter(
        pl.col("games_to_date").is_not_null()
    )


def _game_lines(raw_lines: pl.DataFrame, schedule: pl.DataFrame) -> pl.DataFrame:
    """Current and opening consensus line per (game_id, player_lookup)."""
    mapping = event_games(raw_lines, schedule)
    current = consensus_lines(raw_lines, "latest").join(mapping, on="event_id")
    opening = consensus_lines(raw_lines, "earliest").join(mapping, on="event_id").select(
        "game_id", "player_lookup", pl.col("line").alias("points_line_open")
    )
    return current.select(
        "game_id",
        "player_lookup",
        pl.col("line").alias("points_line"),
        "over_price",
        "under_price",
        "line_books",
        "line_snapshot_utc",
    ).join(opening, on=["game_id", "player_lookup"], how="left")


def _window_counts(targets: pl.DataFrame, stats: pl.DataFrame, days: int) -> pl.DataFrame:
    """Games and minutes a player played in the `days` days before each target date."""
    cumulative = stats.select("player_id", "game_date", "games_to_date", "minutes_to_date")
    start = as_of_before(
        targets.with_columns(window_start=pl.col("game_date") - dt.timedelta(days=days)),
        cumulative.rename({"games_to_date": "_g0", "minutes_to_date": "_m0"}),
        by="player_id",
        on="window_start",
    )
    return start.select(
        "player_id",
        "game_date",
        (pl.col("games_to_date") - pl.col("_g0").fill_null(0)).cast(pl.Int32).alias(f"games_last_{days}_days"),
        (pl.col("minutes_to_date") - pl.col("_m0").fill_null(0.0)).alias(f"minutes_last_{days}_days"),
    )


def _with_availability(
    out: pl.DataFrame,
    stats: pl.DataFrame,
    raw_lines: pl.DataFrame,
    schedule: pl.DataFrame,
    player_history: pl.DataFrame,
    injury_report: pl.DataFrame | None,
    as_of: dt.datetime | None,
) -> pl.DataFrame:
    """Status, absences and implied team totals for the context rows (see analytics/availability.py)."""
    keys = ["player_id", "game_date", "team_id"]
    rotation = avail.rotation_flags(stats, out.select(*keys, "team_games_before"))
    mapping = event_games(raw_lines, schedule)
    market = avail.market_availability(raw_lines).join(mapping, on="event_id").select(
        "game_id", "player_lookup", "market_listed", "market_pulled", "market_as_of_utc"
    ).unique(["game_id", "player_lookup"])
    events = avail.market_events(raw_lines).join(mapping, on="event_id").group_by("game_id").agg(
        pl.col("event_as_of_utc").max()
    )
    own = stats.select(
        "player_id",
        pl.col("game_date").alias("last_game_date"),
        pl.col("minutes_avg_last_10").alias("_min10"),
        pl.col("fga_avg_last_10").alias("_fga10"),
        pl.col("points_avg_last_10").alias("_pts10"),
    )
    rows = (
        out.join(rotation, on=keys, how="left")
        .join(own, on=["player_id", "last_game_date"], how="left")
        .join(market, on=["game_id", "player_lookup"], how="left")
        .with_columns(cutoff_utc=avail.cutoff_utc(as_of))
    )
    status = avail.player_availability(
        rows.select("game_id", "game_date", "player_id", "team_abbr", "player_lookup", "cutoff_utc",
                    "rotation_player", "market_listed", "market_pulled", "market_as_of_utc"),
        injury_report,
        events,
    ).select("game_id", "player_id", *avail.AVAILABILITY_SCHEMA.names(), "absence_weight", "report_landed",
             "event_as_of_utc")
    rows = rows.join(status, on=["game_id", "player_id"], how="left").with_columns(
        minutes_share=pl.col("_min10") / pl.col("team_minutes_last_10"),
        fga_share=pl.col("_fga10") / pl.col("team_fga_last_10"),
        points_share=pl.col("_pts10") / pl.col("team_points_last_10"),
        star=pl.col("rotation_player").fill_null(False) & (pl.col("_pts10") >= avail.STAR_POINTS),
    )
    absences = avail.absence_features(rows)
    lined = pl.col("points_line").is_not_null()
    totals = rows.group_by("game_id", "team_id").agg(
        _lines=lined.sum(), _total=pl.col("points_line").sum()
    ).with_columns(
        implied_team_total=pl.when(pl.col("_lines") >= MIN_LINES_FOR_TEAM_TOTAL).then(pl.col("_total"))
    ).drop("_lines", "_total")
    past = as_of_before(rows.select("game_date", "team_id").unique(), team_line_totals(player_history), by="team_id")
    basis = (
        pl.when(pl.col("report_landed"))
        .then(pl.lit("injury_report"))
        .when(pl.col("event_as_of_utc").is_not_null())
        .then(pl.lit(avail.MARKET))
        .otherwise(pl.lit(avail.NONE))
    )
    return (
        rows.join(absences, on=["game_id", "player_id"], how="left")
        .join(totals, on=["game_id", "team_id"], how="left")
        .join(past, on=["game_date", "team_id"], how="left")
        .with_columns(
            absence_basis=basis,
            implied_team_total_vs_avg=pl.col("implied_team_total") - pl.col("line_total_avg"),
            line_share_of_team_total=pl.col("points_line") / pl.col("implied_team_total"),
        )
        .with_columns(
            # Nothing known about anyone's availability: the absence features are missing, not zero.
            [
                pl.when(pl.col("absence_basis") != avail.NONE).then(pl.col(c)).alias(c)
                for c in ABSENCE_FEATURES
            ]
        )
        # Sums over a team's players run in whatever order its rows arrive (one run for a range or one per
        # day): rounding keeps re-runs identical to the bit without changing any decision.
        .with_columns(pl.col(SUMMED_FEATURES).round(9))
    )


SUMMED_FEATURES = (
    "team_out_minutes_share", "team_out_fga_share", "team_out_points_share", "opp_out_minutes_share",
    "opp_out_fga_share", "opp_out_points_share", "implied_team_total", "implied_team_total_vs_avg",
    "line_share_of_team_total",
)
ABSENCE_FEATURES = (
    "team_out_minutes_share", "team_out_fga_share", "team_out_points_share", "team_rotation_out", "team_star_out",
    "opp_out_minutes_share", "opp_out_fga_share", "opp_out_points_share", "opp_rotation_out", "opp_star_out",
)


def build_upcoming_context(
    schedule: pl.DataFrame,
    raw_lines: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
    injury_report: pl.DataFrame | None = None,
    as_of: dt.datetime | None = None,
) -> tuple[pl.DataFrame, int]:
    """Context rows for every scheduled game in ``schedule``.

    `injury_report` holds `raw_injury_report` rows (None or empty: none landed, as in the offline replay);
    `as_of` is the prediction time: report editions published after it do not count (tip-off otherwise).

    Returns the table and the number of line players that could not be placed (never seen in a box
    score, or whose latest team is not in the game), which the asset reports.
    """
    slots = scheduled_team_slots(schedule)
    player_history = played_only(schemas.conform(player_history, "player_game_summary"))
    team_history = schemas.conform(team_history, "team_game_summary")
    if slots.is_empty() or player_history.is_empty():
        return schemas.empty("upcoming_player_game_context"), 0

    games_order = team_games(player_history, team_history)
    stats = player_running_stats(player_history, games_order)
    dates = slots.select("game_date").unique()
    latest = _latest_player_rows(stats, dates)

    # Rotation: latest game was for this team, within its last ROTATION_TEAM_GAMES games.
    team_count = as_of_before(
        slots.select("game_date", "team_id").unique(),
        games_order.select("team_id", "game_date", pl.col("team_game_no").alias("team_games_before")),
        by="team_id",
    )
    on_team = slots.join(latest, on=["game_date", "team_id"], how="inner").join(
        team_count, on=["game_date", "team_id"], how="left"
    )
    rotation = on_team.filter(
        pl.col("team_game_no") > pl.col("team_games_before").fill_null(0) - ROTATION_TEAM_GAMES
    ).select("game_id", "player_id")

    # Line players: matched by name key to the player's latest identity, placed on his latest team.
    lines = _game_lines(raw_lines, schedule)
    lookup_to_id = latest.select("game_date", "player_lookup", "player_id").unique(["game_date", "player_lookup"])
    line_players = (
        lines.join(slots.select("game_id", "game_date").unique(), on="game_id")
        .join(lookup_to_id, on=["game_date", "player_lookup"], how="left")
    )
    placed = line_players.join(on_team.select("game_id", "player_id"), on=["game_id", "player_id"], how="inner")
    unplaced = line_players.height - placed.height

    expected = (
        pl.concat(
            [
                rotation.with_columns(in_rotation=pl.lit(True)),
                placed.select("game_id", "player_id").with_columns(in_rotation=pl.lit(False)),
            ]
        )
        .group_by("game_id", "player_id")
        .agg(pl.col("in_rotation").any())
    )

    rows = on_team.join(expected, on=["game_id", "player_id"], how="inner")
    load_targets = rows.select("player_id", "game_date", "games_to_date", "minutes_to_date")
    loads = [_window_counts(load_targets, stats, days) for days in (7, 14)]
    team_stats = team_running_stats(team_history)
    team_now = as_of_before(slots.select("game_date", "team_id").unique(), team_stats, by="team_id")
    opponent_now = team_now.rename(
        {c: f"opp_{c}" for c in team_now.columns if c not in ("game_date",)}
    ).rename({"opp_team_id": "opponent_team_id"})
    league = league_running_averages(team_history)
    same_season = pl.col("team_stats_season") == pl.col("season")

    out = (
        rows.join(loads[0], on=["player_id", "game_date"], how="left")
        .join(loads[1], on=["player_id", "game_date"], how="left")
        .join(team_now, on=["game_date", "team_id"], how="left")
        .join(opponent_now, on=["game_date", "opponent_team_id"], how="left")
        .sort("game_date")
        .join_asof(league.sort("game_date"), on="game_date", strategy="backward", allow_exact_matches=False)
        .join(lines, on=["game_id", "player_lookup"], how="left")
        .with_columns(
            days_rest=(pl.col("game_date") - pl.col("last_game_date")).dt.total_days().cast(pl.Int32),
            team_days_rest=(pl.col("game_date") - pl.col("team_last_game_date")).dt.total_days().cast(pl.Int32),
            opponent_days_rest=(pl.col("game_date") - pl.col("opp_team_last_game_date")).dt.total_days().cast(pl.Int32),
            opponent_def_rating=pl.col("opp_def_rating_last_10"),
            opponent_pace=pl.col("opp_pace_last_10"),
            team_pace=pl.col("pace_last_10"),
            team_off_rating=pl.col("off_rating_last_10"),
            team_win_pct=pl.when(same_season & (pl.col("games_season") > 0)).then(
                pl.col("wins_season") / pl.col("games_season")
            ),
            has_line=pl.col("points_line").is_not_null(),
            line_movement=pl.col("points_line") - pl.col("points_line_open"),
        )
        .with_columns(back_to_back=pl.col("days_rest") == 1)
    )
    out = _with_availability(out, stats, raw_lines, schedule, player_history, injury_report, as_of).sort(
        "game_date", "game_id", "player_id"
    )
    return schemas.conform(out, "upcoming_player_game_context"), unplaced
