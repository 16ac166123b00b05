"""Phase 3: analytics tables. Team before player, through lineage: usage rate needs the team row."""

import dagster as dg
import polars as pl

from nba_platform.assets.common import count_check, emit, table_asset_kwargs
from nba_platform.transforms import analytics, quality
from nba_platform.transforms.lines import lines_by_game


@dg.asset(
    **table_asset_kwargs(
        "team_game_summary",
        "analytics",
        "analytics",
        "Team-game: possessions, pace, offensive/defensive rating, result; rebuilt from player rows "
        "(flagged) when the team row is missing.",
    )
)
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


@dg.asset(
    **table_asset_kwargs(
        "player_game_summary",
        "analytics",
        "analytics",
        "Player-game box score with minutes, true shooting, effective FG%, usage rate, team/opponent, "
        "home/away, and the pre-game consensus line with the result against it.",
        extra_checks=[
            dg.AssetCheckSpec(
                "one_row_per_player_who_played",
                asset="player_game_summary",
                blocking=True,
                description="as many rows as raw player box-score rows",
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
