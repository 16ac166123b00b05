"""Resources for the current environment: the warehouse IO manager, the landing zone, the publish
location and the alert notifier.

The embedded default keeps everything under ``$NBA_PLATFORM_HOME`` (default ``./.nba_platform``):
``warehouse.duckdb`` and ``landing/``. ``NBA_LANDING_DIR`` points the landing zone elsewhere
(e.g. ``../shared/data/landing`` for a replay, or ``gs://bucket/prefix`` for the GCS backend).
``NBA_PLATFORM_ENV=prod`` switches to BigQuery and GCS (`prod_resources`, settings in `environment.py`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster._core.storage.db_io_manager import DbIOManager, DbTypeHandler, TableSlice
from dagster._utils.backoff import backoff
from dagster_duckdb import DuckDBIOManager
from dagster_duckdb.io_manager import DuckDbClient, _get_cleanup_statement
from dagster_duckdb_polars import DuckDBPolarsTypeHandler

from nba_platform.alerts import AlertNotifier
from nba_platform.environment import ProdSettings, is_prod, split_gs_url
from nba_platform.landing import LandingZone, open_landing
from nba_platform.publishing.publisher import Publisher, open_publisher


def platform_home() -> Path:
    return Path(os.environ.get("NBA_PLATFORM_HOME", ".nba_platform")).resolve()


def default_landing_dir() -> str:
    return os.environ.get("NBA_LANDING_DIR", str(platform_home() / "landing"))


def default_warehouse_path() -> str:
    return os.environ.get("NBA_WAREHOUSE_PATH", str(platform_home() / "warehouse.duckdb"))


def default_publish_location(warehouse_path: str | None = None) -> str:
    """``NBA_PUBLISH_DIR`` (a folder or ``gs://bucket/prefix``), else ``publish/`` beside the warehouse
    (``$NBA_PLATFORM_HOME/publish`` by default; a test's or an evaluation's own warehouse keeps its own)."""
    return os.environ.get("NBA_PUBLISH_DIR") or str(Path(warehouse_path or default_warehouse_path()).parent / "publish")


class PolarsTableHandler(DuckDBPolarsTypeHandler):
    """The dagster-duckdb-polars handler, changed in two ways that matter for partitioned tables.

    1. An empty frame still creates the table (from the frame's schema): an off-day must not leave
       downstream assets without a table to read. The upstream handler skips empty writes.
    2. Rows are inserted BY NAME, so a column order change can never shift values between columns.
    The IO manager has already deleted the partition's rows, so a re-run replaces them.
    """

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: pl.DataFrame, connection):
        obj_arrow = obj.to_arrow()  # noqa: F841  # referenced by name in the SQL below
        target = f"{table_slice.schema}.{table_slice.table}"
        connection.execute(f"create schema if not exists {table_slice.schema}")
        connection.execute(f"create table if not exists {target} as select * from obj_arrow limit 0")
        if obj.height:
            connection.execute(f"insert into {target} by name select * from obj_arrow")
        context.add_output_metadata(
            {
                "row_count": obj.height,
                "dataframe_columns": dg.MetadataValue.table_schema(
                    dg.TableSchema(columns=[dg.TableColumn(n, str(t)) for n, t in obj.schema.items()])
                ),
            }
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
        exists = connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [table_slice.schema, table_slice.table],
        ).fetchone()[0]
        if exists:
            connection.execute(_get_cleanup_statement(table_slice))

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


class LandingResource(dg.ConfigurableResource):
    """Where raw source files land: a local folder (the embedded default) or ``gs://bucket/prefix``."""

    root: str

    def zone(self) -> LandingZone:
        return open_landing(self.root)


class PublisherResource(dg.ConfigurableResource):
    """Where exports are published: a local folder (the embedded default) or ``gs://bucket/prefix``."""

    location: str

    def publisher(self) -> Publisher:
        return open_publisher(self.location)


def local_resources(landing_dir: str | None = None, warehouse_path: str | None = None) -> dict[str, object]:
    warehouse = warehouse_path or default_warehouse_path()
    return {
        "io_manager": WarehouseIOManager(database=warehouse, schema="nba"),
        # Weekly model bundles are Python objects, not tables: pickled files beside the warehouse.
        "model_io_manager": dg.FilesystemIOManager(base_dir=str(Path(warehouse).parent / "models")),
        "landing": LandingResource(root=landing_dir or default_landing_dir()),
        # Channels come from NBA_ALERT_SLACK_WEBHOOK_URL / NBA_ALERT_WEBHOOK_URL at send time.
        "alerts": AlertNotifier(),
        "publisher": PublisherResource(location=default_publish_location(warehouse)),
    }


def prod_resources(settings: ProdSettings | None = None, landing_dir: str | None = None) -> dict[str, object]:
    """BigQuery tables, the GCS landing zone, model bundles pickled on GCS and exports in a GCS bucket
    (the same resource keys as local)."""
    from dagster_gcp import GCSPickleIOManager, GCSResource

    from nba_platform.bigquery_io import BigQueryWarehouseIOManager

    settings = settings or ProdSettings.from_env()
    models_bucket, models_prefix = split_gs_url(settings.models_url, "NBA_MODELS_GCS")
    return {
        "io_manager": BigQueryWarehouseIOManager(
            project=settings.project,
            location=settings.location,
            dataset_prefix=settings.dataset_prefix,
            maximum_bytes_billed=settings.maximum_bytes_billed,
            timeout=settings.job_timeout_s,
        ),
        "model_io_manager": GCSPickleIOManager(
            gcs=GCSResource(project=settings.project), gcs_bucket=models_bucket, gcs_prefix=models_prefix or "models"
        ),
        "landing": LandingResource(root=landing_dir or settings.landing_url),
        "publisher": PublisherResource(location=settings.publish_url),
        "alerts": AlertNotifier(),
    }


def resources_for_env(landing_dir: str | None = None) -> dict[str, object]:
    """`NBA_PLATFORM_ENV` picks: `local` (default) -> DuckDB + folders; `prod` -> BigQuery + GCS."""
    return prod_resources(landing_dir=landing_dir) if is_prod() else local_resources(landing_dir=landing_dir)
