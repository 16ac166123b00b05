"""Production warehouse: polars frames in BigQuery, through dagster-gcp's BigQuery IO manager.

dagster-gcp 0.29.27 provides the IO manager base (`BigQueryIOManager`, config, credentials); the type
handler and the SQL client are ours, because what ships does not keep BigQuery's rules:

* dagster-polars' `PolarsBigQueryTypeHandler` loads through pandas, which turns DATE into datetime.
  Here frames are loaded as Parquet (DATE stays DATE, TIMESTAMP stays UTC) and every
  column is read back with the dtype the table registry declares.
* dagster-gcp's client compares the partition column with a timestamp *string*
  (`game_date >= '2025-11-22 00:00:00'`), which BigQuery refuses on a DATE column; its workaround
  (`partition_expr: "TIMESTAMP(game_date)"`, dagster#13147) wraps the partition column in a function.
  Our client writes DATE literals on the bare column (`game_date >= DATE '2025-11-22' AND game_date <
  DATE '2025-11-23'`): partition pruning and `require_partition_filter` see a plain partition filter, and
  the asset metadata (`partition_expr: game_date`) is the same as on DuckDB.
* its jobs carry no `maximum_bytes_billed` and no timeout. Every job here goes through `run_query` /
  `load_frame` with `JobLimits`: query jobs get `maximum_bytes_billed` and `job_timeout_ms`; load jobs
  (which bill no bytes) get `job_timeout_ms`; the client waits at most the same time for either.
* it creates datasets and lets loads create tables, never partitioned ones. Here tables come from the
  generated DDL (`nba-platform bq-init`, `init_warehouse`); writing to a missing table is an error that
  names that command. The IO manager never creates anything.

A write deletes the partition slice, then appends the frame (`WRITE_APPEND`, `CREATE_NEVER`): re-running
a partition replaces its rows. Rows dated outside the slice are refused (the next delete would miss them).
After each write, one row per date goes to `monitoring.materialization_log` (sql/monitoring reads it).
Every query filters on the partition column; a table slice without partitions is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
import polars as pl
from dagster import TimeWindow
from dagster_gcp import BigQueryIOManager
from google.api_core.exceptions import NotFound
from google.cloud import bigquery
from pydantic import Field

from nba_platform.core.dagster_private import DbClient, DbIOManager, DbTypeHandler, TableSlice
from nba_platform.core.settings import Settings
from nba_platform.core.warehouse import ddl
from nba_platform.tables import ALL_TABLES, DATASETS

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LOG_TABLE = "materialization_log"


class WarehouseError(RuntimeError):
    """A write or read the production warehouse refuses; the message names the table and what to do."""


@dataclass(frozen=True)
class JobLimits:
    """The caps every BigQuery job carries."""

    maximum_bytes_billed: int = 10 * 1024**3
    timeout_s: float = 600.0

    def query_config(self, **kwargs) -> bigquery.QueryJobConfig:
        return bigquery.QueryJobConfig(
            maximum_bytes_billed=self.maximum_bytes_billed,
            job_timeout_ms=int(self.timeout_s * 1000),
            use_legacy_sql=False,
            labels={"app": "nba_platform"},
            **kwargs,
        )

    def load_config(self) -> bigquery.LoadJobConfig:
        # Load jobs are not billed by bytes (maximum_bytes_billed is a query-job setting): a timeout only.
        return bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.PARQUET,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
            create_disposition=bigquery.CreateDisposition.CREATE_NEVER,
            job_timeout_ms=int(self.timeout_s * 1000),
            labels={"app": "nba_platform"},
        )


def make_bigquery_client(project: str, location: str | None = None) -> bigquery.Client:
    """A client on Application Default Credentials; anonymous when `BIGQUERY_EMULATOR_HOST` points it at
    an emulator (as google-cloud-storage does for `STORAGE_EMULATOR_HOST`)."""
    credentials = None
    if Settings.from_env().bigquery_emulator:
        from google.auth.credentials import AnonymousCredentials

        credentials = AnonymousCredentials()
    return bigquery.Client(project=project, location=location, credentials=credentials)


def run_query(client: bigquery.Client, sql: str, limits: JobLimits, **config) -> bigquery.QueryJob:
    """Run one query job with the caps and wait for it (at most the timeout)."""
    job = client.query(sql, job_config=limits.query_config(**config), timeout=limits.timeout_s)
    job.result(timeout=limits.timeout_s)
    return job


def load_frame(client: bigquery.Client, frame: pl.DataFrame, table_id: str, limits: JobLimits) -> bigquery.LoadJob:
    """Append a frame to an existing table as one Parquet load job, and wait for it."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    buffer.seek(0)
    job = client.load_table_from_file(buffer, table_id, job_config=limits.load_config(), timeout=limits.timeout_s)
    job.result(timeout=limits.timeout_s)
    return job


