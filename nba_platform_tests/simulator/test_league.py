"""The league simulator: determinism, native file shapes, box-score invariants, schedule and odds timing."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from nba_platform.landing.zone import LocalLanding, classify, parse_snapshot_name
from nba_platform.simulator import simulate

from ..conftest import REAL_LANDING as REAL

ET = ZoneInfo("America/New_York")
COUNT_STATS = ("MIN", "FGM", "FGA", "FG3M", "FG3A", "FTM", "FTA", "OREB", "DREB", "REB", "AST", "STL", "BLK",
               "TOV", "PF", "PTS")  # fmt: skip
SMALL = {"teams": 6, "games_per_team": 20}
PLAYED_THROUGH = dt.date(2025, 12, 1)


# ---------------------------------------------------------------------------------------------------------------
# fixtures and readers
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two seasons of a six-team league, all played."""
    root = tmp_path_factory.mktemp("small")
    return root, simulate(root, seed=11, seasons=2, **SMALL)


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    """The same league, same seed, played only through PLAYED_THROUGH."""
    root = tmp_path_factory.mktemp("partial")
    return root, simulate(root, seed=11, seasons=2, played_through=PLAYED_THROUGH, **SMALL)


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """One full 30-team, 82-game season."""
    root = tmp_path_factory.mktemp("full")
    return root, simulate(root, seed=5)


def files(root: Path) -> dict[str, bytes]:
    landing = LocalLanding(root)
    return {rel: landing.read_bytes(rel) for rel in landing.list()}


def gamelog_rows(root: Path, kind: str) -> list[dict]:
    rows = []
    for path in sorted((root / "nba_stats" / kind).glob("*/leaguegamelog.json")):
        result = json.loads(path.read_bytes())["resultSets"][0]
        rows += [dict(zip(result["headers"], row, strict=True)) for row in result["rowSet"]]
    return rows


def schedule_games(root: Path, season: str) -> list[dict]:
    doc = json.loads((root / "nba_cdn/schedule" / season / "scheduleLeagueV2.json").read_bytes())
    return [g for day in doc["leagueSchedule"]["gameDates"] for g in day["games"]]


def odds_files(root: Path) -> list[tuple[str, str, dt.datetime, dict]]:
    """(ET date, event id, snapshot time, document) of every player_points file."""
    out = []
    for path in sorted((root / "odds_api/player_points").glob("*/*/*.json")):
        out.append(
            (path.parts[-3], path.parts[-2], parse_snapshot_name(path.name), json.loads(path.read_bytes()))
        )
    return out


def utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def half_up(made: int, att: int) -> float | None:
    return None if att == 0 else (2000 * made + att) // (2 * att) / 1000


# ---------------------------------------------------------------------------------------------------------------
# determinism and shapes
# ---------------------------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path, small):
    root, summary = small
    again = simulate(tmp_path / "again", seed=11, seasons=2, **SMALL)
    assert again == summary
    first = files(root)
    assert files(tmp_path / "again") == first
    assert summary.files_written == len(first)
    assert all(classify(rel) is not None for rel in first)  # everything lands where the platform looks

    simulate(tmp_path / "other", seed=12, seasons=2, **SMALL)
    other = files(tmp_path / "other")
    common = [rel for rel in first if rel in other and "player_boxscores" in rel]
    assert common and all(first[rel] != other[rel] for rel in common)


def test_rerun_into_same_folder_changes_nothing(tmp_path):
    simulate(tmp_path, seed=3, teams=2, games_per_team=6)
    before = files(tmp_path)
    simulate(tmp_path, seed=3, teams=2, games_per_team=6)
    assert files(tmp_path) == before
    assert not (tmp_path / "_versions").exists()


