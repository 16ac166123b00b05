"""Availability on the real data of ../shared/data, read in place.

* The replaced system's parse of the 2025-03-15 injury report against that night's box score: nobody
  listed Out (or Doubtful) gets an OVER/UNDER pick, even with a line made for every expected player.
* The market's own signal on the 2025-26 replay weeks: a rotation player with a line plays far more often
  than one without.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from nba_platform.analytics.availability import INJURY_REPORT_SCHEMA, market_availability
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.analytics.lines import consensus_lines
from nba_platform.core.names import player_lookup
from nba_platform.features.store import build_feature_store
from nba_platform.predictions.predict import predict_props
from nba_platform.raw.nba_stats import parse_leaguegamelog

from ..conftest import FIXTURES
from . import real_frames

NIGHT = dt.date(2025, 3, 15)


def _seed_report(schedule: pl.DataFrame, published: dt.datetime) -> pl.DataFrame:
    """The seed parse as `raw_injury_report` rows: team by the matchup side whose nickname it ends with,
    'Last, First' names turned around, statuses upper-cased."""
    rows = json.loads((FIXTURES / "nba_com" / "injury_report_2025-03-15.seed_parse.json").read_text())
    games = schedule.filter(pl.col("game_date") == NIGHT)
    sides = {
        abbr: name
        for abbr, name in zip(
            games["home_team_abbr"].to_list() + games["away_team_abbr"].to_list(),
            games["home_team_name"].to_list() + games["away_team_name"].to_list(),
            strict=True,
        )
    }
    out = []
    for r in rows:
        away, home = r["matchup"].split("@")
        team = next(a for a in (away, home) if r["team"].endswith(sides[a]))
        last, first = (part.strip() for part in r["player"].split(",", 1))
        name = f"{first} {last}"
        out.append(
            {
                "game_date": NIGHT, "source": "nba_injury_report", "edition": "2025-03-15_seed",
                "published_utc": published, "game_id": None, "matchup": r["matchup"], "team_abbr": team,
                "player_name": name, "player_lookup": player_lookup(name), "status": r["status"].upper(),
                "reason": r["reason"], "source_file": "fixtures/nba_com/injury_report_2025-03-15.seed_parse.json",
            }
        )
    return pl.DataFrame(out, schema=INJURY_REPORT_SCHEMA)


def _lines_for(ctx: pl.DataFrame, schedule: pl.DataFrame, history: tuple) -> pl.DataFrame:
    """A line for every expected player (2.5 under his last-10 mean, so the systems lean OVER), from one
    book's snapshot two hours before tip, on events named as the books name teams."""
    games = schedule.select("game_id", "home_team_name", "away_team_name", "tip_time_utc")
    rows = (
        ctx.select("game_id", "player_lookup", "player_name")
        .join(
            build_feature_store(ctx, *history).select("game_id", "player_lookup", "points_avg_last_10"),
            on=["game_id", "player_lookup"],
        )
        .join(games, on="game_id")
        .filter(pl.col("points_avg_last_10").is_not_null())
    )
    return rows.select(
        "game_id",
        pl.lit(NIGHT).alias("game_date"),
        (pl.col("tip_time_utc") - dt.timedelta(hours=2)).alias("snapshot_utc"),
        pl.col("game_id").alias("event_id"),
        pl.col("tip_time_utc").alias("commence_time_utc"),
        ("City " + pl.col("home_team_name")).alias("home_team"),
        ("City " + pl.col("away_team_name")).alias("away_team"),
        pl.lit("book").alias("bookmaker"),
        (pl.col("tip_time_utc") - dt.timedelta(hours=2)).alias("market_last_update_utc"),
        "player_name",
        "player_lookup",
        ((pl.col("points_avg_last_10") - 2.5).clip(0.5, None) * 2).round(0).truediv(2).alias("line"),
        pl.lit(-110, pl.Int32).alias("over_price"),
        pl.lit(-110, pl.Int32).alias("under_price"),
        pl.lit("made").alias("source_file"),
    ).drop("game_id")


