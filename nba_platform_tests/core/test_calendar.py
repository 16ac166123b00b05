"""The NBA calendar: seasons and weeks."""

import datetime as dt

from nba_platform.core.calendar import season_of, week_start


def test_season_of_dates():
    assert season_of(dt.date(2024, 11, 2)) == "2024-25"
    assert season_of(dt.date(2025, 4, 13)) == "2024-25"
    assert season_of(dt.date(2025, 10, 21)) == "2025-26"


def test_week_starts_on_monday():
    assert week_start(dt.date(2024, 11, 3)) == dt.date(2024, 10, 28)
    assert week_start(dt.date(2024, 11, 4)) == dt.date(2024, 11, 4)