def test_gamelog_shapes_match_the_real_landing_files(small):
    root, _ = small
    for kind, real_date in (("player_boxscores", "2024-11-01"), ("team_boxscores", "2025-10-22")):
        real = json.loads((REAL / "nba_stats" / kind / real_date / "leaguegamelog.json").read_bytes())
        sim_path = sorted((root / "nba_stats" / kind).glob("*/leaguegamelog.json"))[0]
        sim = json.loads(sim_path.read_bytes())
        assert list(sim) == list(real)
        assert sim["resource"] == real["resource"]
        assert list(sim["parameters"]) == list(real["parameters"])
        assert {k: v for k, v in sim["parameters"].items() if k not in ("Season", "DateFrom", "DateTo")} == {
            k: v for k, v in real["parameters"].items() if k not in ("Season", "DateFrom", "DateTo")
        }
        assert sim["resultSets"][0]["headers"] == real["resultSets"][0]["headers"]
        assert sim["resultSets"][0]["name"] == real["resultSets"][0]["name"]
        # value types column by column, on the first row
        for got, want in zip(
            sim["resultSets"][0]["rowSet"][0], real["resultSets"][0]["rowSet"][0], strict=True
        ):
            assert type(got) is type(want) or None in (got, want)
    assert len(real["resultSets"][0]["headers"]) == 29
    # the player endpoint prints percentages with six decimals, compact separators, no spaces
    raw = sorted((root / "nba_stats/player_boxscores").glob("*/leaguegamelog.json"))[0].read_text()
    assert re.search(r",[01]\.\d{6},", raw) and ", " not in raw and ": " not in raw


def test_schedule_and_odds_shapes_match_the_real_landing_files(small):
    root, _ = small
    real_schedule = json.loads((REAL / "nba_cdn/schedule/2025-26/scheduleLeagueV2.json").read_bytes())
    sim_schedule = json.loads((root / "nba_cdn/schedule/2025-26/scheduleLeagueV2.json").read_bytes())
    assert list(sim_schedule) == list(real_schedule)
    assert list(sim_schedule["meta"]) == list(real_schedule["meta"])
    assert list(sim_schedule["leagueSchedule"]) == list(real_schedule["leagueSchedule"])
    real_game = real_schedule["leagueSchedule"]["gameDates"][0]["games"][0]
    sim_game = sim_schedule["leagueSchedule"]["gameDates"][0]["games"][0]
    assert list(sim_game) == list(real_game)
    assert list(sim_game["homeTeam"]) == list(real_game["homeTeam"])
    assert {k: type(v) for k, v in sim_game.items()} == {k: type(v) for k, v in real_game.items()}
    assert list(sim_schedule["leagueSchedule"]["weeks"][0]) == list(
        real_schedule["leagueSchedule"]["weeks"][0]
    )
    assert re.fullmatch(
        r"\d{2}/\d{2}/\d{4} 00:00:00", sim_schedule["leagueSchedule"]["gameDates"][0]["gameDate"]
    )

    real_events = json.loads(next((REAL / "odds_api/events").glob("*/*.json")).read_bytes())
    sim_events = json.loads(next((root / "odds_api/events").glob("*/*.json")).read_bytes())
    assert list(sim_events[0]) == list(real_events[0])
    real_odds = json.loads(next((REAL / "odds_api/player_points").glob("*/*/*.json")).read_bytes())
    sim_odds = json.loads(next((root / "odds_api/player_points").glob("*/*/*.json")).read_bytes())
    assert list(sim_odds) == list(real_odds)
    assert list(sim_odds["bookmakers"][0]) == list(real_odds["bookmakers"][0])
    assert list(sim_odds["bookmakers"][0]["markets"][0]) == list(real_odds["bookmakers"][0]["markets"][0])
    real_outcome = real_odds["bookmakers"][0]["markets"][0]["outcomes"][0]
    sim_outcome = sim_odds["bookmakers"][0]["markets"][0]["outcomes"][0]
    assert {k: type(v) for k, v in sim_outcome.items()} == {k: type(v) for k, v in real_outcome.items()}
    real_titles = {
        b["key"]: b["title"]
        for path in (REAL / "odds_api/player_points").glob("2025-10-2*/*/*.json")
        for b in json.loads(path.read_bytes())["bookmakers"]
    }
    for _, _, _, doc in odds_files(root)[:50]:
        for book in doc["bookmakers"]:
            assert real_titles[book["key"]] == book["title"]


