"""The NBA calendar in one place: the ET zone of `game_date`, seasons and weeks.

Every table is partitioned by the date of the game on the America/New_York calendar (a 10:30 pm ET
tip is 02:30 UTC the next day and still belongs to the ET date).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = "America/New_York"
ET = ZoneInfo(TIMEZONE)


def season_of(game_date: dt.date) -> str:
    """NBA season label of a date: seasons start in the autumn (2024-11-02 -> '2024-25')."""
    start = game_date.year if game_date.month >= 8 else game_date.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def week_start(day: dt.date) -> dt.date:
    """Monday of the date's week: the `points_model` partition that serves it."""
    return day - dt.timedelta(days=day.weekday())


def dates_in(keys: list[str] | tuple[str, ...]) -> list[dt.date]:
    return [dt.date.fromisoformat(k) for k in keys]


def date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    """Inclusive list of calendar dates."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
