"""Every Dagster symbol this package uses that Dagster does not export publicly, in one place.

The rest of the package imports them from here, never from `dagster._...` or a private name of a
`dagster_*` library, so a Dagster upgrade that moves or changes one fails in
`nba_platform_tests/core/test_dagster_private.py`, which names each of them.

Why each one (checked against dagster 1.13 / dagster-duckdb 0.29; `TimeWindow` is public as
`dagster.TimeWindow` and is imported from there):
* `DbIOManager`, `DbTypeHandler`, `DbClient`, `TableSlice`: the database IO manager framework our
  DuckDB and BigQuery IO managers extend (dagster-duckdb and dagster-gcp build on the same classes
  and do not re-export them).
* `DuckDbClient`, `get_cleanup_statement`: dagster-duckdb's client and the DELETE of a table slice that
  our transactional client reuses, so partition deletes stay those of the library.
* `backoff`: Dagster's retry loop, the one dagster-duckdb's own client opens its connection with.
* `get_current_datetime`: Dagster's clock, the one the freshness daemon and `freeze_time` use; the
  alert sensors read "now" from it so they agree with the freshness states they read.
* `InstigatorState`, `InstigatorStatus`, `InstigatorType`, `SensorInstigatorData`, `InstigatorSelector`,
  the origin classes and `LoadableTargetOrigin`: a sensor's stored state, for `set_sensor_cursor`. Dagster's
  public ways to set a cursor are the CLI (`dagster sensor cursor --set`, which stores a sensor that has
  no state yet as STOPPED, and takes the cursor as one argument: ours is too long for that) and the
  webserver's GraphQL (not running after the demo); `set_sensor_cursor` does what the CLI does, but
  keeps the status declared in code, as the daemon itself stores it.
* `InstanceRef`: its `from_dir(..., overrides=)` loads $DAGSTER_HOME's dagster.yaml with settings
  replaced (the CLI's runs keep no compute logs, and store events as below); `DagsterInstance.from_config`
  takes no overrides.
* `core_execute_in_process`, `type_check_and_normalize_args`, `merge_run_tags`, `InMemoryJob`: see
  `execute_in_process_uncaptured` (the public method always keeps every output).
* `SqliteEventLogStorage`, its `_connect`, and `create_engine`/`SQLITE_BUSY_TIMEOUT_SECONDS`: see
  `EngineReusingSqliteEventLogStorage`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
import sqlalchemy
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.definitions.selector import InstigatorSelector
from dagster._core.execution.execute_in_process import (
    core_execute_in_process,
    merge_run_tags,
    type_check_and_normalize_args,
)
from dagster._core.instance.ref import InstanceRef
from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteInstigatorOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    SensorInstigatorData,
)
from dagster._core.storage.db_io_manager import DbClient, DbIOManager, DbTypeHandler, TableSlice
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._serdes import ConfigurableClassData
from dagster._time import get_current_datetime
from dagster._utils.backoff import backoff
from dagster_duckdb.io_manager import DuckDbClient
from dagster_duckdb.io_manager import _get_cleanup_statement as get_cleanup_statement
from sqlalchemy.pool import StaticPool

__all__ = [
    "DbClient",
    "DbIOManager",
    "DbTypeHandler",
    "DuckDbClient",
    "EngineReusingSqliteEventLogStorage",
    "InstigatorSelector",
    "InstigatorStatus",
    "InstanceRef",
    "TableSlice",
    "backoff",
    "execute_in_process_uncaptured",
    "get_cleanup_statement",
    "get_current_datetime",
    "set_sensor_cursor",
    "stored_sensor_state",
]

# A `Definitions` object loads as this repository name in every code location.
REPOSITORY_NAME = "__repository__"


def _selector_id(location_name: str, sensor_name: str) -> str:
    # The daemon and the UI find a sensor's stored state by this id (location, repository, name).
    return InstigatorSelector(location_name=location_name, repository_name=REPOSITORY_NAME, name=sensor_name).get_id()


def stored_sensor_state(instance: dg.DagsterInstance, location_name: str, sensor_name: str) -> InstigatorState | None:
    return instance.get_instigator_state("", _selector_id(location_name, sensor_name))


def set_sensor_cursor(
    instance: dg.DagsterInstance, location_name: str, module_name: str, sensor: dg.SensorDefinition, cursor: str
) -> InstigatorState:
    """Store `cursor` as the sensor's cursor in `instance`, for the code location `location_name` (which
    loads `module_name`), as `dagster sensor cursor --set` does; a sensor without a stored state gets one
    whose status is the one declared in code. Its next tick evaluates from this cursor.

    The daemon finds the state by its selector (location, repository, sensor name). The origin stored with
    a new state is this process's, as the CLI's is: `dagster dev` serves the code from a gRPC server on a
    fresh socket each start, so no stored origin matches a later session's; the UI's tick list of a sensor
    (keyed by the session's origin) is empty after every restart for every sensor alike."""
    state = stored_sensor_state(instance, location_name, sensor.name)
    if state is None:
        target = LoadableTargetOrigin(executable_path=sys.executable, module_name=module_name, attribute=None)
        origin = RemoteInstigatorOrigin(
            RemoteRepositoryOrigin(ManagedGrpcPythonEnvCodeLocationOrigin(target, location_name), REPOSITORY_NAME),
            sensor.name,
        )
        status = (
            InstigatorStatus.DECLARED_IN_CODE
            if sensor.default_status == dg.DefaultSensorStatus.RUNNING
            else InstigatorStatus.STOPPED
        )
        data = SensorInstigatorData(min_interval=sensor.minimum_interval_seconds, cursor=cursor, sensor_type=sensor.sensor_type)
        return instance.add_instigator_state(InstigatorState(origin, InstigatorType.SENSOR, status, data))
    data = state.instigator_data
    return instance.update_instigator_state(
        state.with_data(
            SensorInstigatorData(
                last_tick_timestamp=data.last_tick_timestamp,
                last_run_key=data.last_run_key,
                min_interval=sensor.minimum_interval_seconds,
                cursor=cursor,
                last_tick_start_timestamp=data.last_tick_start_timestamp,
                last_sensor_start_timestamp=data.last_sensor_start_timestamp,
                sensor_type=sensor.sensor_type,
            )
        )
    )


class EngineReusingSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, the same files and tables, keeping one engine and one open connection
    per shard instead of creating both for every event.

    The stock storage builds an engine and opens a connection for every event it stores (twice for an
    asset event: the run's shard, then the index shard). Each new engine starts with an empty
    compiled-statement cache, and closing the last connection to a WAL database checkpoints it. A range
    run stores one materialization per asset and date (~3,000 a season): a features run over 58 dates
    took 31 s with the stock storage and 15 s with this one (same run, its planned events as one). The
    storage's own lock already serializes every use of a connection, so one per shard is shared
    (StaticPool). Other processes (the webserver, the daemon) read and write the same WAL databases as
    before; this process holds no transaction between events. The CLI's instance uses it
    (runner.dagster_instance); `dispose` closes the connections."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: dict[str, Any] = {}  # before the parent's init, which already connects
        self._schema_seen: set[str] = set()  # tables and columns found present (migrations only add)
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> EngineReusingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=StaticPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
                sqlalchemy.event.listen(engine, "connect", _commit_without_fsync)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                self._engines[shard] = engine
            with engine.connect() as conn, conn.begin():
                yield conn

    # The stock storage looks up the index shard's schema on every asset event (a new engine and
    # connection for the tags table, an inspection for the asset key columns): ~0.4 ms an event, 1.2 s
    # of a 33 s predictions run over 87 dates. What was found present is remembered.
    def has_table(self, table_name: str) -> bool:
        parent = super().has_table
        return self._present(f"table:{table_name}", lambda: parent(table_name))

    def _has_asset_key_index_cols_on_connection(self, conn: Any) -> bool:
        parent = super()._has_asset_key_index_cols_on_connection
        return self._present("asset_keys:index_cols", lambda: parent(conn))

    def _present(self, what: str, look_up: Callable[[], bool]) -> bool:
        if what not in self._schema_seen and look_up():
            self._schema_seen.add(what)
        return what in self._schema_seen

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


def _commit_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    # SQLite's default in WAL mode (FULL) syncs the log at every commit, ~0.5 ms here, and a daily run
    # commits ~450 events. NORMAL syncs at checkpoints only: the database stays consistent after any
    # crash, and a process crash loses nothing; an OS crash or power loss can lose the last events
    # committed (the runs' tables are in the warehouse, and a run lost that way is run again).
    dbapi_connection.execute("pragma synchronous=NORMAL")


def execute_in_process_uncaptured(
    job: dg.JobDefinition,
    *,
    resources: Mapping[str, object],
    instance: dg.DagsterInstance,
    partition_key: str | None,
    run_config: Mapping[str, Any],
    tags: Mapping[str, str],
) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process(..., raise_on_error=False)`, except that the run keeps no output.

    `JobDefinition.execute_in_process` captures every step's output for `result.output_for_node`: a
    range run held every frame it produced until its end (a simulated season's features run rose by
    ~250 MiB from its first step to its last), and the capture outlived the result. Our runs read their
    outputs from the warehouse, never from the result. The same steps as Dagster's method (1.13), with
    `core_execute_in_process(output_capturing_enabled=False)`."""
    run_config, op_selection, asset_selection, resource_defs, partition_key, input_values = type_check_and_normalize_args(
        run_config=run_config, partition_key=partition_key, resources=resources
    )
    ephemeral = job.as_ephemeral_job(
        resource_defs=resource_defs, input_values=input_values, op_selection=op_selection, asset_selection=asset_selection
    )
    if partition_key and ephemeral.partitioned_config and not run_config:
        run_config = ephemeral.partitioned_config.get_run_config_for_partition_key(partition_key)
    return core_execute_in_process(
        job=InMemoryJob(job_def=ephemeral),
        run_config=run_config,
        instance=instance,
        output_capturing_enabled=False,
        raise_on_error=False,
        run_tags=merge_run_tags(
            job_def=job, partition_key=partition_key, tags=tags, asset_selection=asset_selection,
            instance=instance, run_config=run_config,
        ),
        asset_selection=frozenset(asset_selection),
    )
