"""The BigQuery DDL in sql/ddl is generated from the table schemas and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from nba_platform.core.warehouse import ddl
from nba_platform.core.warehouse.ddl import table_ddl

SQL = Path(__file__).resolve().parents[2] / "sql" / "ddl"


def test_checked_in_ddl_matches_schemas():
    for table in ddl.ALL_TABLES:
        assert (SQL / f"{table}.sql").read_text() == table_ddl(table), f"run `python -m nba_platform.core.warehouse.ddl` ({table})"


def test_ddl_types_follow_polars_types():
    text = table_ddl("player_prop_predictions")
    assert "  game_date DATE OPTIONS" in text and "  line_snapshot_utc TIMESTAMP OPTIONS" in text
    assert "  line_books INT64 OPTIONS" in text
    assert "PARTITION BY game_date\nCLUSTER BY system_id, player_lookup" in text
