"""Parsers against the real captured responses, and clear errors on malformed files."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog, read_leaguegamelog
from nba_platform.raw.odds_api import parse_event_odds, parse_events, read_event_odds
from nba_platform.raw.parsing import SourceParseError

from ..conftest import FIXTURES, REAL_LANDING

P_FIXTURE = FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json"
T_FIXTURE = FIXTURES / "nba_stats" / "leaguegamelog_T_2025-26_regular_to_2025-11-07.json"


def test_player_leaguegamelog_real_capture_values():
    df = parse_leaguegamelog(P_FIXTURE.read_bytes(), "p.json", "P")
    assert df.schema == schemas.schema("raw_player_boxscores")
    assert df.height == 157
    assert df["game_date"].unique().to_list() == [dt.date(2025, 3, 15)]
    curry = df.filter(pl.col("player_id") == 201939).row(0, named=True)
    assert (curry["player_name"], curry["team_abbreviation"], curry["game_id"]) == ("Stephen Curry", "GSW", "0022400974")
    assert (curry["min"], curry["pts"], curry["fg3m"], curry["fg3a"], curry["plus_minus"]) == (35.0, 28, 4, 13, -5.0)
    # Points add up from makes on every row of the real capture.
    assert (df["pts"] == 2 * (df["fgm"] - df["fg3m"]) + 3 * df["fg3m"] + df["ftm"]).all()


def test_team_leaguegamelog_real_capture_values():
    df = parse_leaguegamelog(T_FIXTURE.read_bytes(), "t.json", "T")
    assert df.schema == schemas.schema("raw_team_boxscores")
    assert df.height == 264 and df["game_id"].n_unique() == 132
    gsw = df.filter((pl.col("game_id") == "0022500002") & (pl.col("team_abbreviation") == "GSW")).row(0, named=True)
    assert (gsw["pts"], gsw["min"], gsw["wl"], gsw["matchup"]) == (119, 240.0, "W", "GSW @ LAL")
    assert df["game_date"].max() == dt.date(2025, 11, 7)


def test_every_real_landing_boxscore_file_parses():
    for kind, pot in (("player_boxscores", "P"), ("team_boxscores", "T")):
        files = sorted((REAL_LANDING / "nba_stats" / kind).glob("*/leaguegamelog.json"))
        assert len(files) > 150
        rows = 0
        for f in files:
            df = parse_leaguegamelog(f.read_bytes(), str(f), pot)
            assert df["game_date"].unique().to_list() == [dt.date.fromisoformat(f.parent.name)]
            rows += df.height
        assert rows > 1000


def test_schedule_real_capture_full_season():
    df = parse_schedule(gzip.decompress((FIXTURES / "nba_cdn" / "scheduleLeagueV2_2024-25.json.gz").read_bytes()), "s")
    assert df.height == 1400
    counts = dict(df.group_by("season_type").len().iter_rows())
    assert counts["Regular Season"] == 1230 and counts["Playoffs"] == 84 and counts["Preseason"] == 73
    opener = df.filter(pl.col("game_id") == "0022400061").row(0, named=True)
    assert opener["game_date"] == dt.date(2024, 10, 22)
    assert opener["home_team_abbr"] == "BOS" and opener["away_team_abbr"] == "NYK"
    assert opener["tip_time_utc"] == dt.datetime(2024, 10, 22, 23, 30, tzinfo=dt.UTC)
    assert opener["home_score"] == 132 and opener["away_score"] == 109


def test_schedule_future_games_have_no_scores():
    df = parse_schedule((REAL_LANDING / "nba_cdn" / "schedule" / "2025-26" / "scheduleLeagueV2.json").read_bytes(), "s")
    assert df.height == 347
    future = df.filter(pl.col("game_date") > dt.date(2025, 11, 7))
    assert future.height > 0 and future["game_status"].unique().to_list() == [1]
    assert future["home_score"].null_count() == future.height


def test_event_odds_real_capture_pivots_over_and_under():
    path = FIXTURES / "odds_api" / "event_odds_player_points_f54c4a22568ce9dc33fb410d1b0e75e9.json"
    raw = json.loads(path.read_bytes())
    n_outcomes = sum(len(m["outcomes"]) for b in raw["bookmakers"] for m in b["markets"])
    snap = dt.datetime(2024, 2, 22, 23, 0, tzinfo=dt.UTC)
    df = parse_event_odds(path.read_bytes(), "o", dt.date(2024, 2, 22), snap)
    assert df.height == n_outcomes // 2  # one row per (book, player, line) with both prices
    assert df["bookmaker"].n_unique() == len(raw["bookmakers"])
    levert = df.filter((pl.col("bookmaker") == "draftkings") & (pl.col("player_lookup") == "carislevert")).row(0, named=True)
    assert (levert["line"], levert["over_price"], levert["under_price"]) == (11.5, -130, 100)
    assert levert["commence_time_utc"] == dt.datetime(2024, 2, 23, 0, 0, tzinfo=dt.UTC)
    assert df["snapshot_utc"].unique().to_list() == [snap]


def test_event_odds_timestamps_keep_their_instant_to_the_microsecond():
    # Offsets, fractions of a second and a timestamp without an offset (read as UTC), before 1970 too.
    def book(key, last_update):
        outcomes = [{"name": side, "description": "Jalen Brunson", "price": -110, "point": 27.5} for side in ("Over", "Under")]
        return {"key": key, "markets": [{"key": "player_points", "last_update": last_update, "outcomes": outcomes}]}

    payload = {
        "id": "e1", "commence_time": "2025-03-15T19:30:00-04:00", "home_team": "New York Knicks", "away_team": "Boston Celtics",
        "bookmakers": [book("a", "2025-03-15T22:59:12.123456Z"), book("b", "2025-03-15T18:00:00"), book("c", "1969-12-31T23:59:59.5Z"),
                       {"key": "d", "markets": [{"key": "player_points", "outcomes": book("d", None)["markets"][0]["outcomes"]}]}],
    }
    snap = dt.datetime(2025, 3, 15, 23, 0, 0, 1, tzinfo=dt.UTC)
    df = parse_event_odds(json.dumps(payload).encode(), "o", dt.date(2025, 3, 15), snap)
    assert df.schema == schemas.schema("raw_prop_lines")
    assert df["commence_time_utc"].unique().to_list() == [dt.datetime(2025, 3, 15, 23, 30, tzinfo=dt.UTC)]
    assert df["snapshot_utc"].unique().to_list() == [snap]
    assert df.sort("bookmaker")["market_last_update_utc"].to_list() == [
        dt.datetime(2025, 3, 15, 22, 59, 12, 123456, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 15, 18, 0, tzinfo=dt.UTC),
        dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=dt.UTC),
        None,
    ]


def test_historical_events_wrapper_is_unwrapped():
    df = parse_events((FIXTURES / "odds_api" / "events_historical_2025-03-09T235538Z.json").read_bytes(), "e")
    assert df.height == 16
    assert df["event_id"].str.len_chars().unique().to_list() == [32]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda b: b[: len(b) // 2], "not valid JSON"),
        (lambda b: b"<html><body>Access Denied</body></html>", "looks like HTML"),
        (lambda b: b"", "empty file"),
        (lambda b: "é".encode("latin-1") + b, "not UTF-8"),
        (lambda b: b.replace(b'"PTS"', b'"POINTS"'), "missing columns ['PTS']"),
        (lambda b: b.replace(b'"LeagueGameLog"', b'"Other"'), "'LeagueGameLog' is missing"),
    ],
)
def test_malformed_leaguegamelog_raises_clear_error(mutate, message):
    with pytest.raises(SourceParseError) as info:
        parse_leaguegamelog(mutate(P_FIXTURE.read_bytes()), "nba_stats/player_boxscores/2025-03-15/x.json", "P")
    assert message in str(info.value)
    assert "nba_stats/player_boxscores/2025-03-15/x.json" in str(info.value)


def test_a_value_of_the_wrong_type_rejects_its_row_only():
    parsed = read_leaguegamelog(P_FIXTURE.read_bytes().replace(b',28,-5,', b',"twenty",-5,', 1), "x.json", "P")
    assert parsed.frame.height == 156 and 201939 not in parsed.frame["player_id"].to_list()
    (reason,) = parsed.rejected["reason"].to_list()
    assert reason == "wrong_type: PTS 'twenty' is not Int32"
    assert json.loads(parsed.rejected["row"][0])["PLAYER_NAME"] == "Stephen Curry"


def test_wrong_player_or_team_is_refused():
    with pytest.raises(SourceParseError, match="PlayerOrTeam=P, expected T"):
        parse_leaguegamelog(P_FIXTURE.read_bytes(), "x", "T")


def test_odds_outcome_without_point_is_refused():
    path = FIXTURES / "odds_api" / "event_odds_player_points_f54c4a22568ce9dc33fb410d1b0e75e9.json"
    raw = json.loads(path.read_bytes())
    del raw["bookmakers"][0]["markets"][0]["outcomes"][0]["point"]
    snap = dt.datetime(2024, 2, 22, tzinfo=dt.UTC)
    parsed = read_event_odds(json.dumps(raw).encode(), "o", dt.date(2024, 2, 22), snap)
    assert parsed.rejected["reason"].to_list() == ["malformed_outcome: outcome without side/player/point"]
    assert parsed.frame.height == parse_event_odds(path.read_bytes(), "o", dt.date(2024, 2, 22), snap).height


def test_odds_price_beyond_32_bits_is_refused_and_the_other_lines_kept():
    path = FIXTURES / "odds_api" / "event_odds_player_points_f54c4a22568ce9dc33fb410d1b0e75e9.json"
    raw = json.loads(path.read_bytes())
    outcome = raw["bookmakers"][0]["markets"][0]["outcomes"][0]
    outcome["price"] = 2**31
    snap, day = dt.datetime(2024, 2, 22, tzinfo=dt.UTC), dt.date(2024, 2, 22)
    whole = read_event_odds(path.read_bytes(), "o", day, snap).frame
    parsed = read_event_odds(json.dumps(raw).encode(), "o", day, snap)
    assert parsed.rejected["reason"].to_list() == ["out_of_range: a price beyond 32 bits"]
    refused = json.loads(parsed.rejected["row"][0])
    assert (refused["player_name"], refused["line"], refused["source_file"]) == (outcome["description"], outcome["point"], "o")
    assert parsed.frame.height == whole.height - 1  # that line (both sides) only
    assert parsed.frame.equals(whole.filter(
        (pl.col("bookmaker") != raw["bookmakers"][0]["key"]) | (pl.col("player_name") != outcome["description"])
        | (pl.col("line") != outcome["point"])
    ))
