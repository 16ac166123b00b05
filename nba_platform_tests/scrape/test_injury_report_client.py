"""The injury report scrapers against scripted hosts: edition names, not-yet-published slots, retries
(429 with Retry-After, 5xx, timeouts), a truncated PDF quarantined, balldontlie's key never shown."""

from __future__ import annotations

import datetime as dt
import json
import logging

import httpx
import pytest

from nba_platform.landing import zone as lz
from nba_platform.scrape.errors import (
    HTTPStatusError,
    QuarantinedResponseError,
    RetriesExhaustedError,
    ScrapeError,
)
from nba_platform.scrape.injury_report_client import edition_slots

from ..conftest import FIXTURES
from ..scrape_support import FakeService, Recorder, make_scraper, ok

pytestmark = pytest.mark.usefixtures("scrape_env")

PDF_BYTES = (FIXTURES / "nba_com" / "injury_report_2024-01-04_12PM.pdf").read_bytes()
BDL_PAGE = (FIXTURES / "balldontlie" / "player_injuries_page1.json").read_bytes()
BDL_SMALL = (FIXTURES / "balldontlie" / "player_injuries_small.json").read_bytes()
DAY = dt.date(2024, 1, 4)
ET = dt.timezone(dt.timedelta(hours=-5))  # January: EST


def pdf(status: int = 200, body: bytes = PDF_BYTES, headers: dict | None = None) -> tuple:
    return ("ok", status, {"content-type": "application/pdf", **(headers or {})}, body)


def url(edition: str) -> str:
    return f"/referee/injury/Injury-Report_{edition}.pdf"


@pytest.fixture
def zone(tmp_path):
    return lz.LocalLanding(tmp_path / "landing")


@pytest.fixture
def clock():
    return Recorder(dt.datetime(2024, 1, 4, 13, 10, tzinfo=ET))


def test_edition_slots_hourly_then_every_15_minutes():
    assert edition_slots(DAY, dt.datetime(2024, 1, 4, 13, 10, tzinfo=ET)) == [
        "2024-01-04_12PM", "2024-01-04_11AM", "2024-01-04_10AM", "2024-01-04_09AM"
    ]
    # 13:29 ET: the 1 PM edition is published at 1:30, not yet.
    assert edition_slots(DAY, dt.datetime(2024, 1, 4, 13, 29, tzinfo=ET), limit=1) == ["2024-01-04_12PM"]
    late = dt.date(2025, 12, 31)
    assert edition_slots(late, dt.datetime(2025, 12, 31, 18, 5, tzinfo=ET), limit=3) == [
        "2025-12-31_06_00PM", "2025-12-31_05_45PM", "2025-12-31_05_30PM"
    ]
    # A past day: its last editions.
    assert edition_slots(late, dt.datetime(2026, 1, 2, tzinfo=ET), limit=1) == ["2025-12-31_11_45PM"]


def test_latest_editions_land_and_unpublished_slots_are_noted(zone, clock):
    service = FakeService().script(url("2024-01-04_12PM"), pdf()).script(url("2024-01-04_11AM"), ok(b"denied", 403))
    scraper = make_scraper(zone, service, clock)
    report = scraper.run("nba_injury_report", DAY)
    assert report.landed == ["nba_com/injury_report/2024-01-04/2024-01-04_12PM.pdf"]
    assert zone.read_bytes(report.landed[0]) == PDF_BYTES
    assert "not published: 2024-01-04_11AM, 2024-01-04_10AM, 2024-01-04_09AM" in report.summary()
    assert len(service.requests) == 4
    # Again at the same time: the newest slot is landed, nothing is asked.
    again = make_scraper(zone, service, clock).run("nba_injury_report", DAY)
    assert again.landed == [] and "already landed" in again.summary() and len(service.requests) == 4
    # A future date is not tried.
    assert make_scraper(zone, service, clock).run("nba_injury_report", DAY + dt.timedelta(days=1)).skipped


def test_429_retry_after_5xx_and_timeouts_are_retried(zone, clock):
    service = (
        FakeService()
        .script(url("2024-01-04_12PM"), ok(b"{}", 429, {"Retry-After": "7"}), pdf())
        .script(url("2024-01-04_11AM"), ok(b"oops", 503), ("raise", httpx.ReadTimeout), pdf())
    )
    report = make_scraper(zone, service, clock).run("nba_injury_report", DAY)
    assert sorted(report.landed) == [
        "nba_com/injury_report/2024-01-04/2024-01-04_11AM.pdf", "nba_com/injury_report/2024-01-04/2024-01-04_12PM.pdf"
    ]
    assert clock.sleeps[0] == 7.0 and len(clock.sleeps) == 3


