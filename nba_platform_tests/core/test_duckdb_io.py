"""The local warehouse IO manager across releases: a new column is added to an old table (null in its
old rows), a column whose type changed is refused by name, a re-run replaces its partition."""

from __future__ import annotations

import dagster as dg
import duckdb
import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.core.warehouse.duckdb import WarehouseIOManager

PARTITIONS = dg.StaticPartitionsDefinition(["a", "b"])


def _asset(frame: pl.DataFrame):
    @dg.asset(name="t", key_prefix=["analytics"], partitions_def=PARTITIONS,
              metadata={"partition_expr": "part"})
    def t(context) -> pl.DataFrame:
        return frame.filter(pl.col("part") == context.partition_key)

    return t


def _write(db: str, frame: pl.DataFrame, partition: str) -> None:
    result = dg.materialize(
        [_asset(frame)], partition_key=partition,
        resources={"io_manager": WarehouseIOManager(database=db)}, raise_on_error=False,
    )
    if not result.success:
        error = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE").step_failure_data.error
        messages = []
        while error is not None:
            messages.append(error.message)
            error = error.cause
        raise RuntimeError(" | ".join(messages))


def _read(db: str) -> pl.DataFrame:
    with duckdb.connect(db, read_only=True) as con:
        return con.sql("select * from analytics.t order by part, x").pl()


def test_an_older_table_gains_the_new_column_and_keeps_its_rows(tmp_path):
    db = str(tmp_path / "w.duckdb")
    _write(db, pl.DataFrame({"part": ["a"], "x": [1]}), "a")
    _write(db, pl.DataFrame({"part": ["b", "b"], "x": [2, 3], "starter": [True, None]}), "b")
    _write(db, pl.DataFrame({"part": ["b", "b"], "x": [2, 3], "starter": [True, None]}), "b")  # re-run
    assert _read(db).to_dicts() == [
        {"part": "a", "x": 1, "starter": None},
        {"part": "b", "x": 2, "starter": True},
        {"part": "b", "x": 3, "starter": None},
    ]


def test_a_column_whose_type_changed_is_refused_by_name(tmp_path):
    db = str(tmp_path / "w.duckdb")
    _write(db, pl.DataFrame({"part": ["a"], "x": [1]}), "a")
    with pytest.raises(RuntimeError, match=r"analytics.t.x is BIGINT in the warehouse but VARCHAR in the new rows"):
        _write(db, pl.DataFrame({"part": ["b"], "x": ["two"]}), "b")
    assert _read(db).to_dicts() == [{"part": "a", "x": 1}]


def test_a_registry_table_never_written_reads_as_empty_with_its_schema(tmp_path):
    db = str(tmp_path / "w.duckdb")
    seen = {}

    @dg.asset(ins={"raw_injury_report": dg.AssetIn("raw_injury_report")})
    def reader(raw_injury_report: pl.DataFrame) -> None:
        seen["frame"] = raw_injury_report

    result = dg.materialize(
        [dg.SourceAsset("raw_injury_report"), reader], resources={"io_manager": WarehouseIOManager(database=db)}
    )
    assert result.success
    assert seen["frame"].is_empty() and seen["frame"].schema == schemas.schema("raw_injury_report")

    @dg.asset(ins={"not_a_table": dg.AssetIn("not_a_table")})
    def unknown(not_a_table: pl.DataFrame) -> None:
        pass

    failed = dg.materialize([dg.SourceAsset("not_a_table"), unknown], resources={"io_manager": WarehouseIOManager(database=db)},
                            raise_on_error=False)
    assert not failed.success


def _counting_opens(monkeypatch) -> list[str]:
    """Record every read-write open of the warehouse by the IO manager."""
    import nba_platform.core.warehouse.duckdb as module

    opens: list[str] = []
    real = module.duckdb.connect

    def connect(*args, **kwargs):
        if kwargs.get("read_only") is False:  # the IO manager's opens (the test's own are read-only)
            opens.append(kwargs["database"])
        return real(*args, **kwargs)

    monkeypatch.setattr(module.duckdb, "connect", connect)
    return opens