def window_dates(window: TimeWindow) -> tuple[dt.date, dt.date]:
    """[start, end) of a daily time window as ET calendar dates (the partitions' own calendar)."""
    start, end = window.start, window.end
    if (start.time(), end.time()) != (dt.time(0), dt.time(0)):
        raise WarehouseError(f"time window {start}..{end} does not fall on whole days")
    return start.date(), end.date()


def _date_literal(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _string_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def partition_filter(table_slice: TableSlice) -> str | None:
    """The WHERE clause of a slice on its partition column(s); None when the slice covers no partition."""
    if not table_slice.partition_dimensions:
        raise WarehouseError(
            f"{table_slice.schema}.{table_slice.table}: the BigQuery warehouse only stores partitioned tables "
            "(every query must filter on the partition column)"
        )
    clauses = []
    for dim in table_slice.partition_dimensions:
        column = dim.partition_expr
        if not _IDENTIFIER.fullmatch(column):
            raise WarehouseError(
                f"{table_slice.table}: partition_expr must be the partition column itself, not {column!r}"
            )
        if isinstance(dim.partitions, TimeWindow):
            start, end = window_dates(dim.partitions)
            clauses.append(f"{column} >= {_date_literal(start)} AND {column} < {_date_literal(end)}")
        elif dim.partitions:
            clauses.append(f"{column} IN ({', '.join(_string_literal(k) for k in dim.partitions)})")
        else:
            return None
    return " AND ".join(clauses)


class BigQueryWarehouseClient(DbClient):
    """The SQL side of the IO manager: names, deletes and selects with DATE literals and job caps."""

    def __init__(self, project: str, location: str | None, limits: JobLimits, dataset_prefix: str = "",
                 log_materializations: bool = True):
        self.project = project
        self.location = location
        self.limits = limits
        self.dataset_prefix = dataset_prefix
        self.log_materializations = log_materializations

    def table_id(self, table_slice: TableSlice) -> str:
        return f"{self.project}.{self.dataset_prefix}{table_slice.schema}.{table_slice.table}"

    def get_table_name(self, table_slice: TableSlice) -> str:
        return self.table_id(table_slice)

    @contextmanager
    def connect(self, context, table_slice: TableSlice) -> Iterator[bigquery.Client]:
        client = make_bigquery_client(self.project, self.location)
        try:
            yield client
        finally:
            client.close()

    def ensure_schema_exists(self, context, table_slice: TableSlice, connection: bigquery.Client) -> None:
        """Never creates anything: the table must exist (partitioned, clustered) from the DDL."""
        try:
            connection.get_table(self.table_id(table_slice), timeout=self.limits.timeout_s)
        except NotFound as exc:
            raise WarehouseError(
                f"BigQuery table {self.table_id(table_slice)} does not exist: create the warehouse with "
                "`NBA_PLATFORM_ENV=prod nba-platform bq-init` (tables come from sql/ddl, never from a write)"
            ) from exc

    def delete_table_slice(self, context, table_slice: TableSlice, connection: bigquery.Client) -> None:
        where = partition_filter(table_slice)
        if where is None:
            return
        run_query(connection, f"DELETE FROM `{self.table_id(table_slice)}` WHERE {where}", self.limits)

    def get_select_statement(self, table_slice: TableSlice) -> str:
        columns = ", ".join(table_slice.columns) if table_slice.columns else "*"
        where = partition_filter(table_slice) or "FALSE"
        order = ""
        spec = ALL_TABLES.get(table_slice.table)
        if spec is not None and spec.keys:  # deterministic reads: the same rows in the same order every time
            keys = [table_slice.partition_dimensions[0].partition_expr, *spec.keys]
            if not table_slice.columns or set(keys) <= set(table_slice.columns):
                order = " ORDER BY " + ", ".join(dict.fromkeys(keys))
        return f"SELECT {columns} FROM `{self.table_id(table_slice)}` WHERE {where}{order}"


def _declared_schema(table: str, columns: Sequence[str] | None = None) -> pl.Schema | None:
    spec = ALL_TABLES.get(table)
    if spec is None:
        return None
    return pl.Schema({c: spec.schema[c] for c in (columns or spec.schema.names())})


class PolarsBigQueryTypeHandler(DbTypeHandler[pl.DataFrame]):
    """Polars frames <-> BigQuery tables: Parquet loads in, Arrow reads out, dtypes from the table registry."""

    def __init__(self, warehouse: BigQueryWarehouseClient):
        self.warehouse = warehouse

    @property
    def supported_types(self) -> Sequence[type[object]]:
        return [pl.DataFrame]

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pl.DataFrame, connection):
        table_id = self.warehouse.table_id(table_slice)
        declared = _declared_schema(table_slice.table)
        frame = obj
        if declared is not None:
            missing = [c for c in declared.names() if c not in obj.columns]
            if missing:
                raise WarehouseError(f"{table_id}: frame lacks columns {missing}")
            frame = obj.select([pl.col(n).cast(t) for n, t in declared.items()])
        dates = self._slice_dates(table_slice)
        column = table_slice.partition_dimensions[0].partition_expr
        if dates is not None and frame.height:
            outside = frame.filter(~pl.col(column).is_in(dates))
            if outside.height:
                raise WarehouseError(
                    f"{table_id}: {outside.height} rows dated outside the partitions {dates[0]}..{dates[-1]} "
                    f"(e.g. {outside[column].unique().sort().head(3).to_list()}); a re-run would duplicate them"
                )
        if frame.height:
            load_frame(connection, frame, table_id, self.warehouse.limits)
        if self.warehouse.log_materializations and dates:
            self._log(connection, context, table_slice, frame, column, dates)
        # Row count and columns are the asset's own standard metadata (table_assets.emit).
        return None

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pl.DataFrame:
        declared = _declared_schema(table_slice.table, table_slice.columns)
        if partition_filter(table_slice) is None:  # an empty window: nothing to read, no query
            return pl.DataFrame(schema=declared) if declared is not None else pl.DataFrame()
        job = run_query(connection, self.warehouse.get_select_statement(table_slice), self.warehouse.limits)
        frame = pl.from_arrow(job.to_arrow(create_bqstorage_client=False))
        if declared is not None:
            frame = frame.cast({n: t for n, t in declared.items() if n in frame.columns})
        return frame

    @staticmethod
    def _slice_dates(table_slice: TableSlice) -> list[dt.date] | None:
        dim = table_slice.partition_dimensions[0]
        if not isinstance(dim.partitions, TimeWindow):
            return None
        start, end = window_dates(dim.partitions)
        return [start + dt.timedelta(days=i) for i in range((end - start).days)]

    def _log(self, connection, context, table_slice: TableSlice, frame: pl.DataFrame, column: str,
             dates: list[dt.date]) -> None:
        counts = dict(frame.group_by(column).len().iter_rows()) if frame.height else {}
        now = dt.datetime.now(dt.UTC)
        log = pl.DataFrame(
            {
                "game_date": dates,
                "dataset_name": [f"{self.warehouse.dataset_prefix}{table_slice.schema}"] * len(dates),
                "table_name": [table_slice.table] * len(dates),
                "row_count": [counts.get(d, 0) for d in dates],
                "run_id": [context.run_id] * len(dates),
                "written_at": [now] * len(dates),
            },
            schema=ALL_TABLES[LOG_TABLE].schema,
        )
        log_id = f"{self.warehouse.project}.{self.warehouse.dataset_prefix}{ALL_TABLES[LOG_TABLE].dataset}.{LOG_TABLE}"
        load_frame(connection, log, log_id, self.warehouse.limits)


