"""Dataset `monitoring`: the platform's own log (production only)."""

from __future__ import annotations

import polars as pl

from nba_platform.tables.columns import UTC_TS
from nba_platform.tables.model import Table, columns

MATERIALIZATION_LOG = Table(
    name="materialization_log",
    group=None,
    dataset="monitoring",
    grain="table x game_date x write",
    summary="One row per table and game_date each time the platform writes a partition.",
    description=(
        "Production only: one row per (partition date, table) that the BigQuery IO manager writes "
        "after each load, read by the monitoring queries in sql/monitoring (pipeline timing, "
        "freshness)."
    ),
    keys=(),
    clustering=("dataset_name", "table_name"),
    open_to_full_scans=True,
    columns=columns(
        {
            "game_date": pl.Date,
            "dataset_name": pl.String,
            "table_name": pl.String,
            "row_count": pl.Int64,
            "run_id": pl.String,
            "written_at": UTC_TS,
        }
    ),
)
