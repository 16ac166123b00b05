"""What every table asset shares: partitions, backfill policy, storage metadata and standard checks,
all read from the table registry (`nba_platform/tables`)."""


import datetime as dt
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import polars as pl

from nba_platform import policies, quality
from nba_platform import tables as registry
from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.settings import is_prod

# The one place Dagster's BetaWarning is filtered. Every asset module imports this one before it
# declares anything, and the graph relies on three Dagster 1.13 beta APIs on purpose: single-run
# backfills (`backfill_policy`), windows over partitions that may not exist (`window_mapping`) and
# source-code references (definitions.py). Their warnings are noise.
warnings.filterwarnings("ignore", category=dg.BetaWarning)


def window_mapping(start_offset: int, end_offset: int) -> dg.TimeWindowPartitionMapping:
    """A window of upstream partitions some of which may not exist (off-days never materialized,
    history not backfilled yet): the mapping yields those that do."""
    return dg.TimeWindowPartitionMapping(
        start_offset=start_offset, end_offset=end_offset, allow_nonexistent_upstream_partitions=True
    )


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns for Dagster's `dagster/column_schema` metadata: polars type, the registry's
    description, and the constraints the standard checks enforce (key and required columns never null,
    declared ranges)."""
    spec = registry.TABLES[table]
    not_null = {*spec.keys, *spec.required}
    columns = []
    for column in spec.columns:
        bounds = spec.ranges.get(column.name)
        constraints = dg.TableColumnConstraints(
            nullable=column.name not in not_null,
            other=[f"between {bounds[0]} and {bounds[1]}"] if bounds else [],
        )
        columns.append(dg.TableColumn(column.name, str(column.dtype), column.description, constraints))
    return dg.TableSchema(columns=columns)


def table_asset_kwargs(table: str, extra_checks: list[dg.AssetCheckSpec] | None = None) -> dict[str, Any]:
    """Decorator arguments of a `game_date`-partitioned table asset stored in the warehouse: its group,
    dataset (the IO manager's `schema`), description and column schema come from the registry.

    Every table gets blocking `keys_unique`, `required_not_null` and `values_in_range` checks;
    `extra_checks` adds the asset's own (its body yields their results)."""
    spec = registry.TABLES[table]
    return {
        "name": table,
        "group_name": spec.group,
        "description": spec.description,
        "partitions_def": game_date_partitions,
        # A season is one vectorized run, not 180 (the transforms handle any range of dates).
        "backfill_policy": dg.BackfillPolicy.single_run(),
        "metadata": {
            "partition_expr": "game_date",
            "schema": spec.dataset,
            "key_columns": list(spec.keys),
            # The UI shows the columns before the first run.
            "dagster/column_schema": column_schema(table),
        },
        "check_specs": [
            dg.AssetCheckSpec("keys_unique", asset=table, blocking=True, description=f"{spec.keys} is unique"),
            dg.AssetCheckSpec("required_not_null", asset=table, blocking=True, description=f"{spec.required} never null"),
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
    """Yield the table (conformed to its schema) with its row metadata, then its standard checks
    and the asset's own `checks`."""
    frame = registry.conform(frame, table)
    spec = registry.TABLES[table]
    dupes = frame.filter(pl.struct(list(spec.keys)).is_duplicated()).height
    nulls = {c: frame[c].null_count() for c in spec.required if frame[c].null_count()}
    per_date = frame.group_by("game_date").len().height
    yield dg.Output(
        frame,
        metadata={
            # Dagster's standard row count (the CLI's progress reads it too). The column schema is fixed by
            # the registry, so it is definition metadata only (table_asset_kwargs), as Dagster advises for
            # a known schema: a range run writes one event per partition, and the schemas (~100 KB per
            # date over all tables) would be serialized and stored twice for each.
            "dagster/row_count": frame.height,
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
