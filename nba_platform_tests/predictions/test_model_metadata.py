"""What the weekly `points_model` shows in the Dagster UI: one float per system (plotted across the
weekly partitions) and Markdown tables for the ensemble weights and the feature importance."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from nba_platform.predictions.assets import (
    VALIDATION_MAE,
    ensemble_weights_markdown,
    feature_importance_markdown,
    model_metadata,
    points_model,
)
from nba_platform.predictions.bundle import ModelBundle
from nba_platform.predictions.training import train_week

from .test_systems import _league

WEEK = dt.date(2025, 1, 20)
SYSTEMS = {"moving_average", "similarity", "matchup", "lightgbm", "ensemble", "line_on_lined_rows"}


@pytest.fixture(scope="module")
def league():
    return _league(80)


def test_a_trained_week_has_a_float_per_system_and_markdown_tables(league):
    features, players, teams, _ = league
    bundle = train_week(WEEK, features, players, teams)
    values = model_metadata(bundle)

    maes = {key.removeprefix(VALIDATION_MAE): v for key, v in values.items() if key.startswith(VALIDATION_MAE)}
    expected = {k: v for k, v in bundle.metadata["validation_mae"].items() if v is not None}
    assert set(maes) == set(expected) and set(expected) <= SYSTEMS and "ensemble" in expected
    for system_id, value in maes.items():
        assert isinstance(value, dg.FloatMetadataValue)  # numeric: the UI plots it across weeks
        assert value.value == pytest.approx(expected[system_id])
        assert 0 < value.value < 30
    assert values["train_rows"] == dg.MetadataValue.int(bundle.metadata["train_rows"])
    assert values["training_window"].value == "..".join(bundle.metadata["training_window"])

    weights = values["ensemble_weights"]
    assert isinstance(weights, dg.MarkdownMetadataValue)
    lines = weights.value.splitlines()
    assert lines[0] == "| component | without line | with line |"
    # One row per component, each weight with three decimals in its column; the line only with a line.
    for component, weight in bundle.ensemble_weights["without_line"].items():
        row = next(r for r in lines if r.startswith(f"| {component} |"))
        assert row.split(" | ")[1] == f"{weight:.3f}"
        assert row.split(" | ")[2].rstrip(" |") == f"{bundle.ensemble_weights['with_line'][component]:.3f}"
    assert next(r for r in lines if r.startswith("| line |")) == (
        f"| line |  | {bundle.ensemble_weights['with_line']['line']:.3f} |"
    )

    importance = values["feature_importance"]
    assert isinstance(importance, dg.MarkdownMetadataValue)
    rows = importance.value.splitlines()[2:]
    ranked = sorted(bundle.metadata["feature_importance"].items(), key=lambda kv: -kv[1])
    assert len(rows) == min(15, len(ranked))
    top, gain = ranked[0]
    total = sum(bundle.metadata["feature_importance"].values())
    assert rows[0] == f"| 1 | {top} | {gain:,.1f} | {100 * gain / total:.1f}% |"


def test_an_untrained_week_has_no_mae_points_and_says_why():
    bundle = ModelBundle(
        WEEK, None, 0,
        ensemble_weights={"without_line": {"a": 0.5, "b": 0.5}, "with_line": {"a": 0.25, "b": 0.25, "line": 0.5}},
        metadata={"status": "not trained: 12 labeled rows before 2025-01-20 (< 1000)"},
    )
    values = model_metadata(bundle)
    assert not [key for key in values if key.startswith(VALIDATION_MAE)]  # a gap in the plot, not a zero
    assert values["status"].value.startswith("not trained")
    assert values["train_rows"].value == 0 and "training_window" not in values
    assert values["feature_importance"].value == "No booster this week (not trained): LightGBM abstains."
    assert values["ensemble_weights"].value.splitlines()[2:] == [
        "| a | 0.500 | 0.250 |", "| b | 0.500 | 0.250 |", "| line |  | 0.500 |",
    ]


def test_markdown_tables_rank_and_share():
    table = feature_importance_markdown({"x": 10.0, "y": 30.0, "z": 60.0}, top=2)
    assert table.splitlines() == [
        "| rank | feature | gain | share |", "| --- | ---: | ---: | ---: |",
        "| 1 | z | 60.0 | 60.0% |", "| 2 | y | 30.0 | 30.0% |",
    ]
    assert ensemble_weights_markdown({}).splitlines() == ["| component | without line | with line |", "| --- | ---: | ---: |"]


def test_the_asset_attaches_the_metadata(league):
    features, players, teams, _ = league
    context = dg.build_asset_context(partition_key=WEEK.isoformat())
    bundle = points_model(context, features=features, player_history=players, team_history=teams)
    attached = context.get_output_metadata("result")
    assert bundle.metadata["status"] == "trained"
    assert attached == model_metadata(bundle)
    assert attached[VALIDATION_MAE + "ensemble"].value == pytest.approx(bundle.metadata["validation_mae"]["ensemble"])
