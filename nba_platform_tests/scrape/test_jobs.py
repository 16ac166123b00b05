"""Scraping jobs end to end against a local HTTP server, then the sensor turning what landed into runs."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import polars as pl
import pytest

from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.scrape.jobs import SCRAPE_JOBS, SOURCE_TAG, run_config, scrape_odds_api
from nba_platform.scrape.resources import scrape_resources

from ..conftest import REAL_LANDING
from ..scrape_support import (
    HIST_EVENTS_2024_01_25,
    HIST_ODDS_H2H,
    KEY,
    P_LOG,
    PBP,
    SCHEDULE_2024_25,
    LocalServer,
    cdn_boxscore_for,
    ok,
    read,
)

pytestmark = pytest.mark.usefixtures("scrape_env")

BOX_DAY = dt.date(2025, 3, 15)
ODDS_DAY = dt.date(2024, 1, 24)  # a past date: historical odds
QUOTA = {"x-requests-remaining": "19980", "x-requests-used": "20", "x-requests-last": "10"}
ODDS_EVENTS = ("f137689983933840bf2f2a91278eb03b", "071ee3e84d6e3ecce12d8c5e4ab4da0b", "cd0bc7d0c238f4446ce1c03d0cea7ec4")


def _serve_everything(server: LocalServer) -> None:
    schedule = read(SCHEDULE_2024_25)
    server.script("/static/json/staticData/scheduleLeagueV2.json", ok(schedule))
    games = parse_schedule(schedule, "s").filter(pl.col("game_date") == BOX_DAY)["game_id"].to_list()
    pbp = read(PBP)
    for game_id in games:
        server.script(f"/static/json/liveData/playbyplay/playbyplay_{game_id}.json",
                      ok(pbp.replace(b'"0022400500"', f'"{game_id}"'.encode())))
    for game in parse_schedule(schedule, "s").filter(pl.col("game_date") == BOX_DAY).iter_rows(named=True):
        server.script(f"/static/json/liveData/boxscore/boxscore_{game['game_id']}.json", ok(cdn_boxscore_for(game)))
    # P first, then T: the scraper asks in that order.
    server.script("/stats/leaguegamelog", ok(read(P_LOG)), ok((REAL_LANDING / lz.team_boxscores_path("2025-03-15")).read_bytes()))
    server.script("/v4/historical/sports/basketball_nba/events", ok(read(HIST_EVENTS_2024_01_25), headers=QUOTA))
    h2h = read(HIST_ODDS_H2H)
    for event_id in ODDS_EVENTS:
        server.script(f"/v4/historical/sports/basketball_nba/events/{event_id}/odds",
                      ok(h2h.replace(b"cd0bc7d0c238f4446ce1c03d0cea7ec4", event_id.encode()), headers=QUOTA))


def _step_output_metadata(result, node: str) -> dict:
    event = next(e for e in result.events_for_node(node) if e.event_type_value == "STEP_OUTPUT")
    return {k: v.value for k, v in event.step_output_data.metadata.items()}


def test_jobs_land_files_and_the_sensor_turns_them_into_raw_runs(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    resources = {"landing": LandingResource(root=str(landing))}
    with LocalServer() as server, dg.instance_for_test() as instance:
        _serve_everything(server)
        for name in ("NBA_STATS_BASE_URL", "NBA_CDN_BASE_URL", "ODDS_API_BASE_URL"):
            monkeypatch.setenv(name, server.url)
        results = {}
        for source, day in (("nba_cdn", BOX_DAY), ("nba_stats", BOX_DAY), ("odds_api", ODDS_DAY)):
            results[source] = SCRAPE_JOBS[source].execute_in_process(
                run_config=run_config(source, day), resources={**scrape_resources(), **resources}, instance=instance
            )
            assert results[source].success
        logs = "".join(str(record) for r in results.values() for record in instance.all_logs(r.run_id))

        stats_meta = _step_output_metadata(results["nba_stats"], "scrape_nba_stats")
        assert (stats_meta["landed_files"], stats_meta["box_score_source"]) == (2, "nba_stats")
        odds_meta = _step_output_metadata(results["odds_api"], "scrape_odds_api")
        assert (odds_meta["landed_files"], odds_meta["x_requests_remaining"], odds_meta["x_requests_used"]) == (4, 19980, 20)
        assert "odds_api quota: remaining=19980 used=20 last=10" in logs
        assert KEY not in logs and KEY not in json.dumps(odds_meta)
        assert any(f"apiKey={KEY}" in q for q in server.queries)  # sent to the API, nowhere else

        zone = lz.LocalLanding(landing)
        assert zone.exists(lz.player_boxscores_path("2025-03-15")) and zone.exists(lz.schedule_path("2024-25"))
        assert len(zone.list(f"{lz.PLAYBYPLAY}/2025-03-15")) == 8
        assert len(zone.list(f"{lz.CDN_BOXSCORES}/2025-03-15")) == 8
        assert len(zone.list(f"{lz.ODDS_PLAYER_POINTS}/2024-01-24")) == 3

        ctx = dg.build_sensor_context(instance=instance, resources=resources)
        requests = {r.partition_key: {k.to_user_string() for k in r.asset_selection} for r in landing_zone_sensor(ctx).run_requests}
    assert requests["2025-03-15"] == {"raw_player_boxscores", "raw_team_boxscores", "raw_schedule"}
    assert requests["2024-01-24"] == {"raw_prop_lines"}  # 2023-24: no schedule landed for it
    assert len(requests) > 150  # every date of the landed 2024-25 schedule feeds raw_schedule


def test_a_failing_scrape_fails_the_run_with_a_one_line_reason(tmp_path, monkeypatch):
    with LocalServer() as server, dg.instance_for_test() as instance:
        server.script("/v4/sports/basketball_nba/events", ok(b'{"message":"API key is not valid"}', 401))
        monkeypatch.setenv("ODDS_API_BASE_URL", server.url)
        result = SCRAPE_JOBS["odds_api"].execute_in_process(
            run_config=run_config("odds_api", dt.date(2999, 1, 1)),
            resources={**scrape_resources(), "landing": LandingResource(root=str(tmp_path / "landing"))},
            instance=instance,
            raise_on_error=False,
        )
        logs = "".join(str(record) for record in instance.all_logs(result.run_id))
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "odds_api for 2999-01-01: HTTP 401: unauthorized" in failure.step_failure_data.error.message
    assert KEY not in logs and "apiKey=***" in logs


def test_one_pool_and_run_tag_per_source():
    for source, job in SCRAPE_JOBS.items():
        assert job.tags[SOURCE_TAG] == source
        (node,) = job.graph.node_defs
        assert node.pool == f"scrape_{source}"
    assert scrape_odds_api.name == "scrape_odds_api"
