"""What every table asset shares: partitions, backfill policy, storage metadata and standard checks."""


import datetime as dt
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import polars as pl

from nba_platform import policies, quality
from nba_platform import tables as schemas
from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.settings import is_prod
from nba_platform.raw.validation import REQUIRED_RAW

# Single-run backfills and window mappings over missing partitions are beta in Dagster 1.13; we
# rely on them on purpose (DESIGN section 8 verified both), so their warnings are noise here.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

# Required (never null) columns per table beyond its key.
# The raw tables' list is the row rules' (sources/validation.py): such rows never land.
REQUIRED: dict[str, tuple[str, ...]] = {
    **REQUIRED_RAW,
    "team_game_summary": ("game_date", "points"),
    "player_game_summary": ("game_date", "points", "player_lookup"),
    "upcoming_player_game_context": ("game_date", "team_abbr", "opponent_team_abbr", "player_lookup"),
    "ml_feature_store": ("game_date", "feature_version", "quality_score"),
    "player_prop_predictions": ("game_date", "recommendation", "model_version"),
    "prediction_results": ("game_date", "outcome"),
    "system_daily_performance": ("game_date", "system_id"),
}


def table_asset_kwargs(
    table: str,
    schema: str,
    group: str,
    description: str,
    extra_checks: list[dg.AssetCheckSpec] | None = None,
) -> dict[str, Any]:
    """Decorator arguments of a `game_date`-partitioned table asset stored in the warehouse.

    Every table gets blocking `keys_unique`, `required_not_null` and `values_in_range` checks;
    `extra_checks` adds the asset's own (its body yields their results)."""
    return {
        "name": table,
        "group_name": group,
        "description": description,
        "partitions_def": game_date_partitions,
        # A season is one vectorized run, not 180 (the transforms handle any range of dates).
        "backfill_policy": dg.BackfillPolicy.single_run(),
        "metadata": {"partition_expr": "game_date", "schema": schema, "key_columns": list(schemas.KEYS[table])},
        "check_specs": [
            dg.AssetCheckSpec("keys_unique", asset=table, blocking=True, description=f"{schemas.KEYS[table]} is unique"),
            dg.AssetCheckSpec("required_not_null", asset=table, blocking=True, description=f"{REQUIRED[table]} never null"),
            dg.AssetCheckSpec(
                "values_in_range", asset=table, blocking=True, description="numeric columns within plausible ranges"
            ),
            *(extra_checks or []),
        ],
        "kinds": {"polars", "bigquery" if is_prod() else "duckdb"},
        # Each step reads and writes the warehouse: one pool bounds the writers (policies.py).
        "pool": policies.warehouse_pool(),
        "retry_policy": policies.WAREHOUSE_RETRY,
    }


def partition_dates(context: dg.AssetExecutionContext) -> list[dt.date]:
    """Every ET date of the run's partition range."""
    window = context.partition_time_window
    start, end = window.start.date(), window.end.date()
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def emit(
    context: dg.AssetExecutionContext,
    table: str,
    frame: pl.DataFrame,
    metadata: Mapping[str, Any] | None = None,
    checks: list[dg.AssetCheckResult] | None = None,
) -> Iterator[dg.Output | dg.AssetCheckResult]:
    """Yield the table (conformed to its schema) with row metadata, then its standard checks and
    the asset's own `checks`."""
    frame = schemas.conform(frame, table)
    keys = list(schemas.KEYS[table])
    dupes = frame.filter(pl.struct(keys).is_duplicated()).height
    nulls = {c: frame[c].null_count() for c in REQUIRED[table] if frame[c].null_count()}
    per_date = frame.group_by("game_date").len().height
    yield dg.Output(
        frame,
        metadata={
            "rows": frame.height,
            "dates_with_rows": per_date,
            **(metadata or {}),
        },
    )
    yield dg.AssetCheckResult(
        check_name="keys_unique", asset_key=table, passed=dupes == 0, metadata={"duplicate_rows": dupes}
    )
    yield dg.AssetCheckResult(
        check_name="required_not_null",
        asset_key=table,
        passed=not nulls,
        metadata={"null_counts": dg.MetadataValue.json(nulls)},
    )
    ranges = quality.out_of_range(frame, table)
    yield dg.AssetCheckResult(
        check_name="values_in_range",
        asset_key=table,
        passed=not ranges,
        metadata={"offending_rows": dg.MetadataValue.json(ranges)},
    )
    yield from checks or []


def count_check(
    table: str, name: str, offending: int, blocking_failure: bool = True, **metadata: Any
) -> dg.AssetCheckResult:
    """A check result from a count of offending rows (0 passes); WARN severity when not blocking."""
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=table,
        passed=offending == 0,
        severity=dg.AssetCheckSeverity.ERROR if blocking_failure else dg.AssetCheckSeverity.WARN,
        metadata={"offending_rows": offending, **metadata},
    )