# ---------------------------------------------------------------------------------------------------------------
# box scores
# ---------------------------------------------------------------------------------------------------------------


def test_player_rows_are_consistent_box_scores(small):
    root, summary = small
    rows = gamelog_rows(root, "player_boxscores")
    assert len(rows) == summary.player_rows > 0
    for r in rows:
        assert r["PTS"] == 2 * (r["FGM"] - r["FG3M"]) + 3 * r["FG3M"] + r["FTM"]
        assert 0 <= r["FG3M"] <= r["FG3A"] <= r["FGA"] and r["FG3M"] <= r["FGM"] <= r["FGA"]
        assert 0 <= r["FTM"] <= r["FTA"]
        assert r["REB"] == r["OREB"] + r["DREB"]
        assert r["FG_PCT"] == half_up(r["FGM"], r["FGA"])
        assert r["FG3_PCT"] == half_up(r["FG3M"], r["FG3A"])
        assert r["FT_PCT"] == half_up(r["FTM"], r["FTA"])
        assert isinstance(r["MIN"], int) and 1 <= r["MIN"] <= 58 and 0 <= r["PF"] <= 6
        fantasy = r["PTS"] + 1.2 * r["REB"] + 1.5 * r["AST"] + 3 * r["STL"] + 3 * r["BLK"] - r["TOV"]
        assert r["FANTASY_PTS"] == round(fantasy, 1)
        assert r["WL"] in ("W", "L") and r["VIDEO_AVAILABLE"] == 1
        game_date = dt.date.fromisoformat(r["GAME_DATE"])
        assert r["SEASON_ID"] == f"2{game_date.year if game_date.month >= 8 else game_date.year - 1}"
        assert re.fullmatch(rf"002{r['SEASON_ID'][3:]}\d{{5}}", r["GAME_ID"])
        assert (
            re.fullmatch(r"[A-Z]{3} (vs\.|@) [A-Z]{3}", r["MATCHUP"])
            and r["MATCHUP"][:3] == r["TEAM_ABBREVIATION"]
        )
        assert r["PLAYER_NAME"].isascii()
    for path in (root / "nba_stats/player_boxscores").glob("*/leaguegamelog.json"):
        doc = json.loads(path.read_bytes())
        keys = [(r[6], r[3], r[1]) for r in doc["resultSets"][0]["rowSet"]]
        assert keys == sorted(keys)  # GAME_ID, TEAM_ID, PLAYER_ID
        assert {r[7] for r in doc["resultSets"][0]["rowSet"]} == {path.parent.name}


def test_team_rows_are_the_sum_of_their_players(small):
    root, _ = small
    players = defaultdict(Counter)
    plus_minus = Counter()
    for r in gamelog_rows(root, "player_boxscores"):
        players[(r["GAME_ID"], r["TEAM_ID"])].update({k: r[k] for k in COUNT_STATS})
        plus_minus[(r["GAME_ID"], r["TEAM_ID"])] += r["PLUS_MINUS"]
    teams = gamelog_rows(root, "team_boxscores")
    by_game = defaultdict(list)
    for t in teams:
        by_game[t["GAME_ID"]].append(t)
        summed = players[(t["GAME_ID"], t["TEAM_ID"])]
        assert all(t[k] == summed[k] for k in COUNT_STATS), t["GAME_ID"]
        assert t["MIN"] in (240, 265, 290)
        assert t["FG_PCT"] == half_up(t["FGM"], t["FGA"])
    assert len(players) == len(teams)
    for game, (a, b) in by_game.items():
        assert a["PLUS_MINUS"] == a["PTS"] - b["PTS"] == -b["PLUS_MINUS"] != 0
        assert {a["WL"], b["WL"]} == {"W", "L"} and a["MIN"] == b["MIN"]
        assert plus_minus[(game, a["TEAM_ID"])] == 5 * a["PLUS_MINUS"]  # five players on the floor


