"""Phase 3: analytics tables. Team before player, through lineage: usage rate needs the team row."""


import dagster as dg
import polars as pl

from nba_platform.assets.common import emit, table_asset_kwargs
from nba_platform.transforms import analytics


@dg.asset(
    **table_asset_kwargs(
        "team_game_summary", "analytics", "analytics", "Team-game: possessions, pace, offensive/defensive rating, result."
    )
)
def team_game_summary(
    context: dg.AssetExecutionContext, raw_team_boxscores: pl.DataFrame, raw_schedule: pl.DataFrame
):
    frame = analytics.team_game_summary(raw_team_boxscores, raw_schedule)
    yield from emit(context, "team_game_summary", frame, {"games": frame["game_id"].n_unique()})


@dg.asset(
    **table_asset_kwargs(
        "player_game_summary",
        "analytics",
        "analytics",
        "Player-game box score with minutes, true shooting, effective FG%, usage rate, team/opponent, home/away.",
    )
)
def player_game_summary(
    context: dg.AssetExecutionContext, raw_player_boxscores: pl.DataFrame, team_game_summary: pl.DataFrame
):
    frame = analytics.player_game_summary(raw_player_boxscores, team_game_summary)
    yield from emit(context, "player_game_summary", frame, {"players": frame["player_id"].n_unique()})
