"""Phase 4: the feature store. History arrives as a window that ends the day before each date."""


import dagster as dg
import polars as pl

from nba_platform import config
from nba_platform.assets.common import emit, table_asset_kwargs
from nba_platform.transforms.features import build_feature_store

# Point in time in the lineage itself: date D reads history from D-HISTORY_DAYS to D-1, never D.
HISTORY_WINDOW = dg.TimeWindowPartitionMapping(
    start_offset=-config.HISTORY_DAYS, end_offset=-1, allow_nonexistent_upstream_partitions=True
)


@dg.asset(
    **table_asset_kwargs(
        "ml_feature_store",
        "precompute",
        "features",
        "One feature vector per expected player x scheduled game, from games strictly before the date.",
    ),
    ins={
        "player_history": dg.AssetIn("player_game_summary", partition_mapping=HISTORY_WINDOW),
        "team_history": dg.AssetIn("team_game_summary", partition_mapping=HISTORY_WINDOW),
    },
)
def ml_feature_store(
    context: dg.AssetExecutionContext,
    raw_schedule: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    frame = build_feature_store(raw_schedule, player_history, team_history)
    null_rates = {c: round(frame[c].null_count() / frame.height, 3) for c in frame.columns if frame.height and frame[c].null_count()}
    yield from emit(
        context,
        "ml_feature_store",
        frame,
        {
            "feature_version": config.FEATURE_VERSION,
            "history_rows": player_history.height,
            "null_rates": dg.MetadataValue.json(null_rates),
        },
    )
