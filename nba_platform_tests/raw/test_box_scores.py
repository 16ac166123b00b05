"""The second box-score sources: cdn.nba.com's liveData box score and balldontlie's /box_scores, the
order of preference between sources, their comparison, and who did not play."""

from __future__ import annotations

import copy
import datetime as dt
import json

import polars as pl
import pytest

from nba_platform.analytics.summaries import player_game_summary, team_game_summary
from nba_platform.raw import boxscore_sources as sources
from nba_platform.raw.balldontlie_box_scores import GAME_COLUMNS, read_box_scores, unmatched_players
from nba_platform.raw.nba_cdn import parse_schedule, read_boxscore
from nba_platform.raw.nba_stats import read_leaguegamelog
from nba_platform.raw.parsing import SourceParseError
from nba_platform.raw.validation import validate

from ..conftest import FIXTURES, SHARED_DATA

CDN = FIXTURES / "nba_cdn" / "boxscore_0022000180_trimmed.json"
CDN_PATH = "nba_cdn/boxscore/2021-01-15/boxscore_0022000180.json"
BDL = FIXTURES / "balldontlie" / "box_scores_2024-01-15.json"
BDL_PATH = "balldontlie/box_scores/2024-01-15/box_scores.json"
TEAM_LOGS = SHARED_DATA / "history" / "team_game_logs_2023-24.csv"


def _team_logs(day: str) -> pl.DataFrame:
    return pl.read_csv(TEAM_LOGS, schema_overrides={"GAME_ID": pl.String}).filter(pl.col("GAME_DATE") == day)


def _games_from_logs(day: str) -> pl.DataFrame:
    """(game_date, game_id, home/away team id and tricode) of the day's games, from the real team logs."""
    logs = _team_logs(day)
    home = logs.filter(pl.col("MATCHUP").str.contains(" vs. ", literal=True))
    away = logs.filter(pl.col("MATCHUP").str.contains(" @ ", literal=True))
    return home.join(away, on="GAME_ID", suffix="_a").select(
        pl.col("GAME_DATE").str.to_date().alias("game_date"), pl.col("GAME_ID").alias("game_id"),
        pl.col("TEAM_ID").alias("home_team_id"), pl.col("TEAM_ABBREVIATION").alias("home_team_abbr"),
        pl.col("TEAM_ID_a").alias("away_team_id"), pl.col("TEAM_ABBREVIATION_a").alias("away_team_abbr"),
    ).select(GAME_COLUMNS)


def _full_shape() -> bytes:
    """The trimmed capture grown to the full response's shape: each team's roster also lists players who
    did not play, as the full liveData box score does (INACTIVE with a reason; ACTIVE but not played)."""
    payload = json.loads(CDN.read_bytes())
    template = payload["game"]["homeTeam"]["players"][0]
    zero = {k: (0.0 if isinstance(v, float) else 0) for k, v in template["statistics"].items() if not isinstance(v, str)}
    zero.update(minutes="PT00M00.00S", minutesCalculated="PT00M")

    def sat(person_id: int, name: str, status: str, reason: str, description: str | None) -> dict:
        player = copy.deepcopy(template)
        player.update(personId=person_id, name=name, status=status, starter="0", played="0",
                      notPlayingReason=reason, statistics=dict(zero))
        if description is not None:
            player["notPlayingDescription"] = description
        return player

    payload["game"]["homeTeam"]["players"] += [
        sat(1628369, "Jayson Tatum", "INACTIVE", "INACTIVE_HEALTH_AND_SAFETY_PROTOCOLS", "Health and Safety Protocols"),
        sat(1629057, "Robert Williams III", "ACTIVE", "DNP_COACH", "Coach's Decision"),
    ]
    payload["game"]["awayTeam"]["players"] += [
        sat(203932, "Aaron Gordon", "INACTIVE", "INACTIVE_INJURY", "Left Ankle; Sprain"),
        sat(1630175, "Cole Anthony", "INACTIVE", "INACTIVE_INJURY", "Rest"),
        sat(1629109, "Gary Clark", "INACTIVE", "INACTIVE_GLEAGUE_TWOWAY", None),
        sat(1630211, "Karim Mane", "INACTIVE", "INACTIVE_PERSONAL", "Personal Reasons"),
    ]
    return json.dumps(payload).encode()


