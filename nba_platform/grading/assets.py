"""Phase 5b: grade each prediction once the game's box score exists."""


import dagster as dg
import polars as pl

from nba_platform.grading import grade as transforms_grading
from nba_platform.grading.grade import grade_predictions
from nba_platform.table_assets import emit, table_asset_kwargs


@dg.asset(**table_asset_kwargs("prediction_results"))
def prediction_results(
    context: dg.AssetExecutionContext, player_prop_predictions: pl.DataFrame, player_game_summary: pl.DataFrame
):
    frame = grade_predictions(player_prop_predictions, player_game_summary)
    graded = frame.filter(pl.col("absolute_error").is_not_null())
    bets = frame.filter(pl.col("outcome").is_in(["HIT", "MISS"]))
    yield from emit(
        context,
        "prediction_results",
        frame,
        {
            "outcomes": dg.MetadataValue.json(dict(frame.group_by("outcome").len().iter_rows())),
            "mae": float(graded["absolute_error"].mean()) if graded.height else None,
            "hit_rate": float((bets["outcome"] == "HIT").mean()) if bets.height else None,
        },
    )


@dg.asset(**table_asset_kwargs("system_daily_performance"))
def system_daily_performance(context: dg.AssetExecutionContext, prediction_results: pl.DataFrame):
    frame = transforms_grading.system_daily_performance(prediction_results)
    yield from emit(context, "system_daily_performance", frame)