class BigQueryWarehouseIOManager(BigQueryIOManager):
    """dagster-gcp's BigQuery IO manager with our polars handler and client (module docstring says why).

    Datasets come from each asset's `schema` metadata (raw, analytics, precompute, predictions) with
    `dataset_prefix` in front; tables from the asset name."""

    dataset_prefix: str = Field(default="", description="Prefix of every dataset name (e.g. 'stg_').")
    maximum_bytes_billed: int = Field(default=10 * 1024**3, description="maximum_bytes_billed of every query job.")
    timeout: float = Field(default=600.0, description="Server-side timeout of every job, and the client's wait (s).")
    log_materializations: bool = Field(default=True, description="Write monitoring.materialization_log rows.")

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return []  # built per run in create_io_manager: the handler needs this configuration

    @staticmethod
    def default_load_type() -> type | None:
        return pl.DataFrame

    def limits(self) -> JobLimits:
        return JobLimits(maximum_bytes_billed=self.maximum_bytes_billed, timeout_s=self.timeout)

    def create_io_manager(self, context) -> DbIOManager:
        warehouse = BigQueryWarehouseClient(
            self.project, self.location, self.limits(), self.dataset_prefix, self.log_materializations
        )
        return DbIOManager(
            db_client=warehouse,
            io_manager_name="BigQueryWarehouseIOManager",
            database=self.project,
            schema=self.dataset,
            type_handlers=[PolarsBigQueryTypeHandler(warehouse)],
            default_load_type=pl.DataFrame,
        )