@pytest.fixture(scope="module")
def night():
    schedule = real_frames.schedule("2024-25")
    history = real_frames.history(dt.date(2024, 10, 22), NIGHT - dt.timedelta(days=1), schedule)
    tonight = schedule.filter(pl.col("game_date") == NIGHT)
    rotation, _ = build_upcoming_context(tonight, pl.DataFrame(), *history)
    lines = _lines_for(rotation, tonight, history)
    published = tonight["tip_time_utc"].min() - dt.timedelta(hours=1)
    report = _seed_report(tonight, published)
    box = parse_leaguegamelog((FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json").read_bytes(), "fixture", "P")
    return tonight, lines, history, report, box


def test_seed_report_out_players_get_no_pick(night):
    tonight, lines, history, report, box = night
    played = set(box["player_name"].map_elements(player_lookup, return_dtype=pl.String))
    out_listed = report.filter(pl.col("status") == "OUT")
    # The data itself: all 39 listed Out are absent from the box score; the Probable and Available played.
    assert out_listed.height == 39
    assert not (set(out_listed["player_lookup"]) & played)
    assert set(report.filter(pl.col("status").is_in(["PROBABLE", "AVAILABLE"]))["player_lookup"]) <= played

    def picks(report_frame):
        ctx, _ = build_upcoming_context(tonight, lines, *history, report_frame)
        preds = predict_props(build_feature_store(ctx, *history), {}, *history)
        return ctx, preds

    ctx_before, before = picks(None)
    ctx_after, after = picks(report)
    ruled_out = set(report.filter(pl.col("status").is_in(["OUT", "DOUBTFUL"]))["player_lookup"])
    expected = set(ctx_after["player_lookup"]) & ruled_out
    bets = pl.col("recommendation").is_in(["OVER", "UNDER"])
    before_bets = before.filter(bets & pl.col("player_lookup").is_in(list(ruled_out)))
    after_bets = after.filter(bets & pl.col("player_lookup").is_in(list(ruled_out)))
    # Without the report the made lines draw OVER/UNDER picks on ruled-out players; with it, none.
    assert before_bets.height > 0
    assert after_bets.height == 0
    assert len(expected) >= 10
    marked = after.filter(pl.col("player_lookup").is_in(list(expected)))
    assert set(marked["recommendation"]) == {"OUT"}
    assert set(marked["availability_source"]) == {"nba_injury_report"}
    # The report also reaches teammates: some team loses a ruled-out rotation player tonight.
    assert ctx_after["team_rotation_out"].max() >= 1 and (ctx_after["absence_basis"] == "injury_report").all()
    # Players who did not play at all (ruled out or not listed) lose picks too (121 -> 93 in docs/availability.md).
    did_not_play = ~pl.col("player_lookup").is_in(list(played))
    assert after.filter(bets & did_not_play).height < before.filter(bets & did_not_play).height


def test_market_signal_on_the_2025_26_weeks():
    """Rotation players with a line at the last pre-tip snapshot play far more often than those without."""
    schedule = real_frames.schedule("2025-26")
    start, end = dt.date(2025, 10, 21), dt.date(2025, 11, 7)
    lines = real_frames.odds(start, end)
    both = pl.concat([real_frames.schedule("2024-25"), schedule]).unique("game_id")
    player_history, team_history = real_frames.history(dt.date(2024, 10, 22), end, both)
    # The context reads each date's history strictly before it, whatever the frame holds.
    ctx, _ = build_upcoming_context(
        schedule.filter(pl.col("game_date").is_between(start, end)), lines, player_history, team_history
    )
    played = player_history.select("game_id", "player_id", pl.lit(True).alias("played"))
    rot = ctx.filter(pl.col("rotation_player")).join(played, on=["game_id", "player_id"], how="left").with_columns(
        pl.col("played").fill_null(False)
    )
    with_line = rot.filter(pl.col("has_line"))
    without = rot.filter(~pl.col("has_line"))
    rate_with, rate_without = with_line["played"].mean(), without["played"].mean()
    assert with_line.height > 500 and without.height > 50
    # Measured: 1,066 with a line played 95.9%, 244 without 45.9% (availability.MARKET_NO_LINE_ABSENCE).
    assert rate_with > 0.93
    assert rate_without < 0.6
    # The market-implied status is exactly that split.
    assert set(without["availability_status"]) == {"QUESTIONABLE"}
    assert set(with_line["availability_status"]) == {"AVAILABLE"}


def test_a_real_event_whose_book_pulls_a_player_later():
    """A real landed event (2025-11-07), plus a made later snapshot in which one book no longer lists its
    first player: that book's line leaves the player's consensus; every other player keeps his."""
    lines = real_frames.odds(dt.date(2025, 11, 7), dt.date(2025, 11, 7))
    event = lines["event_id"].sort().first()
    real = lines.filter(pl.col("event_id") == event)
    # The player most books price, and the first of those books.
    counts = real.group_by("player_lookup").agg(pl.col("bookmaker").n_unique().alias("n"), pl.col("bookmaker").min())
    player, books_for, book = counts.sort(["n", "player_lookup"], descending=[True, False]).row(0)
    assert books_for >= 2
    later = real.filter(pl.col("bookmaker") == book).with_columns(
        snapshot_utc=pl.col("snapshot_utc") + dt.timedelta(hours=1)
    ).filter(pl.col("player_lookup") != player)
    assert later["snapshot_utc"].max() < later["commence_time_utc"].min()  # still before tip
    before = consensus_lines(real)
    after = consensus_lines(pl.concat([real, later]))
    row = after.filter(pl.col("player_lookup") == player)
    assert row["line_books"].item() == before.filter(pl.col("player_lookup") == player)["line_books"].item() - 1
    others = pl.col("player_lookup") != player
    assert after.filter(others)["line_books"].to_list() == before.filter(others)["line_books"].to_list()
    market = market_availability(pl.concat([real, later])).filter(pl.col("player_lookup") == player).row(0, named=True)
    assert market["market_listed"] is True and market["market_pulled"] is False
    # Pulled by every book: no consensus, and the market calls him DOUBTFUL-worthy (pulled).
    everyone_later = real.with_columns(snapshot_utc=pl.col("snapshot_utc") + dt.timedelta(hours=1)).filter(
        pl.col("player_lookup") != player
    )
    both = pl.concat([real, everyone_later])
    assert consensus_lines(both).filter(pl.col("player_lookup") == player).is_empty()
    assert market_availability(both).filter(pl.col("player_lookup") == player)["market_pulled"].item() is True
