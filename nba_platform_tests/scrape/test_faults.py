"""Fault cases of the live scrapers, each with its expected outcome (no network, no real sleeping)."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import traceback

import httpx
import pytest

from nba_platform.landing import zone as lz
from nba_platform.scrape.errors import (
    CircuitOpenError,
    ConfigError,
    HTTPStatusError,
    QuarantinedResponseError,
    RetriesExhaustedError,
    ScrapeBatchError,
)
from nba_platform.scrape.http import RetryPolicy
from nba_platform.scrape.nba_stats_client import NbaStatsClient
from nba_platform.scrape.run import Scraper

from ..scrape_support import (
    KEY,
    P_LOG,
    SCHEDULE_2024_25,
    FakeService,
    LocalServer,
    Recorder,
    free_port,
    make_scraper,
    ok,
    read,
)

pytestmark = pytest.mark.usefixtures("scrape_env")

DAY = dt.date(2025, 3, 15)
P_PATH = lz.player_boxscores_path("2025-03-15")
LOG_URL = "/stats/leaguegamelog"
EVENTS = "/v4/sports/basketball_nba/events"
P_BYTES = read(P_LOG)


@pytest.fixture
def zone(tmp_path):
    return lz.LocalLanding(tmp_path / "landing")


@pytest.fixture
def clock():
    return Recorder(dt.datetime(2025, 3, 16, 10, 0, tzinfo=dt.UTC))


def _stats(zone, service, clock, **kw) -> NbaStatsClient:
    return make_scraper(zone, service, clock, **kw).client("nba_stats")


def _files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- retries -------------------------------------------------------------------------------------------


def test_500_then_200_is_retried_and_landed_once(zone, clock):
    service = FakeService().script(LOG_URL, ok(b"oops", 500), ok(P_BYTES))
    landed = _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert landed.changed and zone.read_bytes(P_PATH) == P_BYTES
    assert service.hits(LOG_URL) == 2
    assert len(clock.sleeps) == 1 and 1.0 <= clock.sleeps[0] <= 1.5  # first backoff step + jitter
    assert list(_files(zone.root)) == [P_PATH]  # one file, no versions, no quarantine


def test_429_waits_as_long_as_retry_after_says(zone, clock):
    service = FakeService().script(LOG_URL, ok(b"{}", 429, {"Retry-After": "7"}), ok(P_BYTES))
    _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert clock.sleeps == [7.0] and service.hits(LOG_URL) == 2


def test_503_retry_after_as_http_date(zone, clock):
    when = email.utils.format_datetime(clock.now() + dt.timedelta(seconds=30), usegmt=True)
    service = FakeService().script(LOG_URL, ok(b"busy", 503, {"Retry-After": when}), ok(P_BYTES))
    _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert clock.sleeps == [30.0]


def test_retry_after_beyond_the_cap_is_capped(zone, clock):
    service = FakeService().script(LOG_URL, ok(b"{}", 429, {"Retry-After": "3600"}), ok(P_BYTES))
    _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert clock.sleeps == [60.0]  # RetryPolicy.retry_after_cap


def test_5xx_on_every_attempt_gives_up_with_a_clear_error(zone, clock):
    service = FakeService().script(LOG_URL, ok(b"bad gateway", 502))
    with pytest.raises(RetriesExhaustedError) as info:
        _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert service.hits(LOG_URL) == 4 and len(clock.sleeps) == 3
    assert clock.sleeps == sorted(clock.sleeps)  # exponential
    message = str(info.value)
    assert "nba_stats.leaguegamelog for 2025-03-15: gave up after 4 attempts; last: HTTP 502" in message
    assert "https://stats.nba.com/stats/leaguegamelog?" in message and not zone.exists(P_PATH)


def test_read_timeout_is_retried_against_a_local_server(zone, clock, monkeypatch):
    with LocalServer() as server:
        server.script(LOG_URL, ("sleep", 0.6, 200, P_BYTES), ok(P_BYTES))
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        client = make_scraper(zone, None, clock, timeout=httpx.Timeout(0.2)).client("nba_stats")
        landed = client.scrape_leaguegamelog(zone, DAY, "P")
        assert landed.changed and server.hits[LOG_URL] == 2 and len(clock.sleeps) == 1

        server.script(LOG_URL, ("sleep", 0.6, 200, P_BYTES))
        policy = RetryPolicy(attempts=2, initial_wait=1, max_wait=2, jitter=0)
        client = make_scraper(zone, None, clock, timeout=httpx.Timeout(0.2), policy=policy).client("nba_stats")
        with pytest.raises(RetriesExhaustedError, match="gave up after 2 attempts; last: ReadTimeout"):
            client.scrape_leaguegamelog(zone, DAY, "P")


def test_connection_refused_is_retried_then_reported(zone, clock, monkeypatch):
    monkeypatch.setenv("NBA_STATS_BASE_URL", f"http://127.0.0.1:{free_port()}")
    client = make_scraper(zone, None, clock).client("nba_stats")
    with pytest.raises(RetriesExhaustedError, match="last: ConnectError") as info:
        client.scrape_leaguegamelog(zone, DAY, "P")
    assert len(clock.sleeps) == 3 and "for 2025-03-15" in str(info.value)


def test_connection_closed_mid_body_is_retried(zone, clock, monkeypatch):
    with LocalServer() as server:
        server.script(LOG_URL, ("truncate", P_BYTES[:5000], len(P_BYTES)), ok(P_BYTES))
        monkeypatch.setenv("NBA_STATS_BASE_URL", server.url)
        landed = make_scraper(zone, None, clock).client("nba_stats").scrape_leaguegamelog(zone, DAY, "P")
    assert landed.changed and zone.read_bytes(P_PATH) == P_BYTES and server.hits[LOG_URL] == 2


# --- statuses that are not retried ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, hint",
    [
        (401, "unauthorized: the API key is missing or not valid"),
        (403, "stats.nba.com needs browser headers"),
        (404, "not found"),
        (422, "refused the request parameters"),
    ],
)
def test_client_errors_are_not_retried(zone, clock, status, hint):
    service = FakeService().script(LOG_URL, ok(b'{"message":"no"}', status))
    with pytest.raises(HTTPStatusError) as info:
        _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    assert service.hits(LOG_URL) == 1 and clock.sleeps == []
    assert info.value.status == status and info.value.permanent
    assert f"HTTP {status}: " in str(info.value) and hint in str(info.value) and "for 2025-03-15" in str(info.value)


def test_odds_401_names_the_key_problem_without_the_key(zone, clock):
    service = FakeService().script(EVENTS, ok(b'{"message":"API key is not valid"}', 401))
    with pytest.raises(HTTPStatusError) as info:
        make_scraper(zone, service, clock).run("odds_api", dt.date(2025, 3, 16))
    assert "HTTP 401: unauthorized" in str(info.value) and "apiKey=***" in str(info.value)
    assert KEY not in str(info.value) and service.hits(EVENTS) == 1


def test_missing_api_key_is_a_configuration_error(zone, clock, monkeypatch):
    monkeypatch.delenv("ODDS_API_KEY")
    with pytest.raises(ConfigError, match="ODDS_API_KEY is not set"):
        make_scraper(zone, FakeService(), clock).run("odds_api", dt.date(2025, 3, 16))


# --- responses the parser refuses: quarantined, nothing landed is lost ----------------------------------


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<html><body>Access Denied</body></html>", "not valid JSON (looks like HTML, e.g. an error page)"),
        (P_BYTES[: len(P_BYTES) // 2], "not valid JSON"),  # truncated body
        (P_BYTES.replace(b'"LeagueGameLog"', b'"Other"'), "result set 'LeagueGameLog' is missing"),
        (P_BYTES.replace(b'"PTS"', b'"POINTS"'), "missing columns ['PTS'] (schema drift?)"),
    ],
    ids=["html", "truncated", "missing_result_set", "renamed_column"],
)
def test_unparseable_response_is_quarantined_and_the_landed_file_kept(zone, clock, body, reason):
    zone.write(P_PATH, P_BYTES)  # the last good file
    service = FakeService().script(LOG_URL, ok(body))
    with pytest.raises(QuarantinedResponseError) as info:
        _stats(zone, service, clock).scrape_leaguegamelog(zone, DAY, "P")
    message = str(info.value)
    assert message.startswith("nba_stats.leaguegamelog for 2025-03-15: ") and reason in message
    assert "[https://stats.nba.com/stats/leaguegamelog?" in message
    assert zone.read_bytes(P_PATH) == P_BYTES  # untouched
    quarantined = zone.root / info.value.quarantined_at
    assert quarantined.read_bytes() == body
    why = (zone.root / (info.value.quarantined_at + ".reason.txt")).read_text()
    assert reason in why and "url: https://stats.nba.com/stats/leaguegamelog?" in why and "2025-03-15" in why
    assert zone.list() == [P_PATH] and service.hits(LOG_URL) == 1  # not retried: the host answered


def test_empty_result_set_on_a_game_day_is_an_error(zone, clock):
    zone.write(lz.schedule_path("2024-25"), read(SCHEDULE_2024_25))  # 8 games on 2025-03-15
    empty = json.loads(P_BYTES)
    empty["resultSets"][0]["rowSet"] = []
    service = FakeService().script(LOG_URL, ok(json.dumps(empty)))
    with pytest.raises(ScrapeBatchError) as info:
        make_scraper(zone, service, clock).run("nba_stats", DAY)
    assert "2 of 2 requests failed: empty result set on a game day: the schedule lists 8 games on 2025-03-15" in str(
        info.value
    )
    assert not zone.exists(P_PATH) and len(list((zone.root / "_quarantine").rglob("*.reason.txt"))) == 2


def test_a_date_without_games_is_skipped_without_a_request(zone, clock):
    zone.write(lz.schedule_path("2024-25"), read(SCHEDULE_2024_25))
    service = FakeService()
    report = make_scraper(zone, service, clock).run("nba_stats", dt.date(2024, 12, 24))
    assert report.skipped == "no games on 2024-12-24 in the landed schedule" and service.requests == []


def test_rows_of_another_date_are_quarantined(zone, clock):
    service = FakeService().script(LOG_URL, ok(P_BYTES))
    with pytest.raises(QuarantinedResponseError, match=r"rows dated \['2025-03-15'\], expected only 2025-03-16"):
        _stats(zone, service, clock).scrape_leaguegamelog(zone, dt.date(2025, 3, 16), "P")


def test_empty_events_list_on_a_game_day_is_an_error(zone, clock):
    zone.write(lz.schedule_path("2024-25"), read(SCHEDULE_2024_25))
    clock.now_value = dt.datetime(2025, 3, 15, 15, tzinfo=dt.UTC)
    service = FakeService().script(EVENTS, ok(b"[]"))
    with pytest.raises(QuarantinedResponseError, match="empty events list on a game day: the schedule lists 8 games"):
        make_scraper(zone, service, clock).run("odds_api", DAY)


# --- circuit breaker -----------------------------------------------------------------------------------


def test_circuit_breaker_opens_after_n_failures_and_skips_the_host(zone, clock):
    service = FakeService().script(LOG_URL, ok(b"down", 503))
    client = _stats(zone, service, clock, threshold=3, policy=RetryPolicy(attempts=10, initial_wait=1, jitter=0))
    with pytest.raises(CircuitOpenError, match=r"circuit breaker opened for stats.nba.com after 3 consecutive"):
        client.scrape_leaguegamelog(zone, DAY, "P")
    assert service.hits(LOG_URL) == 3  # stopped retrying when the circuit opened

    with pytest.raises(CircuitOpenError, match="request skipped, next try in 300 s"):
        client.scrape_leaguegamelog(zone, DAY, "T")
    assert service.hits(LOG_URL) == 3  # nothing sent while open

    clock.mono += 301  # cool-down over: one trial request goes through and closes the circuit
    service.script(LOG_URL, ok(P_BYTES))
    assert client.scrape_leaguegamelog(zone, DAY, "P").changed and service.hits(LOG_URL) == 4
    assert client.http.breaker.state() == {}


# --- idempotence and kept versions ---------------------------------------------------------------------


def test_rescraping_identical_content_changes_nothing(zone, clock):
    service = FakeService().script(LOG_URL, ok(P_BYTES))
    client = _stats(zone, service, clock)
    assert client.scrape_leaguegamelog(zone, DAY, "P").changed
    before = {p: (zone.root / p).stat().st_mtime_ns for p in _files(zone.root)}
    assert not client.scrape_leaguegamelog(zone, DAY, "P").changed
    assert {p: (zone.root / p).stat().st_mtime_ns for p in _files(zone.root)} == before


def test_rescraping_changed_content_keeps_the_old_version(zone, clock):
    corrected = json.loads(P_BYTES)
    corrected["resultSets"][0]["rowSet"][0][28] += 1  # a stat correction
    corrected = json.dumps(corrected).encode()
    service = FakeService().script(LOG_URL, ok(P_BYTES), ok(corrected))
    client = _stats(zone, service, clock)
    client.scrape_leaguegamelog(zone, DAY, "P")
    assert client.scrape_leaguegamelog(zone, DAY, "P").changed
    assert zone.read_bytes(P_PATH) == corrected
    versions = list((zone.root / "_versions").rglob("leaguegamelog.json.*"))
    assert [v.read_bytes() for v in versions] == [P_BYTES]


# --- the API key never leaks ---------------------------------------------------------------------------


def test_api_key_never_in_logs_files_or_errors(zone, clock, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # httpx's own request lines carry the full URL
    game_day = dt.datetime(2024, 2, 22, 20, tzinfo=dt.UTC)
    clock.now_value = game_day
    event = {"id": "e1", "sport_key": "basketball_nba", "sport_title": "NBA", "commence_time": "2024-02-23T00:00:00Z",
             "home_team": "Cleveland Cavaliers", "away_team": "Orlando Magic"}
    echo = f"<html>bad request apiKey={KEY} from {KEY}</html>".encode()  # an error page echoing the URL
    service = FakeService().script(EVENTS, ok(b"oops", 500), ok(json.dumps([event]), headers={"x-requests-remaining": "9"}))
    service.script("/v4/sports/basketball_nba/events/e1/odds", ok(echo))
    errors = []
    with pytest.raises(QuarantinedResponseError) as info:
        make_scraper(zone, service, clock).run("odds_api", dt.date(2024, 2, 22))
    errors.append(info.value)
    service.script(EVENTS, ok(b"{}", 401))
    with pytest.raises(HTTPStatusError) as info:
        make_scraper(zone, service, clock).run("odds_api", dt.date(2024, 2, 22))
    errors.append(info.value)
    monkeypatch.setenv("ODDS_API_BASE_URL", f"http://127.0.0.1:{free_port()}")  # connection refused
    client = Scraper(zone, policy=RetryPolicy(attempts=1), sleep=clock.sleep).client("odds_api")
    with pytest.raises(RetriesExhaustedError) as info:
        client.scrape_events(zone, dt.date(2024, 2, 22))
    errors.append(info.value)

    assert any(KEY in str(r.url) for r in service.requests)  # it was really sent...
    assert "apiKey=***" in caplog.text and "HTTP Request" in caplog.text
    assert KEY not in caplog.text  # ...and never logged
    for exc in errors:
        assert KEY not in "".join(traceback.format_exception(exc)) and KEY not in repr(exc.report)
    files = _files(zone.root)
    assert any(p.startswith("_quarantine/") for p in files) and files
    assert all(KEY.encode() not in data for data in files.values())
