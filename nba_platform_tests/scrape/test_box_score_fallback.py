"""When stats.nba.com fails for good, the date's box scores still land complete from the next source,
and the raw rows say which one: a real HTTP server on 127.0.0.1 plays every source."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import httpx
import polars as pl
import pytest

from nba_platform.definitions import raw_player_boxscores
from nba_platform.landing import zone as lz
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.resources import local_resources
from nba_platform.scrape.http import RetryPolicy

from ..helpers import link_real_landing, table
from ..scrape_support import (
    BDL_BOX_SCORES_2024_01_15,
    P_LOG,
    SCHEDULE_2024_25,
    TEAM_LOGS_2023_24,
    LocalServer,
    Recorder,
    cdn_boxscore_for,
    make_scraper,
    ok,
    read,
    schedule_from_team_logs,
)

pytestmark = pytest.mark.usefixtures("scrape_env")

LOG_URL = "/stats/leaguegamelog"
BDL_KEY = "bdl-test-key-0123"


def _raw_boxscores(tmp_path, day: dt.date) -> tuple[pl.DataFrame, dict[str, dg.AssetCheckEvaluation]]:
    """raw_player_boxscores materialized for ``day`` from the landing zone: its rows and its checks."""
    warehouse = tmp_path / "warehouse.duckdb"
    resources = local_resources(str(tmp_path / "landing"), str(warehouse))
    with dg.instance_for_test() as instance:
        result = dg.materialize([raw_player_boxscores], partition_key=day.isoformat(), resources=resources,
                                instance=instance)
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    return table("raw_player_boxscores", warehouse), checks


def test_stats_403_lands_the_night_from_cdn_box_scores(tmp_path, monkeypatch):
    day = dt.date(2025, 3, 15)
    zone = lz.LocalLanding(tmp_path / "landing")
    schedule = read(SCHEDULE_2024_25)
    zone.write(lz.schedule_path("2024-25"), schedule)
    finals = parse_schedule(schedule, "s").filter((pl.col("game_date") == day) & (pl.col("game_status") == 3))
    with LocalServer() as server:
        server.script(LOG_URL, ok(b'{"message":"Access Denied"}', 403))
        for game in finals.iter_rows(named=True):
            server.script(f"/static/json/liveData/boxscore/boxscore_{game['game_id']}.json", ok(cdn_boxscore_for(game)))
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        monkeypatch.setenv("NBA_CDN_BASE_URL", server.url)
        clock = Recorder(dt.datetime(2025, 3, 16, 10, 0, tzinfo=dt.UTC))
        report = make_scraper(zone, None, clock).run("nba_stats", day)
        assert server.hits[LOG_URL] == 1  # a 403 is not retried

    assert report.box_score_source == "nba_cdn" and report.metadata()["box_score_source"] == "nba_cdn"
    assert report.notes[0].startswith("nba_stats failed: nba_stats.leaguegamelog for 2025-03-15: HTTP 403")
    assert sorted(report.landed) == sorted(lz.cdn_boxscore_path("2025-03-15", g) for g in finals["game_id"])
    assert not zone.exists(lz.player_boxscores_path("2025-03-15"))

    rows, checks = _raw_boxscores(tmp_path, day)
    assert finals.height == 8 and rows["game_id"].n_unique() == 8 and rows.height == 16
    assert set(rows["source"]) == {"nba_cdn"} and rows["starter"].all() and rows["played"].all()
    assert checks["every_final_game_has_box_scores"].passed and checks["sources_agree"].passed


def test_stats_timeouts_and_cdn_refusals_land_the_night_from_balldontlie(tmp_path, monkeypatch):
    day = dt.date(2024, 1, 15)
    zone = lz.LocalLanding(tmp_path / "landing")
    zone.write(lz.schedule_path("2023-24"), schedule_from_team_logs("2024-01-15"))
    finals = parse_schedule(zone.read_bytes(lz.schedule_path("2023-24")), "s")
    with LocalServer() as server:
        server.script(LOG_URL, ("sleep", 0.6, 200, read(P_LOG)))  # stats.nba.com hangs past the read timeout
        for game_id in finals["game_id"]:
            server.script(f"/static/json/liveData/boxscore/boxscore_{game_id}.json", ok(b"Forbidden", 403))
        server.script("/v1/box_scores", ok(BDL_BOX_SCORES_2024_01_15.read_bytes()))
        for name in ("NBA_STATS_BASE_URL", "NBA_CDN_BASE_URL", "BALLDONTLIE_BASE_URL"):
            monkeypatch.setenv(name, server.url)
        monkeypatch.setenv("BALLDONTLIE_API_KEY", BDL_KEY)
        clock = Recorder(dt.datetime(2024, 1, 16, 10, 0, tzinfo=dt.UTC))
        policy = RetryPolicy(attempts=2, initial_wait=1, max_wait=2, jitter=0)
        report = make_scraper(zone, None, clock, timeout=httpx.Timeout(0.2), policy=policy).run("nba_stats", day)
        assert server.hits[LOG_URL] == 4  # P and T, two attempts each, every one timed out
        assert server.hits["/v1/box_scores"] == 1 and "date=2024-01-15" in server.queries[-1]

    assert report.box_score_source == "balldontlie"
    assert "gave up after 2 attempts; last: ReadTimeout" in report.notes[0]
    assert report.notes[1].startswith("nba_cdn failed: nba_cdn for 2024-01-15: HTTP 403")
    assert report.landed == [lz.bdl_box_scores_path("2024-01-15")]
    assert BDL_KEY not in " ".join(report.notes) and BDL_KEY not in str(report.metadata())

    rows, checks = _raw_boxscores(tmp_path, day)
    assert rows.height == 384 and set(rows["source"]) == {"balldontlie"} and rows["game_id"].n_unique() == 11
    assert checks["every_final_game_has_box_scores"].passed
    logs = pl.read_csv(TEAM_LOGS_2023_24, schema_overrides={"GAME_ID": pl.String}).filter(pl.col("GAME_DATE") == "2024-01-15")
    totals = rows.group_by("game_id", "team_id").agg(pl.col("pts").sum()).join(
        logs.select(pl.col("GAME_ID").alias("game_id"), pl.col("TEAM_ID").alias("team_id"), "PTS"), on=["game_id", "team_id"]
    )
    assert totals.height == 22 and (totals["pts"] == totals["PTS"]).all()


def test_without_a_fallback_the_failure_is_raised_with_every_reason(tmp_path, monkeypatch):
    day = dt.date(2025, 3, 15)
    zone = lz.LocalLanding(tmp_path / "landing")
    zone.write(lz.schedule_path("2024-25"), read(SCHEDULE_2024_25))
    with LocalServer() as server:
        server.script(LOG_URL, ok(b"{}", 403))  # and cdn.nba.com answers 404 for every box score
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        monkeypatch.setenv("NBA_CDN_BASE_URL", server.url)
        monkeypatch.delenv("BALLDONTLIE_API_KEY", raising=False)
        clock = Recorder(dt.datetime(2025, 3, 16, 10, 0, tzinfo=dt.UTC))
        scraper = make_scraper(zone, None, clock)
        with pytest.raises(Exception, match="HTTP 403") as info:
            scraper.run("nba_stats", day)
    notes = info.value.report.notes
    assert notes[0].startswith("nba_stats failed") and notes[1].startswith("nba_cdn failed")
    assert "BALLDONTLIE_API_KEY is not set" in notes[2]
    assert zone.list("nba_stats") == [] and zone.list(lz.CDN_BOXSCORES) == []


def test_a_final_game_no_source_has_fails_the_blocking_check_by_name(tmp_path):
    day = dt.date(2025, 3, 15)
    zone = lz.LocalLanding(tmp_path / "landing")
    schedule = read(SCHEDULE_2024_25)
    zone.write(lz.schedule_path("2024-25"), schedule)
    finals = parse_schedule(schedule, "s").filter((pl.col("game_date") == day) & (pl.col("game_status") == 3))
    for game in list(finals.iter_rows(named=True))[1:]:  # every final game but the first
        zone.write(lz.cdn_boxscore_path("2025-03-15", game["game_id"]), cdn_boxscore_for(game))
    warehouse = tmp_path / "warehouse.duckdb"
    with dg.instance_for_test() as instance:
        result = dg.materialize([raw_player_boxscores], partition_key="2025-03-15", instance=instance,
                                resources=local_resources(str(tmp_path / "landing"), str(warehouse)), raise_on_error=False)
    check = next(c for c in result.get_asset_check_evaluations() if c.check_name == "every_final_game_has_box_scores")
    first = finals.row(0, named=True)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.metadata["missing_games"].value == [
        f"2025-03-15 {first['game_id']} {first['away_team_abbr']}@{first['home_team_abbr']}"]


def test_the_nba_cup_final_without_box_scores_is_reported_not_blocking(tmp_path):
    """The real 2024-25 landing: stats.nba.com's logs leave out the NBA Cup final (2024-12-17, MIL at OKC),
    which counts toward no statistics. The date's other games land and the check names the final apart."""
    day = dt.date(2024, 12, 17)
    link_real_landing(tmp_path / "landing", [day], ["2024-25"])
    rows, checks = _raw_boxscores(tmp_path, day)
    check = checks["every_final_game_has_box_scores"]
    assert check.passed
    assert check.metadata["missing_games"].value == []
    assert check.metadata["missing_uncounted_games"].value == ["2024-12-17 0062400001 MIL@OKC"]
    assert rows.filter(pl.col("game_id") == "0062400001").is_empty()
