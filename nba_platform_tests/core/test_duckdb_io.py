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
