"""Each live client against the real captured responses (httpx.MockTransport; no network)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from nba_platform.landing import zone as lz
from nba_platform.raw.nba_cdn import parse_playbyplay, parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog
from nba_platform.raw.odds_api import parse_event_odds
from nba_platform.scrape.errors import ScrapeBatchError

from ..conftest import REAL_LANDING
from ..scrape_support import (
    HIST_EVENTS_2024_01_25,
    HIST_ODDS_H2H,
    KEY,
    ODDS_ORL_CLE,
    ODDS_TOR,
    P_LOG,
    PBP,
    SCHEDULE_2024_25,
    FakeService,
    Recorder,
    cdn_boxscore_for,
    live_events_from_odds,
    make_scraper,
    ok,
    read,
)

pytestmark = pytest.mark.usefixtures("scrape_env")

T_LOG_2025_03_15 = REAL_LANDING / lz.team_boxscores_path("2025-03-15")
QUOTA = {"x-requests-remaining": "19980", "x-requests-used": "20", "x-requests-last": "1"}


@pytest.fixture
def zone(tmp_path):
    return lz.LocalLanding(tmp_path / "landing")


def _by_player_or_team(request):
    return ok(read(P_LOG) if request.url.params["PlayerOrTeam"] == "P" else T_LOG_2025_03_15.read_bytes())


def test_leaguegamelog_p_and_t_land_the_real_responses_with_browser_headers(zone):
    service = FakeService().script("/stats/leaguegamelog", _by_player_or_team)
    clock = Recorder(dt.datetime(2025, 3, 16, 9, 0, tzinfo=dt.UTC))
    report = make_scraper(zone, service, clock).run("nba_stats", dt.date(2025, 3, 15))

    assert report.landed == [lz.player_boxscores_path("2025-03-15"), lz.team_boxscores_path("2025-03-15")]
    assert zone.read_bytes(lz.player_boxscores_path("2025-03-15")) == read(P_LOG)  # native bytes, untouched
    assert parse_leaguegamelog(zone.read_bytes(report.landed[0]), "p", "P").height == 157
    first = service.requests[0]
    assert (first.url.host, first.url.path) == ("stats.nba.com", "/stats/leaguegamelog")
    assert dict(first.url.params) == {
        "Counter": "1000", "DateFrom": "2025-03-15", "DateTo": "2025-03-15", "Direction": "DESC", "LeagueID": "00",
        "PlayerOrTeam": "P", "Season": "2024-25", "SeasonType": "Regular Season", "Sorter": "DATE",
    }
    assert first.headers["Referer"] == "https://www.nba.com/" and first.headers["Origin"] == "https://www.nba.com"
    assert "Mozilla/5.0" in first.headers["User-Agent"] and first.headers["x-nba-stats-token"] == "true"
    assert first.headers["x-nba-stats-origin"] == "stats" and "application/json" in first.headers["Accept"]
    assert first.extensions["timeout"] == {"connect": 10.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert clock.sleeps == []


def test_schedule_and_playbyplay_of_the_dates_final_games(zone):
    schedule = read(SCHEDULE_2024_25)
    pbp = read(PBP)
    games = {g["game_id"]: g for g in parse_schedule(schedule, "s").iter_rows(named=True)}

    def playbyplay(request):  # the real capture for its game; the same actions re-keyed for the others
        game_id = request.url.path.rsplit("_", 1)[1].removesuffix(".json")
        if "/boxscore/" in request.url.path:
            return ok(cdn_boxscore_for(games[game_id]))
        return ok(pbp if game_id == "0022400500" else pbp.replace(b'"0022400500"', f'"{game_id}"'.encode()))

    service = FakeService().script("/static/json/staticData/scheduleLeagueV2.json", ok(schedule))
    service.fallback = playbyplay
    clock = Recorder(dt.datetime(2025, 1, 7, 11, 0, tzinfo=dt.UTC))
    report = make_scraper(zone, service, clock).run("nba_cdn", dt.date(2025, 1, 6))

    assert report.landed[0] == lz.schedule_path("2024-25")
    assert zone.read_bytes(lz.schedule_path("2024-25")) == schedule
    pbp_files = [p for p in report.landed if p.startswith(lz.PLAYBYPLAY)]
    assert len(pbp_files) == 9 and lz.playbyplay_path("2025-01-06", "0022400500") in pbp_files
    assert zone.read_bytes(lz.playbyplay_path("2025-01-06", "0022400500")) == pbp
    assert {r.url.host for r in service.requests} == {"cdn.nba.com"}
    assert lz.classify(pbp_files[0]).kind == "playbyplay"
    box_files = [p for p in report.landed if p.startswith(lz.CDN_BOXSCORES)]
    assert sorted(box_files) == sorted(lz.cdn_boxscore_path("2025-01-06", p.rsplit("_", 1)[1][:-5]) for p in pbp_files)
    assert lz.classify(box_files[0]).kind == "cdn_boxscore"


def test_playbyplay_parser_on_the_real_capture():
    df = parse_playbyplay(read(PBP), "nba_cdn/playbyplay/2025-01-06/playbyplay_0022400500.json")
    assert df.height == 571 and df["game_id"].unique().to_list() == ["0022400500"]
    last = df.row(-1, named=True)
    assert (last["action_type"], last["score_home"], last["score_away"], last["period"]) == ("game", 108, 106, 4)
    # Made shots and free throws add up to the final score of each team (MIN 108 at home, LAC 106).
    made = df.filter(pl.col("shot_result") == "Made").with_columns(
        pts=pl.when(pl.col("action_type") == "3pt").then(3).when(pl.col("action_type") == "2pt").then(2).otherwise(1)
    )
    assert dict(made.group_by("team_tricode").agg(pl.col("pts").sum()).iter_rows()) == {"MIN": 108, "LAC": 106}
    shots = df.filter(pl.col("is_field_goal"))
    assert shots.height == 181 and shots["area"].null_count() == 0 and shots["x"].null_count() == 0
    first_shot = shots.row(0, named=True)
    assert (first_shot["player_name"], first_shot["area"], first_shot["clock_seconds"]) == (
        "I. Zubac", "In The Paint (Non-RA)", 702.0
    )


def test_odds_live_events_and_player_points_land_as_snapshots_of_the_request_time(zone):
    events = live_events_from_odds(ODDS_ORL_CLE, ODDS_TOR)
    service = FakeService().script("/v4/sports/basketball_nba/events", ok(events, headers=QUOTA))
    for path in (ODDS_ORL_CLE, ODDS_TOR):
        event_id = json.loads(read(path))["id"]
        service.script(f"/v4/sports/basketball_nba/events/{event_id}/odds", ok(read(path), headers=QUOTA))
    clock = Recorder(dt.datetime(2024, 2, 22, 20, 0, 0, 123456, tzinfo=dt.UTC))  # 15:00 ET on the game day
    report = make_scraper(zone, service, clock).run("odds_api", dt.date(2024, 2, 22))

    snap = "20240222T200000Z"
    assert report.landed == [
        f"odds_api/events/2024-02-22/{snap}.json",
        f"odds_api/player_points/2024-02-22/f54c4a22568ce9dc33fb410d1b0e75e9/{snap}.json",
        f"odds_api/player_points/2024-02-22/f9f3f99b5124a4ecf984003f0af23d2e/{snap}.json",
    ]
    assert report.quota == QUOTA
    events_req, odds_req = service.requests[0], service.requests[1]
    assert events_req.url.host == "api.the-odds-api.com"
    assert dict(events_req.url.params) == {
        "apiKey": KEY, "commenceTimeFrom": "2024-02-22T05:00:00Z", "commenceTimeTo": "2024-02-23T04:59:59Z",
    }
    assert dict(odds_req.url.params) == {
        "apiKey": KEY, "regions": "us", "markets": "player_points", "oddsFormat": "american",
    }
    lines = parse_event_odds(zone.read_bytes(report.landed[1]), report.landed[1], dt.date(2024, 2, 22),
                             lz.parse_snapshot_name(snap + ".json"))
    assert lines.height > 100 and lines["snapshot_utc"].unique().to_list() == [dt.datetime(2024, 2, 22, 20, tzinfo=dt.UTC)]


def test_odds_historical_names_snapshots_by_the_response_timestamp(zone):
    """A past date uses /v4/historical; odds are asked for 30 minutes before each tip."""
    h2h = read(HIST_ODDS_H2H)
    service = FakeService().script("/v4/historical/sports/basketball_nba/events", ok(read(HIST_EVENTS_2024_01_25)))
    service.script("/v4/historical/sports/basketball_nba/events/cd0bc7d0c238f4446ce1c03d0cea7ec4/odds", ok(h2h))
    clock = Recorder(dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC))
    with pytest.raises(ScrapeBatchError) as info:  # the two other events are not served: 404, no retry
        make_scraper(zone, service, clock).run("odds_api", dt.date(2024, 1, 24))

    report = info.value.report
    assert report.landed == [
        "odds_api/events/2024-01-24/20240125T035540Z.json",
        "odds_api/player_points/2024-01-24/cd0bc7d0c238f4446ce1c03d0cea7ec4/20240125T035540Z.json",
    ]
    assert "2 of 3 requests failed: HTTP 404" in str(info.value)
    events_req = service.requests[0]
    assert events_req.url.params["date"] == "2024-01-24T16:00:00Z"  # 11:00 ET
    odds_req = next(r for r in service.requests if "cd0bc7d0" in r.url.path)
    assert odds_req.url.params["date"] == "2024-01-25T02:50:30Z"  # tip 03:20:30Z minus 30 minutes
    assert odds_req.url.params["markets"] == "player_points"
    assert len(service.requests) == 4 and clock.sleeps == []  # 404s are not retried


def test_odds_historical_player_points_round_trip(zone):
    """The real player_points capture in the historical wrapper lands under its timestamp and parses."""
    wrapped = json.dumps({
        "timestamp": "2024-02-22T23:25:00Z", "previous_timestamp": "2024-02-22T23:20:00Z",
        "next_timestamp": "2024-02-22T23:30:00Z", "data": json.loads(read(ODDS_ORL_CLE)),
    }).encode()
    event_id = "f54c4a22568ce9dc33fb410d1b0e75e9"
    service = FakeService().script(f"/v4/historical/sports/basketball_nba/events/{event_id}/odds", ok(wrapped))
    scraper = make_scraper(zone, service, Recorder(dt.datetime(2024, 3, 1, tzinfo=dt.UTC)))
    at = dt.datetime(2024, 2, 22, 23, 30, tzinfo=dt.UTC)
    landed, lines = scraper.client("odds_api").scrape_event_odds(zone, dt.date(2024, 2, 22), event_id, historical_at=at)
    assert landed.relpath == f"odds_api/player_points/2024-02-22/{event_id}/20240222T232500Z.json"
    assert lines == parse_event_odds(read(ODDS_ORL_CLE), "x", dt.date(2024, 2, 22), at).height
