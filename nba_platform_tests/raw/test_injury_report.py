"""Injury report parsers: the real official PDF (against the replaced system's parse), balldontlie's
real `/player_injuries` responses, and clear errors or rejected rows on bad input."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.raw.injury_report import (
    assign_next_games,
    attach_game_ids,
    bdl_edition,
    bdl_status,
    edition_of,
    official_player_name,
    read_injury_report_pdf,
    read_player_injuries,
    return_date,
)
from nba_platform.raw.parsing import SourceParseError
from nba_platform.raw.teams import team_abbr

from ..conftest import FIXTURES

PDF = FIXTURES / "nba_com" / "injury_report_2024-01-04_12PM.pdf"
SEED = FIXTURES / "nba_com" / "injury_report_2024-01-04_12PM.seed_parse.json"
LOCATION = "nba_com/injury_report/2024-01-04/2024-01-04_12PM.pdf"


@pytest.fixture(scope="module")
def report():
    return read_injury_report_pdf(PDF.read_bytes(), LOCATION)


def test_real_report_every_player_row(report):
    df = report.frame
    assert df.schema == schemas.schema("raw_injury_report")
    assert report.rejected.is_empty()
    assert df.height == 14
    assert df["game_date"].unique().to_list() == [dt.date(2024, 1, 4)]
    # The header says 12:30 PM ET (the file name only 12PM): 17:30 UTC.
    assert df["published_utc"].unique().to_list() == [dt.datetime(2024, 1, 4, 17, 30, tzinfo=dt.UTC)]
    assert df["edition"].unique().to_list() == ["2024-01-04_12PM"]
    assert dict(df.group_by("status").len().iter_rows()) == {"OUT": 10, "QUESTIONABLE": 2, "DOUBTFUL": 1, "PROBABLE": 1}
    assert dict(df.group_by("team_abbr").len().iter_rows()) == {"SAS": 8, "DEN": 4, "GSW": 2}
    assert dict(df.group_by("matchup").len().iter_rows()) == {"MIL@SAS": 8, "DEN@GSW": 6}
    # The reason that wraps above and below the player's line is joined in reading order.
    mcd = df.filter(pl.col("player_lookup") == "dougmcdermott").row(0, named=True)
    assert (mcd["player_name"], mcd["status"], mcd["reason"]) == (
        "Doug McDermott", "OUT", "Injury/Illness - Right Forearm; Contusion"
    )
    duke = df.filter(pl.col("player_lookup") == "davidduke").row(0, named=True)
    assert (duke["player_name"], duke["team_abbr"], duke["reason"]) == ("David Duke Jr.", "SAS", "G League - Two-Way")
    green = df.filter(pl.col("player_lookup") == "draymondgreen").row(0, named=True)
    assert (green["team_abbr"], green["status"], green["reason"]) == ("GSW", "OUT", "League Suspension")


def test_real_report_against_the_reference_parse(report):
    """Same 14 players, statuses, reasons, teams and matchups as the replaced system's parse; the only
    differences are of form (name order, status case) and are normalised here."""
    seed = json.loads(SEED.read_text())["records"]
    ours = {
        (r["team_abbr"], r["player_name"]): r for r in report.frame.iter_rows(named=True)
    }
    assert len(seed) == len(ours) == 14
    for record in seed:
        row = ours[(record["team"], official_player_name(record["player"]))]
        assert row["status"] == record["status"].upper()
        assert row["reason"] == record["reason"]
        assert row["matchup"] == record["matchup"]
        assert row["game_date"] == dt.datetime.strptime(record["date"], "%m/%d/%Y").date()


def test_not_yet_submitted_teams_and_next_day_games_across_page_breaks(report):
    teams = report.teams
    # 2 games on 01/04 and 14 on 01/05 over three pages: every team listed once.
    assert teams.height == 32
    assert teams.filter(pl.col("game_date") == dt.date(2024, 1, 4)).height == 4
    assert teams.filter(pl.col("game_date") == dt.date(2024, 1, 5)).height == 28
    assert not teams.filter(pl.col("game_date") == dt.date(2024, 1, 5))["submitted"].any()
    submitted = teams.filter(pl.col("submitted"))["team_abbr"].sort().to_list()
    assert submitted == ["DEN", "GSW", "SAS"]
    # ORL@DEN starts at the foot of page 2, Denver's line is at the top of page 3.
    orl_den = teams.filter(pl.col("matchup") == "ORL@DEN")
    assert orl_den["team_abbr"].to_list() == ["ORL", "DEN"]
    # No "NOT YET SUBMITTED" team became a player row.
    assert "MIL" not in report.frame["team_abbr"].to_list()


def test_game_ids_from_the_schedule(report):
    schedule = pl.DataFrame(
        {"game_date": [dt.date(2024, 1, 4)] * 2, "game_id": ["0022300470", "0022300471"],
         "away_team_abbr": ["MIL", "DEN"], "home_team_abbr": ["SAS", "GSW"]}
    )
    ids = attach_game_ids(report.frame, schedule)
    assert dict(ids.group_by("matchup").agg(pl.col("game_id").first()).iter_rows()) == {
        "MIL@SAS": "0022300470", "DEN@GSW": "0022300471"
    }


def test_edition_names():
    assert edition_of("Injury-Report_2024-01-04_12PM.pdf") == (
        "2024-01-04_12PM", dt.datetime(2024, 1, 4, 17, 0, tzinfo=dt.UTC)
    )
    # Since late 2025: every 15 minutes, the minutes in the name; 1:30 PM EST is 18:30 UTC.
    assert edition_of("nba_com/injury_report/2025-12-01/2025-12-01_01_30PM.pdf") == (
        "2025-12-01_01_30PM", dt.datetime(2025, 12, 1, 18, 30, tzinfo=dt.UTC)
    )
    with pytest.raises(ValueError, match="not an injury report edition"):
        edition_of("report.pdf")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a PDF"),
        (b"<html>Access Denied</html>", "looks like HTML"),
        ("half", "unreadable PDF"),
    ],
)
def test_unreadable_files_raise_a_clear_error(data, reason):
    if data == "half":
        data = PDF.read_bytes()[:30000]
    with pytest.raises(SourceParseError, match=reason) as info:
        read_injury_report_pdf(data, LOCATION)
    assert info.value.location == LOCATION


def test_team_spellings():
    assert [team_abbr(t) for t in ("LA Clippers", "Los Angeles Clippers", "Philadelphia76ers", "Nets", "SAS", "Blazers")] == [
        "LAC", "LAC", "PHI", "BKN", "SAS", "POR"
    ]
    assert team_abbr("Seattle SuperSonics") is None


# balldontlie ---------------------------------------------------------------------------------------------

BDL_PAGE = FIXTURES / "balldontlie" / "player_injuries_page1.json"
BDL_SMALL = FIXTURES / "balldontlie" / "player_injuries_small.json"


def test_balldontlie_real_page():
    parsed = read_player_injuries(BDL_PAGE.read_bytes(), "balldontlie/player_injuries/2025-07-20/20250720T150000Z.json")
    df = parsed.frame
    assert parsed.rejected.is_empty()
    assert df.height == 100
    assert dict(df.group_by("bdl_status").len().iter_rows()) == {"Day-To-Day": 91, "Out": 9}
    assert df["edition"].unique().to_list() == ["20250720T150000Z"]
    toppin = df.filter(pl.col("player_lookup") == "jacobtoppin").row(0, named=True)
    assert (toppin["team_abbr"], toppin["return_date"]) == ("ATL", dt.date(2025, 7, 17))


def test_balldontlie_status_rule():
    game = dt.date(2025, 11, 5)
    assert bdl_status("Out", None, game) == "OUT"
    assert bdl_status("Day-To-Day", dt.date(2025, 11, 4), game) == "QUESTIONABLE"
    assert bdl_status("Day-To-Day", None, game) == "QUESTIONABLE"
    assert bdl_status("Day-To-Day", dt.date(2025, 11, 9), game) == "DOUBTFUL"
    assert bdl_status("Rumoured", None, game) is None
    # 'Oct 1' is read in the year nearest the snapshot.
    assert return_date("Oct 1", dt.date(2025, 7, 20)) == dt.date(2025, 10, 1)
    assert return_date("Jan 3", dt.date(2025, 12, 20)) == dt.date(2026, 1, 3)
    assert return_date("soon", dt.date(2025, 12, 20)) is None


def test_balldontlie_rows_apply_to_the_next_game_after_the_snapshot():
    parsed = read_player_injuries(BDL_SMALL.read_bytes(), "balldontlie/player_injuries/2025-11-05/20251105T230000Z_p2.json")
    assert bdl_edition("20251105T230000Z_p2.json")[0] == "20251105T230000Z"
    assert parsed.frame["team_abbr"].to_list() == ["BOS", "BOS"]
    tip = dt.datetime(2025, 11, 6, 0, 0, tzinfo=dt.UTC)  # 7 PM ET on 2025-11-05, after the 6 PM ET snapshot
    schedule = pl.DataFrame(
        {
            "game_date": [dt.date(2025, 11, 4), dt.date(2025, 11, 5), dt.date(2025, 11, 7)],
            "game_id": ["g1", "g2", "g3"],
            "tip_time_utc": [tip - dt.timedelta(days=1), tip, tip + dt.timedelta(days=2)],
            "home_team_abbr": ["BOS", "NYK", "BOS"],
            "away_team_abbr": ["MIA", "BOS", "PHI"],
        },
        schema_overrides={"tip_time_utc": schemas.UTC_TS},
    )
    rows, unscheduled = assign_next_games(parsed.frame, schedule)
    assert unscheduled == 0
    assert rows.schema == schemas.schema("raw_injury_report")
    assert rows["game_id"].to_list() == ["g2", "g2"] and rows["matchup"].to_list() == ["BOS@NYK"] * 2
    statuses = dict(zip(rows["player_name"], rows["status"], strict=True))
    # Brown: Day-To-Day, back "Oct 1" (before the game) -> QUESTIONABLE; Tatum: Out -> OUT.
    assert statuses == {"Jaylen Brown": "QUESTIONABLE", "Jayson Tatum": "OUT"}
    assert rows["reason"][1].endswith("(expected return 2026-02-01)")
    # A snapshot after that tip applies to the game after it.
    later = parsed.frame.with_columns(pl.lit(tip + dt.timedelta(hours=3)).cast(schemas.UTC_TS).alias("published_utc"))
    assert assign_next_games(later, schedule)[0]["game_id"].to_list() == ["g3", "g3"]
    # No game ahead in the schedule: counted, not assigned.
    assert assign_next_games(later, schedule.head(2))[1] == 2


def test_balldontlie_bad_items_are_rejected_with_reasons():
    payload = {
        "data": [
            {"player": {"first_name": "A", "last_name": "B", "team_id": 99}, "status": "Out"},
            {"player": {"first_name": "C", "last_name": "D", "team_id": 2}, "status": "Sleeping"},
            {"status": "Out"},
            {"player": {"first_name": "E", "last_name": "F", "team_id": 2}, "status": "Out", "return_date": None},
        ]
    }
    parsed = read_player_injuries(json.dumps(payload).encode(), "balldontlie/player_injuries/2025-11-05/20251105T150000Z.json")
    assert parsed.frame["player_name"].to_list() == ["E F"]
    assert [r.split(":")[0] for r in parsed.rejected["reason"]] == ["unknown_team", "unknown_status", "malformed_item"]
    with pytest.raises(SourceParseError, match="not valid JSON"):
        read_player_injuries(b"<html>", "balldontlie/player_injuries/2025-11-05/20251105T150000Z.json")


def test_reference_parse_of_2025_03_15_against_that_nights_box_score():
    """The replaced system's parse (its PDF is damaged) spells teams by nickname; every team maps to a
    tricode of its matchup, and with our name key nobody listed Out is in that night's box score."""
    seed = json.loads((FIXTURES / "nba_com" / "injury_report_2025-03-15.seed_parse.json").read_text())
    from nba_platform.core.names import player_lookup
    from nba_platform.raw.nba_stats import parse_leaguegamelog

    for record in seed:
        assert team_abbr(record["team"]) in record["matchup"].split("@")
    box = parse_leaguegamelog((FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json").read_bytes(), "p", "P")
    played = set(box["player_name"].map_elements(player_lookup, return_dtype=pl.String))
    out = {player_lookup(official_player_name(r["player"])) for r in seed if r["status"] == "Out"}
    others = {player_lookup(official_player_name(r["player"])) for r in seed if r["status"] in ("Probable", "Available")}
    assert len(out) == 39 and not out & played
    assert others <= played  # the Probable and Available ones played


def test_damaged_copies_raise_a_parse_error_or_say_what_they_refused():
    """Bytes flipped at random in the real PDF: a clear SourceParseError (quarantine), or rows with every
    unreadable line rejected with a reason; never another exception, never rows quietly lost."""
    import random

    data, rng = PDF.read_bytes(), random.Random(1)
    outcomes = {"error": 0, "complete": 0, "with_rejections": 0}
    for _ in range(30):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 5, 50])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            parsed = read_injury_report_pdf(bytes(damaged), LOCATION)
        except SourceParseError:
            outcomes["error"] += 1
            continue
        if parsed.frame.height == 14:
            outcomes["complete"] += 1
        else:
            assert parsed.rejected.height > 0
            outcomes["with_rejections"] += 1
    assert outcomes["error"] > 0 and outcomes["complete"] > 0