@dataclass
class InitReport:
    datasets: list[str]
    tables: list[str]
    added_columns: list[str]


def init_warehouse(client: bigquery.Client, project: str, location: str, limits: JobLimits,
                   dataset_prefix: str = "") -> InitReport:
    """Create the datasets and every table from the generated DDL; idempotent.

    An existing table keeps its rows; columns the schemas gained since are added (nullable, additive).
    A column whose type changed is an error: that needs a migration, not a setup step."""
    datasets = []
    for name in DATASETS:
        dataset = bigquery.Dataset(f"{project}.{dataset_prefix}{name}")
        dataset.location = location
        client.create_dataset(dataset, exists_ok=True, timeout=limits.timeout_s)
        datasets.append(dataset.dataset_id)
    tables, added = [], []
    for table, spec in ALL_TABLES.items():
        table_id = ddl.table_id(table, project, dataset_prefix)
        run_query(client, ddl.table_ddl(table, project, dataset_prefix), limits)
        existing = {f.name: f.field_type for f in client.get_table(table_id, timeout=limits.timeout_s).schema}
        for name, dtype in spec.schema.items():
            want = ddl.bigquery_type(dtype)
            if name not in existing:
                run_query(client, f"ALTER TABLE `{table_id}` ADD COLUMN IF NOT EXISTS {name} {want}", limits)
                added.append(f"{table_id}.{name}")
            elif _LEGACY_TYPES.get(existing[name], existing[name]) != want:
                raise WarehouseError(f"{table_id}.{name} is {existing[name]}, the schema says {want}: migrate it by hand")
        tables.append(table_id)
    return InitReport(datasets, tables, added)


# The REST API reports legacy type names.
_LEGACY_TYPES = {"INTEGER": "INT64", "FLOAT": "FLOAT64", "BOOLEAN": "BOOL"}
