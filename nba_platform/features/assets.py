"""Phase 4: the feature store, from the upcoming games' context and a history window that ends the day
before each date (point in time in the lineage itself)."""

import dagster as dg
import polars as pl

from nba_platform.analytics.assets import HISTORY_INS
from nba_platform.features.store import FEATURE_VERSION, build_feature_store
from nba_platform.table_assets import count_check, emit, table_asset_kwargs


@dg.asset(
    **table_asset_kwargs(
        "ml_feature_store",
        extra_checks=[
            dg.AssetCheckSpec(
                "every_listed_player_has_features",
                asset="ml_feature_store",
                blocking=True,
                description="one feature row per upcoming_player_game_context row",
            )
        ],
    ),
    ins=HISTORY_INS,
)
def ml_feature_store(
    context: dg.AssetExecutionContext,
    upcoming_player_game_context: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    frame = build_feature_store(upcoming_player_game_context, player_history, team_history)
    missing = upcoming_player_game_context.join(frame, on=["game_id", "player_id"], how="anti").height
    flags = {
        c.removeprefix("q_"): dict(frame.group_by(c).len().iter_rows())
        for c in frame.columns
        if c.startswith("q_") and frame.height
    }
    yield from emit(
        context,
        "ml_feature_store",
        frame,
        {
            "feature_version": FEATURE_VERSION,
            "mean_quality_score": float(frame["quality_score"].mean()) if frame.height else None,
            "quality_flags": dg.MetadataValue.json(flags),
        },
        checks=[count_check("ml_feature_store", "every_listed_player_has_features", missing)],
    )
