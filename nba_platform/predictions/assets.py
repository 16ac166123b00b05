"""Phase 5: the weekly `points_model` (walk-forward) and the daily predictions that use it."""

import datetime as dt

import dagster as dg
import polars as pl

from nba_platform import policies
from nba_platform.analytics.assets import HISTORY_INS
from nba_platform.core.calendar import TIMEZONE
from nba_platform.predictions.bundle import ModelBundle
from nba_platform.predictions.predict import predict_props
from nba_platform.predictions.training import TRAINING_COLUMNS, TRAINING_WEEKS, train_weeks
from nba_platform.table_assets import emit, table_asset_kwargs, window_mapping

# Weeks start on Monday (ET); today's week exists during the week (end_offset=1).
model_weeks = dg.WeeklyPartitionsDefinition(start_date="2014-10-06", day_offset=1, timezone=TIMEZONE, end_offset=1)

# Offsets count downstream (weekly) partitions: the 60 weeks before the model's week, never the week itself.
TRAINING_WINDOW = window_mapping(start_offset=-TRAINING_WEEKS, end_offset=-1)


# The UI plots a numeric metadata key across an asset's partitions: one float per system and week, so
# each system's held-out MAE is a line over the weeks (Asset > Plots).
VALIDATION_MAE = "validation_mae/"
MINUTES_MAE = "minutes_validation_mae/"
TOP_FEATURES = 15


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(header) - 1)  # a name, then numbers
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, align, *rows])


def ensemble_weights_markdown(weights: dict[str, dict[str, float]]) -> str:
    """The ensemble's weights per component: on rows without a line, and on rows with one (the line
    itself is a component there)."""
    without, with_line = weights.get("without_line", {}), weights.get("with_line", {})
    components = [*without, *(c for c in with_line if c not in without)]
    rows = [
        [c, *(f"{w[c]:.3f}" if c in w else "" for w in (without, with_line))] for c in components
    ]
    return _markdown_table(["component", "without line", "with line"], rows)


def feature_importance_markdown(importance: dict[str, float], top: int = TOP_FEATURES) -> str:
    """The booster's `top` features by total gain, with each one's share of the gain of all features."""
    if not importance:
        return "No booster this week (not trained): LightGBM abstains."
    total = sum(importance.values()) or 1.0
    ranked = sorted(importance.items(), key=lambda kv: -kv[1])[:top]
    rows = [[str(i), name, f"{gain:,.1f}", f"{100 * gain / total:.1f}%"] for i, (name, gain) in enumerate(ranked, 1)]
    return _markdown_table(["rank", "feature", "gain", "share"], rows)


def model_metadata(bundle: ModelBundle) -> dict[str, dg.MetadataValue]:
    """What the UI shows of a week's model: numbers it can plot across weeks, tables it can render."""
    meta = bundle.metadata
    values: dict[str, dg.MetadataValue] = {
        "status": dg.MetadataValue.text(meta["status"]),
        "model_version": dg.MetadataValue.text(bundle.model_version),
        "train_rows": dg.MetadataValue.int(meta.get("train_rows", 0)),
        "validation_rows": dg.MetadataValue.int(meta.get("validation_rows", 0)),
    }
    if window := meta.get("training_window"):
        values["training_window"] = dg.MetadataValue.text(f"{window[0]}..{window[1]}")
    # An untrained week has no held-out figures: no point rather than a fake zero.
    for system_id, mae in meta.get("validation_mae", {}).items():
        if mae is not None:
            values[VALIDATION_MAE + system_id] = dg.MetadataValue.float(float(mae))
    # The minutes model's held-out MAE beside the last-5 and season minutes averages, one float each.
    for name, mae in meta.get("minutes_model", {}).get("validation_mae", {}).items():
        if mae is not None:
            values[MINUTES_MAE + name] = dg.MetadataValue.float(float(mae))
    values["ensemble_weights"] = dg.MetadataValue.md(ensemble_weights_markdown(bundle.ensemble_weights))
    values["feature_importance"] = dg.MetadataValue.md(feature_importance_markdown(meta.get("feature_importance", {})))
    return values


