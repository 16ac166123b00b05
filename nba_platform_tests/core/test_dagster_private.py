"""Each private Dagster symbol the package relies on (nba_platform/core/dagster_private.py) still exists
and behaves as the package uses it: an upgrade that moves or changes one fails here, by name."""

from __future__ import annotations

import ast
import datetime as dt
import gc
import inspect
import weakref
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.db_io_manager import TablePartitionDimension
from dagster._core.test_utils import freeze_time

from nba_platform.core import dagster_private as private

PACKAGE = Path(private.__file__).resolve().parents[1]


def test_the_database_io_manager_framework():
    assert inspect.isclass(private.DbIOManager) and issubclass(private.DbIOManager, dg.IOManager)
    assert {"handle_output", "load_input", "supported_types"} <= private.DbTypeHandler.__abstractmethods__
    # DbClient is no ABC: its interface is the methods marked abstract, all implemented by DuckDbClient.
    interface = ("delete_table_slice", "connect", "get_select_statement", "ensure_schema_exists")
    assert all(getattr(getattr(private.DbClient, name), "__isabstractmethod__", False) for name in interface)
    assert issubclass(private.DuckDbClient, private.DbClient)
    assert not any(getattr(getattr(private.DuckDbClient, name), "__isabstractmethod__", False) for name in interface)
    assert {"database", "schema", "table", "columns", "partition_dimensions"} <= set(private.TableSlice._fields)


def test_the_delete_of_a_partition_range():
    window = dg.TimeWindow(dt.datetime(2025, 10, 21), dt.datetime(2025, 10, 28))
    table_slice = private.TableSlice(
        database="w",
        schema="analytics",
        table="player_game_summary",
        partition_dimensions=[TablePartitionDimension(partition_expr="game_date", partitions=window)],
    )
    sql = private.get_cleanup_statement(table_slice)
    assert sql.startswith("DELETE FROM analytics.player_game_summary WHERE")
    assert "game_date >= '2025-10-21 00:00:00'" in sql and "game_date < '2025-10-28 00:00:00'" in sql


def test_an_instance_ref_with_one_setting_replaced(tmp_path):
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    noop = {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"}
    instance = dg.DagsterInstance.from_ref(private.InstanceRef.from_dir(str(tmp_path), overrides={"compute_logs": noop}))
    assert type(instance.compute_log_manager).__name__ == "NoOpComputeLogManager"
    assert dg.DagsterInstance.from_config(str(tmp_path)).compute_log_manager.__class__.__name__ == "LocalComputeLogManager"


def test_backoff_retries_the_named_errors_only():
    calls = []

    def locked_twice(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise RuntimeError("Could not set lock")
        return x * 2

    result = private.backoff(
        fn=locked_twice, retry_on=(RuntimeError,), kwargs={"x": 21}, max_retries=3, delay_generator=(0.0 for _ in range(3))
    )
    assert (result, len(calls)) == (42, 3)
    calls.clear()
    with pytest.raises(RuntimeError):
        private.backoff(fn=locked_twice, retry_on=(ValueError,), kwargs={"x": 1}, max_retries=3)
    assert len(calls) == 1


def test_the_clock_is_the_one_freeze_time_moves():
    frozen = dt.datetime(2025, 11, 5, 17, tzinfo=dt.UTC)
    with freeze_time(frozen):
        now = private.get_current_datetime("America/New_York")
    assert now == frozen and now.utcoffset() == dt.timedelta(hours=-5)


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("dagster._")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dagster"):
            private_names = [a.name for a in node.names if a.name.startswith("_")]
            if node.module.startswith("dagster._") or private_names:
                found.append(f"{node.module}: {', '.join(a.name for a in node.names)}")
    return found


def test_no_other_module_imports_private_dagster():
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if path.name != "dagster_private.py" and (found := _private_imports(path))
    }
    assert offenders == {}
    assert _private_imports(PACKAGE / "core" / "dagster_private.py")  # the check sees the ones it should


def test_a_sensor_cursor_is_stored_under_the_sensors_selector():
    @dg.sensor(name="probe_sensor", job_name="j", minimum_interval_seconds=17, default_status=dg.DefaultSensorStatus.RUNNING)
    def running(_context):
        return None

    @dg.sensor(name="stopped_sensor", job_name="j")
    def stopped(_context):
        return None

    with dg.instance_for_test() as instance:
        state = private.set_sensor_cursor(instance, "loc", "pkg.defs", running, '{"a":1}')
        assert state.selector_id == private.InstigatorSelector(
            location_name="loc", repository_name="__repository__", name="probe_sensor"
        ).get_id()
        stored = private.stored_sensor_state(instance, "loc", "probe_sensor")
        assert stored.status == private.InstigatorStatus.DECLARED_IN_CODE
        assert (stored.instigator_data.cursor, stored.instigator_data.min_interval) == ('{"a":1}', 17)
        private.set_sensor_cursor(instance, "loc", "pkg.defs", running, '{"a":2}')
        assert private.stored_sensor_state(instance, "loc", "probe_sensor").instigator_data.cursor == '{"a":2}'
        assert private.stored_sensor_state(instance, "other_loc", "probe_sensor") is None
        private.set_sensor_cursor(instance, "loc", "pkg.defs", stopped, "c")
        assert private.stored_sensor_state(instance, "loc", "stopped_sensor").status == private.InstigatorStatus.STOPPED


def test_the_engine_reusing_event_log_writes_what_the_stock_storage_reads(tmp_path):
    """The CLI's event storage (one SQLAlchemy engine per shard) and Dagster's own one are the same files:
    runs and materializations stored by the first are what `make dev`'s instance reads."""
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    storage = {"module": "nba_platform.core.dagster_private", "class": "EngineReusingSqliteEventLogStorage",
               "config": {"base_dir": str(tmp_path / "history" / "runs")}}
    ours = dg.DagsterInstance.from_ref(private.InstanceRef.from_dir(str(tmp_path), overrides={"event_log_storage": storage}))
    assert isinstance(ours.event_log_storage, private.EngineReusingSqliteEventLogStorage)
    days = dg.DailyPartitionsDefinition(start_date="2025-01-01")

    @dg.asset(partitions_def=days, backfill_policy=dg.BackfillPolicy.single_run())
    def daily() -> None:
        return None

    tags = {"dagster/asset_partition_range_start": "2025-01-01", "dagster/asset_partition_range_end": "2025-01-05"}
    result = dg.materialize([daily], instance=ours, tags=tags)
    assert result.success
    assert set(ours.event_log_storage._engines) == {result.run_id, "index"}  # one engine per shard, kept
    for engine in ours.event_log_storage._engines.values():  # WAL files, synced at checkpoints, not commits
        with engine.connect() as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL (FULL is 2)
    stock = dg.DagsterInstance.from_config(str(tmp_path))
    assert type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
    assert [r.run_id for r in stock.get_runs()] == [result.run_id]
    assert stock.get_materialized_partitions(dg.AssetKey("daily")) == {f"2025-01-0{d}" for d in range(1, 6)}
    assert len(stock.get_records_for_run(result.run_id).records) == len(ours.get_records_for_run(result.run_id).records)
    ours.dispose()
    assert not ours.event_log_storage._engines


def test_the_engine_reusing_event_log_looks_up_the_index_schema_once(tmp_path, monkeypatch):
    """The stock storage checks for the asset-event tags table (a new engine and connection) and the asset
    key columns on every asset event; ours remembers what it found present."""
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    storage = {"module": "nba_platform.core.dagster_private", "class": "EngineReusingSqliteEventLogStorage",
               "config": {"base_dir": str(tmp_path / "history" / "runs")}}
    ours = dg.DagsterInstance.from_ref(private.InstanceRef.from_dir(str(tmp_path), overrides={"event_log_storage": storage}))
    lookups = []
    parent = private.SqliteEventLogStorage
    real_table, real_cols = parent.has_table, parent._has_asset_key_index_cols_on_connection
    monkeypatch.setattr(parent, "has_table", lambda self, name: lookups.append(name) or real_table(self, name))
    monkeypatch.setattr(
        parent, "_has_asset_key_index_cols_on_connection", lambda self, conn: lookups.append("cols") or real_cols(self, conn)
    )
    days = dg.DailyPartitionsDefinition(start_date="2025-01-01")

    @dg.asset(partitions_def=days, backfill_policy=dg.BackfillPolicy.single_run())
    def daily(context) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"n": 1})

    tags = {"dagster/asset_partition_range_start": "2025-01-01", "dagster/asset_partition_range_end": "2025-01-10"}
    result = dg.materialize([daily], instance=ours, tags=tags)
    assert result.success
    assert ours.get_materialized_partitions(dg.AssetKey("daily")) == {f"2025-01-{d:02d}" for d in range(1, 11)}
    # Ten materializations (and their planned events), each table and column set looked up once.
    assert sorted(lookups) == sorted(set(lookups)) and "cols" in lookups, lookups
    ours.dispose()