def test_every_scheduled_game_has_two_team_rows_and_no_team_plays_twice_a_day(small):
    root, summary = small
    teams = Counter(t["GAME_ID"] for t in gamelog_rows(root, "team_boxscores"))
    scheduled = schedule_games(root, "2024-25") + schedule_games(root, "2025-26")
    assert len(scheduled) == summary.games == 2 * 6 * 20 // 2
    assert all(teams[g["gameId"]] == 2 for g in scheduled) and len(teams) == len(scheduled)
    per_day = Counter()
    per_team = Counter()
    for g in scheduled:
        for side in ("homeTeam", "awayTeam"):
            per_day[(g["gameDateEst"], g[side]["teamId"])] += 1
            per_team[(g["gameId"][3:5], g[side]["teamId"])] += 1  # per season
    assert max(per_day.values()) == 1
    assert set(per_team.values()) == {20}


# ---------------------------------------------------------------------------------------------------------------
# schedule
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow  # a full 30-team season (the `full` fixture)
def test_full_season_calendar(full):
    root, summary = full
    games = schedule_games(root, "2025-26")
    assert summary.games == len(games) == 1230 and summary.seasons == ["2025-26"]
    per_team = Counter(g[side]["teamId"] for g in games for side in ("homeTeam", "awayTeam"))
    assert len(per_team) == 30 and set(per_team.values()) == {82}
    homes = Counter(g["homeTeam"]["teamId"] for g in games)
    assert set(homes.values()) <= {40, 41, 42}
    days = sorted({dt.date.fromisoformat(g["gameDateEst"][:10]) for g in games})
    assert days[0] == dt.date(2025, 10, 21) and dt.date(2026, 4, 8) <= days[-1] <= dt.date(2026, 4, 19)
    assert summary.game_dates == days
    off = {dt.date(2025, 11, 27), dt.date(2025, 12, 24)} | {dt.date(2026, 2, d) for d in range(13, 18)}
    assert not off & set(days)
    team_days = defaultdict(list)
    for g in games:
        for side in ("homeTeam", "awayTeam"):
            team_days[g[side]["teamId"]].append(dt.date.fromisoformat(g["gameDateEst"][:10]))
    b2b = sum((b - a).days == 1 for d in team_days.values() for a, b in itertools.pairwise(sorted(d)))
    assert all(len(set(d)) == 82 for d in team_days.values())  # never twice on a day
    assert 0.10 <= b2b / (30 * 82) <= 0.20
    ids = [g["gameId"] for g in games]
    assert ids == sorted(ids) and ids[0] == "0022500001" and len(set(ids)) == 1230
    assert all(g["gameCode"] == f"{g['gameDateEst'][:10].replace('-', '')}/{g['awayTeam']['teamTricode']}"
               f"{g['homeTeam']['teamTricode']}" for g in games)  # fmt: skip
    names = {(g["homeTeam"]["teamId"], g["homeTeam"]["teamCity"], g["homeTeam"]["teamName"]) for g in games}
    assert (1610612756, "Phoenix", "Suns") in names and len(names) == 30


def test_tip_times_convert_across_dst(small):
    root, _ = small
    for season in ("2024-25", "2025-26"):
        for g in schedule_games(root, season):
            est = dt.datetime.fromisoformat(g["gameDateTimeEst"][:-1]).replace(tzinfo=ET)
            assert est.astimezone(dt.UTC) == utc(g["gameDateTimeUTC"])
            assert g["gameTimeUTC"] == "1900-01-01T" + g["gameDateTimeUTC"][11:]
            assert g["gameDateUTC"] == dt.datetime.combine(est.date(), dt.time(), ET).astimezone(
                dt.UTC
            ).strftime("%Y-%m-%dT%H:%M:%SZ")
            assert dt.time(12) <= est.time() <= dt.time(22, 30)
            if est.weekday() < 5:
                assert est.time() >= dt.time(19)
            assert g["day"] == est.strftime("%a") and g["monthNum"] == est.month


