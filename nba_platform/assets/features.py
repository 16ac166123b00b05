"""Phase 3-4: who plays tonight and in what context, then the feature store.

History arrives as a window that ends the day before each date: point in time in the lineage itself.
"""

import warnings

import dagster as dg
import polars as pl

from nba_platform import config
from nba_platform.assets.common import count_check, emit, table_asset_kwargs
from nba_platform.transforms.context import build_upcoming_context
from nba_platform.transforms.features import build_feature_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)  # allow_nonexistent_upstream_partitions (verified, DESIGN §8)
    HISTORY_WINDOW = dg.TimeWindowPartitionMapping(
        start_offset=-config.HISTORY_DAYS, end_offset=-1, allow_nonexistent_upstream_partitions=True
    )

HISTORY_INS = {
    "player_history": dg.AssetIn("player_game_summary", partition_mapping=HISTORY_WINDOW),
    "team_history": dg.AssetIn("team_game_summary", partition_mapping=HISTORY_WINDOW),
}


@dg.asset(
    **table_asset_kwargs(
        "upcoming_player_game_context",
        "analytics",
        "analytics",
        "Expected players of each scheduled game (line players + recent rotation, latest team) with rest, "
        "load, team and opponent form, and the current and opening pre-tip line.",
    ),
    ins=HISTORY_INS,
)
def upcoming_player_game_context(
    context: dg.AssetExecutionContext,
    raw_schedule: pl.DataFrame,
    raw_prop_lines: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    frame, unplaced = build_upcoming_context(raw_schedule, raw_prop_lines, player_history, team_history)
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
        },
    )


@dg.asset(
    **table_asset_kwargs(
        "ml_feature_store",
        "precompute",
        "features",
        "One feature vector (with per-feature quality flags) per expected player x scheduled game, "
        "from games strictly before the date.",
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
            "feature_version": config.FEATURE_VERSION,
            "mean_quality_score": float(frame["quality_score"].mean()) if frame.height else None,
            "quality_flags": dg.MetadataValue.json(flags),
        },
        checks=[count_check("ml_feature_store", "every_listed_player_has_features", missing)],
    )
