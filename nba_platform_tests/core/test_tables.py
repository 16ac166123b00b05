"""The table registry is consistent with itself, with the graph and with the data dictionary."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import dagster as dg
import polars as pl
import pytest

from nba_platform import tables
from nba_platform.tables import ALL_TABLES, OPS_TABLES, TABLES, SchemaMismatchError, conform, empty
from nba_platform.tables.columns import FEATURE_COLUMNS, MODEL_FEATURES, describe
from nba_platform.tables.dictionary import DEFAULT_PATH, DictionaryLayoutError, render


@pytest.mark.parametrize("table", list(ALL_TABLES.values()), ids=lambda t: t.name)
def test_every_named_column_exists_and_every_column_is_described(table):
    names = table.schema.names()
    assert len(names) == len(set(names)) and names[0] == "game_date"
    for group in (table.keys, table.required, tuple(table.ranges), table.clustering):
        assert set(group) <= set(names), (table.name, set(group) - set(names))
    assert table.clustering and table.grain and table.summary and table.description
    assert all(c.description.strip() for c in table.columns)
    for column, (low, high) in table.ranges.items():
        assert table.schema[column].is_numeric() and low < high, (table.name, column)


def test_the_registry_holds_the_tables_of_each_phase():
    assert {t.dataset for t in ALL_TABLES.values()} == set(tables.DATASETS) == {
        "raw", "analytics", "precompute", "predictions", "monitoring"
    }
    assert {n: t.group for n, t in TABLES.items() if t.group != t.dataset} == {
        "ml_feature_store": "features", "prediction_results": "grading", "system_daily_performance": "grading"
    }
    assert TABLES["upcoming_player_game_context"].dataset == "analytics"
    assert TABLES["raw_prop_lines"].keys == ("snapshot_utc", "event_id", "bookmaker", "player_lookup", "line")
    assert TABLES["team_game_summary"].ranges["pace"] == (50, 160)
    assert TABLES["player_prop_predictions"].clustering == ("system_id", "player_lookup")
    assert {n for n, t in ALL_TABLES.items() if t.open_to_full_scans} == {"system_daily_performance", "materialization_log"}
    assert list(OPS_TABLES) == ["materialization_log"] and OPS_TABLES["materialization_log"].group is None
    # A name means one thing everywhere: the feature vector's names keep the shared vocabulary's text.
    assert TABLES["ml_feature_store"].column("days_rest").description == "days since the player's previous game"
    assert TABLES["upcoming_player_game_context"].column("team_pace").description.startswith("his team's pace over its last 10")
    # Every feature has its own definition (no generic text).
    store = [f for f in FEATURE_COLUMNS if f not in MODEL_FEATURES]
    assert len({TABLES["ml_feature_store"].column(f).description for f in store}) == len(store) == len(FEATURE_COLUMNS) - len(MODEL_FEATURES)
    assert len({describe(f) for f in FEATURE_COLUMNS}) == len(FEATURE_COLUMNS)
    assert TABLES["ml_feature_store"].column("q_points_ewma").description.startswith("quality flag of points_ewma")


def test_every_table_has_its_asset_with_the_registrys_group_dataset_and_columns():
    from nba_platform.definitions import defs

    graph = defs.resolve_asset_graph()
    for name, table in TABLES.items():
        node = graph.get(dg.AssetKey(name))
        assert node.group_name == table.group
        assert node.description == table.description
        assert node.metadata["schema"] == table.dataset
        assert node.metadata["key_columns"] == list(table.keys)
        columns = node.metadata["dagster/column_schema"].columns
        assert [(c.name, c.description) for c in columns] == [(c.name, c.description) for c in table.columns]
        assert [c.name for c in columns if not c.constraints.nullable] == [
            c for c in table.schema.names() if c in {*table.keys, *table.required}
        ]
    assert not any(graph.has(dg.AssetKey(name)) for name in OPS_TABLES)


def test_conform_orders_and_types_columns_and_refuses_missing_ones():
    schema = tables.schema("system_daily_performance")
    row = {name: None for name in schema.names()} | {"game_date": dt.date(2025, 11, 5), "system_id": "x", "predictions": 7}
    frame = pl.DataFrame([row]).select(list(reversed(schema.names()))).with_columns(pl.lit(1).alias("extra"))
    out = conform(frame, "system_daily_performance")
    assert out.schema == schema and out.row(0, named=True)["predictions"] == 7 and out["system_id"].to_list() == ["x"]
    with pytest.raises(SchemaMismatchError, match=r"system_daily_performance: missing columns \['predictions'\]"):
        conform(frame.drop("predictions"), "system_daily_performance")
    assert conform(pl.DataFrame(), "raw_schedule").schema == empty("raw_schedule").schema == tables.schema("raw_schedule")
    assert conform(out, "system_daily_performance") is out  # already conformed: the same frame, no copy
    narrower = out.with_columns(pl.col("predictions").cast(pl.Int16))  # same names and order, one dtype differs
    assert conform(narrower, "system_daily_performance").schema == schema


def test_the_registry_is_pure_polars():
    code = "import sys, nba_platform.tables, nba_platform.tables.dictionary; print('dagster' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_checked_in_data_dictionary_matches_the_registry():
    text = DEFAULT_PATH.read_text()
    assert render(text) == text, "run `python -m nba_platform.tables.dictionary`"
    assert "| `usage_rate` | Float64 | share of team possessions used while on the floor (percent) | 0 to 300 |" in text
    assert "| `absolute_error` | Float64 | \\|predicted - actual\\| |  |" in text  # pipes escaped in cells


def test_a_dictionary_without_a_tables_block_is_refused():
    text = DEFAULT_PATH.read_text()
    start = text.index("<!-- generated: raw_team_boxscores -->")
    end = text.index("<!-- end generated: raw_team_boxscores -->") + len("<!-- end generated: raw_team_boxscores -->")
    with pytest.raises(DictionaryLayoutError, match="no block for \\['raw_team_boxscores'\\]"):
        render(text[:start] + text[end:])
    with pytest.raises(DictionaryLayoutError, match="names no table"):
        render(text + "\n<!-- generated: raw_boxscores -->\n<!-- end generated: raw_boxscores -->\n")


def test_every_materialization_carries_the_row_count_the_cli_reads_and_not_the_definitions_columns():
    from nba_platform.table_assets import emit

    frame = pl.DataFrame(
        [{"game_date": dt.date(2025, 11, 5), "system_id": s, "predictions": 3} for s in ("ensemble", "matchup")]
    )
    frame = pl.concat([empty("system_daily_performance"), frame], how="diagonal_relaxed")
    output, *checks = emit(None, "system_daily_performance", frame)
    assert output.metadata["dagster/row_count"].value == 2 and "rows" not in output.metadata
    # The columns are the definition's (test above), not repeated on every partition's event.
    assert "dagster/column_schema" not in output.metadata
    assert [(c.check_name, c.passed) for c in checks] == [
        ("keys_unique", True), ("required_not_null", True), ("values_in_range", True)
    ]
