"""The whole graph on real 2025-26 dates from ../shared/data/landing (box scores and real lines)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.core.calendar import date_range
from nba_platform.landing import zone as lz
from nba_platform.predictions.systems import SYSTEM_IDS
from nba_platform.raw.nba_stats import parse_leaguegamelog

from ..conftest import REAL_LANDING
from ..helpers import link_real_landing, run_graph, table, table_hash

START, END = dt.date(2025, 10, 21), dt.date(2025, 10, 28)


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    landing = link_real_landing(root / "landing", date_range(START, END), ["2025-26"])
    warehouse = root / "warehouse.duckdb"
    reports = run_graph(landing, warehouse, START, END, chunk_days=4)
    return landing, warehouse, reports


def test_every_table_has_the_rows_it_should(real_run):
    landing, warehouse, _ = real_run
    raw_rows = sum(
        parse_leaguegamelog((REAL_LANDING / lz.player_boxscores_path(d.isoformat())).read_bytes(), "p", "P").height
        for d in date_range(START, END)
    )
    pgs = table("player_game_summary", warehouse)
    assert pgs.height == raw_rows  # one summary row per player who played
    assert pgs.select(pl.struct("game_id", "player_id").is_unique().all()).item()
    schedule = table("raw_schedule", warehouse)
    tgs = table("team_game_summary", warehouse)
    assert tgs.height == 2 * schedule.height  # every scheduled game of these dates was played
    assert set(tgs["game_id"]) == set(schedule["game_id"])
    features = table("ml_feature_store", warehouse)
    # Opening night has no history in this warehouse, so features start the next day.
    assert features.filter(pl.col("game_date") == START).height == 0
    games_end = schedule.filter(pl.col("game_date") == END).height
    # Every game of the last date has each side's rotation (8+ players per team in these logs).
    per_game = features.filter(pl.col("game_date") == END).group_by("game_id").len()
    assert per_game.height == games_end and per_game["len"].min() >= 8
    preds = table("player_prop_predictions", warehouse)
    assert preds.height == features.height * len(SYSTEM_IDS)  # every system predicts every feature row
    with_line = preds.filter(pl.col("line").is_not_null())
    assert with_line.height > 0.5 * preds.height
    assert set(preds["recommendation"]) <= {"OVER", "UNDER", "PASS", "NO_LINE"}
    results = table("prediction_results", warehouse)
    assert results.height == preds.height
    assert results.filter(pl.col("outcome") == "PENDING").height == 0  # every game has its box score


def test_lines_are_latest_pre_tip_real_prices(real_run):
    _, warehouse, _ = real_run
    lines = table("raw_prop_lines", warehouse)
    assert lines.filter(pl.col("snapshot_utc") >= pl.col("commence_time_utc")).height == 0  # real data: all pre-tip
    preds = table("player_prop_predictions", warehouse).filter(pl.col("line").is_not_null())
    # Consensus prices are real American odds, never the average of -110 and +108.
    assert ((preds["over_price"] <= -100) | (preds["over_price"] >= 100)).all()
    assert preds["line_books"].min() >= 1


def test_rerun_gives_identical_tables(real_run, tmp_path):
    landing, warehouse, _ = real_run
    before = {t: table_hash(t, warehouse) for t in schemas.TABLES}
    run_graph(landing, warehouse, START + dt.timedelta(days=2), START + dt.timedelta(days=4))
    assert {t: table_hash(t, warehouse) for t in schemas.TABLES} == before


def test_changing_a_dates_box_scores_moves_later_features_only(tmp_path):
    d = dt.date(2025, 10, 24)
    dates = date_range(dt.date(2025, 10, 21), d + dt.timedelta(days=1))
    runs = {}
    for variant in ("real", "changed"):
        landing = link_real_landing(tmp_path / variant / "landing", dates, ["2025-26"])
        if variant == "changed":
            rel = lz.player_boxscores_path(d.isoformat())
            payload = json.loads((REAL_LANDING / rel).read_bytes())
            pts = payload["resultSets"][0]["headers"].index("PTS")
            for row in payload["resultSets"][0]["rowSet"]:
                row[pts] += 10
            (landing / rel).unlink()
            (landing / rel).write_text(json.dumps(payload))
        warehouse = tmp_path / variant / "warehouse.duckdb"
        run_graph(landing, warehouse, dates[0], dates[-1])
        runs[variant] = warehouse

    def at(name, warehouse, date):
        return table(name, warehouse).filter(pl.col("game_date") == date).sort(list(schemas.TABLES[name].keys))

    for name in ("ml_feature_store", "player_prop_predictions"):
        assert at(name, runs["real"], d).equals(at(name, runs["changed"], d)), f"{name} for D saw D's results"
    next_day = d + dt.timedelta(days=1)
    assert not at("ml_feature_store", runs["real"], next_day).equals(at("ml_feature_store", runs["changed"], next_day))
    # D's own grading does see D's results.
    assert not at("prediction_results", runs["real"], d).equals(at("prediction_results", runs["changed"], d))