@dg.asset(
    name="points_model",
    group_name="predictions",
    partitions_def=model_weeks,
    io_manager_key="model_io_manager",
    # A range of weeks is one run (a backfill's weeks, training.train_weeks); each
    # week still learns only from its own window. Its IO manager stores one bundle per week.
    backfill_policy=dg.BackfillPolicy.single_run(),
    # It reads the warehouse: the writers' pool and the warehouse retry policy (policies.py).
    pool=policies.warehouse_pool(),
    retry_policy=policies.WAREHOUSE_RETRY,
    description="The week's LightGBM booster and minutes model, every system's spread and calibration, and ensemble "
    "weights, all learned from games before the week (walk-forward).",
    ins={
        # Only the columns training reads (a third of the store's are display and provenance).
        "features": dg.AssetIn(
            "ml_feature_store", partition_mapping=TRAINING_WINDOW, metadata={"columns": TRAINING_COLUMNS}
        ),
        "player_history": dg.AssetIn("player_game_summary", partition_mapping=TRAINING_WINDOW),
        "team_history": dg.AssetIn("team_game_summary", partition_mapping=TRAINING_WINDOW),
    },
    kinds={"lightgbm"},
)
def points_model(
    context: dg.AssetExecutionContext,
    features: pl.DataFrame,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    """One bundle for one week; {week: bundle} for a range of weeks (each with its own metadata)."""
    weeks = [dt.date.fromisoformat(key) for key in context.partition_keys]
    bundles = train_weeks(weeks, features, player_history, team_history)
    for week, bundle in bundles.items():
        context.log.info(f"points_model {week}: {bundle.metadata['status']}")
    if len(weeks) == 1:
        context.add_output_metadata(model_metadata(bundles[weeks[0]]))
        return bundles[weeks[0]]
    for week, bundle in bundles.items():
        context.add_asset_metadata(model_metadata(bundle), partition_key=week.isoformat())
    return {week.isoformat(): bundle for week, bundle in bundles.items()}


def _bundles(context: dg.AssetExecutionContext, points_model) -> dict[dt.date, ModelBundle]:
    """Bundles keyed by the week (partition) they serve. One week loads as the bundle itself (None
    when it was never trained), a range of weeks as {partition key: bundle} without the missing."""
    weeks = context.asset_partition_keys_for_input("points_model")
    if isinstance(points_model, dict):
        bundles = {dt.date.fromisoformat(k): v for k, v in points_model.items()}
    else:
        bundles = {dt.date.fromisoformat(weeks[0]): points_model} if points_model is not None else {}
    missing = sorted(set(weeks) - {w.isoformat() for w in bundles})
    if missing:
        context.log.warning(
            f"no points_model for weeks {missing}: lightgbm abstains there and the ensemble uses its prior "
            "weights (materialize points_model for those weeks, then these dates again)"
        )
    return bundles


@dg.asset(
    **table_asset_kwargs("player_prop_predictions"),
    # A week whose model was never trained loads as missing, not as an error: predictions still come
    # from the other systems (the run logs which weeks; automation waits for the model instead).
    ins={"points_model": dg.AssetIn("points_model", metadata={"allow_missing_partitions": True}), **HISTORY_INS},
)
def player_prop_predictions(
    context: dg.AssetExecutionContext,
    ml_feature_store: pl.DataFrame,
    points_model,
    player_history: pl.DataFrame,
    team_history: pl.DataFrame,
):
    frame = predict_props(ml_feature_store, _bundles(context, points_model), player_history, team_history)
    counts = {
        f"{system}/{rec}": n
        for system, rec, n in frame.group_by("system_id", "recommendation").len().sort("system_id", "recommendation").iter_rows()
    }
    yield from emit(context, "player_prop_predictions", frame, {"recommendations": dg.MetadataValue.json(counts)})
