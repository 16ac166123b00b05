"""Phase 3: analytics tables. Team before player, through lineage: usage rate needs the team row."""

import datetime as dt

import dagster as dg
import polars as pl

from nba_platform import quality
from nba_platform.analytics import summaries as analytics
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.analytics.history import HISTORY_DAYS
from nba_platform.analytics.lines import LINE_COLUMNS, lines_by_game
from nba_platform.table_assets import count_check, emit, table_asset_kwargs, window_mapping


@dg.asset(**table_asset_kwargs("team_game_summary"))
def team_game_summary(
    context: dg.AssetExecutionContext,
    raw_team_boxscores: pl.DataFrame,
    raw_schedule: pl.DataFrame,
    raw_player_boxscores: pl.DataFrame,
):
    frame = analytics.team_game_summary(raw_team_boxscores, raw_schedule, raw_player_boxscores)
    yield from emit(
        context,
        "team_game_summary",
        frame,
        {"games": frame["game_id"].n_unique(), "rebuilt_from_players": int(frame["rebuilt_from_players"].sum())},
    )


# Only the columns the consensus reads are loaded (the IO managers select `columns`).
LINES_IN = dg.AssetIn("raw_prop_lines", metadata={"columns": list(LINE_COLUMNS)})


@dg.asset(
    ins={"raw_prop_lines": LINES_IN},
    **table_asset_kwargs(
        "player_game_summary",
        extra_checks=[
            dg.AssetCheckSpec(
                "one_row_per_player_who_played",
                asset="player_game_summary",
                blocking=True,
                description="as many rows as raw player box-score rows (players listed but not playing included)",
            ),
            dg.AssetCheckSpec(
                "players_add_up_to_team_points",
                asset="player_game_summary",
                blocking=False,
                description="sum of player points = team points (WARN: replay logs hold ~90% of players)",
            ),
        ],
    )
)
def player_game_summary(
    context: dg.AssetExecutionContext,
    raw_player_boxscores: pl.DataFrame,
    team_game_summary: pl.DataFrame,
    raw_prop_lines: pl.DataFrame,
    raw_schedule: pl.DataFrame,
):
    frame = analytics.player_game_summary(
        raw_player_boxscores, team_game_summary, lines_by_game(raw_prop_lines, raw_schedule)
    )
    yield from emit(
        context,
        "player_game_summary",
        frame,
        {"players": frame["player_id"].n_unique(), "with_line": frame["points_line"].is_not_null().sum()},
        checks=[
            count_check(
                "player_game_summary",
                "one_row_per_player_who_played",
                abs(frame.height - raw_player_boxscores.height),
                raw_rows=raw_player_boxscores.height,
            ),
            count_check(
                "player_game_summary",
                "players_add_up_to_team_points",
                quality.team_points_mismatch(team_game_summary, frame),
                blocking_failure=False,
            ),
        ],
    )


# Point in time: the history of date D ends on D-1.
HISTORY_WINDOW = window_mapping(start_offset=-HISTORY_DAYS, end_offset=-1)

HISTORY_INS = {
    "player_history": dg.AssetIn("player_game_summary", partition_mapping=HISTORY_WINDOW),
    "team_history": dg.AssetIn("team_game_summary", partition_mapping=HISTORY_WINDOW),
}


# raw_injury_report: a new edition re-requests today's context (policies.FEATURES), and through it the
# features and predictions, as a new lines snapshot does; the availability columns read it.
@dg.asset(**table_asset_kwargs("upcoming_player_game_context"), ins={**HISTORY_INS, "raw_prop_lines": LINES_IN})
def upcoming_player_game_context(
    context: dg.AssetExecutionContext,
    raw_schedule: pl.DataFrame,
    raw_prop_lines: pl.DataFrame,
    raw_injury_report: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    # The prediction time: a report edition published after it is not known to this run (re-runs of past
    # dates are cut at each game's tip-off instead).
    frame, unplaced = build_upcoming_context(
        raw_schedule, raw_prop_lines, player_history, team_history, as_of=dt.datetime.now(dt.UTC),
        injury_report=raw_injury_report,
    )
    if unplaced:
        context.log.warning(
            f"{unplaced} line players could not be placed (no box score yet under that name, or latest team not in the game)"
        )
    yield from emit(
        context,
        "upcoming_player_game_context",
        frame,
        {
            "history_rows": player_history.height,
            "with_line": int(frame["has_line"].sum()),
            "rotation_only": int((~frame["has_line"]).sum()),
            "unplaced_line_players": unplaced,
            "availability": dg.MetadataValue.json(
                {f"{src}/{st}": n for src, st, n in frame.group_by("availability_source", "availability_status").len().sort("availability_source", "availability_status").iter_rows()}
            ),
        },
    )
