"""The official NBA injury report (ak-static.cms.nba.com): one PDF per edition, several a day.

URL: ``/referee/injury/Injury-Report_<edition>.pdf``. Until 2025-12-22 an edition an hour, named by
the hour (``2024-01-04_12PM``, published at 12:30); since 2025-12-23 one every 15 minutes, named with
the minutes (``2025-12-31_06_00PM``). A scrape tries the latest slots of the ET day up to now (the
whole day for a past date), newest first, lands each edition it finds under
``nba_com/injury_report/<ET date>/<edition>.pdf`` and stops at the first edition already landed
(an edition never changes once published).

The host answers 403 (Akamai) or 404 for an edition that does not exist (not published yet, or no
report that slot): that is "not published", not a failure. A run of silent slots while the league
does publish shows up as the freshness policy of `raw_injury_report` (no new edition in 2 h on a
game day), not as a failed scrape. Each PDF passes the same parser as the raw asset before it lands;
one that does not (truncated, an HTML error page) is quarantined with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from pydantic import Field

from nba_platform.core.calendar import ET
from nba_platform.core.settings import SCRAPER_HOSTS
from nba_platform.landing import zone as lz
from nba_platform.landing.zone import LandingZone
from nba_platform.raw.injury_report import QUARTER_HOURS_SINCE, SOURCE, edition_name, read_injury_report_pdf
from nba_platform.scrape.errors import HTTPStatusError
from nba_platform.scrape.http import DEFAULT_TIMEOUT, SourceHttp
from nba_platform.scrape.land import Landed, land, validate_or_quarantine

BASE_URL_ENV, DEFAULT_BASE_URL = SCRAPER_HOSTS[SOURCE]
PATH = "/referee/injury/Injury-Report_{edition}.pdf"
#: Slots tried per scrape (newest first): an hour of 15-minute editions, or four hourly ones.
MAX_SLOTS = 4
NOT_PUBLISHED = (403, 404)

HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Referer": "https://official.nba.com/",
    "Accept": "application/pdf",
}


def edition_slots(report_date: dt.date, until: dt.datetime, limit: int = MAX_SLOTS) -> list[str]:
    """The editions of ``report_date`` published by ``until``, newest first, at most ``limit``."""
    quarter = report_date >= QUARTER_HOURS_SINCE
    step = dt.timedelta(minutes=15 if quarter else 60)
    # Hourly editions were published at half past the hour they are named by.
    lag = dt.timedelta(0) if quarter else dt.timedelta(minutes=30)
    slot = dt.datetime.combine(report_date, dt.time(0), tzinfo=ET)
    end = min(until.astimezone(ET), slot + dt.timedelta(days=1) - dt.timedelta(seconds=1))
    slots = []
    while slot + lag <= end:
        slots.append(edition_name(slot, quarter_hours=quarter))
        slot += step
    return slots[::-1][:limit]


class InjuryReportClient:
    source = SOURCE

    def __init__(self, http: SourceHttp):
        self.http = http

    def scrape_edition(self, zone: LandingZone, report_date: dt.date, edition: str) -> Landed | None:
        """Fetch, validate and land one edition; None when the host has none under that name."""
        day = report_date.isoformat()
        relpath = lz.injury_report_path(day, edition)
        try:
            response = self.http.get(PATH.format(edition=edition), game_date=day)
        except HTTPStatusError as exc:
            if exc.status in NOT_PUBLISHED:
                self.http.log.debug(f"{SOURCE} {edition}: not published (HTTP {exc.status})")
                return None
            raise
        url = self.http.redacted(response.request.url)
        validate_or_quarantine(
            zone, relpath, response.content, read_injury_report_pdf,
            source=SOURCE, url=url, game_date=day, logger=self.http.log,
        )
        return land(zone, relpath, response.content, logger=self.http.log)

    def slots_to_try(self, zone: LandingZone, report_date: dt.date, now: dt.datetime) -> list[str]:
        """The latest slots up to ``now``, newest first, down to the first edition already landed."""
        todo = []
        for edition in edition_slots(report_date, now):
            if zone.exists(lz.injury_report_path(report_date.isoformat(), edition)):
                break
            todo.append(edition)
        return todo


class InjuryReportResource(dg.ConfigurableResource):
    """The official injury report host as a Dagster resource; `client` builds the client."""

    base_url: str = Field(
        default=DEFAULT_BASE_URL, description=f"ak-static.cms.nba.com, or a stand-in from {BASE_URL_ENV} (tests)"
    )

    def client(self, **http_kwargs: Any) -> InjuryReportClient:
        http_kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return InjuryReportClient(SourceHttp(SOURCE, self.base_url, headers=HEADERS, **http_kwargs))
