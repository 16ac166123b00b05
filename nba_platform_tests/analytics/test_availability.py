"""Availability: the consensus without pulled lines, market-implied and reported status (point in time),
team and opponent absences, and no pick for a player ruled out."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from nba_platform.analytics.availability import INJURY_REPORT_SCHEMA, market_availability
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.analytics.lines import consensus_lines
from nba_platform.features.store import build_feature_store
from nba_platform.predictions.predict import predict_props

from ..frames import history_rows, line_rows, schedule_rows, team_rows

UTC = dt.UTC
D = dt.date(2025, 1, 20)
EARLY, LATE = dt.datetime(2025, 1, 20, 15, tzinfo=UTC), dt.datetime(2025, 1, 20, 21, tzinfo=UTC)
TIP = dt.datetime(2025, 1, 20, 23, tzinfo=UTC)


def test_consensus_drops_a_line_its_book_pulled():
    lines = line_rows(
        [
            (EARLY, "dk", "p1", 20.5, -110, -110),
            (EARLY, "dk", "p2", 15.5, -110, -110),
            (LATE, "dk", "p2", 16.5, -110, -110),  # dk's latest snapshot no longer lists p1
            (EARLY, "fd", "p1", 21.5, -110, -110),
            (EARLY, "fd", "p2", 15.5, -110, -110),
            (LATE, "fd", "p2", 16.5, -110, -110),
            (EARLY, "mgm", "p2", 15.5, -110, -110),
            (EARLY, "mgm", "p3", 9.5, -110, -110),  # mgm has one snapshot: p3 is still current there
            (LATE, "bov", "p3", 10.5, -110, -110),
        ],
        D, 1, 2,
    )
    current = consensus_lines(lines)
    assert current["player_lookup"].to_list() == ["p2", "p3"]
    assert current.filter(pl.col("player_lookup") == "p2")["line_books"].item() == 3
    # The opening line is still every book's first snapshot, p1 included.
    assert consensus_lines(lines, "earliest")["player_lookup"].to_list() == ["p1", "p2", "p3"]
    market = market_availability(lines).sort("player_lookup")
    assert market.select("player_lookup", "market_listed", "market_pulled").rows() == [
        ("p1", False, True), ("p2", True, False), ("p3", True, False)
    ]
    assert market["market_as_of_utc"].to_list() == [LATE] * 3


def _league(points_cols: bool = True):
    """Team 10 (players 1-5) hosts team 20 (players 6-9); six earlier games each, 30 minutes a game."""
    rows = []
    for i in range(6):
        d = dt.date(2025, 1, 1) + dt.timedelta(days=2 * i)
        rows += [(d, p, 10, 10 + 3 * p, 30.0) for p in (1, 2, 3, 4, 5)] + [(d, p, 20, 12, 30.0) for p in (6, 7, 8, 9)]
    history = history_rows(rows)
    teams = team_rows([(dt.date(2025, 1, 1) + dt.timedelta(days=2 * i), t, 100.0, 110.0, True) for i in range(6) for t in (10, 20)])
    teams = teams.with_columns(points=pl.lit(100, pl.Int32), fga=pl.lit(80, pl.Int32), minutes=pl.lit(240.0))
    lines = line_rows([(EARLY, "dk", f"p{p}", 15.5, -110, -110) for p in (1, 2, 3, 6, 7, 8, 9)], D, 10, 20)
    return schedule_rows([(D, 10, 20)]), lines, history, teams


def _report(rows) -> pl.DataFrame:
    """raw_injury_report rows from (source, edition, published, team, lookup, status, reason)."""
    return pl.DataFrame(
        [
            {
                "game_date": D, "source": src, "edition": ed, "published_utc": pub, "game_id": None,
                "matchup": "T20@T10", "team_abbr": team, "player_name": lookup, "player_lookup": lookup,
                "status": status, "reason": reason, "source_file": f"x/{ed}.pdf",
            }
            for src, ed, pub, team, lookup, status, reason in rows
        ],
        schema=INJURY_REPORT_SCHEMA,
    )


def _status(ctx: pl.DataFrame, player_id: int) -> tuple:
    return ctx.filter(pl.col("player_id") == player_id).select(
        "availability_status", "availability_source", "availability_as_of_utc"
    ).row(0)


def test_market_status_without_a_report():
    ctx, _ = build_upcoming_context(*_league())
    assert _status(ctx, 1) == ("AVAILABLE", "market", EARLY)
    # Player 4 (rotation, no line while his game has lines) is questionable; so is 5.
    assert _status(ctx, 4) == ("QUESTIONABLE", "market", EARLY)
    team1 = ctx.filter(pl.col("player_id") == 1).row(0, named=True)
    # Teammates 4 and 5 each carry 30/240 of the minutes and 22/100, 25/100 of the points, at weight 0.54.
    assert team1["team_out_minutes_share"] == pytest.approx(0.54 * 2 * 30 / 240)
    assert team1["team_out_points_share"] == pytest.approx(0.54 * (22 + 25) / 100)
    assert team1["team_rotation_out"] == 0 and team1["absence_basis"] == "market"
    assert team1["implied_team_total"] == pytest.approx(3 * 15.5)
    assert team1["line_share_of_team_total"] == pytest.approx(1 / 3)
    opp = ctx.filter(pl.col("player_id") == 6).row(0, named=True)
    assert opp["opp_out_points_share"] == pytest.approx(team1["team_out_points_share"])
    features = build_feature_store(ctx, *_league()[2:])
    assert set(features["q_team_out_points_share"]) == {"fallback"}
    assert set(features["q_implied_team_total"]) == {"computed"}


def test_report_beats_market_and_latest_edition_before_the_cutoff_wins():
    sched, lines, history, teams = _league()
    noon, evening, after_tip = (
        dt.datetime(2025, 1, 20, 17, 30, tzinfo=UTC),
        dt.datetime(2025, 1, 20, 22, 0, tzinfo=UTC),
        dt.datetime(2025, 1, 20, 23, 30, tzinfo=UTC),
    )
    report = _report(
        [
            ("nba_injury_report", "2025-01-20_12PM", noon, "T10", "p1", "QUESTIONABLE", "Injury/Illness Left Ankle; Sprain"),
            ("nba_injury_report", "2025-01-20_12PM", noon, "T10", "p4", "OUT", "Rest"),
            ("nba_injury_report", "2025-01-20_05PM", evening, "T10", "p1", "OUT", "Injury/Illness Left Ankle; Sprain"),
            ("nba_injury_report", "2025-01-20_05PM", evening, "T10", "p4", "OUT", "Rest"),
            ("nba_injury_report", "2025-01-20_06PM", after_tip, "T10", "p2", "OUT", "published after tip"),
            ("balldontlie", "20250120T180000Z", noon, "T20", "p6", "DOUBTFUL", "knee"),
        ]
    )
    # Predicting at 20:00 UTC: the 5 PM edition (22:00 UTC) is not known yet.
    ctx, _ = build_upcoming_context(sched, lines, history, teams, report, as_of=dt.datetime(2025, 1, 20, 20, tzinfo=UTC))
    assert _status(ctx, 1) == ("QUESTIONABLE", "nba_injury_report", noon)
    # The noon edition covers team 10: p4 is listed OUT, p2 is not listed, so AVAILABLE.
    assert _status(ctx, 4) == ("OUT", "nba_injury_report", noon)
    assert _status(ctx, 2) == ("AVAILABLE", "nba_injury_report", noon)
    assert _status(ctx, 6) == ("DOUBTFUL", "balldontlie", noon)
    # Team 20 is not in the official edition: its unlisted players keep the market's word.
    assert _status(ctx, 7) == ("AVAILABLE", "market", EARLY)

    # At tip-off (a re-run of the past): the 5 PM edition wins; the edition after tip never counts.
    ctx, _ = build_upcoming_context(sched, lines, history, teams, report)
    assert _status(ctx, 1) == ("OUT", "nba_injury_report", evening)
    assert _status(ctx, 2) == ("AVAILABLE", "nba_injury_report", evening)
    p3 = ctx.filter(pl.col("player_id") == 3).row(0, named=True)
    # Teammates 1 and 4 out (weight 1); 2 and 5 not listed in an edition that covers the team: available.
    assert p3["team_rotation_out"] == 2
    assert p3["team_out_points_share"] == pytest.approx((13 + 22) / 100)
    assert p3["absence_basis"] == "injury_report"
    assert ctx.filter(pl.col("player_id") == 6)["opp_rotation_out"].item() == 2
    features = build_feature_store(ctx, history, teams)
    assert set(features["q_team_out_points_share"]) == {"computed"}

    preds = predict_props(features, {}, history, teams)
    out = preds.filter(pl.col("player_id").is_in([1, 4, 6]))
    assert set(out["recommendation"]) == {"OUT"}
    assert out["confidence"].is_null().all()
    assert out.filter(pl.col("player_id") == 1)["availability_reason"].unique().to_list() == [
        "Injury/Illness Left Ankle; Sprain"
    ]
    assert "OUT" not in set(preds.filter(~pl.col("player_id").is_in([1, 4, 6]))["recommendation"])


def test_no_report_and_no_lines_leaves_absences_missing():
    sched, _, history, teams = _league()
    ctx, _ = build_upcoming_context(sched, line_rows([], D, 10, 20), history, teams)
    assert set(ctx["availability_status"]) == {"UNKNOWN"} and set(ctx["availability_source"]) == {"none"}
    assert ctx["team_out_points_share"].is_null().all()
    features = build_feature_store(ctx, history, teams)
    assert set(features["q_team_out_points_share"]) == {"missing"}
    assert set(features["q_opp_star_out"]) == {"missing"}


def test_unknown_report_status_is_refused_with_its_name():
    sched, lines, history, teams = _league()
    bad = _report([("nba_injury_report", "e", EARLY, "T10", "p1", "GAME TIME DECISION", "x")])
    with pytest.raises(ValueError, match="GAME TIME DECISION"):
        build_upcoming_context(sched, lines, history, teams, bad)