def test_a_host_that_keeps_failing_fails_the_scrape_after_the_others_land(zone, clock):
    service = FakeService().script(url("2024-01-04_12PM"), ok(b"bad gateway", 502)).script(url("2024-01-04_11AM"), pdf())
    with pytest.raises(ScrapeError) as info:
        make_scraper(zone, service, clock).run("nba_injury_report", DAY)
    assert isinstance(info.value.errors[0], RetriesExhaustedError)
    assert "HTTP 502" in info.value.one_line() and "Injury-Report_2024-01-04_12PM.pdf" in info.value.one_line()
    assert info.value.report.landed == ["nba_com/injury_report/2024-01-04/2024-01-04_11AM.pdf"]


def test_a_truncated_pdf_is_quarantined_never_landed(zone, clock):
    service = FakeService().script(url("2024-01-04_12PM"), pdf(body=PDF_BYTES[:20000]))
    client = make_scraper(zone, service, clock).client("nba_injury_report")
    with pytest.raises(QuarantinedResponseError, match="unreadable PDF") as info:
        client.scrape_edition(zone, DAY, "2024-01-04_12PM")
    assert not zone.exists(lz.injury_report_path("2024-01-04", "2024-01-04_12PM"))
    quarantined = zone.root / info.value.quarantined_at
    assert quarantined.read_bytes() == PDF_BYTES[:20000]
    assert "unreadable PDF" in (quarantined.parent / (quarantined.name + ".reason.txt")).read_text()


def test_other_client_errors_are_not_taken_for_unpublished(zone, clock):
    service = FakeService().script(url("2024-01-04_12PM"), ok(b"teapot", 418))
    client = make_scraper(zone, service, clock).client("nba_injury_report")
    with pytest.raises(HTTPStatusError, match="HTTP 418"):
        client.scrape_edition(zone, DAY, "2024-01-04_12PM")


# balldontlie /player_injuries ----------------------------------------------------------------------------

BDL_KEY = "bdl-secret-key-456"


def test_balldontlie_snapshot_pages_land_and_the_key_is_never_shown(zone, monkeypatch, caplog):
    monkeypatch.setenv("BALLDONTLIE_API_KEY", BDL_KEY)
    page1 = json.loads(BDL_PAGE)
    assert page1["meta"]["next_cursor"]

    def second(request: httpx.Request) -> tuple:
        assert request.url.params["cursor"] == str(page1["meta"]["next_cursor"])
        return ok(BDL_SMALL)

    service = FakeService().script("/v1/player_injuries", ok(BDL_PAGE), second)
    clock = Recorder(dt.datetime(2025, 11, 5, 15, 0, 0, 123456, tzinfo=dt.UTC))
    caplog.set_level(logging.DEBUG)
    report = make_scraper(zone, service, clock).run("balldontlie", dt.date(2025, 11, 5))
    assert report.landed == [
        "balldontlie/player_injuries/2025-11-05/20251105T150000Z.json",
        "balldontlie/player_injuries/2025-11-05/20251105T150000Z_p2.json",
    ]
    assert all(r.headers["authorization"] == BDL_KEY for r in service.requests)
    assert BDL_KEY not in caplog.text
    assert all(BDL_KEY.encode() not in p.read_bytes() for p in zone.root.rglob("*") if p.is_file())
    # News has no history: a future date lands no injuries and asks nothing (a past date asks for box scores).
    later = make_scraper(zone, service, clock).run("balldontlie", dt.date(2025, 11, 6))
    assert later.landed == [] and len(service.requests) == 2


def test_balldontlie_refused_page_is_quarantined(zone, monkeypatch):
    monkeypatch.setenv("BALLDONTLIE_API_KEY", BDL_KEY)
    service = FakeService().script("/v1/player_injuries", ok(b"<html>rate limited</html>"))
    clock = Recorder(dt.datetime(2025, 11, 5, 15, 0, tzinfo=dt.UTC))
    with pytest.raises(QuarantinedResponseError, match="not valid JSON"):
        make_scraper(zone, service, clock).run("balldontlie", dt.date(2025, 11, 5))
    assert zone.list(lz.BDL_PLAYER_INJURIES) == []
