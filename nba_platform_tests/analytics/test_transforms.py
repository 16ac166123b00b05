"""Pure polars transforms: analytics values, point-in-time features, line consensus, grading."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.analytics import summaries as analytics
from nba_platform.analytics.lines import consensus_lines
from nba_platform.core.names import player_lookup
from nba_platform.grading.grade import grade_predictions, system_daily_performance
from nba_platform.predictions.distribution import normal_cdf
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog

from ..conftest import REAL_LANDING
from ..frames import history_rows

UTC = dt.UTC


def _real_day(date: str):
    d = REAL_LANDING / "nba_stats"
    team = parse_leaguegamelog((d / "team_boxscores" / date / "leaguegamelog.json").read_bytes(), "t", "T")
    player = parse_leaguegamelog((d / "player_boxscores" / date / "leaguegamelog.json").read_bytes(), "p", "P")
    schedule = parse_schedule((REAL_LANDING / "nba_cdn/schedule/2024-25/scheduleLeagueV2.json").read_bytes(), "s")
    return team, player, schedule.filter(pl.col("game_date") == dt.date.fromisoformat(date))


def test_team_summary_real_day_pairs_opponents_and_rates():
    team, _, schedule = _real_day("2024-11-01")
    summary = analytics.team_game_summary(team, schedule)
    assert summary.height == team.height and summary["game_id"].n_unique() * 2 == summary.height
    row = summary.row(0, named=True)
    other = summary.filter((pl.col("game_id") == row["game_id"]) & (pl.col("team_id") != row["team_id"])).row(0, named=True)
    assert row["opponent_points"] == other["points"] and row["opponent_team_abbr"] == other["team_abbr"]
    assert row["possessions"] == pytest.approx(other["possessions"])
    assert row["margin"] == row["points"] - other["points"]
    assert row["offensive_rating"] == pytest.approx(other["defensive_rating"])
    # Home flag agrees with the schedule, one home side per game.
    assert summary.group_by("game_id").agg(pl.col("is_home").sum())["is_home"].to_list() == [1] * (summary.height // 2)
    assert summary["pace"].is_between(85, 115).all()


def test_player_summary_usage_and_shooting_from_team_rows():
    team, player, schedule = _real_day("2024-11-01")
    summary = analytics.player_game_summary(player, analytics.team_game_summary(team, schedule))
    assert summary.height == player.height
    assert summary["usage_rate"].drop_nulls().is_between(0, 60).all()
    r = summary.filter(pl.col("minutes") > 20).row(0, named=True)
    assert r["true_shooting_pct"] == pytest.approx(r["points"] / (2 * (r["fga"] + 0.44 * r["fta"])))
    assert summary["player_lookup"].null_count() == 0


def test_team_summary_without_opponent_row_keeps_the_team():
    team, player, schedule = _real_day("2024-11-01")
    one_side = team.head(1)
    summary = analytics.team_game_summary(one_side, schedule)
    assert summary.height == 1 and summary["opponent_points"][0] is None
    assert summary["opponent_team_abbr"][0] is not None  # still known from MATCHUP


def _lines(rows):
    return schemas.conform(
        pl.DataFrame(
            [
                {
                    "game_date": dt.date(2025, 10, 22), "snapshot_utc": snap, "event_id": "e1",
                    "commence_time_utc": dt.datetime(2025, 10, 22, 23, tzinfo=UTC), "home_team": "Boston Celtics",
                    "away_team": "New York Knicks", "bookmaker": book, "market_last_update_utc": snap,
                    "player_name": "Jayson Tatum", "player_lookup": "jaysontatum", "line": line,
                    "over_price": over, "under_price": under, "source_file": "x",
                }
                for snap, book, line, over, under in rows
            ]
        ),
        "raw_prop_lines",
    )


def test_consensus_uses_latest_pre_tip_main_lines():
    early, late = dt.datetime(2025, 10, 22, 15, tzinfo=UTC), dt.datetime(2025, 10, 22, 21, tzinfo=UTC)
    in_game = dt.datetime(2025, 10, 23, 0, tzinfo=UTC)
    lines = _lines(
        [
            (early, "draftkings", 25.5, -110, -110),
            (late, "draftkings", 26.5, -112, -108),
            (late, "fanduel", 26.5, -110, -110),
            (late, "bovada", 24.5, -160, 125),  # alternate: lopsided prices
            (late, "bovada", 26.5, -115, -105),  # bovada's main line
            (late, "betmgm", 27.5, -105, -115),
            (in_game, "draftkings", 35.5, -110, -110),  # after tip-off: never used
        ]
    )
    out = consensus_lines(lines).row(0, named=True)
    assert out["line"] == 26.5
    assert out["line_books"] == 4
    assert out["line_snapshot_utc"] == late
    assert -115 <= out["over_price"] <= -110  # median in probability space, a real American price


def test_normal_cdf_matches_known_values():
    p = normal_cdf([-1.96, 0.0, 1.0], 0.0, 1.0)
    assert list(p) == pytest.approx([0.0249979, 0.5, 0.8413447], abs=1e-6)


def test_grading_outcomes_and_profit():
    n = 6
    preds = schemas.conform(
        pl.DataFrame(
            {
                "game_date": [dt.date(2024, 11, 1)] * n, "game_id": ["g1", "g1", "g1", "g1", "g2", "g1"],
                "player_id": [1, 2, 3, 4, 5, 6], "player_lookup": list("abcdef"), "player_name": list("abcdef"),
                "team_abbr": ["X"] * n, "opponent_team_abbr": ["Y"] * n, "system_id": ["s"] * n,
                "predicted_points": [20.0, 10.0, 15.0, 12.0, 8.0, 20.0], "predicted_std": [5.0] * n,
                "line": [18.5, 12.5, 15.0, 11.5, 7.5, 18.5], "over_price": [-110, 150, -110, -110, -110, -110],
                "under_price": [-110, -180, -110, -110, -110, -110], "line_books": [3] * n,
                "line_snapshot_utc": [None] * n, "p_over": [0.6] * n, "edge": [1.5] * n,
                "recommendation": ["OVER", "UNDER", "OVER", "OVER", "OVER", "OUT"],
                "confidence": [0.2] * n, "model_version": ["m"] * n, "feature_version": ["v"] * n,
                "projected_minutes": [30.0] * n, "availability_status": ["AVAILABLE"] * 5 + ["OUT"], "availability_source": ["market"] * n,
                "availability_reason": [None] * 5 + ["Injury/Illness Left Ankle; Sprain"],
            }
        ),
        "player_prop_predictions",
    )
    box = history_rows(
        [(dt.date(2024, 11, 1), p, 1, pts, 30.0) for p, pts in ((1, 25), (2, 13), (3, 15), (6, 30))]
    ).with_columns(game_id=pl.lit("g1"))
    res = grade_predictions(preds, box).sort("player_id")
    # Player 6 was ruled out and played anyway (a late upgrade): still no bet, so not in hit rate or ROI.
    assert res["outcome"].to_list() == ["HIT", "MISS", "PUSH", "VOID", "PENDING", "NO_BET"]
    assert res["profit_units"].to_list()[:4] == pytest.approx([100 / 110, -1.0, 0.0, 0.0])
    assert res["profit_units"][5] is None
    assert res["absolute_error"].to_list()[:3] == pytest.approx([5.0, 3.0, 0.0])
    daily = system_daily_performance(res).row(0, named=True)
    assert (daily["picks"], daily["hits"], daily["misses"]) == (4, 1, 1)
    assert daily["roi"] == pytest.approx((100 / 110 - 1.0) / 4)


def test_a_listed_player_who_did_not_play_is_void_not_a_zero_point_miss():
    preds = schemas.conform(
        pl.DataFrame(
            {
                "game_date": [dt.date(2024, 11, 1)] * 2, "game_id": ["g1"] * 2, "player_id": [1, 2],
                "player_lookup": ["a", "b"], "player_name": ["a", "b"], "team_abbr": ["X"] * 2,
                "opponent_team_abbr": ["Y"] * 2, "system_id": ["s"] * 2, "predicted_points": [20.0, 10.0],
                "predicted_std": [5.0] * 2, "line": [18.5, 12.5], "over_price": [-110] * 2, "under_price": [-110] * 2,
                "line_books": [3] * 2, "line_snapshot_utc": [None] * 2, "p_over": [0.4] * 2, "edge": [1.5] * 2,
                "recommendation": ["UNDER", "UNDER"], "confidence": [0.2] * 2, "model_version": ["m"] * 2,
                "feature_version": ["v"] * 2, "projected_minutes": [30.0] * 2, "availability_status": ["UNKNOWN"] * 2,
                "availability_source": ["none"] * 2, "availability_reason": [None] * 2,
            }
        ),
        "player_prop_predictions",
    )
    box = history_rows([(dt.date(2024, 11, 1), 1, 1, 14, 30.0), (dt.date(2024, 11, 1), 2, 1, 0, 0.0)])
    # Player 2 was listed but sat (the summary gives a DNP no points): his UNDER is void, not a win at 0 points.
    box = box.with_columns(
        game_id=pl.lit("g1"),
        played=pl.col("player_id") == 1,
        points=pl.when(pl.col("player_id") == 1).then(pl.col("points")),
        minutes=pl.when(pl.col("player_id") == 1).then(pl.col("minutes")),
    )
    res = grade_predictions(preds, box).sort("player_id")
    assert res["outcome"].to_list() == ["HIT", "VOID"] and res["profit_units"].to_list() == pytest.approx([100 / 110, 0.0])


@pytest.mark.parametrize(
    "a, b",
    [("Nikola Jokić", "Nikola Jokic"), ("Jimmy Butler III", "Jimmy Butler"), ("Jaren Jackson Jr.", "Jaren Jackson"),
     ("Shai Gilgeous-Alexander", "Shai Gilgeous Alexander"), ("D'Angelo Russell", "DAngelo Russell")],
)
def test_player_lookup_meets_both_spellings(a, b):
    assert player_lookup(a) == player_lookup(b)


def test_missing_team_row_is_rebuilt_from_players_and_flagged():
    team, player, schedule = _real_day("2024-11-01")
    missing = team.row(0, named=True)
    summary = analytics.team_game_summary(team.slice(1), schedule, player)
    rebuilt = summary.filter(pl.col("rebuilt_from_players"))
    assert rebuilt.select("game_id", "team_id").rows() == [(missing["game_id"], missing["team_id"])]
    own_players = player.filter((pl.col("game_id") == missing["game_id"]) & (pl.col("team_id") == missing["team_id"]))
    assert rebuilt["points"][0] == own_players["pts"].sum()
    assert summary.filter(~pl.col("rebuilt_from_players")).height == team.height - 1


def test_over_under_result_counts_a_push_as_a_push():
    team, player, schedule = _real_day("2024-11-01")
    row = player.filter(pl.col("min") > 20).row(0, named=True)
    lookup = player_lookup(row["player_name"])
    lines = pl.DataFrame(
        {"game_id": [row["game_id"]] * 1, "player_lookup": [lookup], "line": [float(row["pts"])]}
    )
    summary = analytics.player_game_summary(player, analytics.team_game_summary(team, schedule), lines)
    mine = summary.filter(pl.col("player_id") == row["player_id"]).row(0, named=True)
    assert (mine["points_line"], mine["over_under_result"]) == (float(row["pts"]), "PUSH")
    assert summary.filter(pl.col("player_id") != row["player_id"])["over_under_result"].null_count() == summary.height - 1