def test_a_steps_loads_and_store_share_one_connection_closed_after_its_store(tmp_path, monkeypatch):
    db = str(tmp_path / "w.duckdb")
    opens = _counting_opens(monkeypatch)
    locked_during = {}

    @dg.asset(key_prefix=["analytics"])
    def left() -> pl.DataFrame:
        return pl.DataFrame({"k": [1, 2], "a": [10, 20]})

    @dg.asset(key_prefix=["analytics"])
    def right() -> pl.DataFrame:
        return pl.DataFrame({"k": [1, 2], "b": [5, 6]})

    @dg.asset(key_prefix=["analytics"], ins={"left": dg.AssetIn(["analytics", "left"]), "right": dg.AssetIn(["analytics", "right"])})
    def joined(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
        # Between the step's loads and its store the step's connection is open (DuckDB refuses a second,
        # differently configured one in the same process).
        try:
            duckdb.connect(db, read_only=True, config={"custom_user_agent": "other"}).close()
            locked_during["joined"] = False
        except (duckdb.ConnectionException, duckdb.IOException, duckdb.InvalidInputException):
            locked_during["joined"] = True
        return left.join(right, on="k").with_columns(total=pl.col("a") + pl.col("b"))

    result = dg.materialize([left, right, joined], resources={"io_manager": WarehouseIOManager(database=db)})
    assert result.success
    # Three steps, three opens: `joined` loaded both inputs and stored its table on one connection.
    assert opens == [db, db, db]
    assert locked_during == {"joined": True}
    # Closed after the last store: the file is free, and every row is in it.
    with duckdb.connect(db, read_only=True) as con:
        assert con.sql("select k, total from analytics.joined order by k").fetchall() == [(1, 15), (2, 26)]


def test_a_failed_step_leaves_the_file_free(tmp_path):
    db = str(tmp_path / "w.duckdb")
    seen = {}

    @dg.asset(key_prefix=["analytics"])
    def source() -> pl.DataFrame:
        return pl.DataFrame({"k": [1, 2, 3]})

    @dg.asset(key_prefix=["analytics"], ins={"source": dg.AssetIn(["analytics", "source"])})
    def broken(source: pl.DataFrame) -> pl.DataFrame:
        seen["rows"] = source.height
        raise ValueError("the step's own error")

    manager = WarehouseIOManager(database=db, connection_config={"memory_limit": "300MB"})
    result = dg.materialize([source, broken], resources={"io_manager": manager}, raise_on_error=False)
    assert not result.success and seen == {"rows": 3}
    # The failed step never stored, so the run's end closed its connection: a writer can open the file.
    with duckdb.connect(db) as con:
        assert con.sql("select count(*) from analytics.source").fetchone() == (3,)


def test_after_a_load_the_read_blocks_are_evicted_and_the_configured_limit_stays(tmp_path):
    from nba_platform.core.warehouse.duckdb import StepConnection

    db = str(tmp_path / "w.duckdb")
    with duckdb.connect(db) as con:
        con.execute("select setseed(0.5)")
        con.execute("create table t as select random() as x from range(2000000)")  # ~16 MB, incompressible
    shared = StepConnection()
    conn = shared.get(db, {"memory_limit": "300MB"})

    def cached() -> int:
        return conn.execute("select coalesce(sum(memory_usage_bytes), 0) from duckdb_memory() where tag = 'BASE_TABLE'").fetchone()[0]

    assert conn.execute("select count(*), sum(x) between 900000 and 1100000 from t").fetchone() == (2000000, True)
    assert cached() > 8_000_000  # the table's blocks stay in DuckDB's buffer pool after the query
    shared.after_load()
    assert cached() < 1_048_576  # what the momentary 1 MB limit leaves (metadata)
    # The limit the user configured is back, and the connection still reads.
    assert conn.execute("select current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
    assert conn.execute("select count(*) from t").fetchone() == (2000000,)
    shared.close()
    with duckdb.connect(db, read_only=True) as con:
        assert con.sql("select count(*) from t").fetchone() == (2000000,)
