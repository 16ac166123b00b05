"""The local warehouse: Dagster's DuckDB polars IO manager with replace-by-partition writes in one
transaction and tables created even from an empty frame."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def _open(database: str, connection_config: dict) -> duckdb.DuckDBPyConnection:
    """A read-write connection, opened with Dagster's own retry on lock errors (another process holding
    the file)."""
    return backoff(
        fn=duckdb.connect,
        retry_on=(RuntimeError, duckdb.IOException),
        kwargs={
            "database": database,
            "read_only": False,
            "config": {"custom_user_agent": "dagster", **connection_config},
        },
        max_retries=10,
    )


class StepConnection:
    """One warehouse connection for a step's loads and its store: opened at the step's first load (or its
    store) and closed after the store. A step that stores no table (the exports) or fails before its store
    leaves it to the next step, or to the end of the run (in process) or of the step's process.

    Opening the file reads its catalog (~30 ms here) and closing it after a write checkpoints the WAL:
    a connection per load and per store was ~3.5 s of a 9 s daily run (48 opens). The writer's lock is
    held from a step's first load to its store, as the step holds the `duckdb_writer` pool slot; other
    processes get the file between steps (their opens wait, core/warehouse/read.py)."""

    def __init__(self) -> None:
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._limit = ""  # the connection's memory limit (e.g. '300MB', '18.8 GiB')

    def get(self, database: str, connection_config: dict) -> duckdb.DuckDBPyConnection:
        if self._conn is None:
            self._conn = _open(database, connection_config)
            # As configured, or DuckDB's default as it prints it (within 0.05 GiB of the exact default).
            self._limit = str(
                connection_config.get("memory_limit")
                or self._conn.execute("select current_setting('memory_limit')").fetchone()[0]
            )
        return self._conn

    def after_load(self) -> None:
        """Drop the blocks the load read: DuckDB's buffer pool keeps them until memory runs short, ~40-70 MiB
        held through the step's work (a weekly model's training). Lowering the memory limit for a moment
        is DuckDB's way to evict them (RESET would restore the setting but not the pool's limit, 1.5)."""
        if self._conn is not None:
            self._conn.execute("set memory_limit = '1MB'")
            self._conn.execute("set memory_limit = ?", [self._limit])

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class TransactionalDuckDbClient(DuckDbClient):
    """Dagster's DuckDB client with each load or store in one transaction.

    The IO manager deletes a partition range and then inserts it; upstream runs the two statements
    in autocommit, so a run killed between them (SIGKILL, OOM, a lost machine) would leave the range
    empty until re-run. Here they commit together or not at all (DuckDB's WAL replays or drops the
    transaction on the next open). A step's transactions share its connection (`StepConnection`);
    without one each has its own. Either is closed after a store, also when the store fails.
    """

    def __init__(self, step_connection: StepConnection | None = None) -> None:
        self._step_connection = step_connection

    @staticmethod
    def delete_table_slice(context, table_slice: TableSlice, connection) -> None:
        # Upstream tries the DELETE and ignores a missing table; inside a transaction that failed
        # statement would abort the transaction, so look the table up first.
        if _exists(connection, table_slice):
            connection.execute(get_cleanup_statement(table_slice))

    @contextmanager
    def connect(self, context, _):
        database, config = context.resource_config["database"], context.resource_config["connection_config"]
        shared = self._step_connection
        conn = shared.get(database, config) if shared is not None else _open(database, config)
        try:
            conn.begin()
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            # A store is a step's last use: closing checkpoints its rows into the file and frees the lock.
            if shared is None or isinstance(context, dg.OutputContext):
                (shared or conn).close()
        if shared is not None and isinstance(context, dg.InputContext):
            shared.after_load()


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
        return self._io_manager(None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[DbIOManager]:
        # Each step's loads and store share a connection (StepConnection); what is still open closes here.
        step_connection = StepConnection()
        try:
            yield self._io_manager(step_connection)
        finally:
            step_connection.close()

    def _io_manager(self, step_connection: StepConnection | None) -> DbIOManager:
        # The warehouse folder is made when a run first needs it, not when definitions are loaded.
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        return DbIOManager(
            db_client=TransactionalDuckDbClient(step_connection),
            database=self.database,
            schema=self.schema_,
            type_handlers=self.type_handlers(),
            default_load_type=self.default_load_type(),
            io_manager_name="DuckDBIOManager",
        )
