"""The first week of a season: its line calibration is learned on the last weeks that had lines."""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform.predictions.training import VALID_DAYS, _split


def _labeled(dates: list[dt.date], lined_until: dt.date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "game_date": dates,
            "points_line": [15.5 if d <= lined_until else None for d in dates],
        }
    )


def test_first_week_holds_out_the_last_lined_days():
    last_season = [dt.date(2024, 10, 22) + dt.timedelta(days=i) for i in range(170)]  # to 2025-04-09
    week = dt.date(2025, 10, 20)  # opening week: the 28 days before it are the off-season
    train, valid = _split(_labeled(last_season, last_season[-1]), week)
    assert valid["game_date"].max() == last_season[-1]
    assert valid["game_date"].min() == last_season[-1] + dt.timedelta(days=1) - dt.timedelta(days=VALID_DAYS)
    assert valid["points_line"].is_not_null().all() and train["game_date"].max() < valid["game_date"].min()


def test_mid_season_week_keeps_the_days_just_before_it():
    dates = [dt.date(2024, 10, 22) + dt.timedelta(days=i) for i in range(100)]
    week = dates[-1] + dt.timedelta(days=1)
    _, valid = _split(_labeled(dates, dates[-1]), week)
    assert valid["game_date"].min() == week - dt.timedelta(days=VALID_DAYS)
    # No lines at all (the offline replay's history): nothing to carry, the usual window.
    _, valid = _split(_labeled(dates, dt.date(2000, 1, 1)), week)
    assert valid["game_date"].max() == dates[-1]


def test_first_week_without_any_lines_holds_out_the_last_games():
    """The offline replay: last season has no lines; the opening week still gets a held-out window (the
    last days of last season), never an empty one."""
    last_season = [dt.date(2024, 10, 22) + dt.timedelta(days=i) for i in range(170)]
    train, valid = _split(_labeled(last_season, dt.date(2000, 1, 1)), dt.date(2025, 10, 20))
    assert valid.height == VALID_DAYS and valid["game_date"].max() == last_season[-1]
    assert train.height == len(last_season) - VALID_DAYS
