"""Leakage tests on the real 2024-25 season: features recomputed by hand, and a correlation tripwire.

The whole season goes through the pure transforms in one vectorized pass (as a single-run backfill
does); every check compares against rows strictly before each date, computed the slow, obvious way.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from nba_platform.analytics import summaries as analytics
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.features.store import build_feature_store
from nba_platform.landing import zone as lz
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog

from ..conftest import REAL_LANDING


@pytest.fixture(scope="module")
def season():
    team_files = sorted((REAL_LANDING / lz.TEAM_BOXSCORES).glob("2024-*/leaguegamelog.json")) + sorted(
        (REAL_LANDING / lz.TEAM_BOXSCORES).glob("2025-0[1-4]-*/leaguegamelog.json")
    )
    dates = [f.parent.name for f in team_files]
    raw_team = pl.concat([parse_leaguegamelog(f.read_bytes(), str(f), "T") for f in team_files])
    raw_player = pl.concat(
        [
            parse_leaguegamelog((REAL_LANDING / lz.player_boxscores_path(d)).read_bytes(), d, "P")
            for d in dates
            if (REAL_LANDING / lz.player_boxscores_path(d)).exists()
        ]
    )
    schedule = parse_schedule((REAL_LANDING / lz.schedule_path("2024-25")).read_bytes(), "s")
    schedule = schedule.filter(pl.col("game_date") <= dt.date(2025, 4, 13))
    teams = analytics.team_game_summary(raw_team, schedule, raw_player)
    players = analytics.player_game_summary(raw_player, teams)
    context, _ = build_upcoming_context(schedule, pl.DataFrame(), players, teams)
    features = build_feature_store(context, players, teams)
    return players, teams, features


def test_season_features_have_rows_for_most_played_games(season):
    players, _, features = season
    joined = features.join(players.select("game_id", "player_id"), on=["game_id", "player_id"], how="inner")
    assert features.height > 15_000
    # Most player-games are predicted beforehand (the rest are first appearances and returns from long absences).
    assert joined.height / players.height > 0.85


def test_random_features_recomputed_by_hand(season):
    players, _, features = season
    sample = features.filter(pl.col("games_played_season") >= 3).sample(60, seed=7).iter_rows(named=True)
    for row in sample:
        past = players.filter((pl.col("player_id") == row["player_id"]) & (pl.col("game_date") < row["game_date"]))
        past = past.sort("game_date")
        pts = past["points"].to_list()
        mins = past["minutes"].to_list()
        season_pts = past.filter(pl.col("season") == row["season"])["points"].to_list()
        assert row["points_avg_last_5"] == pytest.approx(sum(pts[-5:]) / len(pts[-5:]))
        assert row["points_avg_last_10"] == pytest.approx(sum(pts[-10:]) / len(pts[-10:]))
        assert row["points_avg_season"] == pytest.approx(sum(season_pts) / len(season_pts))
        assert row["minutes_avg_last_10"] == pytest.approx(sum(mins[-10:]) / len(mins[-10:]))
        assert row["games_played_season"] == len(season_pts)
        week = past.filter(pl.col("game_date") >= row["game_date"] - dt.timedelta(days=7))
        assert row["games_in_last_7_days"] == week.height
        assert row["days_rest"] == (row["game_date"] - past["game_date"].max()).days


def suspicious_features(joined: pl.DataFrame, columns: list[str]) -> list[str]:
    """Features that track the game's own points: |corr| >= 0.9 or equal to it on 20%+ of rows.
    Honest features reach about 0.7 (season average); 0.9 means the target leaked in."""
    flagged = []
    for column in columns:
        pair = joined.select(pl.col(column).cast(pl.Float64), pl.col("actual").cast(pl.Float64)).drop_nulls()
        if pair.height < 100 or pair[column].std() == 0:
            continue
        corr = pair.select(pl.corr(column, "actual")).item()
        if abs(corr) >= 0.9 or (pair[column] == pair["actual"]).mean() >= 0.2:
            flagged.append(column)
    return flagged


def test_no_feature_tracks_the_games_own_points(season):
    players, _, features = season
    joined = features.join(
        players.select("game_id", "player_id", pl.col("points").alias("actual")), on=["game_id", "player_id"]
    )
    numeric = [
        c for c, t in features.schema.items()
        if t.is_numeric() and c not in ("player_id", "missing_feature_count", "quality_score")
    ]
    assert len(numeric) >= 25
    assert suspicious_features(joined, numeric) == []
    # The tripwire itself fires on a leaked target (a noisy copy of the game's points).
    leaked = joined.with_columns(leak=pl.col("actual") + (pl.col("player_id") % 3 - 1))
    assert suspicious_features(leaked, [*numeric, "leak"]) == ["leak"]
