"""Context and feature store on hand-made histories: known values, flags, rotation, lines, point in time."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.features.store import build_feature_store

from ..frames import history_rows, line_rows, schedule_rows, team_rows

D = dt.date(2024, 11, 10)
UTC = dt.UTC


def day(k: int) -> dt.date:
    return D - dt.timedelta(days=k)


def features_for(schedule, lines, players, teams):
    context, unplaced = build_upcoming_context(schedule, lines, players, teams)
    return context, build_feature_store(context, players, teams), unplaced


def test_known_values_from_games_before_the_date():
    # Player 7 (team 1) scored 10, 20, ..., 60 on D-6 .. D-1 (60 on D-1) with 30, 31, ... minutes.
    rows = [(day(k), 7, 1, pts, 24.0 + k) for k, pts in zip(range(6, 0, -1), [10, 20, 30, 40, 50, 60], strict=True)]
    teams = team_rows([(day(3), 2, 100.0, 112.0, True), (day(1), 2, 104.0, 108.0, False), (day(1), 1, 98.0, 110.0, True)])
    context, features, _ = features_for(schedule_rows([(D, 1, 2)]), schemas.empty("raw_prop_lines"), history_rows(rows), teams)
    f = features.row(0, named=True)
    assert f["points_avg_last_5"] == pytest.approx(40.0)  # 20..60
    assert f["points_avg_season"] == pytest.approx(35.0)
    assert f["recent_trend"] == pytest.approx(55.0 - 30.0)  # (50+60)/2 - (20+30+40)/3
    assert (f["days_rest"], f["back_to_back"], f["games_in_last_7_days"]) == (1, True, 6)
    assert f["minutes_in_last_7_days"] == pytest.approx(sum(24.0 + k for k in range(1, 7)))
    assert f["opponent_def_rating"] == pytest.approx(110.0) and f["q_opponent_def_rating"] == "computed"
    assert f["opponent_pace"] == pytest.approx(102.0)
    assert f["rest_advantage"] == 0  # both teams played yesterday
    assert f["q_points_line"] == "missing" and f["points_line"] is None and f["has_line"] is False
    assert features.schema == schemas.schema("ml_feature_store")


def test_games_a_listed_player_sat_out_are_not_in_his_history():
    # Player 7 played D-6 .. D-2 (10..50) and sat D-1 (listed, did not play: no points, no minutes).
    rows = [(day(k), 7, 1, 10 * (7 - k), 30.0) for k in range(6, 1, -1)] + [(day(1), 7, 1, 0, 0.0)]
    players = history_rows(rows).with_columns(
        played=pl.col("game_date") != day(1),
        points=pl.when(pl.col("game_date") != day(1)).then(pl.col("points")),
        minutes=pl.when(pl.col("game_date") != day(1)).then(pl.col("minutes")),
        dnp_reason_category=pl.when(pl.col("game_date") == day(1)).then(pl.lit("rest")),
    )
    teams = team_rows([(day(1), 2, 100.0, 110.0, True), (day(1), 1, 100.0, 110.0, True)])
    _, features, _ = features_for(schedule_rows([(D, 1, 2)]), schemas.empty("raw_prop_lines"), players, teams)
    f = features.row(0, named=True)
    # The DNP is neither a zero in the averages nor a game played: the last five are 10..50, the last game D-2.
    assert f["points_avg_last_5"] == pytest.approx(30.0) and f["points_avg_season"] == pytest.approx(30.0)
    assert (f["days_rest"], f["games_in_last_7_days"]) == (2, 5)


def test_future_rows_never_move_a_dates_features():
    rows = [(day(k), 7, 1, 10 + k, 30.0) for k in range(1, 8)]
    teams = team_rows([(day(1), 2, 100.0, 110.0, True)])
    schedule = schedule_rows([(D, 1, 2)])
    _, clean, _ = features_for(schedule, schemas.empty("raw_prop_lines"), history_rows(rows), teams)
    leaked_players = history_rows(rows + [(D, 7, 1, 99, 48.0), (D + dt.timedelta(days=1), 7, 1, 99, 48.0)])
    leaked_teams = team_rows([(day(1), 2, 100.0, 110.0, True), (D, 2, 130.0, 150.0, True)])
    _, leaked, _ = features_for(schedule, schemas.empty("raw_prop_lines"), leaked_players, leaked_teams)
    assert leaked.equals(clean)


def test_season_average_falls_back_to_last_season_with_a_flag():
    last_season = history_rows([(dt.date(2024, 4, 1), 7, 1, 20, 30.0), (dt.date(2024, 4, 3), 7, 1, 30, 30.0)], season="2023-24")
    schedule = schedule_rows([(D, 1, 2)])
    _, features, _ = features_for(schedule, schemas.empty("raw_prop_lines"), last_season, schemas.empty("team_game_summary"))
    f = features.row(0, named=True)
    assert f["points_avg_season"] == pytest.approx(25.0) and f["q_points_avg_season"] == "fallback"
    assert f["games_played_season"] == 0 and f["q_games_played_season"] == "computed"
    assert f["minutes_change"] is None and f["q_minutes_change"] == "missing"
    # No team history at all: opponent form is missing, never a made-up number.
    assert f["opponent_def_rating"] is None and f["q_opponent_def_rating"] == "missing"
    assert f["points_std_last_10"] is None and f["q_points_std_last_10"] == "missing"  # needs 3 games
    assert 0 < f["quality_score"] < 1 and f["missing_feature_count"] > 0


def test_opponent_without_recent_games_gets_the_league_average_flagged():
    players = history_rows([(day(2), 7, 1, 20, 30.0)])
    teams = team_rows([(day(2), 1, 100.0, 110.0, True), (day(2), 3, 96.0, 114.0, False)])
    _, features, _ = features_for(schedule_rows([(D, 1, 2)]), schemas.empty("raw_prop_lines"), players, teams)
    f = features.row(0, named=True)
    assert f["opponent_def_rating"] == pytest.approx(112.0) and f["q_opponent_def_rating"] == "fallback"
    assert f["opponent_pace"] == pytest.approx(98.0) and f["q_opponent_pace"] == "fallback"


def test_rotation_follows_trades_and_line_players_join():
    players = history_rows(
        [
            (day(3), 1, 1, 10, 20.0),  # team 1 rotation
            (day(2), 2, 3, 12, 25.0),  # traded from team 3 ...
            (day(1), 2, 2, 14, 25.0),  # ... to team 2
            (day(1), 3, 3, 30, 35.0),  # team 3 is not playing
        ]
        # Player 4 last played for team 1 eight team games ago: out of the rotation, but he has a line.
        + [(day(30), 4, 1, 8, 15.0)]
        + [(day(29 - k), 5, 1, 9, 18.0) for k in range(8)]
    )
    early, late = dt.datetime(2024, 11, 10, 15, tzinfo=UTC), dt.datetime(2024, 11, 10, 21, tzinfo=UTC)
    lines = line_rows(
        [
            (early, "fanduel", "p4", 6.5, -110, -110),
            (late, "fanduel", "p4", 7.5, -110, -110),
            (late, "fanduel", "p1", 11.5, -110, -110),
            (late, "fanduel", "unknownplayer", 9.5, -110, -110),
        ],
        D, home=1, away=2,
    )
    context, features, unplaced = features_for(schedule_rows([(D, 1, 2)]), lines, players, schemas.empty("team_game_summary"))
    listed = {r["player_id"]: r for r in context.iter_rows(named=True)}
    assert set(listed) == {1, 2, 4, 5}
    assert (listed[2]["team_abbr"], listed[2]["opponent_team_abbr"]) == ("T2", "T1")
    assert (listed[4]["in_rotation"], listed[4]["has_line"], listed[4]["points_line"]) == (False, True, 7.5)
    assert (listed[4]["points_line_open"], listed[4]["line_movement"]) == (6.5, 1.0)
    assert (listed[1]["in_rotation"], listed[1]["has_line"]) == (True, True)
    assert unplaced == 1  # the unknown name is reported, not invented
    assert features.height == context.height


def test_empty_inputs_give_typed_empty_tables():
    context, unplaced = build_upcoming_context(schemas.empty("raw_schedule"), pl.DataFrame(), pl.DataFrame(), pl.DataFrame())
    assert context.schema == schemas.schema("upcoming_player_game_context") and context.height == 0 and unplaced == 0
    out = build_feature_store(context, pl.DataFrame(), pl.DataFrame())
    assert out.schema == schemas.schema("ml_feature_store") and out.height == 0


def test_every_feature_has_a_quality_flag_and_enough_features():
    assert len(schemas.FEATURE_COLUMNS) >= 25
    for name in schemas.FEATURE_COLUMNS:
        assert f"q_{name}" in schemas.schema("ml_feature_store")