class _Frame(list):
    """An output whose release the test can watch (a list cannot carry a weak reference)."""


class _CopyingIOManager(dg.IOManager):
    """Stores a copy, as our warehouse IO manager does: only the run itself could keep the output."""

    def __init__(self):
        self.stored = {}

    def handle_output(self, context, obj):
        self.stored[context.asset_key] = list(obj) if isinstance(obj, list) else obj

    def load_input(self, context):
        return _Frame(self.stored[context.asset_key])


def test_an_uncaptured_in_process_run_keeps_no_output_and_runs_like_dagsters_own(tmp_path):
    days = dg.DailyPartitionsDefinition(start_date="2025-01-01")
    freed = []

    @dg.asset(partitions_def=days, io_manager_key="copies")
    def frame(context) -> _Frame:
        value = _Frame(range(1000))
        weakref.finalize(value, freed.append, context.run.run_id)
        return value

    @dg.asset(partitions_def=days, io_manager_key="copies")
    def total(context, frame: _Frame) -> int:
        context.add_output_metadata({"dagster/row_count": len(frame)})
        return sum(frame)

    io = _CopyingIOManager()
    job = dg.Definitions(assets=[frame, total], resources={"copies": io}).resolve_implicit_global_asset_job_def()
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        stock = job.execute_in_process(instance=instance, partition_key="2025-01-02")
        result = private.execute_in_process_uncaptured(
            job, resources={}, instance=instance, partition_key="2025-01-03", run_config={}, tags={"who": "test"}
        )
        gc.collect()
        assert freed == [result.run_id]  # Dagster's own run still holds its output; ours kept none
        assert stock.output_for_node("frame") == list(range(1000))
        with pytest.raises(dg.DagsterInvariantViolationError, match="No outputs found"):
            result.output_for_node("frame")
        assert result.success and io.stored[dg.AssetKey("total")] == sum(range(1000))
        run = instance.get_run_by_id(result.run_id)
        assert run.tags["who"] == "test" and run.tags["dagster/partition"] == "2025-01-03"
        mats = result.get_asset_materialization_events()
        assert [(e.asset_key.to_user_string(), e.partition) for e in mats] == [("frame", "2025-01-03"), ("total", "2025-01-03")]
        assert mats[1].event_specific_data.materialization.metadata["dagster/row_count"].value == 1000