def test_cdn_trimmed_capture_values():
    parsed = read_boxscore(CDN.read_bytes(), CDN_PATH)
    assert parsed.rejected.is_empty()
    rows = {r["player_name"]: r for r in parsed.frame.iter_rows(named=True)}
    brown, ennis = rows["Jaylen Brown"], rows["James Ennis III"]
    assert (brown["game_date"], brown["game_id"], brown["season_id"]) == (dt.date(2021, 1, 15), "0022000180", "22020")
    assert (brown["team_abbreviation"], brown["matchup"], brown["wl"], brown["team_name"]) == (
        "BOS", "BOS vs. ORL", "W", "Boston Celtics")
    assert (brown["pts"], brown["fgm"], brown["fga"], brown["fg3m"], brown["ftm"], brown["ast"], brown["tov"]) == (
        21, 6, 12, 2, 7, 8, 2)
    assert brown["min"] == pytest.approx(25 + 1 / 60) and brown["plus_minus"] == 15.0
    assert (brown["starter"], brown["played"], brown["roster_status"], brown["source"]) == (True, True, "ACTIVE", "nba_cdn")
    assert (ennis["matchup"], ennis["wl"], ennis["pts"], ennis["ft_pct"]) == ("ORL @ BOS", "L", 2, None)
    assert ennis["min"] == pytest.approx(14 + 34 / 60) and ennis["player_id"] == ennis["source_player_id"] == 203516
    assert validate(parsed.frame, "raw_player_boxscores").rejected.is_empty()


def test_cdn_full_shape_lists_who_did_not_play_and_why():
    parsed = read_boxscore(_full_shape(), CDN_PATH)
    frame = parsed.frame
    assert frame.height == 8 and parsed.rejected.is_empty()
    sat = frame.filter(~pl.col("played"))
    assert sat.height == 6 and sat["min"].to_list() == [0.0] * 6 and not sat["starter"].any()
    assert sorted(sat["roster_status"].to_list()) == ["ACTIVE"] + ["INACTIVE"] * 5
    assert dict(zip(sat["player_name"], sat["not_playing_reason"], strict=True))["Robert Williams III"] == "DNP_COACH"

    team = team_game_summary(pl.DataFrame(schema=_team_schema()), _schedule_row(), frame)
    summary = player_game_summary(frame, team)
    category = dict(zip(summary["player_name"], summary["dnp_reason_category"], strict=True))
    assert category == {
        "Jaylen Brown": None, "James Ennis III": None, "Jayson Tatum": "other", "Robert Williams III": "coach",
        "Aaron Gordon": "injury", "Cole Anthony": "rest", "Gary Clark": "g_league", "Karim Mane": "personal",
    }
    dnp = summary.filter(~pl.col("played"))
    # A DNP is not a zero-point game: no points, no minutes, no result against a line.
    assert dnp["points"].null_count() == dnp["minutes"].null_count() == dnp.height == 6
    assert sorted(summary.filter(pl.col("played"))["points"].to_list()) == [2, 21]
    assert set(summary["box_source"]) == {"nba_cdn"} and summary.filter(pl.col("played"))["starter"].all()


def _team_schema():
    from nba_platform import tables
    return tables.schema("raw_team_boxscores")


def _schedule_row() -> pl.DataFrame:
    from nba_platform import tables
    return pl.DataFrame(
        {"game_date": [dt.date(2021, 1, 15)], "game_id": ["0022000180"], "home_team_id": [1610612738],
         "away_team_id": [1610612753]}
    ).with_columns(*(pl.lit(None).cast(t).alias(c) for c, t in tables.schema("raw_schedule").items()
                     if c not in ("game_date", "game_id", "home_team_id", "away_team_id")))


def test_cdn_game_not_final_is_refused():
    payload = json.loads(CDN.read_bytes())
    payload["game"]["gameStatus"] = 2
    with pytest.raises(SourceParseError, match="0022000180 is not final"):
        read_boxscore(json.dumps(payload).encode(), CDN_PATH)


def test_balldontlie_day_lands_whole_and_team_totals_equal_the_team_logs():
    parsed = read_box_scores(BDL.read_bytes(), BDL_PATH, _games_from_logs("2024-01-15"))
    frame = parsed.frame
    assert parsed.rejected.is_empty() and validate(frame, "raw_player_boxscores").rejected.is_empty()
    assert frame.height == 384 and frame["game_id"].n_unique() == 11 and frame["played"].sum() == 229
    assert set(frame["source"]) == {"balldontlie"} and frame["starter"].null_count() == 384
    counted = ["pts", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "ast", "stl", "blk", "tov", "pf", "oreb", "dreb"]
    totals = frame.group_by("game_id", "team_id", "team_abbreviation").agg(pl.col(c).sum() for c in counted)
    logs = _team_logs("2024-01-15").select(
        pl.col("GAME_ID").alias("game_id"), pl.col("TEAM_ID").alias("team_id"), *(pl.col(c.upper()) for c in counted)
    )
    both = totals.join(logs, on=["game_id", "team_id"], how="full", coalesce=True)
    assert both.height == 22 and both.null_count().sum_horizontal().item() == 0
    # Points, made and attempted shots, free throws, turnovers and fouls equal the NBA team logs for every
    # team-game; six counts of five teams differ by one (the two sources' stat corrections differ).
    differ = sorted(
        (abbr, c, mine, theirs)
        for c in counted
        for abbr, mine, theirs in both.filter(pl.col(c) != pl.col(c.upper()))
        .select("team_abbreviation", c, c.upper()).iter_rows()
    )
    assert differ == [
        ("ATL", "dreb", 43, 44), ("BKN", "fga", 100, 99), ("BKN", "oreb", 10, 9), ("CLE", "blk", 4, 3),
        ("LAL", "ast", 31, 30), ("SAS", "ast", 26, 27),
    ]
    embiid = frame.filter(pl.col("player_name") == "Joel Embiid").row(0, named=True)
    assert (embiid["pts"], embiid["min"], embiid["matchup"], embiid["wl"], embiid["season_id"]) == (
        41, 31.0, "PHI vs. HOU", "W", "22023")
    # Without any NBA-source rows every player keeps his negated balldontlie id, and is listed as unmatched.
    assert (frame["player_id"] == -frame["source_player_id"]).all() and len(unmatched_players(frame)) == 384