def test_records_and_statuses(small):
    root, _ = small
    teams = {(t["GAME_ID"], t["TEAM_ID"]): t for t in gamelog_rows(root, "team_boxscores")}
    wins, played = Counter(), Counter()
    for g in schedule_games(root, "2025-26"):  # in game-id (chronological) order
        home, away = (
            teams[(g["gameId"], g["homeTeam"]["teamId"])],
            teams[(g["gameId"], g["awayTeam"]["teamId"])],
        )
        assert (g["homeTeam"]["score"], g["awayTeam"]["score"]) == (home["PTS"], away["PTS"])
        assert g["gameStatus"] == 3
        assert g["gameStatusText"] == {240: "Final", 265: "Final/OT", 290: "Final/OT2"}[home["MIN"]]
        wins[g["homeTeam" if home["WL"] == "W" else "awayTeam"]["teamId"]] += 1
        for side in ("homeTeam", "awayTeam"):
            played[g[side]["teamId"]] += 1
            assert g[side]["wins"] == wins[g[side]["teamId"]]  # the record after this game
            assert g[side]["wins"] + g[side]["losses"] == played[g[side]["teamId"]]


@pytest.mark.slow  # a full 30-team season (the `full` fixture)
def test_player_ids_are_stable_across_seasons_and_trades_move_players(small, full):
    root, _ = small
    rows = gamelog_rows(root, "player_boxscores")
    names = defaultdict(set)
    seasons = defaultdict(set)
    for r in rows:
        names[r["PLAYER_ID"]].add(r["PLAYER_NAME"])
        seasons[r["PLAYER_ID"]].add(r["SEASON_ID"])
    assert all(len(n) == 1 for n in names.values())
    assert len({next(iter(n)) for n in names.values()}) == len(names)  # no two players share a name
    first_season = {p for p, s in seasons.items() if "22024" in s}
    assert len({p for p in first_season if "22025" in seasons[p]}) >= 0.75 * len(first_season)

    full_rows = gamelog_rows(full[0], "player_boxscores")
    stints = defaultdict(list)
    for r in sorted(full_rows, key=lambda r: r["GAME_DATE"]):
        stints[r["PLAYER_ID"]].append((r["GAME_DATE"], r["TEAM_ID"]))
    moved = {p: s for p, s in stints.items() if len({t for _, t in s}) > 1}
    assert 2 <= len(moved) <= 6  # 4-6 players are traded; a deep-bench one may not play on both sides
    for s in moved.values():
        teams_in_order = [t for _, t in s]
        switch = next(i for i, t in enumerate(teams_in_order) if t != teams_in_order[0])
        assert set(teams_in_order[switch:]) == {teams_in_order[switch]}  # one move, never back
        assert len({d for d, _ in s}) == len(s)  # never two teams on one date


@pytest.mark.slow  # a full 30-team season (the `full` fixture)
def test_box_scores_look_like_basketball(full):
    root, _ = full
    teams = gamelog_rows(root, "team_boxscores")
    pts = np.array([t["PTS"] for t in teams])
    assert 108 < pts.mean() < 120 and 9 < pts.std() < 16
    assert 0.43 < sum(t["FGM"] for t in teams) / sum(t["FGA"] for t in teams) < 0.50
    assert 0.32 < sum(t["FG3M"] for t in teams) / sum(t["FG3A"] for t in teams) < 0.40
    assert 0.03 < np.mean([t["MIN"] > 240 for t in teams]) < 0.09
    home_wins = np.mean([t["WL"] == "W" for t in teams if " vs. " in t["MATCHUP"]])
    assert 0.5 < home_wins < 0.62
    rows = gamelog_rows(root, "player_boxscores")
    per_team_game = Counter((r["GAME_ID"], r["TEAM_ID"]) for r in rows)
    assert 8 <= min(per_team_game.values()) and 10 <= np.mean(list(per_team_game.values())) <= 13
    minutes = np.array([r["MIN"] for r in rows])
    assert minutes.max() <= 58 and np.percentile(minutes, 90) > 30


