"""The one table registry: each warehouse table declared once (`Table`), one module per dataset.

`TABLES` holds the tables the assets write, `OPS_TABLES` the platform's own log, `ALL_TABLES` both.
Pure polars: the Dagster layer (`table_assets.py`) turns these declarations into asset arguments,
checks and metadata.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from nba_platform.tables.analytics import PLAYER_GAME_SUMMARY, TEAM_GAME_SUMMARY, UPCOMING_PLAYER_GAME_CONTEXT
from nba_platform.tables.columns import FEATURE_COLUMNS, MODEL_FEATURES, STORE_FEATURE_COLUMNS, UTC_TS
from nba_platform.tables.model import Column, Table
from nba_platform.tables.monitoring import MATERIALIZATION_LOG
from nba_platform.tables.precompute import ML_FEATURE_STORE
from nba_platform.tables.predictions import (
    PLAYER_PROP_PREDICTIONS,
    PREDICTION_RESULTS,
    SYSTEM_DAILY_PERFORMANCE,
)
from nba_platform.tables.raw import (
    RAW_INJURY_REPORT,
    RAW_PLAYER_BOXSCORES,
    RAW_PROP_LINES,
    RAW_SCHEDULE,
    RAW_TEAM_BOXSCORES,
)

__all__ = [
    "ALL_TABLES", "Column", "DATASETS", "FEATURE_COLUMNS", "MODEL_FEATURES", "OPS_TABLES", "STORE_FEATURE_COLUMNS",
    "TABLES", "UTC_TS",
    "SchemaMismatchError", "Table", "conform", "empty", "schema",
]

# The tables the assets write, in the order the warehouse creates and lists them.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        RAW_SCHEDULE,
        RAW_PLAYER_BOXSCORES,
        RAW_TEAM_BOXSCORES,
        RAW_PROP_LINES,
        RAW_INJURY_REPORT,
        TEAM_GAME_SUMMARY,
        PLAYER_GAME_SUMMARY,
        UPCOMING_PLAYER_GAME_CONTEXT,
        ML_FEATURE_STORE,
        PLAYER_PROP_PREDICTIONS,
        PREDICTION_RESULTS,
        SYSTEM_DAILY_PERFORMANCE,
    )
}
# Written by the production warehouse IO manager itself, not by an asset.
OPS_TABLES: dict[str, Table] = {MATERIALIZATION_LOG.name: MATERIALIZATION_LOG}
ALL_TABLES: dict[str, Table] = {**TABLES, **OPS_TABLES}

# The warehouse's datasets (DuckDB schemas), in the order of their first table.
DATASETS: tuple[str, ...] = tuple(dict.fromkeys(t.dataset for t in ALL_TABLES.values()))


class SchemaMismatchError(ValueError):
    """A frame does not carry the columns its table declares."""


def schema(table: str) -> pl.Schema:
    return ALL_TABLES[table].schema


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=schema(table))


def conform(df: pl.DataFrame, table: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Select the table's columns (or only `columns` of them) in order with their declared dtypes.

    A frame with no columns at all (what the IO manager returns for an empty window) becomes the
    typed empty table; a frame missing some columns is an error, never a silent null fill.
    """
    declared = schema(table)
    if columns is not None:
        declared = pl.Schema({name: declared[name] for name in columns})
    if df.width == 0:
        return pl.DataFrame(schema=declared)
    if df.schema == declared:  # already conformed (ordered comparison): a range's documents ask per date
        return df
    missing = [c for c in declared.names() if c not in df.columns]
    if missing:
        raise SchemaMismatchError(f"{table}: missing columns {missing}")
    return df.select([pl.col(name).cast(dtype) for name, dtype in declared.items()])