def test_balldontlie_players_are_mapped_to_nba_ids_by_team_and_name():
    known = pl.DataFrame({
        "team_abbreviation": ["PHI", "PHI", "HOU", "HOU"],
        "player_lookup": ["joelembiid", "kellyoubre", "jalengreen", "jalengreen"],  # two HOU players share a key
        "player_id": [203954, 1626162, 1630224, 999],
    })
    frame = read_box_scores(BDL.read_bytes(), BDL_PATH, _games_from_logs("2024-01-15"), known).frame
    ids = dict(zip(frame["player_name"], frame["player_id"], strict=True))
    assert ids["Joel Embiid"] == 203954 and ids["Kelly Oubre Jr."] == 1626162  # "Jr." folded by core.names
    assert ids["Jalen Green"] < 0  # ambiguous on his team: not guessed
    assert "HOU Jalen Green" in unmatched_players(frame) and "PHI Joel Embiid" not in unmatched_players(frame)


def test_balldontlie_game_missing_from_the_schedule_is_refused_by_row():
    games = _games_from_logs("2024-01-15").filter(pl.col("home_team_abbr") != "PHI")
    parsed = read_box_scores(BDL.read_bytes(), BDL_PATH, games)
    assert parsed.frame["game_id"].n_unique() == 10 and parsed.rejected.height == 36
    assert parsed.rejected["reason"][0] == "no_scheduled_game: no HOU@PHI on 2024-01-15 in the landed schedule"


def test_the_preferred_source_wins_each_game_and_disagreements_are_named():
    cdn = read_boxscore(_full_shape(), CDN_PATH).frame
    stats = cdn.filter(pl.col("played")).with_columns(
        source=pl.lit("nba_stats"), starter=pl.lit(None, pl.Boolean), min=pl.col("min").round(0),
        pts=pl.when(pl.col("player_name") == "Jaylen Brown").then(pl.lit(23)).otherwise(pl.col("pts")),
    )
    other_game = stats.with_columns(game_id=pl.lit("0022000999"))
    chosen = sources.preferred([cdn, pl.concat([stats, other_game]), cdn.head(0)])
    assert dict(chosen.group_by("game_id").agg(pl.col("source").first()).iter_rows()) == {
        "0022000180": "nba_cdn", "0022000999": "nba_stats"}
    assert chosen.height == 8 + 2

    differ = sources.disagreements([cdn, stats])
    assert differ.select("player_name", "source", "pts", "other_source", "other_pts").rows() == [
        ("Jaylen Brown", "nba_cdn", 21, "nba_stats", 23)]  # minutes rounded to the whole minute are not a disagreement
    assert sources.games_compared([cdn, stats, cdn.head(0)]) == 1


def test_final_games_without_box_scores_are_named():
    schedule = parse_schedule(b'{"leagueSchedule": {"seasonYear": "2020-21", "gameDates": [{"games": ['
                              b'{"gameId": "0022000180", "gameDateEst": "2021-01-15T00:00:00Z", "gameStatus": 3,'
                              b'"homeTeam": {"teamId": 1, "teamTricode": "BOS", "score": 124},'
                              b'"awayTeam": {"teamId": 2, "teamTricode": "ORL", "score": 97}},'
                              b'{"gameId": "0022000181", "gameDateEst": "2021-01-15T00:00:00Z", "gameStatus": 3,'
                              b'"homeTeam": {"teamId": 3, "teamTricode": "NYK", "score": 100},'
                              b'"awayTeam": {"teamId": 4, "teamTricode": "MIL", "score": 99}}]}]}}', "s")
    missing = sources.missing_games(schedule, {"0022000180"})
    assert missing.rows() == [(dt.date(2021, 1, 15), "0022000181", "MIL@NYK")]


def test_leaguegamelog_rows_say_their_source_and_that_the_players_played():
    frame = read_leaguegamelog((FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json").read_bytes(),
                               "nba_stats/player_boxscores/2025-03-15/leaguegamelog.json", "P").frame
    assert set(frame["source"]) == {"nba_stats"} and frame["played"].all()
    assert frame["starter"].null_count() == frame["not_playing_reason"].null_count() == frame.height
    assert (frame["source_player_id"] == frame["player_id"]).all()
    summary = player_game_summary(frame, team_game_summary(pl.DataFrame(schema=_team_schema()), _schedule_row(), frame))
    assert summary["dnp_reason_category"].null_count() == summary.height and summary["played"].all()