# ---------------------------------------------------------------------------------------------------------------
# odds
# ---------------------------------------------------------------------------------------------------------------


def test_snapshot_timing_and_event_files(small):
    root, _ = small
    games = [g for s in ("2024-25", "2025-26") for g in schedule_games(root, s)]
    by_tip = {(utc(g["gameDateTimeUTC"]), g["homeTeam"]["teamName"]): g for g in games}
    seen_in_game = set()
    in_game_times = defaultdict(set)
    for date, event_id, snap, doc in odds_files(root):
        commence = utc(doc["commence_time"])
        game = by_tip[(commence, doc["home_team"].split(" ")[-1])]
        assert game["gameDateEst"][:10] == date  # ET date folder
        assert doc["away_team"].endswith(game["awayTeam"]["teamName"]) and doc["id"] == event_id
        assert doc["sport_key"] == "basketball_nba" and re.fullmatch(r"[0-9a-f]{32}", event_id)
        if snap > commence:
            assert snap == commence + dt.timedelta(minutes=60)
            seen_in_game.add(event_id)
            in_game_times[date].add(snap)
        else:
            assert snap < commence and snap.time() in (dt.time(15), dt.time(17), dt.time(21))
        for book in doc["bookmakers"]:
            stamp = snap.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert book["last_update"] == book["markets"][0]["last_update"] == stamp
            outcomes = book["markets"][0]["outcomes"]
            assert [o["name"] for o in outcomes] == ["Over", "Under"] * (len(outcomes) // 2)
            assert all(isinstance(o["price"], int) and o["point"] % 1 == 0.5 for o in outcomes)
    assert len(seen_in_game) == len(games)  # all played: every event has its in-game snapshot
    # events lists: the events not yet started at a pre-tip snapshot, plus the live ones in-game
    for path in (root / "odds_api/events").glob("*/*.json"):
        snap = parse_snapshot_name(path.name)
        for event in json.loads(path.read_bytes()):
            commence = utc(event["commence_time"])
            live = snap in in_game_times[path.parent.name] and commence <= snap < commence + dt.timedelta(
                hours=3
            )
            assert commence > snap or live
            assert (root / "odds_api/player_points" / path.parent.name / event["id"]).is_dir()


def test_played_through_leaves_later_games_unplayed_but_priced(small, partial):
    root, summary = partial
    assert summary.games == small[1].games and summary.game_dates == small[1].game_dates
    box_dates = {p.parent.name for p in (root / "nba_stats").glob("*/*/leaguegamelog.json")}
    assert box_dates and max(box_dates) <= PLAYED_THROUGH.isoformat()
    later = [g for g in schedule_games(root, "2025-26") if g["gameDateEst"][:10] > PLAYED_THROUGH.isoformat()]
    assert later
    for g in later:
        assert g["gameStatus"] == 1 and re.fullmatch(r"\d{1,2}:\d{2} (am|pm) ET", g["gameStatusText"])
        assert all(g[s][k] == 0 for s in ("homeTeam", "awayTeam") for k in ("score", "wins", "losses"))
    later_odds = [(d, e, s) for d, e, s, _ in odds_files(root) if d > PLAYED_THROUGH.isoformat()]
    assert {d for d, _, _ in later_odds} == {g["gameDateEst"][:10] for g in later}
    assert all(s.time() in (dt.time(15), dt.time(17), dt.time(21)) for _, _, s in later_odds)  # no in-game
    # the played part does not depend on played_through
    full_files, part_files = files(small[0]), files(root)
    played = [rel for rel in part_files if "nba_stats" in rel]
    assert played and all(part_files[rel] == full_files[rel] for rel in played)
    assert not (root / "nba_stats/player_boxscores" / later[0]["gameDateEst"][:10]).exists()


@pytest.mark.slow  # a full 30-team season (the `full` fixture)
def test_lines_are_plausible_and_the_in_game_snapshot_is_bait(full):
    root, _ = full
    scored = {(r["GAME_DATE"], r["PLAYER_NAME"]): r["PTS"] for r in gamelog_rows(root, "player_boxscores")}
    pre, live, prices, margins, offered, variants = [], [], [], [], Counter(), set()
    for date, _, snap, doc in odds_files(root):
        is_live = snap > utc(doc["commence_time"])
        if not is_live and snap.time() != dt.time(17):
            continue
        for book in doc["bookmakers"]:
            outcomes = book["markets"][0]["outcomes"]
            pairs = list(zip(outcomes[::2], outcomes[1::2], strict=True))
            if book["key"] == "bovada" and not is_live:
                pairs = _main_lines(pairs)
            for over, under in pairs:
                name = over["description"]
                nba_name = name if (date, name) in scored else _nba_name(name, date, scored)
                if nba_name is None:
                    continue  # a late scratch who kept his line
                variants.add(name != nba_name)
                pts = scored[(date, nba_name)]
                if is_live:
                    live.append((over["point"], pts))
                else:
                    pre.append((over["point"], pts))
                    prices += [over["price"], under["price"]]
                    margins.append(_implied(over["price"]) + _implied(under["price"]) - 1)
                    offered[book["key"]] += 1
    line, pts = np.array(pre).T
    assert abs(np.mean(pts - line)) < 1.0
    low, high = pts[line < np.percentile(line, 33)], pts[line > np.percentile(line, 67)]
    assert high.std() > low.std() + 1.0
    assert -125 <= min(prices) and max(prices) <= 105
    assert 0.035 <= np.mean(margins) <= 0.055
    assert set(offered) == {"draftkings", "fanduel", "betmgm", "williamhill_us", "bovada"}
    assert variants == {True, False}  # some odds names differ from the NBA spelling
    live_line, live_pts = np.array(live).T
    pre_err, live_err = np.abs(pts - line).mean(), np.abs(live_pts - live_line).mean()
    assert live_err < 0.6 * pre_err  # the in-game lines know (most of) the result


def _implied(price: int) -> float:
    return -price / (-price + 100) if price < 0 else 100 / (price + 100)


def _main_lines(pairs: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """Bovada lists a ladder per player: its main line is the most evenly priced one."""
    best: dict[str, tuple[float, tuple[dict, dict]]] = {}
    for over, under in pairs:
        imbalance = abs(_implied(over["price"]) - _implied(under["price"]))
        name = over["description"]
        if name not in best or imbalance < best[name][0]:
            best[name] = (imbalance, (over, under))
    return [pair for _, pair in best.values()]


def _nba_name(odds_name: str, date: str, scored: dict) -> str | None:
    """The NBA spelling of an odds-feed name: accents folded, suffix restored or normalised."""
    base = unicodedata.normalize("NFKD", odds_name).encode("ascii", "ignore").decode()
    for candidate in (base, f"{base}.", f"{base} Jr.", f"{base} II", f"{base} III"):
        if (date, candidate) in scored:
            return candidate
    return None


def test_invalid_arguments_are_rejected(tmp_path):
    for kwargs in (
        {"teams": 5},
        {"teams": 32},
        {"games_per_team": 0},
        {"last_season": "2025-27"},
        {"seasons": 0},
    ):
        with pytest.raises(ValueError):
            simulate(tmp_path, seed=1, **kwargs)
