"""The local warehouse: Dagster's DuckDB polars IO manager with replace-by-partition writes in one
transaction and tables created even from an empty frame."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster_duckdb import DuckDBIOManager
from dagster_duckdb_polars import DuckDBPolarsTypeHandler

from nba_platform import tables as schemas
from nba_platform.core.dagster_private import (
    DbIOManager,
    DbTypeHandler,
    DuckDbClient,
    TableSlice,
    backoff,
    get_cleanup_statement,
)


class PolarsTableHandler(DuckDBPolarsTypeHandler):
    """The dagster-duckdb-polars handler, changed in two ways that matter for partitioned tables.

    1. An empty frame still creates the table (from the frame's schema): an off-day must not leave
       downstream assets without a table to read. The upstream handler skips empty writes.
    2. Rows are inserted BY NAME, so a column order change can never shift values between columns.
    3. A column the table lacks (a warehouse built by an older release) is added, null in the rows
       already there, so an upgrade does not need a rebuild; a column whose type changed is an error.
    4. A registry table never written yet reads as empty with its registry schema, as on BigQuery (where
       `bq-init` creates every table): an optional input such as `raw_injury_report` on a night no
       report landed. A table the registry does not know still fails.
    The IO manager has already deleted the partition's rows, so a re-run replaces them.
    """

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pl.DataFrame:
        if table_slice.table in schemas.TABLES and not _exists(connection, table_slice):
            context.log.warning(f"{table_slice.schema}.{table_slice.table} has not been written yet: read as empty")
            return schemas.empty(table_slice.table)
        return super().load_input(context, table_slice, connection)

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pl.DataFrame, connection):
        obj_arrow = obj.to_arrow()  # noqa: F841  # referenced by name in the SQL below
        target = f"{table_slice.schema}.{table_slice.table}"
        connection.execute(f"create schema if not exists {table_slice.schema}")
        connection.execute(f"create table if not exists {target} as select * from obj_arrow limit 0")
        _add_new_columns(connection, target, obj_arrow)
        if obj.height:
            connection.execute(f"insert into {target} by name select * from obj_arrow")


def _add_new_columns(connection, target: str, obj_arrow) -> None:
    """Add the columns of ``obj_arrow`` (found by name in the SQL) that ``target`` lacks; refuse a column
    whose type differs."""
    have = {row[0]: row[1] for row in connection.execute(f"describe {target}").fetchall()}
    for name, column_type, *_ in connection.execute("describe select * from obj_arrow").fetchall():
        if name not in have:
            connection.execute(f'alter table {target} add column "{name}" {column_type}')
        elif have[name] != column_type:
            raise TypeError(
                f"{target}.{name} is {have[name]} in the warehouse but {column_type} in the new rows: "
                "rebuild the table (the schema changed incompatibly)"
            )


def _exists(connection, table_slice: TableSlice) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [table_slice.schema, table_slice.table],
        ).fetchone()[0]
    )


class TransactionalDuckDbClient(DuckDbClient):
    """Dagster's DuckDB client with each load or store in one transaction.

    The IO manager deletes a partition range and then inserts it; upstream runs the two statements
    in autocommit, so a run killed between them (SIGKILL, OOM, a lost machine) would leave the range
    empty until re-run. Here they commit together or not at all (DuckDB's WAL replays or drops the
    transaction on the next open). The connection is opened with Dagster's own retry on lock errors
    (another process holding the file) and always closed, also when the step fails.
    """

    @staticmethod
    def delete_table_slice(context, table_slice: TableSlice, connection) -> None:
        # Upstream tries the DELETE and ignores a missing table; inside a transaction that failed
        # statement would abort the transaction, so look the table up first.
        if _exists(connection, table_slice):
            connection.execute(get_cleanup_statement(table_slice))

    @staticmethod
    @contextmanager
    def connect(context, _):
        conn = backoff(
            fn=duckdb.connect,
            retry_on=(RuntimeError, duckdb.IOException),
            kwargs={
                "database": context.resource_config["database"],
                "read_only": False,
                "config": {"custom_user_agent": "dagster", **context.resource_config["connection_config"]},
            },
            max_retries=10,
        )
        try:
            conn.begin()
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()


class WarehouseIOManager(DuckDBIOManager):
    """Polars frames in the local DuckDB warehouse; partitions are replaced, never appended twice, and
    a partition's delete and insert commit together (`TransactionalDuckDbClient`)."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [PolarsTableHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pl.DataFrame

    def create_io_manager(self, context) -> DbIOManager:
        # The warehouse folder is made when a run first needs it, not when definitions are loaded.
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        return DbIOManager(
            db_client=TransactionalDuckDbClient(),
            database=self.database,
            schema=self.schema_,
            type_handlers=self.type_handlers(),
            default_load_type=self.default_load_type(),
            io_manager_name="DuckDBIOManager",
        )


