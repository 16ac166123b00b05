"""Every file in sql/ parses as BigQuery SQL, and the DDL says what the table registry says."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from nba_platform.core.warehouse import ddl
from nba_platform.tables import ALL_TABLES, TABLES

SQL = Path(__file__).resolve().parents[2] / "sql"
SQL_FILES = sorted(SQL.rglob("*.sql"))


def _parse(path: Path) -> list[exp.Expression]:
    return [e for e in sqlglot.parse(path.read_text(), read="bigquery", error_level=sqlglot.ErrorLevel.RAISE) if e]


def test_sql_folder_holds_ddl_for_every_table_and_the_monitoring_queries():
    assert {p.stem for p in (SQL / "ddl").glob("*.sql")} == set(ALL_TABLES)
    assert {p.stem for p in (SQL / "monitoring").glob("*.sql")} == {"pipeline_timing", "freshness", "cost_per_day"}


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sql_file_parses_as_bigquery(path):
    statements = _parse(path)
    assert len(statements) == 1, f"{path.name}: one statement per file"


@pytest.mark.parametrize("table", list(ALL_TABLES))
def test_ddl_columns_and_types_equal_the_polars_schema(table):
    spec = ALL_TABLES[table]
    (create,) = _parse(SQL / "ddl" / f"{table}.sql")
    assert isinstance(create, exp.Create) and create.kind == "TABLE"
    target = create.find(exp.Table)
    assert (target.db, target.name) == (spec.dataset, table)
    columns = {c.name: c.args["kind"].sql("bigquery") for c in create.this.expressions if isinstance(c, exp.ColumnDef)}
    assert list(columns) == list(spec.schema.names())
    assert columns == {name: ddl.bigquery_type(dtype) for name, dtype in spec.schema.items()}
    props = {type(p).__name__: p for p in create.args["properties"].expressions}
    assert props["PartitionedByProperty"].this.sql("bigquery") == "game_date"
    assert [c.sql("bigquery") for c in props["ClusterProperty"].expressions] == list(spec.clustering)
    options = {p.name: p.args["value"].sql("bigquery") for p in create.args["properties"].expressions if type(p) is exp.Property}
    assert options.get("require_partition_filter") == (None if spec.open_to_full_scans else "TRUE")
    assert options["description"].strip("'") == spec.summary
    assert set(spec.clustering) <= set(columns)


def test_big_tables_refuse_queries_without_a_partition_filter():
    assert {t.name for t in ALL_TABLES.values() if t.open_to_full_scans} == {"system_daily_performance", "materialization_log"}
    for table in ("raw_prop_lines", "player_game_summary", "ml_feature_store", "player_prop_predictions"):
        assert "require_partition_filter = TRUE" in ddl.table_ddl(table)


def test_columns_carry_descriptions():
    text = ddl.table_ddl("ml_feature_store")
    assert 'game_date DATE OPTIONS (description = "ET calendar date of the game (partition column)")' in text
    assert 'q_points_ewma STRING OPTIONS (description = "quality flag of points_ewma' in text
    assert 'points_ewma FLOAT64 OPTIONS (description = "exponentially weighted mean of points, half-life 5 games")' in text


def test_qualified_ddl_names_the_project_and_the_prefixed_dataset():
    text = ddl.table_ddl("raw_schedule", project="my-proj", dataset_prefix="stg_")
    assert "CREATE TABLE IF NOT EXISTS `my-proj.stg_raw.raw_schedule` (" in text
    assert text.split("\n", 2)[2] == ddl.table_ddl("raw_schedule").split("\n", 2)[2]


def _where_columns(statement: exp.Expression) -> set[str]:
    return {c.name for where in statement.find_all(exp.Where) for c in where.find_all(exp.Column)}


@pytest.mark.parametrize(
    ("name", "partition_column"),
    [("pipeline_timing", "game_date"), ("freshness", "game_date"), ("cost_per_day", "creation_time")],
)
def test_monitoring_queries_filter_on_the_partition_column(name, partition_column):
    (query,) = _parse(SQL / "monitoring" / f"{name}.sql")
    assert partition_column in _where_columns(query)


def test_monitoring_queries_read_the_log_the_platform_writes():
    for name in ("pipeline_timing", "freshness"):
        (query,) = _parse(SQL / "monitoring" / f"{name}.sql")
        tables = {(t.db, t.name) for t in query.find_all(exp.Table) if t.name}
        assert ("monitoring", "materialization_log") in tables
    (freshness,) = _parse(SQL / "monitoring" / "freshness.sql")
    listed = {lit.this for u in freshness.find_all(exp.Unnest) for lit in u.find_all(exp.Literal)}
    assert listed == set(TABLES)
    (cost,) = _parse(SQL / "monitoring" / "cost_per_day.sql")
    assert any(t.name.upper().endswith("INFORMATION_SCHEMA.JOBS_BY_PROJECT") for t in cost.find_all(exp.Table))
