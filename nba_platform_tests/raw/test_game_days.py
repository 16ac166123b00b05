"""Which games are on a date: the one rule, and the landed schedule read once per file version."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from nba_platform.landing import zone as lz
from nba_platform.raw import game_days
from nba_platform.raw.game_days import COUNTED_GAME_TYPES, games_on, landed_schedule
from nba_platform.raw.parsing import SourceParseError

from ..conftest import REAL_LANDING

D = dt.date(2025, 10, 21)
SCHEDULE = pl.DataFrame(
    {
        "game_id": ["1", "2", "3", "4", "5"],
        "game_date": [D, D, D, D, D + dt.timedelta(days=1)],
        "season_type": ["Regular Season", "Regular Season", "Preseason", "NBA Cup", "Regular Season"],
        "game_status_text": ["7:30 pm ET", "PPD", "Final", "Postponed", "Final"],
    }
)


def test_games_on_leaves_out_postponed_games_and_other_dates():
    assert games_on(SCHEDULE, D)["game_id"].to_list() == ["1", "3"]
    assert games_on(SCHEDULE, D, COUNTED_GAME_TYPES)["game_id"].to_list() == ["1"]  # preseason does not count
    assert games_on(SCHEDULE, D - dt.timedelta(days=1)).is_empty()


def test_landed_schedule_is_parsed_once_per_file_version(tmp_path, monkeypatch):
    zone = lz.LocalLanding(tmp_path)
    assert landed_schedule(zone, "2025-26") is None
    rel = lz.schedule_path("2025-26")
    zone.write(rel, (REAL_LANDING / rel).read_bytes())
    parses = []
    real_parse = game_days.parse_schedule
    monkeypatch.setattr(game_days, "parse_schedule", lambda data, where: parses.append(where) or real_parse(data, where))
    cache: dict = {}
    first = landed_schedule(zone, "2025-26", cache)
    assert landed_schedule(zone, "2025-26", cache) is first and parses == [rel]
    assert games_on(first, D)["game_id"].to_list() == ["0022500001", "0022500002"]  # opening night

    zone.write(rel, b"<html>blocked</html>")  # a new version that does not parse
    with pytest.raises(SourceParseError):
        landed_schedule(zone, "2025-26", cache)
    assert parses == [rel, rel]
