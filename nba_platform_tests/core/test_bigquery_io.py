"""The BigQuery client's SQL and job settings at the client boundary (no server): what BigQuery would accept.

The emulator accepts a timestamp string compared with a DATE column and a query without a partition
filter; BigQuery refuses the first and, with `require_partition_filter`, the second. So the statements are
pinned here, next to what dagster-gcp's own client would send for the same slice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dagster._core.definitions.partitions.utils import TimeWindow
from dagster._core.storage.db_io_manager import TablePartitionDimension, TableSlice
from dagster_gcp.bigquery.io_manager import BigQueryClient

from nba_platform.core.partitions import game_date_partitions
from nba_platform.core.warehouse.bigquery import (
    BigQueryWarehouseClient,
    JobLimits,
    WarehouseError,
    partition_filter,
)

LIMITS = JobLimits(maximum_bytes_billed=123_456, timeout_s=42)


def _slice(first: str, last: str, expr: str = "game_date", table: str = "player_game_summary", columns=None) -> TableSlice:
    window = TimeWindow(
        game_date_partitions.time_window_for_partition_key(first).start,
        game_date_partitions.time_window_for_partition_key(last).end,
    )
    return TableSlice(table=table, schema="analytics", database="proj", columns=columns,
                      partition_dimensions=[TablePartitionDimension(partition_expr=expr, partitions=window)])


def test_a_range_of_et_days_becomes_date_literals_on_the_bare_partition_column():
    # The window is 2025-11-01 00:00 .. 2025-11-04 00:00 America/New_York (a DST change inside).
    assert partition_filter(_slice("2025-11-01", "2025-11-03")) == (
        "game_date >= DATE '2025-11-01' AND game_date < DATE '2025-11-04'"
    )


def test_selects_and_deletes_are_qualified_ordered_and_filtered():
    client = BigQueryWarehouseClient("proj", "US", LIMITS, dataset_prefix="stg_")
    table_slice = _slice("2025-11-01", "2025-11-01")
    assert client.get_select_statement(table_slice) == (
        "SELECT * FROM `proj.stg_analytics.player_game_summary` WHERE game_date >= DATE '2025-11-01' "
        "AND game_date < DATE '2025-11-02' ORDER BY game_date, game_id, player_id"
    )
    narrow = _slice("2025-11-01", "2025-11-01", columns=["player_id", "points"])
    assert client.get_select_statement(narrow).startswith("SELECT player_id, points FROM")
    assert "ORDER BY" not in client.get_select_statement(narrow)  # the key is not among the columns
    assert client.get_table_name(table_slice) == "proj.stg_analytics.player_game_summary"


def test_dagster_gcps_own_client_would_compare_a_date_column_with_a_timestamp_string():
    sql = BigQueryClient.get_select_statement(_slice("2025-11-01", "2025-11-01"))
    assert "game_date >= '2025-11-01 00:00:00' AND game_date < '2025-11-02 00:00:00'" in sql  # BigQuery: error


@pytest.mark.parametrize("expr", ["TIMESTAMP(game_date)", "game_date; DROP TABLE x", "DATE(tip_time_utc)"])
def test_partition_expr_must_be_the_column_itself(expr):
    with pytest.raises(WarehouseError, match="partition_expr must be the partition column itself"):
        partition_filter(_slice("2025-11-01", "2025-11-01", expr=expr))


def test_unpartitioned_slices_are_refused_and_empty_windows_query_nothing():
    with pytest.raises(WarehouseError, match="only stores partitioned tables"):
        partition_filter(TableSlice(table="t", schema="raw", database="proj"))
    empty = TableSlice(table="t", schema="raw", database="proj",
                       partition_dimensions=[TablePartitionDimension("game_date", [])])
    assert partition_filter(empty) is None
    static = TableSlice(table="t", schema="raw", database="proj",
                        partition_dimensions=[TablePartitionDimension("source", ["nba", "o'neal"])])
    assert partition_filter(static) == "source IN ('nba', 'o\\'neal')"


def test_windows_must_fall_on_whole_days():
    start = dt.datetime(2025, 11, 1, 6, tzinfo=dt.UTC)
    odd = TableSlice(table="t", schema="raw", database="proj", partition_dimensions=[
        TablePartitionDimension("game_date", TimeWindow(start, start + dt.timedelta(days=1)))])
    with pytest.raises(WarehouseError, match="does not fall on whole days"):
        partition_filter(odd)


def test_every_job_config_carries_the_caps():
    query = LIMITS.query_config().to_api_repr()
    assert query["jobTimeoutMs"] == "42000" and query["query"]["maximumBytesBilled"] == "123456"
    assert query["query"]["useLegacySql"] is False and query["labels"] == {"app": "nba_platform"}
    load = LIMITS.load_config().to_api_repr()
    assert load["jobTimeoutMs"] == "42000" and load["labels"] == {"app": "nba_platform"}
    assert (load["load"]["createDisposition"], load["load"]["writeDisposition"], load["load"]["sourceFormat"]) == (
        "CREATE_NEVER", "WRITE_APPEND", "PARQUET"
    )
