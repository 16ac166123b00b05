"""Phase 5: predictions of every system, with tonight's consensus pre-tip line."""


import dagster as dg
import polars as pl

from nba_platform.assets.common import emit, table_asset_kwargs
from nba_platform.models import SYSTEMS
from nba_platform.transforms.predictions import predict_props


@dg.asset(
    **table_asset_kwargs(
        "player_prop_predictions",
        "predictions",
        "predictions",
        "Predicted points, P(over), edge and OVER/UNDER/PASS/NO_LINE per player, game and system.",
    )
)
def player_prop_predictions(context: dg.AssetExecutionContext, ml_feature_store: pl.DataFrame):
    frame = predict_props(ml_feature_store, SYSTEMS)
    counts = dict(frame.group_by("recommendation").len().iter_rows())
    yield from emit(context, "player_prop_predictions", frame, {"recommendations": dg.MetadataValue.json(counts)})
