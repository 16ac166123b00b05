"""Reading warehouse tables from outside a run (CLI, evaluation, tests): short read-only connections
that wait while a run holds DuckDB's writer lock."""

from __future__ import annotations

import duckdb
import polars as pl
import tenacity

from nba_platform.core.settings import default_warehouse_path
from nba_platform.tables import TABLES

# DuckDB lets one process write a file, or several read it, never both at once: while a run's step holds
# it (from the step's first load to its store, warehouse/duckdb.StepConnection) a reader's open fails
# with "Could not set lock on file". Readers open short read-only connections and retry that error with
# backoff (up to READ_LOCK_WAIT_SECONDS); the IO manager's writer retries the same way, so neither side
# loses data or fails on the other.
READ_LOCK_WAIT_SECONDS = 120.0


def _lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect_read_only(path: str, wait_seconds: float = READ_LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, waiting (backoff with jitter) while a writer holds it."""
    for attempt in tenacity.Retrying(
        retry=tenacity.retry_if_exception(_lock_conflict),
        wait=tenacity.wait_exponential_jitter(multiplier=0.05, max=2.0, jitter=0.1),
        stop=tenacity.stop_after_delay(wait_seconds),
        reraise=True,
    ):
        with attempt:
            return duckdb.connect(path, read_only=True)
    raise AssertionError("unreachable")  # tenacity either returns or re-raises


def read_table(table: str, warehouse_path: str | None = None, where: str = "") -> pl.DataFrame:
    """Read a warehouse table (read-only connection: never hold the writer's lock; waits while a run writes)."""
    path = warehouse_path or default_warehouse_path()
    with connect_read_only(path) as conn:
        sql = f"select * from {TABLES[table].dataset}.{table} {where}"
        return pl.from_arrow(conn.execute(sql).to_arrow_table())
